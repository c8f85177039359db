"""The project list as CSV and XLSX: the page's filters and access, and totals per currency that
agree with the page and with the figures."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, Role
from bomca.core.money import totals_by_currency
from bomca.core.periods import parse_period
from bomca.grants.models import PaymentKind, ProjectStatus
from bomca.grants.selectors import grants_figures
from bomca.grants.services import payment_record, project_move
from tests.factories import CountryFactory, PersonaFactory, ProgrammeFactory
from tests.grants.factories import ApplicationFactory, CallFactory, GrantProjectFactory
from tests.pages import page

EXPORT = "/grants/export/"
HEADER = [
    "Contract number",
    "Call for proposals",
    "NGO",
    "Country",
    "Title",
    "Status",
    "Start date",
    "End date",
    "Duration (months)",
    "Amount",
    "Paid",
    "Currency",
    "Requested amount",
    "Requested currency",
    "Source",
]


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_csv_export_has_a_row_per_project_of_the_filtered_list(alice_client: Client, bomca10):
    rows = _csv(alice_client.get(EXPORT, {"format": "csv", "country": "KG"}))

    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["BOMCA10-CfP-1-G01", "BOMCA10-CfP-1-G02"]
    assert rows[1][9:12] == ["58000.00", "23200.00", "EUR"]
    assert rows[1][8] == "12"


def test_the_xlsx_export_has_amounts_as_numbers_and_dates_as_dates(alice_client: Client, bomca10):
    rows = _xlsx(alice_client.get(EXPORT, {"format": "xlsx", "status": "ongoing"}))

    assert rows[0] == HEADER
    assert len(rows) == 10
    first = rows[1]
    assert first[0] == "BOMCA10-CfP-1-G01"
    assert first[6].date() == date(2023, 4, 17)
    assert (first[9], first[11]) == (58000, "EUR")


def test_a_national_coordinator_exports_the_projects_of_their_countries_only(
    client: Client, personas
):
    client.force_login(personas["tjcoord"])

    rows = _csv(client.get(EXPORT, {"format": "csv"}))

    assert {row[3] for row in rows[1:]} == {"Tajikistan"}
    assert len(rows) == 3


def test_a_donor_exports_the_list_and_the_export_is_logged(client: Client, personas):
    client.force_login(personas["donor"])

    response = client.get(EXPORT, {"format": "csv"})

    assert response.status_code == 200
    assert len(_csv(response)) == 10
    event = AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).latest("pk")
    assert event.detail == {"what": "grant projects", "format": "csv", "rows": 9}


def test_an_unknown_export_format_is_not_found(alice_client: Client, bomca10):
    assert alice_client.get(EXPORT, {"format": "pdf"}).status_code == 404


# Mixed currencies: the page, the exports and the figures agree, per currency


@pytest.fixture
def mixed_programme(db):
    """Projects in EUR, USD and KGS, with payments in each, in a programme of its own."""
    aa = CountryFactory(code="AA", name_en="Aland")
    call = CallFactory(programme=ProgrammeFactory(code="MIXED1", countries=[aa]))
    for amount, currency, paid in (
        ("50000.00", "EUR", "20000.00"),
        ("12500.50", "EUR", "2500.25"),
        ("40000.00", "USD", "10000.00"),
        ("3000000.00", "KGS", "1000000.00"),
    ):
        project = GrantProjectFactory(
            application=ApplicationFactory(call=call), amount=Decimal(amount), currency=currency
        )
        project_move(project=project, to_status=ProjectStatus.ONGOING, on=date(2023, 4, 1), by=None)
        payment_record(
            project=project,
            kind=PaymentKind.PRE_FINANCING,
            paid_on=date(2023, 4, 5),
            amount=Decimal(paid),
        )
    return call.programme


EXPECTED_CONTRACTED = {
    "EUR": Decimal("62500.50"),
    "USD": Decimal("40000.00"),
    "KGS": Decimal("3000000.00"),
}
EXPECTED_PAID = {
    "EUR": Decimal("22500.25"),
    "USD": Decimal("10000.00"),
    "KGS": Decimal("1000000.00"),
}


def test_the_page_the_exports_and_the_figures_agree_on_the_totals_per_currency(
    alice_client: Client, mixed_programme
):
    query = {"programme": "MIXED1"}

    shown = page(alice_client.get("/grants/", query)).by_id("project-totals").text
    csv_rows = _csv(alice_client.get(EXPORT, {**query, "format": "csv"}))[1:]
    xlsx_rows = _xlsx(alice_client.get(EXPORT, {**query, "format": "xlsx"}))[1:]
    money = grants_figures(programme=mixed_programme, period=parse_period("2023Q2"))["money"]

    assert "Contracted 62,500.50 EUR; 40,000.00 USD; 3,000,000.00 KGS" in shown
    assert "Paid 22,500.25 EUR; 10,000.00 USD; 1,000,000.00 KGS" in shown
    for rows in (csv_rows, xlsx_rows):
        assert totals_by_currency((row[11], Decimal(str(row[9]))) for row in rows) == (
            EXPECTED_CONTRACTED
        )
        assert totals_by_currency((row[11], Decimal(str(row[10]))) for row in rows) == EXPECTED_PAID
    assert money["committed"] == {
        code: f"{value:.2f}" for code, value in EXPECTED_CONTRACTED.items()
    }
    assert money["paid"] == {code: f"{value:.2f}" for code, value in EXPECTED_PAID.items()}


def test_no_total_adds_amounts_of_different_currencies(alice_client: Client, mixed_programme):
    shown = page(alice_client.get("/grants/", {"programme": "MIXED1"})).by_id("project-totals").text

    for mixed_sum in ("102,500.50", "3,062,500.50", "3,102,500.50", "1,032,500.25"):
        assert mixed_sum not in shown


def test_a_grants_manager_sees_the_list_in_a_fixed_number_of_queries(
    client: Client, mixed_programme, django_assert_num_queries
):
    client.force_login(PersonaFactory(role=Role.GRANTS_MANAGER))

    with django_assert_num_queries(13):
        response = client.get("/grants/", {"programme": "MIXED1"})

    assert response.status_code == 200
