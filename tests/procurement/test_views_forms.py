"""The forms of procurement: recording and editing a need, moving it, recording deliveries and
hand-overs; what each refuses and that a refusal changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bomca.accounts.models import User
from bomca.procurement.models import Delivery, HandOver, NeedStatus, ProcurementNeed
from bomca.reference.models import Country, Organisation, Programme
from tests.pages import Element, page
from tests.procurement.factories import PDF, SINCE, ItemFactory, deliver, need_at
from tests.procurement.transition_cases import ALLOWED, REFUSED, Case

S = NeedStatus
STALE = "Someone else saved this record after you opened it"


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _alert(response) -> str:
    return page(response).by_id("form-errors").text


def _rows(prefix: str, rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def _need_fields(**changes: Any) -> dict[str, str]:
    fields = {
        "country": str(Country.objects.get(code="KG").pk),
        "beneficiary": str(Organisation.objects.get(code="KG-CUSTOMS").pk),
        "component": "",
        "horizon": "short_term",
        "priority": "high",
        "title_en": "Synthetic handheld radios",
        "title_ru": "",
        "justification": "Synthetic: the customs post has no radios.",
        "procedure": "low_value",
        "supplier_name": "",
        "supplier_country": "",
        "contract_reference": "",
        "contract_date": "",
        "planned_delivery_date": "2023-09-01",
        "identified_on": "2023-07-03",
    }
    return {**fields, **changes}


ITEM = {
    "id": "",
    "lot": "1",
    "description": "Synthetic handheld radio",
    "quantity": "6",
    "unit": "pcs",
    "estimated_value": "1800.00",
    "contracted_value": "",
    "currency": "KGS",
    "planned_delivery_date": "",
}


# Recording a need


def test_the_procurement_officer_records_a_need_with_its_lots_and_items(client, personas):
    data = {
        **_need_fields(),
        **_rows("lots", [{"number": "1", "title": "Radios"}]),
        **_rows("items", [ITEM, {**ITEM, "description": "Synthetic charger", "currency": "EUR"}]),
    }

    response = _as(client, personas["proc"]).post("/procurement/new/", data)

    need = ProcurementNeed.objects.get(title_en="Synthetic handheld radios")
    assert response.status_code == 302
    assert response["Location"] == f"/procurement/{need.reference}/"
    assert need.reference == "PR-KG-2023-007"
    assert sorted(need.lots.get().items.values_list("currency", flat=True)) == ["EUR", "KGS"]
    assert need.status_changes.get().by == personas["proc"]


@pytest.mark.parametrize("persona", ["tjcoord", "me", "donor", "grants"])
def test_only_those_who_manage_procurement_may_record_a_need(client, personas, persona):
    before = ProcurementNeed.objects.count()
    data = {**_need_fields(), **_rows("lots", []), **_rows("items", [])}

    response = _as(client, personas[persona]).post("/procurement/new/", data)

    assert response.status_code == 403
    assert ProcurementNeed.objects.count() == before


def test_a_need_with_a_beneficiary_of_another_country_is_refused(alice_client, bomca10):
    before = ProcurementNeed.objects.count()
    tajik = str(Organisation.objects.get(code="TJ-BORDER").pk)
    data = {**_need_fields(beneficiary=tajik), **_rows("lots", []), **_rows("items", [])}

    response = alice_client.post("/procurement/new/", data)

    assert response.status_code == 422
    assert "must be of the need's country" in page(response).text
    assert ProcurementNeed.objects.count() == before


# Editing, two people at once


def _edit_data(response) -> dict[str, Any]:
    """What the browser posts back when the person saves the rendered edit form unchanged."""
    context = response.context
    data: dict[str, Any] = {}
    for form in [context["form"], *context["lots"], *context["items"]]:
        for bound in form:
            value = bound.value()
            if value not in (None, False):
                data[bound.html_name] = str(value)
    for formset in (context["lots"], context["items"]):
        for bound in formset.management_form:
            data[bound.html_name] = str(bound.value())
    return data


def test_the_second_of_two_edits_made_from_the_same_version_is_refused(client, personas):
    reference = "PR-KG-2023-002"
    version = ProcurementNeed.objects.get(reference=reference).version
    officer = _as(client, personas["proc"])
    other = Client()
    other.force_login(personas["pm"])
    first = _edit_data(officer.get(f"/procurement/{reference}/edit/"))
    second = _edit_data(other.get(f"/procurement/{reference}/edit/"))

    first["title_en"] = "Thermal binoculars (first edit)"
    second["title_en"] = "Thermal binoculars (second edit)"
    second["items-0-quantity"] = "20"
    saved = officer.post(f"/procurement/{reference}/edit/", first)
    refused = other.post(f"/procurement/{reference}/edit/", second)

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert STALE in _alert(refused)
    need = ProcurementNeed.objects.get(reference=reference)
    assert (need.title_en, need.version) == ("Thermal binoculars (first edit)", version + 1)
    assert need.lots.get().items.get().quantity == Decimal(12)


def test_an_edit_saved_again_unchanged_keeps_the_items(alice_client, bomca10):
    reference = "PR-TM-2023-001"
    version = ProcurementNeed.objects.get(reference=reference).version
    data = _edit_data(alice_client.get(f"/procurement/{reference}/edit/"))

    response = alice_client.post(f"/procurement/{reference}/edit/", data)

    assert response.status_code == 302
    need = ProcurementNeed.objects.get(reference=reference)
    assert need.version == version + 1
    assert need.lots.count() == 2
    assert sorted(need.lots.values_list("items__description", flat=True)) == [
        "Passport and ID card reader",
        "Video spectral comparator",
    ]


def test_a_closed_need_cannot_be_edited(alice_client, bomca10):
    response = alice_client.get("/procurement/PR-KG-2023-003/edit/", follow=True)

    assert "PR-KG-2023-003 is closed; it is no longer changed." in page(response).text


def test_a_coordinator_does_not_find_the_edit_form_of_another_country(client, personas):
    response = _as(client, personas["tjcoord"]).get("/procurement/PR-KG-2023-002/edit/")

    assert response.status_code == 404


# Moving a need: every pair of statuses through the form


def _move(client: Client, need: ProcurementNeed, case: Case, **changes: str):
    data = {
        "to": case.target,
        "on": "2023-06-01",
        "note": case.note or "Synthetic reason.",
        "version": str(need.version),
        **changes,
    }
    return client.post(f"/procurement/{need.reference}/move/", data)


def _state(need: ProcurementNeed) -> tuple[object, ...]:
    need.refresh_from_db()
    return (need.status, need.held_at, need.status_date, need.version, need.status_changes.count())


@pytest.mark.parametrize("case", ALLOWED, ids=str)
def test_an_allowed_move_is_made_through_the_form(alice_client: Client, case: Case):
    need = need_at(case.source, held_at=case.held_at)

    response = _move(alice_client, need, case)

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.status_date) == (case.target, date(2023, 6, 1))
    assert need.status_changes.order_by("pk").last().by.username == "alice"


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_a_refused_move_through_the_form_says_why_and_changes_nothing(alice_client, case: Case):
    need = need_at(case.source, held_at=case.held_at)
    before = _state(need)

    response = _move(alice_client, need, case)

    assert response.status_code == 422
    assert f"Cannot move {need.reference} {case.refusal}" in _alert(response)
    assert _state(need) == before


def _offered(html: Element) -> list[str]:
    return [option.attrs["value"] for option in html.by_id("id_to").find_all("option")]


def test_the_move_form_offers_only_the_allowed_moves(alice_client):
    need = need_at(S.TENDERED)

    html = page(alice_client.get(f"/procurement/{need.reference}/move/"))

    assert _offered(html) == [S.EVALUATED, S.ON_HOLD, S.CANCELLED]


def test_the_move_form_of_a_need_on_hold_offers_the_way_back_only(alice_client):
    need = need_at(S.ON_HOLD, held_at=S.SPECIFIED)

    assert _offered(page(alice_client.get(f"/procurement/{need.reference}/move/"))) == [S.SPECIFIED]


def test_a_move_from_a_page_opened_before_another_move_is_refused(alice_client):
    need = need_at(S.TENDERED)
    stale_version = str(need.version)
    _move(alice_client, need, Case(S.TENDERED, S.EVALUATED))

    response = _move(alice_client, need, Case(S.EVALUATED, S.CONTRACTED), version=stale_version)

    assert response.status_code == 409
    assert STALE in _alert(response)
    need.refresh_from_db()
    assert need.status == S.EVALUATED


@pytest.mark.parametrize("persona", ["tjcoord", "donor", "me"])
def test_only_those_who_manage_procurement_may_move_a_need(client, personas, persona):
    need = ProcurementNeed.objects.get(reference="PR-TJ-2022-001")

    response = _move(_as(client, personas[persona]), need, Case(S.CONTRACTED, S.ON_HOLD))

    assert response.status_code == 403
    assert _state(need)[0] == S.CONTRACTED


# Deliveries and hand-overs


@pytest.fixture
def contracted(db) -> ProcurementNeed:
    return need_at(S.CONTRACTED, complete=False)


def test_a_partial_delivery_is_recorded_through_the_form(alice_client, contracted):
    item = contracted.lots.get().items.get()
    data = {"item": str(item.pk), "quantity": "4", "date": "2023-05-02", "note": "First part."}

    response = alice_client.post(f"/procurement/{contracted.reference}/deliveries/new/", data)

    assert response.status_code == 302
    assert Delivery.objects.get(item=item).quantity == Decimal(4)


def test_a_delivery_over_the_quantity_is_refused_through_the_form(alice_client, contracted):
    item = contracted.lots.get().items.get()
    deliver(item, 8, SINCE)
    data = {"item": str(item.pk), "quantity": "3", "date": "2023-05-02", "note": ""}

    response = alice_client.post(f"/procurement/{contracted.reference}/deliveries/new/", data)

    assert response.status_code == 422
    assert "2 pcs of" in page(response).text
    assert Delivery.objects.filter(item=item).count() == 1


def _hand_over_data(need: ProcurementNeed, quantity: str, certificate: Any) -> dict[str, Any]:
    item = need.lots.get().items.get()
    return {
        "receiving_organisation": str(need.beneficiary_id),
        "place": "Synthetic town",
        "date": "2023-05-02",
        f"item_{item.pk}": quantity,
        "note": "",
        "certificate": certificate,
    }


def test_a_hand_over_with_its_certificate_is_recorded_through_the_form(alice_client, contracted):
    deliver(contracted.lots.get().items.get(), 10, SINCE)
    data = _hand_over_data(contracted, "4", SimpleUploadedFile("akt.pdf", PDF, "application/pdf"))

    response = alice_client.post(f"/procurement/{contracted.reference}/hand-overs/new/", data)

    assert response.status_code == 302
    record = HandOver.objects.get(need=contracted)
    assert record.lines.get().quantity == Decimal(4)
    assert record.certificate.name.endswith(".pdf")


def test_a_renamed_file_that_is_no_pdf_is_refused_as_certificate(alice_client, contracted):
    deliver(contracted.lots.get().items.get(), 10, SINCE)
    fake = SimpleUploadedFile("akt.pdf", b"<html>not a scan</html>", "application/pdf")

    response = alice_client.post(
        f"/procurement/{contracted.reference}/hand-overs/new/",
        _hand_over_data(contracted, "4", fake),
    )

    assert response.status_code == 422
    assert "must be a PDF, JPEG or PNG file; this file is none of them" in page(response).text
    assert not HandOver.objects.exists()


def test_a_hand_over_of_more_than_was_delivered_is_refused_through_the_form(
    alice_client, contracted
):
    deliver(contracted.lots.get().items.get(), 2, SINCE)
    certificate = SimpleUploadedFile("akt.pdf", PDF, "application/pdf")

    response = alice_client.post(
        f"/procurement/{contracted.reference}/hand-overs/new/",
        {**_hand_over_data(contracted, "3", certificate)},
    )

    assert response.status_code == 422
    assert "2 pcs delivered and not yet handed over" in page(response).text
    assert not HandOver.objects.exists()


def test_an_upload_past_the_limit_is_refused_with_its_size(alice_client, contracted, settings):
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    deliver(contracted.lots.get().items.get(), 10, SINCE)
    big = SimpleUploadedFile("akt.pdf", PDF + b"0" * (200 * 1024), "application/pdf")

    response = alice_client.post(
        f"/procurement/{contracted.reference}/hand-overs/new/",
        _hand_over_data(contracted, "1", big),
    )

    assert response.status_code == 422
    assert "The file is larger than 1 MB" in page(response).text
    assert not HandOver.objects.exists()


def test_the_hand_over_form_asks_only_for_what_waits_to_be_handed_over(alice_client, contracted):
    lot = contracted.lots.get()
    waiting = lot.items.get()
    ItemFactory(lot=lot, description="Not yet delivered")
    deliver(waiting, 3, SINCE)

    html = page(alice_client.get(f"/procurement/{contracted.reference}/hand-overs/new/"))

    labels = [label.text for label in html.find_all("label") if "Lot 1" in label.text]
    assert labels == [f"Lot 1: {waiting.description} (3 pcs delivered, not handed over)"]


def test_programme_of_the_seed_has_its_reference_data(bomca10: Programme):
    # Guards the tests above, which name seed needs by their references.
    assert ProcurementNeed.objects.filter(programme=bomca10).count() == 9
