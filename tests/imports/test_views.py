"""The importer in the app: upload, preview with the mapping, import or cancel; the blank sheet;
and who may do which."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, Role, User
from bomca.activities.models import Activity
from bomca.imports.models import ImportRun, ImportTemplate, RunStatus
from bomca.imports.services import participants_import
from bomca.people.models import Attendance, Participant, ParticipantCount
from tests.factories import CountryFactory, UserFactory
from tests.imports.sheets import PDF_BYTES, english_list, xlsx
from tests.pages import Element, form_values, page, text

TJ = "C1-TJ-2023-004"  # national, Tajikistan, component 1
KG = "C2-KG-2023-006"  # national, Kyrgyzstan, component 2
RKG = "C2-KG-2023-024"  # regional, hosted in Kyrgyzstan, component 2
TEMPLATE = "/imports/templates/attendance-sheet.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_url(code: str = TJ) -> str:
    return f"/imports/participants/{code}/"


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for base in (Participant, Attendance, ParticipantCount)
        for model in (base, base.history.model)
    }


def two_people() -> bytes:
    return english_list(
        [
            ["Synthetic Karimova", "F", 1985, "Border service of Tajikistan", "Lieutenant"],
            ["Synthetic Rahimov", "M", 1979, "Border service of Tajikistan", "Captain"],
        ]
    )


def upload(client: Client, data: bytes, name: str = "list.xlsx", code: str = TJ):
    return client.post(upload_url(code), {"file": SimpleUploadedFile(name, data), "template": ""})


def uploaded_run(client: Client, data: bytes, name: str = "list.xlsx") -> ImportRun:
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/"
    return run


def mapping_form(response: HttpResponse) -> dict[str, str]:
    """What the preview's form sends as it stands."""
    root = page(response)
    return form_values(root, form_around(root.by_id("id_sheet")))


def form_around(element: Element) -> Element:
    form = element.parent
    while form is not None and form.tag != "form":
        form = form.parent
    assert form is not None, f"<{element.tag}> is in no form"
    return form


def problem_rows(response: HttpResponse) -> list[list[str]]:
    table = page(response).by_id("problems").find_all("table")[0]
    return [[cell.text for cell in row.find_all("td")] for row in table.find_all("tr")[1:]]


def actions(response: HttpResponse) -> list[str]:
    """The buttons of the preview's form, by the action each sends."""
    return [
        button.attrs["value"]
        for button in page(response).find_all("button")
        if button.attrs.get("name") == "action"
    ]


def plan(response: HttpResponse) -> list[str]:
    section = page(response).by_id("plan").ancestor("section", cls="card")
    return [item.text for item in section.find_all("li")]


# Upload and preview


def test_the_upload_page_offers_a_file_field_and_the_blank_sheet(alice_client, bomca10):
    response = alice_client.get(upload_url())

    assert response.status_code == 200
    root = page(response)
    assert root.by_id("id_file").attrs["type"] == "file"
    assert form_around(root.by_id("id_file")).attrs["enctype"] == "multipart/form-data"
    assert any(link.attrs.get("href") == TEMPLATE for link in root.find_all("a"))


def test_uploading_a_sheet_stores_it_and_shows_the_plan_without_importing(alice_client, bomca10):
    before = table_sizes()

    run = uploaded_run(alice_client, two_people())

    assert run.status == RunStatus.PREVIEWED
    assert default_storage.exists(run.stored_file)
    assert table_sizes() == before
    response = alice_client.get(f"/imports/{run.pk}/")
    assert response.status_code == 200
    assert plan(response) == [
        "2 rows read (sheet “Sheet1”, headings on row 1)",
        "People: 2 new, 0 completed with new details, 0 already recorded",
        "Attendance: 2 new, 0 changed, 0 unchanged",
    ]
    assert actions(response) == ["check", "import", "cancel"]


def test_a_sheet_with_problems_shows_them_row_by_row_and_offers_no_import(alice_client, bomca10):
    data = xlsx(
        [
            ["Full name", "Sex", "Country"],
            ["Synthetic A", "F", "Tajikistan"],
            ["Synthetic B", "X", "Tajikistan"],
            ["Synthetic C", "M", "Atlantis"],
        ]
    )
    run = uploaded_run(alice_client, data)

    response = alice_client.get(f"/imports/{run.pk}/")

    assert problem_rows(response) == [
        ["3", "Sex", 'Sex "X" is not understood; write F or M (Ж or М).'],
        ["4", "Country", "“Atlantis” is not a country the system knows."],
    ]
    assert actions(response) == ["check", "cancel"]
    assert ImportRun.objects.get().problems == 2


def test_a_pdf_renamed_xlsx_is_refused_on_the_upload_page_and_nothing_is_kept(
    alice_client, bomca10
):
    response = upload(alice_client, PDF_BYTES, "list.xlsx")

    assert response.status_code == 422
    assert "The file list.xlsx is not a spreadsheet" in text(response)
    assert not ImportRun.objects.exists()


