"""The procurement needs of the BOMCA 10 reference data: what the seed says, marked as
illustrative where it says no more, and loaded twice as once."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bomca.core.models import Source
from bomca.dataset import dataset_load, reference_dataset_path
from bomca.procurement.models import (
    Delivery,
    HandOver,
    HandOverLine,
    Horizon,
    NeedStatus,
    ProcurementItem,
    ProcurementLot,
    ProcurementNeed,
    StatusChange,
)
from bomca.procurement.services import need_ensure

S = NeedStatus
MODELS = [
    ProcurementNeed,
    ProcurementLot,
    ProcurementItem,
    StatusChange,
    Delivery,
    HandOver,
    HandOverLine,
]


def _dump() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS} | {
        f"{model.__name__} history": list(
            model.history.order_by("pk").values("id", "history_type")  # type: ignore[attr-defined]
        )
        for model in MODELS
    }


def _records() -> list[dict[str, Any]]:
    return json.loads(reference_dataset_path().read_text(encoding="utf-8"))["procurement"]


def test_loading_twice_leaves_the_needs_as_loading_once(db):
    first = dataset_load()
    once = _dump()

    second = dataset_load()

    assert _dump() == once
    assert first.created["procurement needs"] == 9
    assert second.present["procurement needs"] == 9
    assert second.created["procurement needs"] == 0
    # 9 first steps, 32 moves, and 5 made by the deliveries and hand-overs that completed them.
    assert len(once["StatusChange"]) == 46


def test_an_existing_need_is_left_as_it_is(bomca10):
    need = ProcurementNeed.objects.get(reference="PR-KG-2023-002")
    ProcurementNeed.objects.filter(pk=need.pk).update(title_en="Changed in the app")
    record = next(row for row in _records() if row["reference"] == "PR-KG-2023-002")

    found, created = need_ensure(programme=bomca10, record=record)

    assert (found.pk, created) == (need.pk, False)
    assert ProcurementNeed.objects.get(pk=need.pk).title_en == "Changed in the app"


def test_a_record_whose_steps_do_not_reach_its_status_is_refused(bomca10):
    record = {**_records()[0], "reference": "PR-TM-2023-099", "status": "delivered"}

    with pytest.raises(ValueError, match="leave the need contracted, not delivered"):
        need_ensure(programme=bomca10, record=record)


def test_short_term_needs_of_the_quarter_are_largely_finalised(bomca10):
    short = ProcurementNeed.objects.filter(horizon=Horizon.SHORT_TERM)

    assert dict(short.values_list("reference", "status")) == {
        "PR-KG-2023-003": S.HANDED_OVER,
        "PR-TJ-2023-004": S.HANDED_OVER,
        "PR-UZ-2023-005": S.DELIVERED,
        "PR-KZ-2023-006": S.CONTRACTED,
    }
    for need in short:
        identified = need.status_changes.get(to_status=S.IDENTIFIED).date
        assert date(2023, 4, 1) <= identified <= date(2023, 6, 30), need.reference
    assert HandOver.objects.filter(date__gt=date(2023, 6, 30)).count() == 0


def test_mid_term_needs_advance_in_five_countries_with_hand_overs_planned_from_q3(bomca10):
    mid = ProcurementNeed.objects.filter(horizon=Horizon.MID_TERM)

    assert sorted(mid.values_list("country__code", flat=True)) == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert set(mid.values_list("status", flat=True)) == {S.TENDERED, S.EVALUATED, S.CONTRACTED}
    assert not HandOver.objects.filter(need__in=mid).exists()
    for need in mid:
        last = need.status_changes.order_by("date", "pk").last()
        assert date(2023, 4, 1) <= last.date <= date(2023, 6, 30), need.reference
        assert need.planned_delivery_date >= date(2023, 7, 1), need.reference


def test_currencies_are_mostly_euro_with_one_need_in_dollars(bomca10):
    currencies = ProcurementItem.objects.values_list("lot__need__reference", "currency")

    assert {reference for reference, currency in currencies if currency == "USD"} == {
        "PR-KZ-2023-006"
    }
    assert {currency for _reference, currency in currencies} == {"EUR", "USD"}


def test_what_the_seed_does_not_say_is_marked_illustrative(bomca10):
    for model in (ProcurementNeed, Delivery, HandOver):
        for record in model.objects.all():
            assert record.source == Source.ILLUSTRATIVE, record
            assert record.source_note.startswith("Illustrative."), record
    suppliers = set(
        ProcurementNeed.objects.exclude(supplier_name="").values_list("supplier_name", flat=True)
    )
    assert all(name.startswith("Illustrative supplier ") for name in suppliers)
