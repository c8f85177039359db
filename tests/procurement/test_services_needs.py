"""Recording and changing needs, their lots and items; what each step needs of the record; and
saves made from an older version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bomca.core.errors import ApplicationError
from bomca.core.records import StaleRecord
from bomca.procurement.models import NeedStatus, ProcurementItem, ProcurementNeed, StatusChange
from bomca.procurement.services import (
    ItemInput,
    LotInput,
    TransitionRefused,
    need_create,
    need_move,
    need_update,
)
from tests.factories import OrganisationFactory
from tests.procurement.factories import ItemFactory, NeedFactory, deliver, need_at, two_countries

S = NeedStatus
DAY = date(2023, 6, 1)


def _data(country, beneficiary, **changes):
    data = {
        "country": country,
        "beneficiary": beneficiary,
        "component": None,
        "horizon": "short_term",
        "priority": "high",
        "title_en": "Synthetic radios",
        "title_ru": "",
        "justification": "The agency needs radios.",
        "procedure": "",
        "supplier_name": "",
        "supplier_country": "",
        "contract_reference": "",
        "contract_date": None,
        "planned_delivery_date": None,
    }
    return {**data, **changes}


def _item(**changes) -> ItemInput:
    fields = {
        "lot": 1,
        "description": "Synthetic radio",
        "quantity": Decimal(5),
        "unit": "pcs",
        "estimated_value": Decimal("500.00"),
        "currency": "EUR",
    }
    return ItemInput(**{**fields, **changes})


@pytest.fixture
def place(db):
    programme, first, _second = two_countries()
    return programme, first, OrganisationFactory(country=first)


# Recording a need


def test_a_new_need_gets_a_reference_from_its_country_and_year(place):
    programme, country, agency = place

    need = need_create(
        programme=programme,
        data=_data(country, agency),
        lots=[LotInput(number=1, title="Radios")],
        items=[_item()],
        identified_on=date(2023, 4, 3),
    )

    assert need.reference == f"PR-{country.code}-2023-001"
    assert (need.status, need.status_date, need.version) == (S.IDENTIFIED, date(2023, 4, 3), 1)
    step = need.status_changes.get()
    assert (step.from_status, step.to_status, step.date) == ("", S.IDENTIFIED, date(2023, 4, 3))
    assert need.lots.get().items.get().description == "Synthetic radio"


def test_references_run_on_within_the_year_across_countries(place):
    programme, country, agency = place
    NeedFactory(programme=programme, reference="PR-ZZ-2023-007")

    need = need_create(
        programme=programme, data=_data(country, agency), identified_on=date(2023, 4, 3)
    )
    earlier = need_create(
        programme=programme, data=_data(country, agency), identified_on=date(2022, 12, 1)
    )

    assert need.reference == f"PR-{country.code}-2023-008"
    assert earlier.reference == f"PR-{country.code}-2022-001"


def test_the_beneficiary_must_be_of_the_needs_country(place):
    programme, country, _agency = place
    other = OrganisationFactory(country=programme.countries.exclude(pk=country.pk).get())

    with pytest.raises(ValidationError) as refused:
        need_create(programme=programme, data=_data(country, other), identified_on=DAY)

    assert "beneficiary" in refused.value.message_dict
    assert not ProcurementNeed.objects.exists()


def test_a_need_cannot_be_identified_in_the_future(place):
    programme, country, agency = place

    with pytest.raises(ValidationError, match="in the future"):
        need_create(
            programme=programme, data=_data(country, agency), identified_on=date(2999, 1, 1)
        )


def test_an_item_must_name_a_lot_of_the_need(place):
    programme, country, agency = place

    with pytest.raises(ValidationError, match="names lot 2"):
        need_create(
            programme=programme,
            data=_data(country, agency),
            lots=[LotInput(number=1, title="Radios")],
            items=[_item(lot=2)],
            identified_on=DAY,
        )

    assert not ProcurementNeed.objects.exists()


# What each step needs of the record


def test_specifying_needs_at_least_one_item(place):
    programme, country, agency = place
    need = need_create(programme=programme, data=_data(country, agency), identified_on=DAY)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.SPECIFIED, on=DAY)

    assert refused.value.message.endswith(
        "from Identified to Specified: it has no items yet; "
        "add the lots and items on the edit page."
    )


def test_tendering_needs_the_procedure(db):
    need = need_at(S.SPECIFIED, procedure="")

    with pytest.raises(TransitionRefused, match="the procedure is not recorded"):
        need_move(need=need, to=S.TENDERED, on=DAY)


def test_contracting_needs_the_supplier_the_contract_and_every_contracted_value(db):
    need = need_at(S.EVALUATED, supplier_name="", contract_reference="", contract_date=None)
    ItemFactory(lot=need.lots.get(), description="Synthetic antenna", contracted_value=None)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.CONTRACTED, on=DAY)

    assert refused.value.message.endswith(
        "the supplier is not recorded. the contract reference and date are not recorded. "
        "no contracted value for: Synthetic antenna."
    )


def test_the_contract_cannot_be_dated_after_the_step(db):
    need = need_at(S.EVALUATED, contract_date=date(2023, 6, 2))

    with pytest.raises(TransitionRefused, match="the contract date 2 June 2023 is after"):
        need_move(need=need, to=S.CONTRACTED, on=DAY)


def test_delivered_needs_every_item_in_full(db):
    need = need_at(S.CONTRACTED, complete=False)
    deliver(need.lots.get().items.get(), 9)

    with pytest.raises(TransitionRefused, match="not delivered in full: Synthetic device"):
        need_move(need=need, to=S.DELIVERED, on=DAY)


def test_handed_over_needs_every_item_handed_over_in_full(db):
    need = need_at(S.DELIVERED, complete=False)
    deliver(need.lots.get().items.get(), 10)

    with pytest.raises(TransitionRefused, match="not handed over in full: Synthetic device"):
        need_move(need=need, to=S.HANDED_OVER, on=DAY)


# Changing a need


def test_an_edit_changes_the_need_and_raises_its_version(db):
    need = need_at(S.TENDERED)

    need_update(need=need, data={"title_en": "Synthetic sensors"}, expected_version=1)

    need.refresh_from_db()
    assert (need.title_en, need.version, need.status) == ("Synthetic sensors", 2, S.TENDERED)


def test_an_edit_from_an_older_version_is_refused_and_changes_nothing(db):
    need = need_at(S.TENDERED)
    need_update(
        need=ProcurementNeed.objects.get(pk=need.pk), data={"title_en": "First"}, expected_version=1
    )

    with pytest.raises(StaleRecord) as refused:
        need_update(need=need, data={"title_en": "Second"}, expected_version=1)

    assert "your copy is version 1, the record is now at version 2" in refused.value.message
    need.refresh_from_db()
    assert (need.title_en, need.version) == ("First", 2)


def test_a_move_from_an_older_version_is_refused_and_changes_nothing(db):
    need = need_at(S.TENDERED)
    need_update(
        need=ProcurementNeed.objects.get(pk=need.pk), data={"title_en": "First"}, expected_version=1
    )

    with pytest.raises(StaleRecord):
        need_move(need=need, to=S.EVALUATED, on=DAY, expected_version=1)

    need.refresh_from_db()
    assert (need.status, need.version) == (S.TENDERED, 2)
    assert not StatusChange.objects.filter(need=need, to_status=S.EVALUATED).exists()


@pytest.mark.parametrize("closed", [S.HANDED_OVER, S.CANCELLED])
def test_a_closed_need_is_not_changed(db, closed):
    need = need_at(closed)

    with pytest.raises(ApplicationError, match="closed; it is no longer changed"):
        need_update(need=need, data={"title_en": "Changed"}, expected_version=need.version)

    need.refresh_from_db()
    assert need.title_en != "Changed"


def test_an_edit_cannot_take_away_what_a_passed_step_needs(db):
    need = need_at(S.CONTRACTED)

    with pytest.raises(ApplicationError) as refused:
        need_update(need=need, data={"supplier_name": ""}, expected_version=need.version)

    assert refused.value.message == (
        f"{need.reference} is Contracted, so this change cannot be saved: "
        "the supplier is not recorded."
    )
    need.refresh_from_db()
    assert (need.supplier_name, need.version) == ("Synthetic supplier", 1)


def test_a_need_on_hold_keeps_what_the_step_it_was_held_at_needs(db):
    need = need_at(S.ON_HOLD, held_at=S.TENDERED)

    with pytest.raises(ApplicationError, match="is Tendered, so this change cannot be saved"):
        need_update(need=need, data={"procedure": ""}, expected_version=need.version)


def _rows(need: ProcurementNeed) -> list[ItemInput]:
    return [
        ItemInput(
            pk=item.pk,
            lot=item.lot.number,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            estimated_value=item.estimated_value,
            contracted_value=item.contracted_value,
            currency=item.currency,
        )
        for item in ProcurementItem.objects.filter(lot__need=need).select_related("lot")
    ]


def test_items_are_added_changed_and_removed_by_the_edit(db):
    need = need_at(S.SPECIFIED, complete=False)
    kept = _rows(need)[0]
    ItemFactory(lot=need.lots.get(), description="To be removed")

    need_update(
        need=need,
        data={},
        lots=[LotInput(number=1, title="Synthetic lot"), LotInput(number=2, title="Spares")],
        items=[
            ItemInput(**{**kept.__dict__, "quantity": Decimal(12)}),
            _item(lot=2, description="Synthetic spare battery"),
        ],
        expected_version=1,
    )

    items = ProcurementItem.objects.filter(lot__need=need).order_by("pk")
    assert [(item.lot.number, item.description, item.quantity) for item in items] == [
        (1, kept.description, Decimal(12)),
        (2, "Synthetic spare battery", Decimal(5)),
    ]


def test_an_item_with_deliveries_cannot_be_removed(db):
    need = need_at(S.CONTRACTED, complete=False)
    deliver(need.lots.get().items.get(), 2)

    with pytest.raises(ValidationError, match="has deliveries or hand-overs"):
        need_update(
            need=need,
            data={},
            lots=[LotInput(number=1, title="Synthetic lot")],
            items=[],
            expected_version=1,
        )

    assert ProcurementItem.objects.filter(lot__need=need).count() == 1


def test_an_item_cannot_be_made_smaller_than_what_was_delivered(db):
    need = need_at(S.CONTRACTED, complete=False)
    deliver(need.lots.get().items.get(), 6)
    row = _rows(need)[0]

    with pytest.raises(ValidationError, match="6 already delivered"):
        need_update(
            need=need,
            data={},
            lots=[LotInput(number=1, title="Synthetic lot")],
            items=[ItemInput(**{**row.__dict__, "quantity": Decimal(5)})],
            expected_version=1,
        )


def test_an_item_of_another_need_cannot_be_changed_through_this_one(db):
    need, other = need_at(S.SPECIFIED, complete=False), need_at(S.SPECIFIED, complete=False)
    foreign = _rows(other)[0]

    with pytest.raises(ValidationError, match="another need"):
        need_update(
            need=need,
            data={},
            lots=[LotInput(number=1, title="Synthetic lot")],
            items=[foreign],
            expected_version=1,
        )
