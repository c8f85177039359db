"""Items of a procurement need from a spreadsheet in the app: upload, preview, import or cancel,
the saved mapping, the blank specification, and who may do which."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, Role, User
from bomca.imports.models import ImportKind, ImportRun, ImportTemplate, RunStatus
from bomca.procurement.models import ProcurementItem, ProcurementNeed
from tests.imports.sheets import PDF_BYTES, Row, xlsx
from tests.imports.test_activities_views import imported
from tests.imports.test_views import actions, mapping_form, plan, problem_rows
from tests.pages import page, text

KG = "PR-KG-2023-002"  # evaluated, Kyrgyzstan: one lot, one item
TJ = "PR-TJ-2022-001"  # contracted, Tajikistan
HANDED_OVER = "PR-KG-2023-003"
UPLOAD = f"/imports/procurement/{KG}/"
TEMPLATE = "/imports/templates/procurement-items.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["Лот", "Наименование", "Кол-во", "Ед. изм.", "Стоимость", "Валюта"]


def sheet(*rows: Row) -> bytes:
    return xlsx([HEADINGS, *rows])


TWO_ITEMS = sheet(
    [1, "Synthetic monocular", 4, "шт.", "12 500,00", "евро"],
    [2, "Synthetic radio", 20, "шт.", "1 234,50", "$"],
)


def upload(client: Client, data: bytes, reference: str = KG, template: str = ""):
    file = SimpleUploadedFile("specification.xlsx", data)
    return client.post(f"/imports/procurement/{reference}/", {"file": file, "template": template})


def uploaded_run(client: Client, data: bytes, reference: str = KG, template: str = "") -> ImportRun:
    response = upload(client, data, reference, template)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == f"/imports/{run.pk}/"
    return run


def synthetic_items() -> list[tuple[str, int, str]]:
    return list(
        ProcurementItem.objects.filter(description__startswith="Synthetic")
        .order_by("description")
        .values_list("description", "lot__number", "currency")
    )


# Upload, preview, import, cancel


def test_the_needs_page_offers_the_import_to_those_who_manage_procurement(client, personas):
    links = {}
    for persona in ("proc", "me"):
        client.force_login(personas[persona])
        root = page(client.get(f"/procurement/{KG}/"))
        links[persona] = [link.attrs.get("href") for link in root.find_all("a")]

    assert UPLOAD in links["proc"]
    assert UPLOAD not in links["me"]


def test_the_upload_page_offers_the_file_field_and_the_blank_specification(alice_client, bomca10):
    response = alice_client.get(UPLOAD)

    assert response.status_code == 200
    root = page(response)
    assert root.by_id("id_file").attrs["type"] == "file"
    hrefs = [link.attrs.get("href") for link in root.find_all("a")]
    assert f"{TEMPLATE}?programme=BOMCA10" in hrefs


def test_uploading_shows_what_importing_will_do_and_writes_nothing(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_ITEMS)

    need = ProcurementNeed.objects.get(reference=KG)
    assert (run.kind, run.need, run.programme, run.status) == (
        ImportKind.PROCUREMENT_ITEMS,
        need,
        bomca10,
        RunStatus.PREVIEWED,
    )
    assert default_storage.exists(run.stored_file)
    response = alice_client.get(f"/imports/{run.pk}/")
    assert response.status_code == 200
    assert plan(response) == [
        "2 rows read (sheet “Sheet1”, headings on row 1)",
        "Items: 2 new, 0 changed, 0 already as in the file",
        "1 new lot",
    ]
    assert actions(response) == ["check", "import", "cancel"]
    assert synthetic_items() == []


def test_the_import_button_imports_and_returns_to_the_need(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_ITEMS)
    stored = run.stored_file

    response = imported(alice_client, run)

    assert (response.status_code, response["Location"]) == (302, f"/procurement/{KG}/")
    assert synthetic_items() == [("Synthetic monocular", 1, "EUR"), ("Synthetic radio", 2, "USD")]
    assert not default_storage.exists(stored)
    assert list(ImportRun.objects.values_list("kind", "status", "stored_file")) == [
        (ImportKind.PROCUREMENT_ITEMS, RunStatus.IMPORTED, "")
    ]
    event = AuditEvent.objects.get(kind=AuditEventKind.IMPORT)
    assert (event.detail["what"], event.detail["need"], event.detail["created"]) == (
        "procurement_items",
        KG,
        2,
    )
    need_page = alice_client.get(response["Location"])
    assert "2 rows imported: 2 items added, 0 changed, 0 already as in the file." in text(need_page)


def test_a_file_with_problems_lists_them_and_offers_no_import(alice_client, bomca10):
    data = sheet(
        [1, "Synthetic A", -2, "шт.", "100", "евро"],
        [1, "Synthetic B", 2, "шт.", "сто", "рубль"],
    )
    run = uploaded_run(alice_client, data)

    response = alice_client.get(f"/imports/{run.pk}/")

    currencies = "EUR, USD, KZT, KGS, TJS, TMT, UZS"
    assert problem_rows(response) == [
        ["2", "Кол-во", "The quantity must be more than zero."],
        ["3", "Стоимость", "“сто” is not an amount; write it as 1234.50."],
        ["3", "Валюта", f"“рубль” is not a currency the system knows; write one of {currencies}."],
    ]
    assert actions(response) == ["check", "cancel"]
    assert imported(alice_client, run).status_code == 422
    assert synthetic_items() == []


def test_a_closed_need_shows_the_services_refusal_and_offers_no_import(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_ITEMS, reference=HANDED_OVER)

    response = alice_client.get(f"/imports/{run.pk}/")

    assert problem_rows(response) == [
        ["—", "—", "PR-KG-2023-003 is Handed over and closed; it is no longer changed."]
    ]
    assert actions(response) == ["check", "cancel"]
    assert imported(alice_client, run).status_code == 422
    assert synthetic_items() == []


def test_a_pdf_renamed_xlsx_is_refused_on_the_upload_page_and_nothing_is_kept(
    alice_client, bomca10
):
    response = upload(alice_client, PDF_BYTES)

    assert response.status_code == 422
    assert "The file specification.xlsx is not a spreadsheet" in text(response)
    assert not ImportRun.objects.exists()


def test_an_upload_past_the_limit_is_refused_with_its_size(alice_client, bomca10, settings):
    settings.MAX_UPLOAD_BYTES = 64 * 1024

    response = upload(alice_client, TWO_ITEMS + b"0" * (200 * 1024))

    assert response.status_code == 422
    assert "The file is larger than 1 MB" in text(response)
    assert not ImportRun.objects.exists()


def test_cancelling_deletes_the_pending_file_and_imports_nothing(alice_client, bomca10):
    run = uploaded_run(alice_client, TWO_ITEMS)
    stored = run.stored_file

    response = alice_client.post(f"/imports/{run.pk}/", {"action": "cancel"})

    assert (response.status_code, response["Location"]) == (302, f"/procurement/{KG}/")
    assert not default_storage.exists(stored)
    run.refresh_from_db()
    assert (run.status, run.stored_file) == (RunStatus.CANCELLED, "")
    assert synthetic_items() == []
    assert alice_client.get(f"/imports/{run.pk}/").status_code == 404


def test_someone_elses_pending_import_is_not_found(client, personas):
    client.force_login(personas["proc"])
    run = uploaded_run(client, TWO_ITEMS)
    client.force_login(personas["pm"])

    assert client.get(f"/imports/{run.pk}/").status_code == 404
    assert client.post(f"/imports/{run.pk}/", {"action": "import"}).status_code == 404
    assert client.post(f"/imports/{run.pk}/", {"action": "cancel"}).status_code == 404
    run.refresh_from_db()
    assert (run.status, default_storage.exists(run.stored_file)) == (RunStatus.PREVIEWED, True)
    assert synthetic_items() == []


# The mapping, corrected and saved


def test_a_mapping_saved_under_a_name_serves_the_next_specification(alice_client, alice, bomca10):
    headings = ["Наименование товара", "Кол-во", "Цена итого"]
    run = uploaded_run(alice_client, xlsx([headings, ["Synthetic tripod", 2, "300,00"]]))
    form = mapping_form(alice_client.get(f"/imports/{run.pk}/"))
    assert [form[f"column_{index}"] for index in range(3)] == ["description", "quantity", ""]

    alice_client.post(
        f"/imports/{run.pk}/",
        {
            **form,
            "column_2": "estimated_value",
            "save_as": "Kyrgyz border service",
            "action": "check",
        },
    )

    template = ImportTemplate.objects.get(name="Kyrgyz border service")
    assert (template.kind, template.created_by) == (ImportKind.PROCUREMENT_ITEMS, alice)
    assert template.mapping == {
        "наименование товара": "description",
        "кол во": "quantity",
        "цена итого": "estimated_value",
    }
    offered = [option.text for option in page(alice_client.get(UPLOAD)).find_all("option")]
    assert "Kyrgyz border service" in offered
    next_file = xlsx([headings, ["Synthetic case", 3, "45,50"]])
    next_run = uploaded_run(alice_client, next_file, template=str(template.pk))
    assert next_run.mapping == {"0": "description", "1": "quantity", "2": "estimated_value"}
    assert imported(alice_client, next_run).status_code == 302
    case = ProcurementItem.objects.get(description="Synthetic case")
    assert (case.quantity, case.estimated_value) == (3, Decimal("45.50"))


def test_the_upload_form_offers_only_mappings_of_procurement_items(alice_client, bomca10):
    ImportTemplate.objects.create(kind=ImportKind.PROCUREMENT_ITEMS, name="Specifications")
    ImportTemplate.objects.create(kind=ImportKind.ACTIVITIES, name="Work plans")

    offered = [option.text for option in page(alice_client.get(UPLOAD)).find_all("option")]

    assert "Specifications" in offered
    assert "Work plans" not in offered


# Who may do which


@pytest.mark.parametrize(
    ("persona", "reference", "status"),
    [
        ("proc", KG, 200),
        ("pm", KG, 200),
        ("admin", TJ, 200),
        ("super", KG, 200),
        ("me", KG, 403),
        ("c2lead", KG, 403),
        ("grants", KG, 403),
        ("comms", KG, 403),
        ("donor", KG, 403),
        ("tjcoord", TJ, 403),
        ("tjcoord", KG, 404),
        ("proc", "PR-XX-2023-999", 404),
    ],
)
def test_only_those_who_manage_procurement_may_upload_items(
    client, personas, persona, reference, status
):
    client.force_login(personas[persona])

    assert client.get(f"/imports/procurement/{reference}/").status_code == status
    response = upload(client, TWO_ITEMS, reference)
    assert response.status_code == (302 if status == 200 else status)
    assert ImportRun.objects.count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ME_OFFICER, 403),
        (Role.DONOR_VIEWER, 403),
        (Role.NATIONAL_COORDINATOR, 404),  # of Tajikistan: the Kyrgyz need is out of sight
    ],
)
def test_who_no_longer_manages_procurement_can_neither_see_nor_import_their_upload(
    client, personas, role, status
):
    user = personas["proc"]
    client.force_login(user)
    run = uploaded_run(client, TWO_ITEMS)
    User.objects.filter(pk=user.pk).update(role=role)
    user.countries.set(personas["tjcoord"].countries.all())

    assert client.get(f"/imports/{run.pk}/").status_code == status
    assert client.post(f"/imports/{run.pk}/", {"action": "import"}).status_code == status
    assert client.post(f"/imports/{run.pk}/", {"action": "cancel"}).status_code == status
    assert synthetic_items() == []


@pytest.mark.parametrize("url", [UPLOAD, TEMPLATE])
def test_anonymous_users_are_sent_to_log_in(client, bomca10, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The blank specification


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("proc", 200),
        ("pm", 200),
        ("admin", 200),
        ("me", 403),
        ("tjcoord", 403),
        ("c2lead", 403),
        ("donor", 403),
    ],
)
def test_the_blank_specification_is_for_those_who_manage_procurement(
    client, personas, persona, status
):
    client.force_login(personas[persona])

    response = client.get(TEMPLATE)

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX_TYPE
        assert 'filename="procurement-items-template.xlsx"' in response["Content-Disposition"]


def test_the_blank_specification_has_headings_in_english_and_russian_on_row_2(
    alice_client, bomca10
):
    workbook = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content))

    sheet = workbook["Items"]
    assert [cell.value for cell in sheet[2]] == [
        "Lot number / Номер лота",
        "Lot title / Наименование лота",
        "Description / Наименование",
        "Quantity / Количество",
        "Unit / Единица измерения",
        "Estimated value / Ориентировочная стоимость",
        "Contracted value / Стоимость по контракту",
        "Currency / Валюта",
        "Planned delivery date / Плановая дата поставки",
    ]
    assert sheet["A1"].value.startswith("Items of a procurement need")


def test_the_blank_specification_checks_its_cells_with_data_validations(alice_client, bomca10):
    sheet = load_workbook(io.BytesIO(alice_client.get(TEMPLATE).content))["Items"]

    by_column = {
        str(validation.sqref).split(":")[0]: validation
        for validation in sheet.data_validations.dataValidation
    }
    assert sorted(by_column) == ["A3", "D3", "F3", "G3", "H3", "I3"]
    currency = by_column["H3"]
    assert (currency.type, currency.formula1) == ("list", '"EUR,USD,KZT,KGS,TJS,TMT,UZS"')
    assert (by_column["A3"].type, by_column["A3"].formula1) == ("whole", "1")
    assert (by_column["D3"].type, by_column["D3"].operator) == ("decimal", "greaterThan")
    assert all(validation.showErrorMessage for validation in by_column.values())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_filled_in_blank_specification_imports_cleanly(alice_client, bomca10, language):
    workbook = load_workbook(
        io.BytesIO(alice_client.get(TEMPLATE, HTTP_ACCEPT_LANGUAGE=language).content)
    )
    sheet = workbook["Items"]
    rows = [
        [1, "", "Synthetic monocular", 4, "pcs", 50000, None, "EUR", datetime(2023, 11, 15)],
        [2, "Synthetic radios", "Synthetic radio", 20, "pcs", 24690.5, None, "USD", None],
    ]
    for number, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)
    run = uploaded_run(alice_client, output.getvalue())

    response = imported(alice_client, run)

    assert response.status_code == 302, problem_rows(response)
    assert (run.header_row, len(ImportRun.objects.get().mapping)) == (2, 9)
    need = ProcurementNeed.objects.get(reference=KG)
    monocular = ProcurementItem.objects.get(description="Synthetic monocular")
    assert (monocular.lot.title, monocular.estimated_value) == ("Thermal imaging", 50000)
    assert str(monocular.planned_delivery_date) == "2023-11-15"
    radio = ProcurementItem.objects.get(description="Synthetic radio")
    assert (radio.lot.number, radio.lot.title, radio.estimated_value, radio.currency) == (
        2,
        "Synthetic radios",
        Decimal("24690.50"),
        "USD",
    )
    assert need.lots.count() == 2
