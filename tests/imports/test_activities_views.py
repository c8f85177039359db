"""Activities from a spreadsheet in the app: upload, preview, import or cancel, the saved
mapping, the blank sheet, and who may do which."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, Role, User
from bomca.activities.models import Activity
from bomca.imports.models import ImportKind, ImportRun, ImportTemplate, RunStatus
from tests.imports.sheets import Row, xlsx
from tests.imports.test_views import actions, mapping_form, plan, problem_rows
from tests.pages import text

UPLOAD = "/imports/activities/"
TEMPLATE = "/imports/templates/activities.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["Component", "Title", "Type", "Country", "Dates", "Women", "Men"]


def sheet(*rows: Row) -> bytes:
    return xlsx([HEADINGS, *rows])


#: One activity in Tajikistan (component 2) and one in Kyrgyzstan (component 1).
TWO_COUNTRIES = sheet(
    [2, "Synthetic seminar on risk analysis", "Seminar", "Tajikistan", "12–14.09.2023", 5, 12],
    [1, "Synthetic workshop on documents", "Workshop", "Kyrgyzstan", "19.09.2023", 3, 8],
)
TAJIK = sheet([2, "Synthetic seminar on risk analysis", "Seminar", "Tajikistan", "12.09.2023"])


def upload(client: Client, data: bytes, template: str = ""):
    file = SimpleUploadedFile("plan.xlsx", data)
    return client.post(UPLOAD, {"file": file, "template": template})


def uploaded_run(client: Client, data: bytes, template: str = "") -> ImportRun:
    response = upload(client, data, template)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == f"/imports/{run.pk}/"
    return run


def imported(client: Client, run: ImportRun, **changes: str) -> HttpResponse:
    """Press Import on the preview, with the form as it stands but for ``changes``."""
    form = mapping_form(client.get(f"/imports/{run.pk}/"))
    return client.post(f"/imports/{run.pk}/", {**form, **changes, "action": "import"})


def synthetic_titles() -> list[str]:
    return sorted(
        Activity.objects.filter(title_en__startswith="Synthetic").values_list("title_en", flat=True)
    )


# Upload, preview, import, cancel


def test_uploading_shows_what_importing_will_do_and_writes_nothing(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_COUNTRIES)

    assert (run.kind, run.programme, run.status) == (ImportKind.ACTIVITIES, bomca10, "previewed")
    assert default_storage.exists(run.stored_file)
    response = alice_client.get(f"/imports/{run.pk}/")
    assert response.status_code == 200
    assert plan(response) == [
        "2 rows read (sheet “Sheet1”, headings on row 1)",
        "Activities: 2 new, 0 changed, 0 already as in the file",
    ]
    assert actions(response) == ["check", "import", "cancel"]
    assert synthetic_titles() == []


def test_the_import_button_imports_and_returns_to_the_register(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_COUNTRIES)
    stored = run.stored_file

    response = imported(alice_client, run)

    assert response.status_code == 302
    assert response["Location"] == "/activities/"
    assert synthetic_titles() == [
        "Synthetic seminar on risk analysis",
        "Synthetic workshop on documents",
    ]
    assert not default_storage.exists(stored)
    assert list(ImportRun.objects.values_list("kind", "status", "stored_file")) == [
        (ImportKind.ACTIVITIES, RunStatus.IMPORTED, "")
    ]
    event = AuditEvent.objects.get(kind=AuditEventKind.IMPORT)
    assert (event.detail["what"], event.detail["created"]) == ("activities", 2)
    register = alice_client.get(response["Location"])
    assert "2 rows imported: 2 activities added, 0 changed, 0 already as in the file." in text(
        register
    )


def test_a_file_with_problems_lists_them_and_offers_no_import(alice_client, bomca10):
    data = sheet(
        [2, "Synthetic A", "Seminar", "Atlantis", "12.09.2023"],
        [7, "Synthetic B", "Seminar", "Tajikistan", "sometime"],
    )
    run = uploaded_run(alice_client, data)

    response = alice_client.get(f"/imports/{run.pk}/")

    assert problem_rows(response) == [
        ["2", "Country", "“Atlantis” is not a country the system knows."],
        ["3", "Component", "“7” is not a component of the programme; write its number, e.g. 1."],
        [
            "3",
            "Dates",
            '"sometime" is not a date or a period; write it as 20.06.2023 or 20–21.06.2023.',
        ],
    ]
    assert actions(response) == ["check", "cancel"]
    assert imported(alice_client, run).status_code == 422
    assert synthetic_titles() == []


def test_cancelling_deletes_the_pending_file_and_imports_nothing(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_COUNTRIES)
    stored = run.stored_file

    response = alice_client.post(f"/imports/{run.pk}/", {"action": "cancel"})

    assert (response.status_code, response["Location"]) == (302, "/activities/")
    assert not default_storage.exists(stored)
    run.refresh_from_db()
    assert (run.status, run.stored_file) == (RunStatus.CANCELLED, "")
    assert synthetic_titles() == []
    assert alice_client.get(f"/imports/{run.pk}/").status_code == 404


def test_someone_elses_pending_import_is_not_found(client, personas):
    client.force_login(personas["pm"])
    run = uploaded_run(client, TWO_COUNTRIES)
    client.force_login(personas["me"])

    assert client.get(f"/imports/{run.pk}/").status_code == 404
    assert client.post(f"/imports/{run.pk}/", {"action": "import"}).status_code == 404
    assert client.post(f"/imports/{run.pk}/", {"action": "cancel"}).status_code == 404
    run.refresh_from_db()
    assert (run.status, default_storage.exists(run.stored_file)) == (RunStatus.PREVIEWED, True)


# The mapping, corrected and saved


def test_a_corrected_mapping_is_saved_and_serves_the_next_file(alice_client, alice, bomca10):
    data = xlsx(
        [
            ["Component", "Title", "Dates", "Programme area"],
            [3, "Synthetic training on cargo", "03.10.2023", "risk management"],
        ]
    )
    run = uploaded_run(alice_client, data)
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))
    assert form["column_3"] == ""

    alice_client.post(
        f"/imports/{run.pk}/",
        {**form, "column_3": "thematic_area", "save_as": "Work plan 2023", "action": "check"},
    )

    template = ImportTemplate.objects.get(name="Work plan 2023")
    assert (template.kind, template.created_by) == (ImportKind.ACTIVITIES, alice)
    assert template.mapping == {
        "component": "component",
        "title": "title_en",
        "dates": "dates",
        "programme area": "thematic_area",
    }
    next_file = xlsx(
        [
            ["Component", "Title", "Dates", "Programme area"],
            [3, "Synthetic training on scanners", "10.10.2023", "cargo control"],
        ]
    )
    next_run = uploaded_run(alice_client, next_file, template=str(template.pk))
    assert next_run.mapping["3"] == "thematic_area"
    imported(alice_client, next_run)
    assert Activity.objects.get(title_en="Synthetic training on scanners").thematic_area == (
        "cargo control"
    )


def test_the_upload_form_offers_only_mappings_of_activities(alice_client, bomca10):
    ImportTemplate.objects.create(kind=ImportKind.ACTIVITIES, name="Work plans")
    ImportTemplate.objects.create(kind=ImportKind.PARTICIPANTS, name="Venue lists")

    response = alice_client.get(UPLOAD)

    assert "Work plans" in text(response)
    assert "Venue lists" not in text(response)


# Who may do which


@pytest.mark.parametrize(
    ("persona", "status"),
    [("pm", 200), ("me", 200), ("c2lead", 200), ("tjcoord", 200), ("donor", 403), ("proc", 403)],
)
def test_only_those_who_record_activities_may_upload_them(client, personas, persona, status):
    client.force_login(personas[persona])

    assert client.get(UPLOAD).status_code == status
    assert upload(client, TAJIK).status_code == (302 if status == 200 else status)
    assert ImportRun.objects.count() == (1 if status == 200 else 0)


@pytest.mark.parametrize("role", [Role.DONOR_VIEWER, Role.PROCUREMENT_OFFICER])
def test_who_no_longer_records_activities_can_neither_see_nor_import_their_upload(
    client, personas, role
):
    user = personas["me"]
    client.force_login(user)
    run = uploaded_run(client, TAJIK)
    User.objects.filter(pk=user.pk).update(role=role)

    assert client.get(f"/imports/{run.pk}/").status_code == 403
    assert client.post(f"/imports/{run.pk}/", {"action": "import"}).status_code == 403
    assert synthetic_titles() == []


@pytest.mark.parametrize(
    ("persona", "refused"),
    [
        (
            "tjcoord",
            [
                "3",
                "Country",
                "You may not record this activity: it is outside your components or countries.",
            ],
        ),
        (
            "c2lead",
            [
                "3",
                "Component",
                "You may not record this activity: it is outside your components or countries.",
            ],
        ),
    ],
)
def test_a_coordinator_or_lead_cannot_import_rows_outside_their_remit(
    client, personas, persona, refused
):
    client.force_login(personas[persona])
    run = uploaded_run(client, TWO_COUNTRIES)

    response = imported(client, run)

    assert response.status_code == 422
    assert problem_rows(response) == [refused]
    assert synthetic_titles() == []


@pytest.mark.parametrize("persona", ["tjcoord", "c2lead"])
def test_a_coordinator_or_lead_imports_rows_within_their_remit(client, personas, persona):
    client.force_login(personas[persona])
    run = uploaded_run(client, TAJIK)

    assert imported(client, run).status_code == 302
    assert synthetic_titles() == ["Synthetic seminar on risk analysis"]


# The blank sheet


@pytest.mark.parametrize(
    ("persona", "status"),
    [("pm", 200), ("c2lead", 200), ("tjcoord", 200), ("donor", 403), ("proc", 403)],
)
def test_the_blank_sheet_is_for_those_who_record_activities(client, personas, persona, status):
    client.force_login(personas[persona])

    response = client.get(TEMPLATE)

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX_TYPE
        assert 'filename="activities-template.xlsx"' in response["Content-Disposition"]


def test_the_blank_sheet_has_headings_in_english_and_russian_on_row_2(alice_client, bomca10):
    workbook = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content))

    assert workbook.sheetnames == ["Activities", "Lists"]
    headings = [cell.value for cell in workbook["Activities"][2]]
    assert headings[:4] == [
        "Code / Код",
        "Component / Компонент",
        "Title (English) / Название (на английском)",
        "Title (Russian) / Название (на русском)",
    ]
    assert "Start date / Дата начала" in headings
    assert "Women / Женщины" in headings
    assert len(headings) == 21


def test_the_blank_sheets_drop_downs_come_from_the_hidden_lists(alice_client, bomca10):
    workbook = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content))
    sheet = workbook["Activities"]
    headings = {cell.column_letter: str(cell.value).split(" / ")[0] for cell in sheet[2]}

    def listed(heading: str) -> list[str]:
        (validation,) = [
            validation
            for validation in sheet.data_validations.dataValidation
            if headings[str(validation.sqref)[0]] == heading
        ]
        assert (validation.type, str(validation.sqref).split(":")[0][1:]) == ("list", "3")
        name, cells = validation.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        return [cell.value for (cell,) in workbook[name][f"{first}:{last}"]]

    assert workbook["Lists"].sheet_state == "hidden"
    assert listed("Component") == ["1", "2", "3", "4"]
    assert listed("Type")[:3] == ["Workshop", "Seminar", "Training"]
    assert listed("Host country") == [
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
    ]
    assert listed("Held abroad in") == ["Germany", "Latvia", "Lithuania"]
    assert listed("Status") == ["Planned", "Confirmed", "Implemented", "Postponed", "Cancelled"]


def test_a_filled_in_blank_sheet_imports_cleanly(alice_client, bomca10):
    workbook = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content))
    sheet = workbook["Activities"]
    headings = [str(cell.value).split(" / ")[0] for cell in sheet[2]]
    rows = [
        {
            "Component": "3",
            "Title (English)": "Synthetic training on customs risk management",
            "Title (Russian)": "Тренинг по управлению таможенными рисками",
            "Type": "Training",
            "Scope": "National",
            "Format": "Hybrid",
            "Host country": "Kazakhstan",
            "City": "Almaty",
            "Start date": datetime(2023, 10, 3),
            "End date": datetime(2023, 10, 5),
            "Status": "Confirmed",
            "Delivered by": "National trainers",
            "National trainers from": "Kyrgyzstan",
            "Beneficiary organisations": "Customs service of Kazakhstan; KZ-BORDER",
            "Women": 4,
            "Men": 11,
            "Sex not recorded": 1,
        },
        {
            "Component": "4",
            "Title (English)": "Synthetic study visit on diaspora policies",
            "Type": "Study visit",
            "Scope": "Regional",
            "Held abroad in": "Germany",
            "Start date": datetime(2023, 11, 6),
            "End date": datetime(2023, 11, 10),
        },
    ]
    for number, values in enumerate(rows, start=3):
        for column, value in values.items():
            sheet.cell(row=number, column=headings.index(column) + 1, value=value)
    output = io.BytesIO()
    workbook.save(output)
    run = uploaded_run(alice_client, output.getvalue())

    assert imported(alice_client, run).status_code == 302

    training = Activity.objects.get(title_en=rows[0]["Title (English)"])
    assert (training.code, training.format, training.city, training.delivered_by) == (
        "C3-KZ-2023-031",
        "hybrid",
        "Almaty",
        "national_trainers",
    )
    assert training.trainer_country.code == "KG"
    assert sorted(training.beneficiary_organisations.values_list("code", flat=True)) == [
        "KZ-BORDER",
        "KZ-CUSTOMS",
    ]
    assert list(training.participant_counts.values_list("female", "male", "unrecorded")) == [
        (4, 11, 1)
    ]
    visit = Activity.objects.get(title_en=rows[1]["Title (English)"])
    assert (visit.code, visit.scope, visit.abroad_country.code, visit.host_country) == (
        "C4-RG-2023-032",
        "regional",
        "DE",
        None,
    )


def test_the_blank_sheet_in_russian_imports_too(alice_client, bomca10):
    response = alice_client.get(TEMPLATE, HTTP_ACCEPT_LANGUAGE="ru")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["Lists"]["B1"].value == "Семинар-практикум"
    sheet = workbook["Activities"]
    headings = [str(cell.value).split(" / ")[0] for cell in sheet[2]]
    lists = workbook["Lists"]
    values = {"Component": "2", "Title (English)": "Synthetic online session"}
    values |= {"Type": lists["B5"].value, "Status": lists["G3"].value, "Start date": "12.09.2023"}
    for column, value in values.items():
        sheet.cell(row=3, column=headings.index(column) + 1, value=value)
    output = io.BytesIO()
    workbook.save(output)

    run = uploaded_run(alice_client, output.getvalue())

    response = imported(alice_client, run)
    assert response.status_code == 302, problem_rows(response)
    activity = Activity.objects.get(title_en="Synthetic online session")
    assert (activity.activity_type, activity.status, activity.scope) == (
        "online_session",
        "implemented",
        "regional",
    )
