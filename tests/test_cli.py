"""The ``bomca`` command line, run in-process as a person runs it."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from bomca.cli import COMMANDS, build_parser, cli_reference, main
from tests.factories import ProgrammeFactory

CLI_DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def summaries() -> dict[str, str]:
    """The one-line help each subcommand shows in ``bomca --help``."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help or "" for choice in action._choices_actions}


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("bomca: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


# --- figures ----------------------------------------------------------------------------------


def test_figures_prints_the_key_figures_as_json(bomca10, capsys):
    status = main(["figures", "--period", "2023Q2", "--format", "json"])

    out, err = capsys.readouterr()
    figures = json.loads(out)
    assert status == 0
    assert err == ""
    assert figures["activities"]["implemented"]["total"] == 25
    assert figures["participants"]["total"] == 472
    assert figures["period"] == {"label": "2023Q2", "start": "2023-04-01", "end": "2023-06-30"}


def test_figures_takes_the_programme_code_in_any_case(bomca10, capsys):
    status = main(["figures", "--period", "2023-05", "--format", "json", "--programme", "bomca10"])

    figures = json.loads(capsys.readouterr().out)
    assert status == 0
    assert figures["programme"]["code"] == "BOMCA10"
    assert figures["activities"]["implemented"]["total"] == 10


def test_figures_prints_tables_by_default(bomca10, capsys):
    status = main(["figures", "--period", "2023Q2"])

    out = capsys.readouterr().out
    assert status == 0
    assert "BOMCA BOMCA10 2023Q2 (2023-04-01 to 2023-06-30)" in out
    assert "Activities implemented: 25" in out
    assert "Participants: 472" in out
    for title in (
        "Activities by component",
        "Activities by host country",
        "Activities by type",
        "Activities by scope",
        "Participants by sex",
        "Participants by country",
    ):
        assert title in out
    assert re.search(r"C3\s*│\s*8\s*│", out)
    assert re.search(r"unrecorded\s*│\s*14\s*│", out)


def test_figures_prints_the_procurement_and_grants_tables(bomca10, capsys):
    status = main(["figures", "--period", "2023Q2"])

    out = capsys.readouterr().out
    words = " ".join(out.split())
    assert status == 0
    assert "Procurement as of 2023-06-30" in out
    procurement = out[out.index("Procurement as of") : out.index("Needs that reached")]
    steps = [
        row[0] for row in re.findall(r"│ (\w+)\s+│\s+(\d+) │\s+(\d+) │ +([^│]+?) │", procurement)
    ]
    assert steps == ["tendered", "evaluated", "contracted", "delivered", "handed_over"]
    assert re.search(r"│ contracted\s+│\s+3 │\s+6 │\s+460100\.00 EUR; 26400\.00 USD │", out)
    assert re.search(r"│ handed_over\s+│\s+2 │\s+4 │\s+34000\.00 EUR │", out)
    assert (
        "Needs that reached each step: identified 9, specified 9, tendered 9, evaluated 8, "
        "contracted 6, delivered 3, handed_over 2"
    ) in words
    assert "Grant projects" in out
    assert re.search(r"│ ongoing\s+│\s+9 │", out)
    assert "EUR: committed 413500.00, paid 165400.00" in out
    assert "People reached: 0 (0 women, 0 men), from 0 report(s)." in words
    assert "not yet recorded" not in out


def test_figures_says_procurement_and_grants_are_not_yet_recorded(db, capsys):
    ProgrammeFactory(code="SYN1")

    status = main(["figures", "--period", "2023Q2", "--programme", "SYN1"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Procurement: not yet recorded in the system." in out
    assert "Grants: not yet recorded in the system." in out
    assert "Procurement as of" not in out


def test_figures_refuses_an_unknown_period_in_one_line(bomca10, capsys):
    status = main(["figures", "--period", "2023Q5", "--format", "json"])

    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert "2023Q5" in one_error_line(err)


def test_figures_refuses_an_unknown_programme_in_one_line(bomca10, capsys):
    status = main(["figures", "--period", "2023Q2", "--programme", "NOPE"])

    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    line = one_error_line(err)
    assert "NOPE" in line
    assert "BOMCA10" in line


def test_figures_before_init_says_to_run_init(db, capsys):
    status = main(["figures", "--period", "2023Q2"])

    assert status == 1
    assert "bomca init" in one_error_line(capsys.readouterr().err)


# --- init and manage --------------------------------------------------------------------------


def created_counts(out: str) -> dict[str, int]:
    return {kind: int(n) for kind, n in re.findall(r"(\w+): (\d+) new", out)}


def test_init_loads_the_reference_data_once(db, capsys):
    assert main(["init"]) == 0
    first = capsys.readouterr().out

    assert main(["init"]) == 0
    second = capsys.readouterr().out

    assert created_counts(first)["activities"] == 30
    assert created_counts(first)["programmes"] == 1
    assert "newsletter issues: 1 new" in first
    assert set(created_counts(second)) == set(created_counts(first))
    assert set(created_counts(second).values()) == {0}
    assert "activities: 0 new, 30 already there" in second
    assert "newsletter issues: 0 new, 1 already there" in second


def test_init_with_a_missing_dataset_fails_in_one_line(db, capsys, tmp_path):
    missing = tmp_path / "missing.json"

    status = main(["init", "--dataset", str(missing)])

    assert status == 1
    assert str(missing) in one_error_line(capsys.readouterr().err)


def test_manage_runs_django_checks(capsys):
    status = main(["manage", "check"])

    assert status == 0
    assert "no issues" in capsys.readouterr().out


# --- documentation ----------------------------------------------------------------------------


def test_docs_prints_every_subcommand(capsys):
    assert main(["docs"]) == 0

    out = capsys.readouterr().out
    assert set(COMMANDS) == {
        "init",
        "demo",
        "serve",
        "figures",
        "newsletter",
        "import",
        "people",
        "procurement",
        "grants",
        "iati",
        "backup",
        "restore",
        "manage",
        "generate",
        "docs",
    }
    for name in COMMANDS:
        assert f"## bomca {name}\n" in out
    assert out == cli_reference()


def test_the_committed_cli_reference_is_current(capsys):
    main(["docs"])

    assert CLI_DOC.read_text(encoding="utf-8") == capsys.readouterr().out, (
        "docs/cli.md is out of date; run make docs"
    )


def test_every_subcommand_has_a_help_summary():
    helps = summaries()

    assert set(helps) == set(COMMANDS)
    for name, function in COMMANDS.items():
        assert function.__doc__, f"{name} has no docstring"
        assert helps[name], f"{name} has no help summary"
        assert helps[name] == function.__doc__.strip().splitlines()[0]
        assert helps[name].endswith("."), name


def test_every_option_of_every_subcommand_is_documented():
    undocumented = [
        f"{name} {action.dest}"
        for name, command in subcommands().items()
        for action in command._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]

    assert undocumented == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_subcommand_explains_itself_with_help(name, capsys):
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])

    assert exited.value.code == 0
    assert summaries()[name] in capsys.readouterr().out
