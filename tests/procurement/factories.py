"""Obviously synthetic procurement records for tests, made straight in the database.

``need_at`` puts a need at any status with the data every step needs (items with contracted
values, a supplier and a contract, and, when ``complete``, full deliveries and hand-overs), so
that a test can ask the status machine about one move at a time.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from bomca.procurement.models import (
    Delivery,
    HandOver,
    HandOverLine,
    Horizon,
    NeedStatus,
    Procedure,
    ProcurementItem,
    ProcurementLot,
    ProcurementNeed,
    StatusChange,
)
from bomca.reference.models import Country, Programme
from tests.factories import CountryFactory, OrganisationFactory, ProgrammeFactory

#: The day synthetic needs reach their current status; moves in tests are dated after it.
SINCE = date(2023, 3, 1)
#: PDF, JPEG and PNG files as their first bytes show them.
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class NeedFactory(factory.django.DjangoModelFactory):
    """A mid-term need in the programme's first country, at *identified*, with its contract
    already filled in (so that the data never stands in the way of a move under test)."""

    class Meta:
        model = ProcurementNeed
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"PR-XX-2023-{n + 100:03d}")
    country = factory.LazyAttribute(lambda need: need.programme.countries.first())
    beneficiary = factory.LazyAttribute(lambda need: OrganisationFactory(country=need.country))
    horizon = Horizon.MID_TERM
    title_en = factory.Sequence(lambda n: f"Synthetic equipment {n}")
    justification = "A synthetic need for tests."
    procedure = Procedure.OPEN_TENDER
    supplier_name = "Synthetic supplier"
    contract_reference = "SYN/2023/001"
    contract_date = SINCE
    status = NeedStatus.IDENTIFIED
    status_date = SINCE

    @factory.post_generation
    def first_step(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            StatusChange.objects.create(
                need=self, from_status="", to_status=NeedStatus.IDENTIFIED, date=SINCE
            )


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcurementLot

    need = factory.SubFactory(NeedFactory)
    number = 1
    title = "Synthetic lot"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcurementItem

    lot = factory.SubFactory(LotFactory)
    description = factory.Sequence(lambda n: f"Synthetic device {n}")
    quantity = Decimal(10)
    unit = "pcs"
    estimated_value = Decimal("1000.00")
    contracted_value = Decimal("900.00")
    currency = "EUR"


def deliver(item: ProcurementItem, quantity: Decimal | int, day: date = SINCE) -> Delivery:
    return Delivery.objects.create(item=item, quantity=Decimal(quantity), date=day)


def hand_over(
    need: ProcurementNeed, lines: list[tuple[ProcurementItem, Decimal | int]], day: date = SINCE
) -> HandOver:
    record = HandOver.objects.create(
        need=need, receiving_organisation=need.beneficiary, place="Synthetic town", date=day
    )
    for item, quantity in lines:
        HandOverLine.objects.create(hand_over=record, item=item, quantity=Decimal(quantity))
    return record


def need_at(
    status: str,
    *,
    held_at: str = "",
    programme: Programme | None = None,
    complete: bool = True,
    **fields: Any,
) -> ProcurementNeed:
    """A need at ``status`` (on hold: held at ``held_at``), with one item of 10 and, when
    ``complete``, all of it delivered and handed over."""
    if programme is not None:
        fields["programme"] = programme
    need = NeedFactory(**fields)
    item = ItemFactory(lot__need=need)
    if complete:
        deliver(item, 10)
        hand_over(need, [(item, 10)])
    ProcurementNeed.objects.filter(pk=need.pk).update(
        status=status, held_at=held_at if status == NeedStatus.ON_HOLD else ""
    )
    need.refresh_from_db()
    return need


def two_countries() -> tuple[Programme, Country, Country]:
    """A programme of two synthetic countries."""
    first, second = CountryFactory(), CountryFactory()
    return ProgrammeFactory(countries=[first, second]), first, second
