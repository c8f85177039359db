"""Benchmark: import 100,000 participant rows from one XLSX file, end to end.

Our path: ``imports.services.participants_import`` (read with python-calamine, detect the
headings, map, parse and validate every cell, match people, write participants, attendance and
their history in one transaction, recount the activity). The bare path: a python-calamine read
of the same file plus a raw bulk insert (one prepared statement, executemany) of the same rows
into the same two tables, without checks, matching or history. The ratio of the two is the
price of what the product adds; note that ours writes twice the rows (the history).

Run with ``make bench`` (or ``.venv/bin/python bench/import.py``); it uses throwaway SQLite
databases and touches nothing else. ``BENCH_ROWS`` changes the size.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))


def make_file(rows: int) -> bytes:
    """A realistic sheet: a title row, Russian headings, Ж/М, dates as text, scores."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Участники")
    sheet.append(["Список участников семинара (synthetic)"])
    sheet.append(
        [
            "№",
            "ФИО",
            "Пол",
            "Год рождения",
            "Страна",
            "Организация",
            "Должность",
            "Пре-тест",
            "Пост-тест",
            "Оценка",
        ]
    )
    countries = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
    for index in range(1, rows + 1):
        sheet.append(
            [
                index,
                f"Synthetic Person {index:06d}",
                "Ж" if index % 3 == 0 else "М",
                1960 + index % 40,
                countries[index % 5],
                f"Synthetic agency {index % 50}",
                "Inspector",
                40 + index % 30,
                55 + index % 40,
                1 + index % 5,
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def setup_database(work: Path) -> None:
    os.environ["BOMCA_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bomca.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bomca.dataset import dataset_load

    dataset_load()


def bare(data: bytes) -> float:
    """calamine read + a raw bulk insert (prepared statement, executemany) of the same rows
    into the same two tables: no checks, no matching, no history."""
    from django.db import transaction

    from bomca.activities.models import Activity

    activity = Activity.objects.get(code="C2-KG-2023-024")
    started = time.perf_counter()
    with transaction.atomic():
        bare_insert(data, activity)
    return time.perf_counter() - started


def bare_insert(data: bytes, activity: Any) -> None:
    """The bare path's work: read ``data`` with calamine and insert its rows as participants
    of ``activity`` with one prepared statement per table (inside the caller's transaction)."""
    from django.db import connection
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from bomca.reference.models import Country

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    countries = {country.name_en: country.pk for country in Country.objects.all()}
    now = str(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_participant")
        first = cursor.fetchone()[0] + 1
        cursor.executemany(
            "INSERT INTO people_participant (id, created_at, updated_at, source, source_note, "
            "full_name, name_key, sex, year_of_birth, country_id, organisation_id, "
            "organisation_name, position, email, phone) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    first + index,
                    now,
                    now,
                    "recorded",
                    "",
                    row[1],
                    row[1].lower(),
                    "female" if row[2] == "Ж" else "male",
                    int(row[3]),
                    countries[row[4]],
                    None,
                    row[5],
                    row[6],
                    "",
                    "",
                )
                for index, row in enumerate(rows[2:])
            ],
        )
        cursor.executemany(
            "INSERT INTO people_attendance (created_at, updated_at, source, source_note, "
            "participant_id, activity_id, role, pre_test, post_test, satisfaction) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    now,
                    now,
                    "recorded",
                    "",
                    first + index,
                    activity.pk,
                    "participant",
                    str(row[7]),
                    str(row[8]),
                    int(row[9]),
                )
                for index, row in enumerate(rows[2:])
            ],
        )


def ours(data: bytes) -> tuple[float, object]:
    from bomca.activities.models import Activity
    from bomca.imports.services import participants_import

    activity = Activity.objects.get(code="C2-KG-2023-024")
    started = time.perf_counter()
    result = participants_import(data=data, filename="bench.xlsx", activity=activity, dry_run=False)
    return time.perf_counter() - started, result


def main() -> int:
    data = make_file(ROWS)
    print(f"\n## Participant import: {ROWS:,} rows from XLSX ({len(data) / 1e6:.1f} MB)\n")
    work = Path(tempfile.mkdtemp(prefix="bomca-bench-import-"))
    setup_database(work)
    from django.db import connection

    seconds_bare = bare(data)
    # A second, clean database for our path: same starting point as the bare one had.
    connection.close()
    connection.settings_dict["NAME"] = str(work / "ours.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bomca.dataset import dataset_load

    dataset_load()
    seconds_ours, result = ours(data)
    assert getattr(result, "imported", False), getattr(result, "problems", [])[:5]
    seconds_again, again = ours(data)
    report = getattr(again, "report", None)
    print("| path | seconds | rows/s |")
    print("|---|---:|---:|")
    print(
        f"| bare: calamine read + raw bulk insert | {seconds_bare:.1f} "
        f"| {ROWS / seconds_bare:,.0f} |"
    )
    print(
        f"| ours: read, check, match, write with history | {seconds_ours:.1f} "
        f"| {ROWS / seconds_ours:,.0f} |"
    )
    print(
        f"| ours, same file again (0 created, 0 updated) | {seconds_again:.1f} "
        f"| {ROWS / seconds_again:,.0f} |"
    )
    print(f"\nRatio ours / bare: {seconds_ours / seconds_bare:.2f}")
    if report is not None:
        print(
            f"Second run: {report.participants_created} created, "  # type: ignore[attr-defined]
            f"{report.attendances_created + report.attendances_updated} attendance changes."  # type: ignore[attr-defined]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
