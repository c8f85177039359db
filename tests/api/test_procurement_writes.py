"""POST and PATCH /api/v1/procurement, its moves and deliveries: the web forms' rules, roles and
scope, and the version check of If-Match (428 without it, 412 when stale, never a silent
overwrite)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from bomca.accounts.models import User
from bomca.procurement.api import NeedDetailOut
from bomca.procurement.models import Delivery, NeedStatus, ProcurementNeed
from tests.api.conftest import token_in_database

KG = "PR-KG-2023-002"  # evaluated, one lot of 12 thermal imaging binoculars
TJ = "PR-TJ-2022-001"  # contracted, in Tajikistan
TM = "PR-TM-2023-001"  # contracted, two lots
CLOSED = "PR-KG-2023-003"  # handed over
DELIVERED = "PR-UZ-2023-005"  # every item delivered

Call = Callable[..., Any]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # The rate limit's counts live in the cache, which outlives each test's rollback.
    cache.clear()


@pytest.fixture
def writer(bearer: Callable[..., Call]) -> Callable[[User], Call]:
    """``writer(user)`` -> a caller with a read-write token of ``user``."""
    return lambda user: bearer(user, read_only=False)


def _new(**changes: Any) -> dict[str, Any]:
    """Radios for the Kyrgyz customs, in one lot (as the web form's tests post them)."""
    return {
        "country": "KG",
        "beneficiary": "KG-CUSTOMS",
        "horizon": "short_term",
        "priority": "high",
        "title_en": "Synthetic handheld radios",
        "justification": "Synthetic: the customs post has no radios.",
        "procedure": "low_value",
        "planned_delivery_date": "2023-09-01",
        "identified_on": "2023-07-03",
        "lots": [{"number": 1, "title": "Radios"}],
        "items": [
            {
                "description": "Synthetic handheld radio",
                "quantity": "6",
                "estimated_value": "1800.00",
                "currency": "KGS",
            },
            {"description": "Synthetic charger", "quantity": 6, "estimated_value": 120},
        ],
        **changes,
    }


def _post(call: Call, path: str, body: dict[str, Any], **headers: str) -> Any:
    return call("post", path, body, content_type="application/json", **headers)


def _patch(call: Call, reference: str, body: dict[str, Any], **headers: str) -> Any:
    path = f"/api/v1/procurement/{reference}"
    return call("patch", path, body, content_type="application/json", **headers)


def _move(call: Call, reference: str, body: dict[str, Any], **headers: str) -> Any:
    return _post(call, f"/api/v1/procurement/{reference}/moves", body, **headers)


def _tag(call: Call, reference: str) -> str:
    return str(call("get", f"/api/v1/procurement/{reference}")["ETag"])


def _state(reference: str) -> tuple[str, str, int, list[tuple[str, Decimal]]]:
    need = ProcurementNeed.objects.get(reference=reference)
    items = [
        (item.description, item.quantity) for lot in need.lots.all() for item in lot.items.all()
    ]
    return need.title_en, need.status, need.version, items


# Reading: the ETag of the version


def test_a_need_is_read_with_the_etag_of_its_version(personas, bearer):
    version = ProcurementNeed.objects.get(reference=KG).version

    response = bearer(personas["donor"])("get", f"/api/v1/procurement/{KG}")

    assert response["ETag"] == f'"need-{KG}-v{version}"'
    assert response.json()["version"] == version
    NeedDetailOut.model_validate(response.json())


# Recording a need


def test_the_procurement_officer_records_a_need_with_its_lots_and_items(personas, writer):
    response = _post(writer(personas["proc"]), "/api/v1/procurement", _new())

    assert response.status_code == 201
    body = response.json()
    need = ProcurementNeed.objects.get(reference=body["reference"])
    assert response["Location"] == f"/api/v1/procurement/{need.reference}"
    assert response["ETag"] == f'"need-{need.reference}-v{need.version}"'
    assert (need.title_en, need.status, need.country.code) == (
        "Synthetic handheld radios",
        NeedStatus.IDENTIFIED,
        "KG",
    )
    assert need.status_changes.get().by == personas["proc"]
    [lot] = body["lots"]
    assert [(item["currency"], item["quantity"]) for item in lot["items"]] == [
        ("KGS", "6.00"),
        ("EUR", "6.00"),
    ]


def test_a_wrong_item_is_named_by_its_place_in_the_list(personas, writer):
    before = ProcurementNeed.objects.count()
    items = [*_new()["items"], {"description": "Free", "quantity": "0", "estimated_value": 0}]

    response = _post(writer(personas["pm"]), "/api/v1/procurement", _new(items=items))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["items.2.quantity"]
    assert ProcurementNeed.objects.count() == before


def test_a_beneficiary_of_another_country_is_refused_naming_the_field(personas, writer):
    response = _post(writer(personas["pm"]), "/api/v1/procurement", _new(beneficiary="TJ-BORDER"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "beneficiary": ["The beneficiary organisation must be of the need's country."]
    }


def test_an_item_in_a_lot_the_need_lacks_is_refused_naming_items(personas, writer):
    items = [{"lot": 2, "description": "Antenna", "quantity": 1, "estimated_value": 10}]

    response = _post(writer(personas["pm"]), "/api/v1/procurement", _new(items=items))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "items": ["An item names lot 2, which the need does not have."]
    }


def test_a_misspelt_field_is_refused_not_ignored(personas, writer):
    response = _post(writer(personas["pm"]), "/api/v1/procurement", _new(titel_en="Radios"))

    assert response.status_code == 400


# Changing a need: If-Match


def test_a_change_with_the_etag_read_is_saved_and_answers_the_new_etag(personas, writer):
    call = writer(personas["proc"])
    _title, _status, version, items = _state(KG)

    response = _patch(call, KG, {"title_en": "Renamed"}, HTTP_IF_MATCH=_tag(call, KG))

    assert response.status_code == 200
    assert response["ETag"] == f'"need-{KG}-v{version + 1}"'
    assert response.json()["title_en"] == "Renamed"
    assert _state(KG) == ("Renamed", NeedStatus.EVALUATED, version + 1, items)


def test_a_change_without_if_match_gets_428_and_changes_nothing(personas, writer):
    before = _state(KG)

    response = _patch(writer(personas["pm"]), KG, {"title_en": "Blind write"})

    assert response.status_code == 428
    assert list(response.json()["errors"]) == ["If-Match"]
    assert _state(KG) == before


def test_a_change_with_a_stale_etag_gets_412_and_changes_nothing(personas, writer):
    call = writer(personas["pm"])
    stale = _tag(call, KG)
    _patch(call, KG, {"justification": "Changed in between."}, HTTP_IF_MATCH=stale)
    before = _state(KG)

    response = _patch(call, KG, {"title_en": "Overwritten unseen"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json()["detail"].startswith(f"Someone changed {KG} since you read it")
    assert list(response.json()["errors"]) == ["If-Match"]
    assert _state(KG) == before
    assert ProcurementNeed.objects.get(reference=KG).justification == "Changed in between."


def test_the_etag_of_another_need_gets_412(personas, writer):
    call = writer(personas["pm"])
    before = _state(KG)

    response = _patch(call, KG, {"title_en": "Wrong tag"}, HTTP_IF_MATCH=_tag(call, TM))

    assert response.status_code == 412
    assert _state(KG) == before


def test_of_two_changes_from_the_same_etag_exactly_one_is_saved(personas, writer):
    officer, manager = writer(personas["proc"]), writer(personas["pm"])
    tag = _tag(officer, KG)
    version = _state(KG)[2]

    first = _patch(officer, KG, {"title_en": "The officer's"}, HTTP_IF_MATCH=tag)
    second = _patch(
        manager,
        KG,
        {
            "title_en": "The manager's",
            "items": [{"description": "X", "quantity": 1, "estimated_value": 1}],
        },
        HTTP_IF_MATCH=tag,
    )

    assert (first.status_code, second.status_code) == (200, 412)
    title, _status, now, items = _state(KG)
    assert (title, now) == ("The officer's", version + 1)
    assert items == [("Thermal imaging binoculars", Decimal(12))]


# Changing a need: the web edit page's rules


def test_items_given_replace_the_need_s_keeping_those_named_by_id(personas, writer):
    call = writer(personas["pm"])
    [item] = call("get", f"/api/v1/procurement/{KG}").json()["lots"][0]["items"]
    items = [
        {
            "id": item["id"],
            "description": item["description"],
            "quantity": 10,
            "estimated_value": 9000,
        },
        {"description": "Synthetic tripod", "quantity": 10, "estimated_value": 500},
    ]

    response = _patch(call, KG, {"items": items}, HTTP_IF_MATCH=_tag(call, KG))

    assert response.status_code == 200, response.json()
    rows = response.json()["lots"][0]["items"]
    assert [(row["description"], row["quantity"]) for row in rows] == [
        ("Thermal imaging binoculars", "10.00"),
        ("Synthetic tripod", "10.00"),
    ]
    assert rows[0]["id"] == item["id"]


def test_a_change_leaving_a_field_out_keeps_it(personas, writer):
    call = writer(personas["pm"])
    need = ProcurementNeed.objects.get(reference=TM)

    response = _patch(call, TM, {"priority": "low"}, HTTP_IF_MATCH=_tag(call, TM))

    assert response.status_code == 200
    changed = ProcurementNeed.objects.get(reference=TM)
    assert (changed.priority, changed.supplier_name, changed.lots.count()) == (
        "low",
        need.supplier_name,
        2,
    )


def test_a_change_that_takes_away_what_a_passed_step_needs_is_refused(personas, writer):
    call = writer(personas["pm"])
    before = _state(TM)

    response = _patch(call, TM, {"supplier_name": ""}, HTTP_IF_MATCH=_tag(call, TM))

    assert response.status_code == 400
    assert "the supplier is not recorded" in response.json()["detail"]
    assert _state(TM) == before


def test_a_quantity_below_what_was_delivered_is_refused_naming_items(personas, writer):
    call = writer(personas["pm"])
    rows = call("get", f"/api/v1/procurement/{DELIVERED}").json()["lots"][0]["items"]
    items = [
        {name: row[name] for name in ("id", "description", "estimated_value", "currency")}
        | {"quantity": "1", "lot": 1}
        for row in rows
    ]

    response = _patch(call, DELIVERED, {"items": items}, HTTP_IF_MATCH=_tag(call, DELIVERED))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["items"]
    assert "already delivered" in response.json()["detail"]


def test_a_closed_need_is_not_changed(personas, writer):
    call = writer(personas["pm"])
    before = _state(CLOSED)

    response = _patch(call, CLOSED, {"title_en": "Reopened"}, HTTP_IF_MATCH=_tag(call, CLOSED))

    assert response.status_code == 409
    assert response.json()["detail"] == f"{CLOSED} is closed; it is no longer changed."
    assert _state(CLOSED) == before


# Moving a need


def test_a_move_is_made_and_answers_the_new_etag(personas, writer):
    call = writer(personas["proc"])
    version = _state(KG)[2]

    response = _move(
        call,
        KG,
        {"to": "on_hold", "note": "Synthetic: budget review."},
        HTTP_IF_MATCH=_tag(call, KG),
    )

    assert response.status_code == 200
    assert response["ETag"] == f'"need-{KG}-v{version + 1}"'
    body = response.json()
    assert (body["status"], body["held_at"], body["status_date"]) == (
        "on_hold",
        "evaluated",
        timezone.localdate().isoformat(),
    )
    assert body["steps"][-1]["note"] == "Synthetic: budget review."


def test_a_refused_move_says_why_and_changes_nothing(personas, writer):
    call = writer(personas["pm"])
    before = _state(KG)

    response = _move(call, KG, {"to": "delivered"}, HTTP_IF_MATCH=_tag(call, KG))

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"Cannot move {KG} from Evaluated to Delivered")
    assert _state(KG) == before


def test_a_move_without_if_match_gets_428_and_one_from_a_stale_etag_412(personas, writer):
    call = writer(personas["pm"])
    stale = _tag(call, KG)
    _patch(call, KG, {"title_en": "Changed in between"}, HTTP_IF_MATCH=stale)
    before = _state(KG)

    blind = _move(call, KG, {"to": "on_hold", "note": "Why."})
    late = _move(call, KG, {"to": "on_hold", "note": "Why."}, HTTP_IF_MATCH=stale)

    assert (blind.status_code, late.status_code) == (428, 412)
    assert _state(KG) == before


def test_a_wrong_move_date_is_named_date(personas, writer):
    call = writer(personas["pm"])

    response = _move(
        call, KG, {"to": "on_hold", "date": "2023-02-30"}, HTTP_IF_MATCH=_tag(call, KG)
    )

    assert response.status_code == 400
    assert [name.rsplit(".", 1)[-1] for name in response.json()["errors"]] == ["date"]


# Deliveries


def test_a_partial_delivery_is_recorded(personas, writer):
    call = writer(personas["proc"])
    item = call("get", f"/api/v1/procurement/{TM}").json()["lots"][0]["items"][0]
    to_deliver = Decimal(item["quantity"]) - Decimal(item["delivered"])

    response = _post(
        call, f"/api/v1/procurement/{TM}/deliveries", {"item": item["id"], "quantity": "1"}
    )

    assert response.status_code == 201
    assert Delivery.objects.filter(item_id=item["id"]).count() >= 1
    [row] = [row for row in response.json()["lots"][0]["items"] if row["id"] == item["id"]]
    assert Decimal(row["quantity"]) - Decimal(row["delivered"]) == to_deliver - 1


def test_a_delivery_over_the_quantity_is_refused_naming_quantity(personas, writer):
    call = writer(personas["pm"])
    item = call("get", f"/api/v1/procurement/{TM}").json()["lots"][0]["items"][0]
    count = Delivery.objects.count()

    response = _post(
        call, f"/api/v1/procurement/{TM}/deliveries", {"item": item["id"], "quantity": "999"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["quantity"]
    assert Delivery.objects.count() == count


def test_a_delivery_of_another_need_s_item_is_refused_naming_item(personas, writer):
    call = writer(personas["pm"])
    item = call("get", f"/api/v1/procurement/{TJ}").json()["lots"][0]["items"][0]

    response = _post(
        call, f"/api/v1/procurement/{TM}/deliveries", {"item": item["id"], "quantity": "1"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["item"]


# Who may write


def _writes(call: Call, reference: str) -> list[int]:
    """The status of each write tried on ``reference``, with its current ETag."""
    tag = f'"need-{reference}-v{_state(reference)[2]}"'
    created = _post(call, "/api/v1/procurement", _new())
    changed = _patch(call, reference, {"title_en": "X"}, HTTP_IF_MATCH=tag)
    moved = _move(call, reference, {"to": "on_hold", "note": "Why."}, HTTP_IF_MATCH=tag)
    delivered = _post(
        call, f"/api/v1/procurement/{reference}/deliveries", {"item": 1, "quantity": "1"}
    )
    return [created.status_code, changed.status_code, moved.status_code, delivered.status_code]


def _token_call(client: Client, user: User, *, read_only: bool) -> Call:
    """A caller with a token made straight in the database: the worst case, whatever the token
    page allows (a donor's tokens are read-only there)."""
    secret = token_in_database(user, read_only=read_only)

    def call(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(client, method)(path, *args, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

    return call


@pytest.mark.parametrize("read_only", [True, False])
def test_a_donor_writes_nothing(client, personas, read_only):
    before, count = _state(TJ), ProcurementNeed.objects.count()

    statuses = _writes(_token_call(client, personas["donor"], read_only=read_only), TJ)

    assert statuses == [403, 403, 403, 403]
    assert (_state(TJ), ProcurementNeed.objects.count()) == (before, count)


def test_a_read_only_token_of_the_procurement_officer_writes_nothing(personas, bearer):
    before, count = _state(TJ), ProcurementNeed.objects.count()

    statuses = _writes(bearer(personas["proc"], read_only=True), TJ)

    assert statuses == [403, 403, 403, 403]
    assert (_state(TJ), ProcurementNeed.objects.count()) == (before, count)


@pytest.mark.parametrize("persona", ["me", "grants", "c2lead"])
def test_roles_that_do_not_manage_procurement_are_refused(personas, writer, persona):
    before, count = _state(TJ), ProcurementNeed.objects.count()

    assert _writes(writer(personas[persona]), TJ) == [403, 403, 403, 403]
    assert (_state(TJ), ProcurementNeed.objects.count()) == (before, count)


def test_a_coordinator_is_refused_on_their_country_s_need_and_does_not_find_another(
    personas, writer
):
    # As on the web: a need of another country is not found; one of theirs may not be changed.
    call = writer(personas["tjcoord"])
    before = _state(TJ), _state(KG), ProcurementNeed.objects.count()

    own = _writes(call, TJ)
    other = _writes(call, KG)

    assert own == [403, 403, 403, 403]
    assert other == [403, 404, 404, 404]
    assert (_state(TJ), _state(KG), ProcurementNeed.objects.count()) == before


# What random clients send


@pytest.mark.parametrize(
    "changes",
    [
        {"programme": "BOMCA\x0010"},
        {"country": "K\x00G"},
        {"beneficiary": "KG-\x00CUSTOMS"},
        {"title_en": "Radios\x00"},
        {"component": 10**20},
        {"lots": [{"number": 10**20, "title": "Radios"}]},
        {"items": [{"id": 10**20, "description": "R", "quantity": 1, "estimated_value": 1}]},
        {"items": [{"description": "R", "quantity": "1e400", "estimated_value": 1}]},
        {"items": [{"description": "R", "quantity": "NaN", "estimated_value": 1}]},
    ],
)
def test_a_nul_character_or_a_huge_number_is_a_400_not_a_500(personas, writer, changes):
    call = writer(personas["pm"])

    created = _post(call, "/api/v1/procurement", _new(**changes))
    # A need's programme does not change: the body of a change has no such field.
    changed = _patch(call, KG, changes, HTTP_IF_MATCH=_tag(call, KG))

    assert (created.status_code, changed.status_code) == (400, 400)
