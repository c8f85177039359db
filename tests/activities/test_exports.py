"""The register as a spreadsheet: same rows and access as the page, safe in Excel, logged."""

from __future__ import annotations

import csv
import io

from django.db.models import Q
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, Role
from bomca.activities.models import Activity
from bomca.core.spreadsheets import safe_cell
from bomca.people.models import ParticipantCount
from bomca.reference.models import Country
from tests.factories import PersonaFactory

EXPORT = "/activities/export/"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel needs the mark to read Cyrillic
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_export_has_a_row_per_activity_of_the_filtered_register(
    alice_client: Client, bomca10
):
    rows = _csv(alice_client.get(EXPORT, {"format": "csv", "component": "1"}))

    assert rows[0][0] == "Code"
    codes = [row[0] for row in rows[1:]]
    assert len(codes) == 9  # 7 implemented in 2023Q2, 2 planned or confirmed for 2023Q3
    assert all(code.startswith("C1-") for code in codes)
    assert {"C1-KG-2023-026", "C1-RG-2023-030"} <= set(codes)


def test_the_xlsx_export_opens_in_a_spreadsheet_with_the_counts_as_numbers(
    alice_client: Client, bomca10
):
    response = alice_client.get(EXPORT, {"format": "xlsx", "text": "Child Protection"})

    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]]
    assert row[header.index("Code")] == "C4-UZ-2023-025"
    assert row[header.index("Title (Russian)")].startswith("Семинар")
    assert row[header.index("Sex not recorded")] == 14
    assert row[header.index("Participants")] == 14
    assert sheet.max_row == 2


def test_a_title_that_looks_like_a_formula_is_written_as_text(alice_client: Client, bomca10):
    Activity.objects.filter(code="C1-TJ-2023-004").update(title_en='=HYPERLINK("http://x","y")')

    rows = _csv(alice_client.get(EXPORT, {"format": "csv", "text": "C1-TJ-2023-004"}))

    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'


def test_safe_cell_neutralises_every_formula_trigger_and_leaves_numbers():
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{trigger}1+1") == f"'{trigger}1+1"
    assert safe_cell("plain") == "plain"
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None


def test_an_export_is_in_the_security_log(alice_client: Client, bomca10):
    alice_client.get(EXPORT, {"format": "csv"})

    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT)
    assert event.user.username == "alice"
    assert event.detail == {"what": "activities", "format": "csv", "rows": 30}


def test_a_national_coordinator_exports_only_what_the_register_shows_them(client: Client, bomca10):
    tajikistan = Country.objects.get(code="TJ")
    client.force_login(PersonaFactory(role=Role.NATIONAL_COORDINATOR, countries=[tajikistan]))
    regional = Activity.objects.filter(scope="regional").exclude(host_country=tajikistan).first()
    ParticipantCount.objects.filter(activity=regional).delete()
    ParticipantCount.objects.create(
        activity=regional, country=Country.objects.get(code="KG"), female=2
    )

    rows = _csv(client.get(EXPORT, {"format": "csv"}))

    codes = {row[0] for row in rows[1:]}
    tajik_or_regional = Activity.objects.filter(Q(host_country=tajikistan) | Q(scope="regional"))
    assert codes == set(tajik_or_regional.values_list("code", flat=True))
    regional_row = next(row for row in rows if row[0] == regional.code)
    assert regional_row[15] == "<5"  # two Kyrgyz women: not shown exactly outside their scope


def test_an_unknown_export_format_is_not_found(alice_client: Client, bomca10):
    assert alice_client.get(EXPORT, {"format": "pdf"}).status_code == 404


def test_a_formula_looking_title_is_a_text_cell_in_xlsx_without_an_apostrophe(
    alice_client: Client, bomca10
):
    Activity.objects.filter(code="C1-TJ-2023-004").update(title_en="=1+1")

    response = alice_client.get(EXPORT, {"format": "xlsx", "text": "C1-TJ-2023-004"})

    cell = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