def test_checking_again_with_a_changed_mapping_uses_it(alice_client, bomca10):
    data = xlsx([["Full name", "Sex", "Unit"], ["Synthetic Karimova", "F", "Khorog border post"]])
    run = uploaded_run(alice_client, data)
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))
    assert (form["column_0"], form["column_1"], form["column_2"]) == ("full_name", "sex", "")

    response = alice_client.post(
        f"/imports/{run.pk}/", {**form, "column_2": "organisation", "action": "check"}
    )

    assert response.status_code == 200
    assert mapping_form(response)["column_2"] == "organisation"
    run.refresh_from_db()
    assert run.mapping == {"0": "full_name", "1": "sex", "2": "organisation"}
    assert not Participant.objects.filter(full_name="Synthetic Karimova").exists()


def test_checking_again_can_save_the_mapping_for_the_next_file(alice_client, bomca10, alice):
    data = xlsx([["Full name", "Sex", "Unit"], ["Synthetic Karimova", "F", "Khorog border post"]])
    run = uploaded_run(alice_client, data)
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))

    alice_client.post(
        f"/imports/{run.pk}/",
        {**form, "column_2": "organisation", "save_as": "Khorog sheets", "action": "check"},
    )

    template = ImportTemplate.objects.get(name="Khorog sheets")
    assert template.mapping == {"full name": "full_name", "sex": "sex", "unit": "organisation"}
    assert template.created_by == alice


def test_importing_from_the_preview_saves_the_list_and_returns_to_the_activity(
    alice_client, bomca10
):
    run = uploaded_run(alice_client, two_people())
    stored = run.stored_file
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))

    response = alice_client.post(f"/imports/{run.pk}/", {**form, "action": "import"})

    assert response.status_code == 302
    assert response["Location"] == f"/activities/{TJ}/"
    activity = Activity.objects.get(code=TJ)
    assert sorted(
        activity.attendances.filter(participant__full_name__startswith="Synthetic R").values_list(
            "participant__full_name", flat=True
        )
    ) == ["Synthetic Rahimov"]
    assert activity.attendances.filter(participant__full_name="Synthetic Karimova").exists()
    assert not default_storage.exists(stored)
    assert list(ImportRun.objects.values_list("status", "stored_file")) == [
        (RunStatus.IMPORTED, "")
    ]
    assert AuditEvent.objects.filter(kind=AuditEventKind.IMPORT).count() == 1


def test_the_activity_page_after_an_import_says_what_was_imported(alice_client, bomca10):
    run = uploaded_run(alice_client, two_people())
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))

    response = alice_client.post(f"/imports/{run.pk}/", {**form, "action": "import"}, follow=True)

    assert response.status_code == 200
    assert (
        "2 rows imported: 2 people added, 0 updated, 0 already recorded; the counts by sex now "
        "come from the list." in text(response)
    )
    assert "Synthetic Karimova" in text(response)


def test_importing_with_a_changed_mapping_imports_what_the_mapping_says(alice_client, bomca10):
    data = xlsx([["Full name", "Sex", "Unit"], ["Synthetic Karimova", "F", "Khorog border post"]])
    run = uploaded_run(alice_client, data)
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))

    alice_client.post(
        f"/imports/{run.pk}/", {**form, "column_2": "organisation", "action": "import"}
    )

    person = Participant.objects.get(full_name="Synthetic Karimova")
    assert (person.organisation_name, person.sex) == ("Khorog border post", "female")


def test_import_of_a_sheet_with_problems_is_refused_and_writes_nothing(alice_client, bomca10):
    run = uploaded_run(alice_client, xlsx([["Full name", "Sex"], ["Synthetic A", "X"]]))
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))
    before = table_sizes()

    response = alice_client.post(f"/imports/{run.pk}/", {**form, "action": "import"})

    assert response.status_code == 422
    assert problem_rows(response) == [
        ["2", "Sex", 'Sex "X" is not understood; write F or M (Ж or М).']
    ]
    assert table_sizes() == before
    assert ImportRun.objects.get().status == RunStatus.PREVIEWED


def test_cancelling_deletes_the_pending_file_and_imports_nothing(alice_client, bomca10):
    run = uploaded_run(alice_client, two_people())
    stored = run.stored_file
    before = table_sizes()

    response = alice_client.post(f"/imports/{run.pk}/", {"action": "cancel"})

    assert response.status_code == 302
    assert response["Location"] == f"/activities/{TJ}/"
    assert not default_storage.exists(stored)
    run.refresh_from_db()
    assert (run.status, run.stored_file) == (RunStatus.CANCELLED, "")
    assert table_sizes() == before


@pytest.mark.parametrize("finish", ["cancel", "import"])
def test_a_finished_import_cannot_be_opened_again(alice_client, bomca10, finish):
    run = uploaded_run(alice_client, two_people())
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))
    alice_client.post(f"/imports/{run.pk}/", {**form, "action": finish})

    assert alice_client.get(f"/imports/{run.pk}/").status_code == 404


