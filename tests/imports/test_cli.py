"""``bomca import participants FILE --activity CODE`` and ``bomca import activities FILE``, run
in-process as a person runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.activities.models import Activity
from bomca.cli import main
from bomca.imports.models import ImportKind, ImportRun, RunStatus
from bomca.imports.services import template_save
from bomca.people.models import Attendance, Participant, ParticipantCount
from bomca.procurement.models import ProcurementItem, ProcurementLot, ProcurementNeed
from tests.imports.sheets import csv_bytes, english_list, xlsx

TJ = "C1-TJ-2023-004"


def table_sizes(*bases: type[Any]) -> dict[str, int]:
    """Rows of ``bases`` (by default those of participant lists) and of their histories."""
    return {
        model._meta.label: model._default_manager.count()
        for base in bases or (Participant, Attendance, ParticipantCount)
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


# bomca import activities FILE


def activity_sizes() -> dict[str, int]:
    return table_sizes(Activity, ParticipantCount)


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["План мероприятий на III квартал 2023 года"],
                [],
                ["Компонент", "Название", "Тип", "Страна", "Даты", "Ж", "М"],
                [2, "Семинар по анализу рисков", "Семинар", "Таджикистан", "12–14.09.2023", 5, 9],
                [1, "Онлайн-сессия по профилированию", "Онлайн-сессия", "", "20.09.2023"],
            ]
        )
    )
    return path


def test_importing_activities_prints_a_summary_and_exits_0(bomca10, plan_file, capsys):
    status = main(["import", "activities", str(plan_file)])

    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert out == (
        "plan.xlsx (Sheet1, headings on row 3): imported 2 rows into BOMCA10. "
        "Activities: 2 created, 0 changed, 0 unchanged.\n"
    )
    assert Activity.objects.get(code="C2-TJ-2023-031").title_ru == "Семинар по анализу рисков"
    run = ImportRun.objects.get()
    assert (run.kind, run.programme, run.status) == ("activities", bomca10, RunStatus.IMPORTED)


def test_importing_the_same_activities_again_changes_nothing(bomca10, plan_file, capsys):
    main(["import", "activities", str(plan_file), "--programme", "bomca10"])
    before = activity_sizes()

    status = main(["import", "activities", str(plan_file), "--programme", "bomca10"])

    assert status == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith("Activities: 0 created, 0 changed, 2 unchanged.")
    )
    assert activity_sizes() == before


def test_a_dry_run_of_activities_writes_nothing(bomca10, plan_file, capsys):
    before = activity_sizes()

    status = main(["import", "activities", str(plan_file), "--dry-run"])

    assert status == 0
    assert "would import 2 rows into BOMCA10. Activities: 2 created" in capsys.readouterr().out
    assert activity_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.PREVIEWED


def test_activities_with_problems_exit_1_naming_rows_and_write_nothing(bomca10, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Component", "Title", "Type", "Country", "Start", "End"],
                ["1", "Good", "Workshop", "Kyrgyzstan", "03.10.2023", "05.10.2023"],
                ["9", "Bad component", "Workshop", "Kyrgyzstan", "03.10.2023", "05.10.2023"],
                ["1", "Backwards", "Workshop", "Kyrgyzstan", "05.10.2023", "03.10.2023"],
            ]
        )
    )
    before = activity_sizes()

    status = main(["import", "activities", str(path)])

    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "plan.csv: nothing imported; 2 problem(s) in sheet 'plan':",
        "  row 3, column “Component”: “9” is not a component of the programme; write its number, "
        "e.g. 1.",
        "  row 4, column “End”: The end date is before the start date.",
    ]
    assert activity_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.REFUSED


def test_a_saved_mapping_of_activities_is_used_by_name(bomca10, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        xlsx(
            [["Read me first"]],
            sheet="Readme",
            other_sheets={
                "Plan": [
                    ["Notes"],
                    ["Направление", "Мероприятие", "Начало", "Программная область"],
                    [3, "Тренинг по грузам", "03.10.2023", "управление рисками"],
                ]
            },
        )
    )
    template_save(
        kind=ImportKind.ACTIVITIES,
        name="Work plan 2023",
        mapping={
            "направление": "component",
            "мероприятие": "title_ru",
            "начало": "start_date",
            "программная область": "thematic_area",
        },
    )
    arguments = ["--mapping", "Work plan 2023", "--sheet", "Plan", "--header-row", "2"]

    status = main(["import", "activities", str(path), *arguments])

    assert status == 0, capsys.readouterr().err
    assert ImportRun.objects.get().sheet == "Plan"
    activity = Activity.objects.get(title_ru="Тренинг по грузам")
    assert (activity.component.number, activity.thematic_area) == (3, "управление рисками")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["participants"],
            "bomca: error: Say which activity the list belongs to: --activity CODE.",
        ),
        (
            ["activities", "--programme", "BOMCA9"],
            "bomca: error: There is no programme BOMCA9; known programmes: BOMCA10.",
        ),
        (
            ["activities", "--mapping", "Khatlon"],
            "bomca: error: There is no saved mapping “Khatlon”; saved mappings: none.",
        ),
    ],
)
def test_a_missing_activity_or_unknown_programme_is_a_one_line_error(
    bomca10, plan_file, capsys, arguments, message
):
    template_save(kind=ImportKind.PARTICIPANTS, name="Khatlon", mapping={"фио": "full_name"})
    before = activity_sizes()

    status = main(["import", arguments[0], str(plan_file), *arguments[1:]])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [message]
    assert activity_sizes() == before
    assert not ImportRun.objects.exists()


# bomca import procurement-items FILE --need REFERENCE

NEED = "PR-KG-2023-002"


def item_sizes() -> dict[str, int]:
    return table_sizes(ProcurementNeed, ProcurementLot, ProcurementItem)


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    path = tmp_path / "specification.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["Спецификация"],
                ["Лот", "Наименование", "Кол-во", "Ед. изм.", "Стоимость", "Валюта"],
                [1, "Тепловизионный монокуляр", 4, "шт.", "12 500,00", "евро"],
                [2, "Рация портативная", 20, "шт.", "1 234,50", "$"],
            ]
        )
    )
    return path


def test_importing_items_prints_a_summary_and_exits_0(bomca10, items_file, capsys):
    status = main(["import", "procurement-items", str(items_file), "--need", NEED])

    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert out == (
        "specification.xlsx (Sheet1, headings on row 2): imported 2 rows into PR-KG-2023-002. "
        "Items: 2 created, 0 changed, 0 unchanged.\n"
    )
    radio = ProcurementItem.objects.get(description="Рация портативная")
    assert (radio.lot.number, radio.estimated_value, radio.currency) == (2, 1234.5, "USD")
    run = ImportRun.objects.get()
    assert (run.kind, run.need.reference, run.status) == (
        ImportKind.PROCUREMENT_ITEMS,
        NEED,
        RunStatus.IMPORTED,
    )
    assert AuditEvent.objects.get(kind=AuditEventKind.IMPORT).detail["need"] == NEED


def test_importing_the_same_items_again_changes_nothing(bomca10, items_file, capsys):
    main(["import", "procurement-items", str(items_file), "--need", NEED])
    before = item_sizes()

    status = main(["import", "procurement-items", str(items_file), "--need", NEED])

    assert status == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith("Items: 0 created, 0 changed, 2 unchanged.")
    )
    assert item_sizes() == before


def test_a_dry_run_of_items_writes_nothing(bomca10, items_file, capsys):
    before = item_sizes()

    status = main(["import", "procurement-items", str(items_file), "--need", NEED, "--dry-run"])

    assert status == 0
    assert "would import 2 rows into PR-KG-2023-002. Items: 2 created" in capsys.readouterr().out
    assert item_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.PREVIEWED
    assert not AuditEvent.objects.filter(kind=AuditEventKind.IMPORT).exists()


def test_items_with_problems_exit_1_naming_rows_on_stderr_and_write_nothing(
    bomca10, tmp_path, capsys
):
    path = tmp_path / "items.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Lot", "Description", "Quantity", "Estimated value", "Currency"],
                ["1", "Good", "2", "100", "EUR"],
                ["1", "No quantity", "0", "100", "EUR"],
                ["1", "Roubles", "2", "100", "RUB"],
            ],
            delimiter=";",
        )
    )
    before = item_sizes()

    status = main(["import", "procurement-items", str(path), "--need", NEED])

    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "items.csv: nothing imported; 2 problem(s) in sheet 'items':",
        "  row 3, column “Quantity”: The quantity must be more than zero.",
        "  row 4, column “Currency”: “RUB” is not a currency the system knows; write one of "
        "EUR, USD, KZT, KGS, TJS, TMT, UZS.",
    ]
    assert item_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.REFUSED


def test_items_refused_by_the_needs_rules_exit_1_with_the_reason(bomca10, items_file, capsys):
    before = item_sizes()

    status = main(["import", "procurement-items", str(items_file), "--need", "PR-KG-2023-003"])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "specification.xlsx: nothing imported; 1 problem(s) in sheet 'Sheet1':",
        "  PR-KG-2023-003 is Handed over and closed; it is no longer changed.",
    ]
    assert item_sizes() == before


def test_a_saved_mapping_of_items_is_used_by_name(bomca10, tmp_path, capsys):
    path = tmp_path / "items.xlsx"
    path.write_bytes(
        xlsx(
            [["Read me first"]],
            other_sheets={"Spec": [["Notes"], ["Позиция", "Шт", "Цена итого"], ["Штатив", 2, 300]]},
        )
    )
    template_save(
        kind=ImportKind.PROCUREMENT_ITEMS,
        name="Kyrgyz border service",
        mapping={"позиция": "description", "шт": "quantity", "цена итого": "estimated_value"},
    )
    arguments = ["--mapping", "Kyrgyz border service", "--sheet", "Spec", "--header-row", "2"]

    status = main(["import", "procurement-items", str(path), "--need", NEED, *arguments])

    assert status == 0, capsys.readouterr().err
    tripod = ProcurementItem.objects.get(description="Штатив")
    assert (tripod.quantity, tripod.estimated_value, tripod.lot.number) == (2, 300, 1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "bomca: error: Say which need the items belong to: --need REFERENCE."),
        (
            ["--need", "PR-XX-2023-999"],
            "bomca: error: There is no procurement need PR-XX-2023-999.",
        ),
        (
            ["--need", NEED, "--mapping", "Khatlon"],
            "bomca: error: There is no saved mapping “Khatlon”; saved mappings: none.",
        ),
    ],
)
def test_a_missing_or_unknown_need_is_a_one_line_error(
    bomca10, items_file, capsys, arguments, message
):
    template_save(kind=ImportKind.PARTICIPANTS, name="Khatlon", mapping={"фио": "full_name"})
    before = item_sizes()

    status = main(["import", "procurement-items", str(items_file), *arguments])

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [message]
    assert item_sizes() == before
    assert not ImportRun.objects.exists()
