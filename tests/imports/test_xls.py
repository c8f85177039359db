"""Legacy XLS files (Excel 97–2003), as older offices still save them, take the same path."""

from __future__ import annotations

import datetime

import pytest

from bomca.activities.models import Activity
from bomca.imports import reading
from bomca.imports.activities import activities_import
from bomca.imports.services import participants_import
from bomca.people.models import Attendance
from tests.imports.sheets import xls

pytestmark = pytest.mark.django_db


def test_an_xls_attendance_sheet_with_a_merged_title_and_russian_headings_imports(bomca10):
    activity = Activity.objects.get(code="C1-TM-2023-002")
    data = xls(
        [
            ["Список участников семинара", None, None, None],
            ["ФИО", "Пол", "Организация", "Год рождения"],
            ["Synthetic Xls Person One", "Ж", "Synthetic agency", 1985],
            ["Synthetic Xls Person Two", "М", "Synthetic agency", 1979.0],
        ],
        merges=[(0, 0, 0, 3)],
    )
    assert data[:4] == b"\xd0\xcf\x11\xe0"  # an OLE2 compound file, not a zip

    result = participants_import(data=data, filename="список.xls", activity=activity, dry_run=False)

    assert result.problems == []
    assert result.imported
    assert result.header_row == 2
    names = set(
        Attendance.objects.filter(activity=activity).values_list(
            "participant__full_name", "participant__sex"
        )
    )
    assert ("Synthetic Xls Person One", "female") in names
    assert ("Synthetic Xls Person Two", "male") in names


def test_xls_date_cells_are_read_as_dates(bomca10):
    data = xls(
        [
            ["Component", "Title", "Type", "Country", "Start date", "End date"],
            [
                2,
                "Synthetic XLS workshop",
                "Workshop",
                "Kyrgyzstan",
                datetime.date(2023, 9, 12),
                datetime.date(2023, 9, 14),
            ],
        ]
    )

    result = activities_import(data=data, filename="plan.xls", programme=bomca10, dry_run=False)

    assert result.problems == []
    created = Activity.objects.get(title_en="Synthetic XLS workshop")
    assert (created.start_date, created.end_date) == (
        datetime.date(2023, 9, 12),
        datetime.date(2023, 9, 14),
    )


def test_a_file_named_xls_that_is_not_one_is_refused_with_a_clear_message():
    with pytest.raises(reading.FileProblem) as refused:
        reading.workbook_read(b"%PDF-1.7 not a spreadsheet", filename="list.xls")

    assert "list.xls" in refused.value.message
