"""``bomca procurement``: the list with its totals, and moves that are made or refused with the
reason and a non-zero exit, the record left unchanged."""

from __future__ import annotations

import pytest

from bomca.cli import main
from bomca.procurement.models import NeedStatus, ProcurementNeed
from tests.factories import UserFactory
from tests.procurement.factories import need_at
from tests.procurement.transition_cases import ALLOWED, REFUSED, Case

S = NeedStatus


def _move(case: Case, need: ProcurementNeed, *extra: str) -> int:
    arguments = ["procurement", "move", need.reference, "--to", case.target]
    arguments += ["--date", "2023-06-01", "--note", case.note or "Synthetic reason.", *extra]
    return main(arguments)


def _state(need: ProcurementNeed) -> tuple[object, ...]:
    need.refresh_from_db()
    return (need.status, need.held_at, need.status_date, need.version, need.status_changes.count())


@pytest.mark.django_db
@pytest.mark.parametrize("case", ALLOWED, ids=str)
def test_an_allowed_move_is_made_from_the_command_line(case: Case, capsys):
    need = need_at(case.source, held_at=case.held_at)

    status = _move(case, need)

    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert out.startswith(f"{need.reference}: ")
    assert _state(need)[0] == case.target
    assert need.status_changes.order_by("pk").last().by is None


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_a_refused_move_exits_non_zero_with_the_reason_and_changes_nothing(case: Case, capsys):
    need = need_at(case.source, held_at=case.held_at)
    before = _state(need)

    status = _move(case, need)

    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert err.startswith(f"bomca: error: Cannot move {need.reference} {case.refusal}")
    assert len(err.splitlines()) == 1
    assert _state(need) == before


@pytest.mark.django_db
def test_a_move_names_who_made_it(capsys):
    UserFactory(username="synthetic-officer")
    need = need_at(S.IDENTIFIED)

    status = _move(Case(S.IDENTIFIED, S.SPECIFIED), need, "--by", "synthetic-officer")

    assert status == 0
    assert need.status_changes.order_by("pk").last().by.username == "synthetic-officer"


@pytest.mark.django_db
def test_a_move_of_an_unknown_need_is_refused(capsys):
    status = main(["procurement", "move", "PR-XX-2099-001", "--to", "specified"])

    assert status == 1
    assert capsys.readouterr().err == "bomca: error: There is no procurement need PR-XX-2099-001.\n"


@pytest.mark.django_db
def test_a_move_needs_a_reference_and_a_status(capsys):
    assert main(["procurement", "move", "--to", "specified"]) == 1
    assert "needs a reference and --to STATUS" in capsys.readouterr().err


def test_the_list_prints_each_need_and_the_totals_per_currency(bomca10, capsys):
    status = main(["procurement", "list", "--country", "kz"])

    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert [line.split()[0] for line in out[:-1]] == ["PR-KZ-2022-003", "PR-KZ-2023-006"]
    assert "27,750.00 USD" in out[1]
    assert out[-1] == (
        "2 need(s), 5 item(s). Estimated: 50,400.00 EUR; 27,750.00 USD. Contracted: 26,400.00 USD."
    )


def test_the_list_filters_by_status(bomca10, capsys):
    main(["procurement", "list", "--status", "handed_over"])

    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["PR-KG-2023-003", "PR-TJ-2023-004"]


def test_the_list_refuses_an_unknown_status(bomca10, capsys):
    assert main(["procurement", "list", "--status", "lost"]) == 1
    assert "There is no status 'lost'" in capsys.readouterr().err
