"""The status machine through the service: every allowed move is made, every other one is refused
with both statuses named, and a refused move changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from bomca.procurement.models import OPEN_STEPS, NeedStatus, ProcurementNeed, StatusChange
from bomca.procurement.services import (
    TRANSITIONS,
    TransitionRefused,
    need_move,
    transitions_from,
)
from tests.procurement.factories import SINCE, need_at
from tests.procurement.transition_cases import ALLOWED, EXPECTED, REFUSED, Case

S = NeedStatus
MOVE_DAY = date(2023, 6, 1)


def snapshot(need: ProcurementNeed) -> tuple[object, ...]:
    need.refresh_from_db()
    changes = StatusChange.objects.filter(need=need).count()
    return (need.status, need.held_at, need.status_date, need.version, changes)


def test_the_table_is_the_one_the_procedure_describes():
    assert {key: set(value) for key, value in TRANSITIONS.items() if key != S.ON_HOLD} == EXPECTED
    assert set(TRANSITIONS[S.ON_HOLD]) == set(OPEN_STEPS)


def test_the_table_names_every_status():
    assert set(TRANSITIONS) == set(S.values)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ALLOWED, ids=str)
def test_an_allowed_move_is_made_and_kept_on_the_timeline(case: Case):
    need = need_at(case.source, held_at=case.held_at)
    version = need.version

    moved = need_move(need=need, to=case.target, on=MOVE_DAY, note=case.note)

    need.refresh_from_db()
    assert (need.status, need.status_date) == (case.target, MOVE_DAY)
    assert need.version == version + 1
    assert moved.status == case.target
    assert need.held_at == (case.source if case.target == S.ON_HOLD else "")
    last = need.status_changes.order_by("pk").last()
    assert (last.from_status, last.to_status, last.date, last.note) == (
        case.source,
        case.target,
        MOVE_DAY,
        case.note,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_a_refused_move_names_both_statuses_and_changes_nothing(case: Case):
    need = need_at(case.source, held_at=case.held_at)
    before = snapshot(need)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=case.target, on=MOVE_DAY, note="Synthetic reason.")

    assert refused.value.message.startswith(f"Cannot move {need.reference} {case.refusal}")
    assert snapshot(need) == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted({(case.source, case.held_at) for case in ALLOWED}))
def test_the_moves_offered_are_exactly_the_allowed_ones(case: tuple[str, str]):
    source, held_at = case
    need = need_at(source, held_at=held_at)

    offered = transitions_from(need)

    assert set(offered) == {c.target for c in ALLOWED if (c.source, c.held_at) == case}


@pytest.mark.django_db
@pytest.mark.parametrize("closed", [S.HANDED_OVER, S.CANCELLED])
def test_nothing_is_offered_for_a_closed_need(closed: str):
    assert transitions_from(need_at(closed)) == []


# The reasons given


@pytest.mark.django_db
def test_skipping_a_step_names_the_next_step():
    need = need_at(S.SPECIFIED)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.CONTRACTED, on=MOVE_DAY)

    assert refused.value.message == (
        f"Cannot move {need.reference} from Specified to Contracted: steps cannot be skipped; "
        "the next step is Tendered."
    )


@pytest.mark.django_db
def test_going_back_is_refused_as_such():
    need = need_at(S.CONTRACTED)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.TENDERED, on=MOVE_DAY)

    assert refused.value.message.endswith(
        "from Contracted to Tendered: a need never goes back a step."
    )


@pytest.mark.django_db
def test_a_closed_need_is_refused_as_closed():
    need = need_at(S.HANDED_OVER)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.ON_HOLD, on=MOVE_DAY, note="Synthetic reason.")

    assert refused.value.message.endswith(
        "from Handed over to On hold: a need that is handed over or cancelled is closed; "
        "nothing moves it any more."
    )


@pytest.mark.django_db
def test_a_need_on_hold_names_the_step_it_can_go_back_to():
    need = need_at(S.ON_HOLD, held_at=S.TENDERED)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.EVALUATED, on=MOVE_DAY)

    assert refused.value.message.endswith(
        "from On hold to Evaluated: a need on hold goes back only to the step it was held at "
        "(Tendered)."
    )


@pytest.mark.django_db
def test_hold_and_back_returns_to_the_step_it_was_held_at():
    need = need_at(S.EVALUATED)

    need_move(need=need, to=S.ON_HOLD, on=date(2023, 4, 1), note="Budget review.")
    need_move(need=need, to=S.EVALUATED, on=date(2023, 5, 1))

    need.refresh_from_db()
    assert (need.status, need.held_at) == (S.EVALUATED, "")
    steps = list(need.status_changes.order_by("pk").values_list("from_status", "to_status"))
    assert steps[-2:] == [(S.EVALUATED, S.ON_HOLD), (S.ON_HOLD, S.EVALUATED)]


@pytest.mark.django_db
@pytest.mark.parametrize("target", [S.ON_HOLD, S.CANCELLED])
def test_hold_and_cancel_need_a_note(target: str):
    need = need_at(S.TENDERED)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=target, on=MOVE_DAY, note="  ")

    assert refused.value.message.endswith("a note saying why is required.")
    assert snapshot(need)[0] == S.TENDERED


@pytest.mark.django_db
def test_a_step_cannot_be_dated_in_the_future():
    need = need_at(S.IDENTIFIED)

    with pytest.raises(TransitionRefused, match="is in the future"):
        need_move(need=need, to=S.SPECIFIED, on=date(2999, 1, 1))


@pytest.mark.django_db
def test_a_step_cannot_be_dated_before_the_step_before_it():
    need = need_at(S.IDENTIFIED)

    with pytest.raises(TransitionRefused) as refused:
        need_move(need=need, to=S.SPECIFIED, on=date(2023, 2, 28))

    assert refused.value.message.endswith(
        "the date 28 February 2023 is before the step before it (1 March 2023)."
    )


@pytest.mark.django_db
def test_a_step_may_be_dated_the_same_day_as_the_one_before():
    need = need_at(S.IDENTIFIED)

    need_move(need=need, to=S.SPECIFIED, on=SINCE)

    need.refresh_from_db()
    assert need.status == S.SPECIFIED
