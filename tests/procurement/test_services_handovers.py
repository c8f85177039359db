"""Deliveries and hand-overs: partial ones, their limits, the certificate check, and the moves
that completing them makes by itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from bomca.core.errors import ApplicationError
from bomca.procurement.models import Delivery, HandOver, NeedStatus, ProcurementNeed
from bomca.procurement.services import (
    HandOverLineInput,
    certificate_check,
    delivery_record,
    hand_over_record,
)
from tests.factories import OrganisationFactory
from tests.procurement.factories import JPEG, PDF, PNG, ItemFactory, deliver, need_at

S = NeedStatus


@pytest.fixture
def contracted(db) -> ProcurementNeed:
    """A contracted need (since 1 March 2023) with two items: 10 devices and 4 masts."""
    need = need_at(S.CONTRACTED, complete=False)
    ItemFactory(lot=need.lots.get(), description="Synthetic mast", quantity=Decimal(4))
    return need


def _items(need: ProcurementNeed):
    device, mast = need.lots.get().items.order_by("pk")
    return device, mast


def _status(need: ProcurementNeed) -> str:
    need.refresh_from_db()
    return need.status


def _hand(need, lines, *, on=date(2023, 6, 1), certificate=None, **options) -> HandOver:
    return hand_over_record(
        need=need,
        receiving_organisation=options.pop("organisation", need.beneficiary),
        place="Synthetic town",
        on=on,
        lines=[
            HandOverLineInput(item=item, quantity=Decimal(quantity)) for item, quantity in lines
        ],
        certificate=certificate,
        **options,
    )


# Deliveries


def test_deliveries_may_be_partial(contracted):
    device, _mast = _items(contracted)

    delivery_record(item=device, quantity=Decimal(4), on=date(2023, 5, 1))
    delivery_record(item=device, quantity=Decimal(5), on=date(2023, 5, 2))

    assert sum(d.quantity for d in Delivery.objects.filter(item=device)) == 9
    assert _status(contracted) == S.CONTRACTED


def test_never_more_is_delivered_than_was_ordered(contracted):
    device, _mast = _items(contracted)
    delivery_record(item=device, quantity=Decimal(8), on=date(2023, 5, 1))

    with pytest.raises(ValidationError) as refused:
        delivery_record(item=device, quantity=Decimal(3), on=date(2023, 5, 2))

    assert refused.value.message_dict["quantity"] == [
        f"2 pcs of {device.description} remain to be delivered; 3 is more than that."
    ]
    assert Delivery.objects.filter(item=device).count() == 1


def test_a_delivery_of_nothing_is_refused(contracted):
    device, _mast = _items(contracted)

    with pytest.raises(ValidationError, match="more than zero"):
        delivery_record(item=device, quantity=Decimal(0), on=date(2023, 5, 1))


def test_a_delivery_before_the_need_was_contracted_is_refused(contracted):
    device, _mast = _items(contracted)

    with pytest.raises(ValidationError, match="before the need was contracted"):
        delivery_record(item=device, quantity=Decimal(1), on=date(2023, 2, 1))


@pytest.mark.parametrize("status", [S.EVALUATED, S.ON_HOLD, S.CANCELLED])
def test_deliveries_are_recorded_for_contracted_needs_only(db, status):
    need = need_at(status, held_at=S.CONTRACTED, complete=False)

    with pytest.raises(ApplicationError, match="Deliveries are recorded for a contracted need"):
        delivery_record(item=need.lots.get().items.get(), quantity=Decimal(1), on=date(2023, 5, 1))


def test_the_last_delivery_moves_the_need_to_delivered_on_its_date(contracted):
    device, mast = _items(contracted)
    delivery_record(item=mast, quantity=Decimal(4), on=date(2023, 5, 20))

    # Recorded by someone working in Russian: the system's note is still stored in English.
    with translation.override("ru"):
        delivery_record(item=device, quantity=Decimal(10), on=date(2023, 5, 10))

    contracted.refresh_from_db()
    assert (contracted.status, contracted.status_date) == (S.DELIVERED, date(2023, 5, 20))
    step = contracted.status_changes.order_by("pk").last()
    assert (step.from_status, step.to_status, step.note) == (
        S.CONTRACTED,
        S.DELIVERED,
        "Every item delivered in full.",
    )


# Hand-overs


def test_hand_overs_may_be_partial_and_follow_what_was_delivered(contracted):
    device, _mast = _items(contracted)
    delivery_record(item=device, quantity=Decimal(6), on=date(2023, 5, 1))

    _hand(contracted, [(device, 2)], on=date(2023, 5, 2))
    _hand(contracted, [(device, 4)], on=date(2023, 5, 3))

    assert HandOver.objects.filter(need=contracted).count() == 2
    assert _status(contracted) == S.CONTRACTED


def test_never_more_is_handed_over_than_was_delivered(contracted):
    device, _mast = _items(contracted)
    delivery_record(item=device, quantity=Decimal(6), on=date(2023, 5, 1))
    _hand(contracted, [(device, 5)], on=date(2023, 5, 2))

    with pytest.raises(ValidationError) as refused:
        _hand(contracted, [(device, 2)], on=date(2023, 5, 3))

    assert refused.value.messages == [
        f"{device.description}: 1 pcs delivered and not yet handed over by 3 May 2023; "
        "2 is more than that."
    ]
    assert HandOver.objects.filter(need=contracted).count() == 1


def test_what_arrives_after_a_hand_over_cannot_be_handed_over_on_its_day(contracted):
    device, _mast = _items(contracted)
    delivery_record(item=device, quantity=Decimal(3), on=date(2023, 5, 1))
    delivery_record(item=device, quantity=Decimal(3), on=date(2023, 5, 10))

    with pytest.raises(ValidationError, match="3 pcs delivered and not yet handed over by 5 May"):
        _hand(contracted, [(device, 5)], on=date(2023, 5, 5))


def test_a_back_dated_hand_over_cannot_take_what_a_later_one_needed(contracted):
    device, _mast = _items(contracted)
    delivery_record(item=device, quantity=Decimal(5), on=date(2023, 5, 1))
    _hand(contracted, [(device, 5)], on=date(2023, 5, 3))

    # On 2 May five had arrived and none was handed over, but the five of 3 May need them all.
    with pytest.raises(ValidationError, match="by 3 May 2023"):
        _hand(contracted, [(device, 5)], on=date(2023, 5, 2))


def test_a_hand_over_names_at_least_one_item_once(contracted):
    device, _mast = _items(contracted)
    deliver(device, 5)

    with pytest.raises(ValidationError, match="at least one item"):
        _hand(contracted, [])
    with pytest.raises(ValidationError, match="once per hand-over"):
        _hand(contracted, [(device, 1), (device, 1)])


def test_a_hand_over_goes_to_an_organisation_of_the_needs_country(contracted):
    device, _mast = _items(contracted)
    deliver(device, 5)
    abroad = OrganisationFactory()

    with pytest.raises(ValidationError, match="must be of the need's country"):
        _hand(contracted, [(device, 1)], organisation=abroad)


def test_an_item_of_another_need_is_not_handed_over_here(contracted):
    other = need_at(S.CONTRACTED)

    with pytest.raises(ValidationError, match="another need"):
        _hand(contracted, [(other.lots.get().items.get(), 1)])


@pytest.mark.parametrize("status", [S.TENDERED, S.HANDED_OVER, S.CANCELLED])
def test_hand_overs_are_recorded_for_contracted_or_delivered_needs_only(db, status):
    need = need_at(status)

    with pytest.raises(ApplicationError, match="Hand-overs are recorded for a contracted"):
        _hand(need, [(need.lots.get().items.get(), 1)])


def test_the_last_hand_over_moves_the_need_to_handed_over_on_the_latest_date(contracted):
    device, mast = _items(contracted)
    delivery_record(item=device, quantity=Decimal(10), on=date(2023, 5, 1))
    delivery_record(item=mast, quantity=Decimal(4), on=date(2023, 5, 8))
    _hand(contracted, [(mast, 4)], on=date(2023, 5, 9))
    assert _status(contracted) == S.DELIVERED

    _hand(contracted, [(device, 10)], on=date(2023, 5, 5))

    contracted.refresh_from_db()
    assert (contracted.status, contracted.status_date) == (S.HANDED_OVER, date(2023, 5, 9))
    steps = list(contracted.status_changes.order_by("pk").values_list("to_status", "date"))
    assert steps[-2:] == [(S.DELIVERED, date(2023, 5, 8)), (S.HANDED_OVER, date(2023, 5, 9))]


# Certificates


@pytest.mark.parametrize(("content", "suffix"), [(PDF, ".pdf"), (JPEG, ".jpg"), (PNG, ".png")])
def test_a_certificate_is_known_by_its_content(content, suffix):
    assert certificate_check(SimpleUploadedFile("scan.bin", content)) == suffix


def test_a_renamed_file_that_is_no_pdf_is_refused():
    spreadsheet = SimpleUploadedFile("certificate.pdf", b"PK\x03\x04" + b"\x00" * 40)

    with pytest.raises(ValidationError) as refused:
        certificate_check(spreadsheet)

    assert refused.value.message_dict["certificate"] == [
        "The certificate must be a PDF, JPEG or PNG file; this file is none of them."
    ]


def test_a_certificate_over_10_mb_is_refused():
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024))

    with pytest.raises(ValidationError, match="larger than 10 MB"):
        certificate_check(big)


def test_the_certificate_is_stored_under_a_random_name_of_its_real_type(contracted, settings):
    device, _mast = _items(contracted)
    deliver(device, 10)

    record = _hand(
        contracted, [(device, 2)], certificate=SimpleUploadedFile("Акт передачи.PNG", PDF)
    )

    name = record.certificate.name
    assert name.startswith("procurement/certificates/")
    assert name.endswith(".pdf")
    assert record.certificate_name == "Акт передачи.PNG"
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == PDF


def test_a_refused_hand_over_leaves_no_file_behind(contracted, settings):
    device, _mast = _items(contracted)
    deliver(device, 1)

    with pytest.raises(ValidationError):
        _hand(contracted, [(device, 2)], certificate=SimpleUploadedFile("scan.pdf", PDF))

    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert not HandOver.objects.exists()
