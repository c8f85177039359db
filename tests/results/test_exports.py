"""The logframe as an XLSX workbook: the page's columns with numbers as numbers, the
disaggregations on a second sheet, counts of people as the page shows them to the same reader,
and text that a spreadsheet would run kept as text."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts import access
from bomca.accounts.models import AuditEvent, AuditEventKind, User
from bomca.core.periods import quarter
from bomca.reference.models import Country
from bomca.results.models import Actual, Result
from bomca.results.services import period_freeze
from tests.results.factories import ActualFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

EXPORT = "/results/export.xlsx?period=2023Q2"
HEADER = [
    "Level",
    "Result code",
    "Result statement",
    "Indicator code",
    "Indicator",
    "Unit",
    "Baseline",
    "Baseline date",
    "Period target",
    "End target",
    "Actual",
    "Value to date",
    "Progress (%)",
    "Status",
    "Origin",
    "Source of the data",
    "Means of verification",
    "Provenance",
]


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _by_code(sheet) -> dict[str, dict[str, object]]:
    rows = _rows(sheet)
    return {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_workbook_is_named_after_the_programme_and_the_period(client, personas):
    response = _as(client, personas["donor"]).get(EXPORT)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="logframe-BOMCA10-2023Q2.xlsx"'
    assert _workbook(response).sheetnames == ["Logframe", "Disaggregations"]


def test_the_logframe_sheet_has_the_page_s_columns_and_a_frozen_header(client, personas):
    sheet = _workbook(_as(client, personas["pm"]).get(EXPORT))["Logframe"]

    assert _rows(sheet)[0] == HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["C"].width == 50
    assert [row[3] for row in _rows(sheet)[1:4]] == ["OO.1", "OO.2", "OO.3"]


def test_the_values_are_numbers_not_text(client, personas):
    rows = _by_code(_workbook(_as(client, personas["pm"]).get(EXPORT))["Logframe"])

    oo1 = rows["OO.1"]
    assert (oo1["Actual"], oo1["Value to date"], oo1["Period target"], oo1["End target"]) == (
        25,
        25,
        24,
        400,
    )
    assert (oo1["Progress (%)"], oo1["Status"], oo1["Origin"]) == (104, "Achieved", "computed")
    assert rows["OO.2"]["Actual"] == 472
    assert isinstance(rows["OO.3"]["Actual"], float)  # a share in per cent, e.g. 28.18
    assert rows["OO.3"]["Unit"] == "%"
    assert rows["OO.5"]["End target"] == 2_500_000
    for name in ("Actual", "Value to date", "Baseline", "End target", "Progress (%)"):
        assert isinstance(oo1[name], int), name
    assert rows["OC1.1.1"]["Origin"] == "by hand"
    assert rows["OC1.1.1"]["Source of the data"] == "Programme progress report (illustrative)"
    assert rows["OC3.1.1"]["Actual"] == "No"
    assert rows["SO3.1"]["Actual"] is None
    assert rows["OO.1"]["Provenance"] == "Illustrative"


def test_the_level_and_statement_of_each_indicator_s_result_head_its_row(client, personas):
    rows = _by_code(_workbook(_as(client, personas["pm"]).get(EXPORT))["Logframe"])

    assert rows["OP2.1.1.1"]["Level"] == "Output"
    assert rows["OP2.1.1.1"]["Result code"] == "OP2.1.1"
    assert str(rows["OO.1"]["Result statement"]).startswith("Enhancing security, stability")


def test_frozen_values_say_so(client, personas, bomca10):
    period_freeze(programme=bomca10, period=quarter(2023, 2), user=personas["pm"])

    rows = _by_code(_workbook(_as(client, personas["pm"]).get(EXPORT))["Logframe"])

    assert rows["OO.1"]["Origin"] == "frozen"
    assert rows["OC1.1.1"]["Origin"] == "by hand, frozen"


def test_the_disaggregations_sheet_names_each_key(client, personas):
    rows = _rows(_workbook(_as(client, personas["pm"]).get(EXPORT))["Disaggregations"])

    assert rows[0] == [
        "Indicator code",
        "Indicator",
        "Dimension",
        "Key",
        "Value in the period",
        "Value to date",
    ]
    officers = {(row[2], row[3]): row[4] for row in rows[1:] if row[0] == "OO.2"}
    assert (
        officers[("Sex", "Women")] + officers[("Sex", "Men")] + officers[("Sex", "Not recorded")]
        == 472
    )
    assert officers[("Country", "Tajikistan")] == 130
    assert isinstance(officers[("Organisation type", "Border service")], int)


def test_a_national_coordinator_gets_the_counts_of_people_as_the_page_shows_them(client, personas):
    coordinator = personas["tjcoord"]
    workbook = _workbook(_as(client, coordinator).get(EXPORT))

    assert _by_code(workbook["Logframe"])["OO.2"]["Actual"] == access.shown_count(coordinator, 472)
    exact = _rows(_workbook(_as(Client(), personas["pm"]).get(EXPORT))["Disaggregations"])
    shown = _rows(workbook["Disaggregations"])
    countries = dict(Country.objects.values_list("name_en", "pk"))
    for exact_row, shown_row in zip(exact[1:], shown[1:], strict=True):
        if exact_row[0] != "OO.2":
            assert shown_row == exact_row
            continue
        country = countries[exact_row[3]] if exact_row[2] == "Country" else None
        expected = access.shown_count(coordinator, exact_row[4], country=country)
        assert shown_row[4] == ("<5" if expected is None else expected)


def test_text_that_a_spreadsheet_would_run_stays_text(client, personas, bomca10):
    result = Result.objects.get(programme=bomca10, code="OO")
    indicator = IndicatorFactory(result=result, programme=bomca10, code="SYN.1")
    ActualFactory(indicator=indicator, value=Decimal(3), source_of_data="=HYPERLINK(1)")

    sheet = _workbook(_as(client, personas["pm"]).get(EXPORT))["Logframe"]

    cell = next(row[15] for row in sheet.iter_rows(min_row=2) if row[3].value == "SYN.1")
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_a_period_that_cannot_be_read_is_not_exported(client, personas):
    response = _as(client, personas["pm"]).get("/results/export.xlsx?period=2023Q7")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).exists()


def test_the_export_is_logged(client, personas):
    _as(client, personas["donor"]).get(EXPORT)

    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT, user=personas["donor"])
    assert event.detail == {"what": "logframe", "format": "xlsx", "period": "2023Q2"}


def test_the_export_in_russian_has_russian_statements(client, personas):
    response = _as(client, personas["pm"]).get(EXPORT, HTTP_ACCEPT_LANGUAGE="ru")

    rows = _rows(_workbook(response).worksheets[0])
    oo1 = next(row for row in rows if row[3] == "OO.1")
    assert str(oo1[4]).startswith("Количество реализованных мероприятий")


def test_a_range_of_periods_names_the_file_by_its_days(client, personas):
    response = _as(client, personas["pm"]).get("/results/export.xlsx?period=2021-04..2025-09")

    assert response["Content-Disposition"] == (
        'attachment; filename="logframe-BOMCA10-20210401-20250930.xlsx"'
    )
    assert Actual.objects.filter(frozen=True).count() == 0  # an export changes nothing
