"""``bomca import participants FILE --activity CODE``, run in-process as a person runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.activities.models import Activity
from bomca.cli import main
from bomca.imports.models import ImportKind, ImportRun, RunStatus
from bomca.imports.services import template_save
from bomca.people.models import Attendance, Participant, ParticipantCount
from tests.imports.sheets import csv_bytes, english_list, xlsx

TJ = "C1-TJ-2023-004"


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for base in (Participant, Attendance, ParticipantCount)
        for model in (base, base.history.model)
    }


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "attendance.xlsx"
    path.write_bytes(
        english_list(
            [
                ["Synthetic Karimova", "F", 1985, "Border service of Tajikistan", "Lieutenant"],
                ["Synthetic Rahimov", "M", 1979, "Border service of Tajikistan", "Captain"],
            ]
        )
    )
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Full name", "Sex", "Year of birth", "Country"],
                ["Synthetic A", "F", "1980", "Tajikistan"],
                ["Synthetic B", "X", "1981", "Tajikistan"],
                ["Synthetic C", "M", "long ago", "Atlantis"],
            ]
        )
    )
    return path


def test_importing_a_good_file_prints_a_summary_and_exits_0(bomca10, good_file, capsys):
    status = main(["import", "participants", str(good_file), "--activity", TJ])

    out, err = capsys.readouterr()
    assert status == 0
    assert err == ""
    assert out == (
        "attendance.xlsx (Sheet1, headings on row 1): imported 2 rows into C1-TJ-2023-004. "
        "Participants: 2 created, 0 updated, 0 already recorded. "
        "Attendance: 2 created, 0 updated, 0 unchanged.\n"
    )
    activity = Activity.objects.get(code=TJ)
    assert activity.attendances.filter(participant__full_name__startswith="Synthetic R").exists()


def test_importing_the_same_file_twice_reports_0_created_0_updated(bomca10, good_file, capsys):
    main(["import", "participants", str(good_file), "--activity", TJ])
    capsys.readouterr()

    status = main(["import", "participants", str(good_file), "--activity", TJ])

    out = capsys.readouterr().out
    assert status == 0
    assert "Participants: 0 created, 0 updated, 2 already recorded." in out
    assert "Attendance: 0 created, 0 updated, 2 unchanged." in out


def test_a_dry_run_says_what_it_would_import_and_writes_no_person(bomca10, good_file, capsys):
    before = table_sizes()

    status = main(["import", "participants", str(good_file), "--activity", TJ, "--dry-run"])

    out = capsys.readouterr().out
    assert status == 0
    assert "would import 2 rows into C1-TJ-2023-004" in out
    assert table_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.PREVIEWED
    assert not AuditEvent.objects.filter(kind=AuditEventKind.IMPORT).exists()


def test_an_import_from_the_command_line_is_recorded(bomca10, good_file, capsys):
    main(["import", "participants", str(good_file), "--activity", TJ])

    run = ImportRun.objects.get()
    assert (run.status, run.rows, run.file_name, run.created_by) == (
        RunStatus.IMPORTED,
        2,
        "attendance.xlsx",
        None,
    )
    assert AuditEvent.objects.get(kind=AuditEventKind.IMPORT).detail["activity"] == TJ


def test_a_bad_file_exits_1_with_a_row_by_row_report_and_imports_nothing(bomca10, bad_file, capsys):
    before = table_sizes()

    status = main(["import", "participants", str(bad_file), "--activity", TJ])

    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        "bad.csv: nothing imported; 3 problem(s) in sheet 'bad':",
        '  row 3, column “Sex”: Sex "X" is not understood; write F or M (Ж or М).',
        "  row 4, column “Country”: “Atlantis” is not a country the system knows.",
        "  row 4, column “Year of birth”: "
        '"long ago" is not a year of birth; write a year such as 1985.',
    ]
    assert table_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.REFUSED


def test_a_saved_mapping_is_used_by_name(bomca10, tmp_path, capsys):
    path = tmp_path / "khatlon.xlsx"
    path.write_bytes(xlsx([["ФИО", "Пол", "Звание или чин"], ["Synthetic Saidov", "М", "Майор"]]))
    template_save(
        kind=ImportKind.PARTICIPANTS,
        name="Khatlon",
        mapping={"фио": "full_name", "пол": "sex", "звание или чин": "position"},
    )

    status = main(["import", "participants", str(path), "--activity", TJ, "--mapping", "Khatlon"])

    assert status == 0, capsys.readouterr().err
    assert Participant.objects.get(full_name="Synthetic Saidov").position == "Майор"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--activity", "C9-XX-2023-999"], "bomca: error: There is no activity C9-XX-2023-999."),
        (
            ["--activity", TJ, "--mapping", "Nowhere"],
            "bomca: error: There is no saved mapping “Nowhere”; saved mappings: none.",
        ),
    ],
)
def test_an_unknown_activity_or_mapping_is_a_one_line_error(
    bomca10, good_file, capsys, arguments, message
):
    before = table_sizes()

    status = main(["import", "participants", str(good_file), *arguments])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [message]
    assert table_sizes() == before


def test_a_missing_file_is_a_one_line_error(bomca10, tmp_path, capsys):
    missing = tmp_path / "nowhere.xlsx"

    status = main(["import", "participants", str(missing), "--activity", TJ])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [f"bomca: error: There is no file {missing}."]
    assert not ImportRun.objects.exists()


def test_a_pdf_renamed_xlsx_is_a_one_line_error(bomca10, tmp_path, capsys):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")

    status = main(["import", "participants", str(path), "--activity", TJ])

    err = capsys.readouterr().err
    assert status == 1
    assert err.splitlines() == [
        "bomca: error: The file list.xlsx is not a spreadsheet; save it from Excel as .xlsx or "
        ".csv and upload it again."
    ]
    assert not ImportRun.objects.exists()