def test_another_user_cannot_open_someone_elses_pending_import(client, alice, bomca10):
    client.force_login(alice)
    run = uploaded_run(client, two_people())
    client.force_login(UserFactory(username="bob", role=Role.PROGRAMME_MANAGER))

    assert client.get(f"/imports/{run.pk}/").status_code == 404
    assert client.post(f"/imports/{run.pk}/", {"action": "import"}).status_code == 404
    assert client.post(f"/imports/{run.pk}/", {"action": "cancel"}).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEWED
    assert default_storage.exists(run.stored_file)


def test_an_unknown_import_is_not_found(alice_client, bomca10):
    assert alice_client.get("/imports/999999/").status_code == 404


# Who may upload


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("pm", TJ, 200),
        ("me", KG, 200),
        ("tjcoord", TJ, 200),
        ("tjcoord", KG, 404),
        ("tjcoord", RKG, 403),
        ("c2lead", KG, 200),
        ("c2lead", TJ, 403),
        ("donor", TJ, 403),
        ("comms", TJ, 403),
        ("proc", TJ, 403),
    ],
)
def test_only_users_who_may_change_the_activity_may_upload_its_list(
    client: Client, personas: dict[str, User], persona, code, status
):
    client.force_login(personas[persona])

    assert client.get(upload_url(code)).status_code == status
    assert upload(client, two_people(), code=code).status_code == (302 if status == 200 else status)


def test_a_refused_upload_keeps_no_file_and_no_run(client, personas):
    client.force_login(personas["tjcoord"])

    response = upload(client, two_people(), code=KG)

    assert response.status_code == 404
    assert not ImportRun.objects.exists()
    assert not Participant.objects.filter(full_name__startswith="Synthetic R").exists()


def test_the_tajik_coordinator_imports_the_list_of_a_tajik_activity(client, personas):
    client.force_login(personas["tjcoord"])
    run = uploaded_run(client, two_people())
    form = mapping_form(client.get(f"/imports/{run.pk}/"))

    response = client.post(f"/imports/{run.pk}/", {**form, "action": "import"})

    assert response.status_code == 302
    assert Participant.objects.filter(full_name="Synthetic Rahimov", country__code="TJ").exists()


@pytest.mark.parametrize("url", [upload_url(), TEMPLATE, "/imports/1/"])
def test_anonymous_users_are_sent_to_log_in(client, bomca10, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The blank sheet


def test_the_blank_sheet_is_an_xlsx_with_drop_down_lists(alice_client, bomca10):
    response = alice_client.get(TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    validations = sheet.data_validations.dataValidation
    assert validations
    by_column = {str(validation.sqref).split(":")[0][0]: validation for validation in validations}
    assert by_column["B"].type == "list"
    assert by_column["B"].formula1 == '"F,M"'
    assert by_column["D"].type == "list"
    listed, cells = by_column["D"].formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    countries = [cell.value for (cell,) in workbook[listed][f"{first}:{last}"]]
    assert "Tajikistan" in countries
    assert workbook[listed].sheet_state == "hidden"
    assert by_column["N"].type == "whole"
    assert (by_column["N"].formula1, by_column["N"].formula2) == ("1", "5")


def test_the_filled_blank_sheet_imports(alice_client, bomca10):
    workbook = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content))
    sheet = workbook.active
    people = [
        [
            "Synthetic Karimova",
            "F",
            1985,
            "Tajikistan",
            "Border service of Tajikistan",
            "Lieutenant",
            "karimova@example.org",
            "+992 000",
            "participant",
            3,
            "yes",
            40,
            80,
            5,
        ],
        [
            "Synthetic Saidov",
            "M",
            1979,
            "Kazakhstan",
            "",
            "Trainer",
            "",
            "",
            "trainer",
            3,
            "yes",
            None,
            None,
            None,
        ],
    ]
    for offset, row in enumerate(people):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=3 + offset, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)

    result = participants_import(
        data=output.getvalue(),
        filename="filled.xlsx",
        activity=Activity.objects.get(code=TJ),
        dry_run=False,
    )

    assert result.problems == []
    assert result.header_row == 2
    assert len(result.mapping) == 14
    karimova = Participant.objects.get(full_name="Synthetic Karimova")
    assert (karimova.organisation.code, karimova.email) == ("TJ-BORDER", "karimova@example.org")
    saidov = Participant.objects.get(full_name="Synthetic Saidov")
    assert (saidov.country.code, saidov.trainer.home_country.code) == ("KZ", "KZ")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("pm", 200), ("tjcoord", 200), ("c2lead", 200), ("donor", 403), ("comms", 403)],
)
def test_the_blank_sheet_is_for_those_who_record_activities(client, personas, persona, status):
    client.force_login(personas[persona])

    assert client.get(TEMPLATE).status_code == status


def test_the_country_drop_down_fits_excels_limit_however_many_countries(alice_client, bomca10):
    CountryFactory.create_batch(30)  # "Testland AB" and so on

    sheet = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content)).active

    countries = next(
        validation
        for validation in sheet.data_validations.dataValidation
        if str(validation.sqref).startswith("D")
    )
    assert len(countries.formula1) <= 255 + 2  # the list and its quotes
