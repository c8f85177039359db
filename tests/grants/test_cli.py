"""``bomca grants``: the project list with its totals, and status steps from the command line."""

from __future__ import annotations

from datetime import date

import pytest

from bomca.cli import main
from bomca.grants.models import GrantProject, ProjectStatus

KG = "BOMCA10-CfP-1-G01"


def test_grants_list_prints_each_project_and_the_totals_per_currency(bomca10, capsys):
    status = main(["grants", "list"])

    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert len(out) == 10
    assert out[0].startswith(f"{KG}  ongoing       KG  2023-04-17..2024-04-16  58,000.00 EUR")
    assert "(paid 23,200.00 EUR)" in out[0]
    assert out[-1] == "9 project(s). Contracted: 413,500.00 EUR. Paid: 165,400.00 EUR."


def test_grants_list_filters_by_country_and_status(bomca10, capsys):
    status = main(["grants", "list", "--country", "tj", "--status", "ongoing"])

    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert [line.split()[0] for line in out[:-1]] == ["BOMCA10-CfP-1-G05", "BOMCA10-CfP-1-G06"]
    assert out[-1].startswith("2 project(s).")


def test_grants_list_refuses_an_unknown_status_and_names_the_known_ones(bomca10, capsys):
    status = main(["grants", "list", "--status", "finished"])

    err = capsys.readouterr().err
    assert status == 1
    assert err == (
        "bomca: error: There is no status 'finished'; use one of: contracted, ongoing, "
        "final_report, closed, terminated.\n"
    )


def test_grants_move_records_who_made_the_step(bomca10, capsys, personas):
    status = main(
        [
            "grants",
            "move",
            KG,
            "--to",
            "terminated",
            "--date",
            "2023-09-01",
            "--note",
            "The NGO closed down.",
            "--by",
            "persona-grants",
        ]
    )

    assert status == 0
    step = GrantProject.objects.get(contract_number=KG).status_changes.latest("pk")
    assert (step.to_status, step.date, step.changed_by, step.note) == (
        ProjectStatus.TERMINATED,
        date(2023, 9, 1),
        personas["grants"],
        "The NGO closed down.",
    )


def test_grants_move_without_a_note_to_terminate_is_refused(bomca10, capsys):
    status = main(["grants", "move", KG, "--to", "terminated", "--date", "2023-09-01"])

    assert status == 1
    assert "Say in the note why project BOMCA10-CfP-1-G01 is terminated." in capsys.readouterr().err
    assert GrantProject.objects.get(contract_number=KG).status == ProjectStatus.ONGOING


def test_grants_move_of_an_unknown_project_is_refused(bomca10, capsys):
    status = main(["grants", "move", "NO-SUCH-1", "--to", "ongoing"])

    assert status == 1
    assert capsys.readouterr().err == "bomca: error: There is no grant project NO-SUCH-1.\n"


def test_grants_move_needs_a_contract_and_a_status(db, capsys):
    assert main(["grants", "move", "--to", "ongoing"]) == 1
    assert "needs a contract number and --to STATUS" in capsys.readouterr().err


def test_grants_move_refuses_a_date_that_is_not_one(db, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["grants", "move", KG, "--to", "ongoing", "--date", "2023-13-01"])

    assert exited.value.code == 2
    assert "'2023-13-01' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
