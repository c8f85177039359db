"""Every form page, as a keyboard or screen-reader user meets it: each field has a label bound to
it, help and errors are bound by aria-describedby, an invalid field says so, the error summary
is announced and links to the fields, and no id is used twice."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from lxml.html import HtmlElement

from bomca.accounts.models import User
from bomca.grants.models import Application, Report
from bomca.reporting.models import NewsletterIssue
from tests.imports.sheets import english_list

ACTIVITY = "C1-RG-2023-030"
NEED = "PR-KG-2023-002"
CALL = "BOMCA10-CfP-1"
PROJECT = "BOMCA10-CfP-1-G01"
INDICATOR = "OC1.1.1"
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "bomca"

# (page, persona): every page of the product that shows a form, as someone allowed to use it.
FORM_PAGES = [
    ("/activities/", "pm"),
    ("/activities/new/", "pm"),
    (f"/activities/{ACTIVITY}/edit/", "pm"),
    ("/people/", "pm"),
    ("/people/trainers/", "pm"),
    ("/people/duplicates/", "me"),
    ("/procurement/", "pm"),
    ("/procurement/new/", "pm"),
    (f"/procurement/{NEED}/edit/", "pm"),
    (f"/procurement/{NEED}/move/", "pm"),
    (f"/procurement/{NEED}/deliveries/new/", "pm"),
    (f"/procurement/{NEED}/hand-overs/new/", "pm"),
    ("/grants/", "pm"),
    ("/grants/calls/new/", "pm"),
    (f"/grants/calls/{CALL}/edit/", "pm"),
    (f"/grants/calls/{CALL}/applications/new/", "pm"),
    (f"/grants/{PROJECT}/edit/", "pm"),
    (f"/grants/{PROJECT}/status/", "pm"),
    (f"/grants/{PROJECT}/reports/new/", "pm"),
    (f"/grants/{PROJECT}/payments/new/", "pm"),
    ("/results/", "pm"),
    (f"/results/indicators/{INDICATOR}/", "pm"),
    (f"/results/indicators/{INDICATOR}/edit/", "me"),
    (f"/results/indicators/{INDICATOR}/targets/2024/", "me"),
    (f"/results/indicators/{INDICATOR}/values/2023/", "me"),
    ("/overview/", "pm"),
    ("/dashboard/", "pm"),
    ("/late/", "pm"),
    ("/newsletters/", "comms"),
    (f"/imports/participants/{ACTIVITY}/", "pm"),
    ("/imports/activities/", "pm"),
    (f"/imports/procurement/{NEED}/", "pm"),
    ("/api/tokens/", "pm"),
    ("/accounts/audit/", "admin"),
    ("/accounts/two-factor/setup/", "pm"),
]

# (page, persona, data): a POST that fails validation, cheap to make, for each kind of form.
INVALID_POSTS = [
    ("/activities/new/", "pm", {"title_en": "", "start_date": "not a date"}),
    ("/procurement/new/", "pm", {"title_en": ""}),
    (f"/procurement/{NEED}/deliveries/new/", "pm", {"date": "not a date"}),
    ("/grants/calls/new/", "pm", {"reference": ""}),
    (f"/grants/{PROJECT}/payments/new/", "pm", {"amount": "lots"}),
    (f"/results/indicators/{INDICATOR}/targets/2024/", "me", {"value": "lots"}),
    ("/newsletters/", "comms", {"number": "", "period_code": "1999Q9"}),
    ("/imports/activities/", "pm", {"template": ""}),
    ("/api/tokens/new/", "pm", {"name": ""}),
    ("/accounts/two-factor/setup/", "pm", {"code": "12"}),
]


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _tree(content: bytes) -> HtmlElement:
    return lxml.html.fromstring(content)


def _fields(tree: HtmlElement) -> list[HtmlElement]:
    """The inputs a person fills in: every input, select and textarea that is not hidden."""
    return [
        element
        for element in tree.iter("input", "select", "textarea")
        if element.get("type") not in {"hidden", "submit", "button"}
    ]


def _name(tree: HtmlElement, field: HtmlElement) -> str:
    """The field's accessible name from its label (bound by ``for`` or wrapping) or aria-label."""
    if field.get("aria-label") or field.get("aria-labelledby"):
        return field.get("aria-label") or field.get("aria-labelledby") or ""
    field_id = field.get("id")
    if field_id:
        labels = tree.xpath("//label[@for=$id]", id=field_id)
        if labels:
            return labels[0].text_content().strip()
    wrapping = field.xpath("ancestor::label")
    return wrapping[0].text_content().strip() if wrapping else ""


def _problems(content: bytes) -> list[str]:
    """What is wrong with the page for a keyboard or screen-reader user."""
    tree = _tree(content)
    problems: list[str] = []
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    problems += [f"id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for label in tree.iter("label"):
        target = label.get("for")
        if target is not None and (not target or target not in ids):
            problems.append(f"label {label.text_content().strip()!r} is bound to nothing")
    for field in _fields(tree):
        describer = field if field.get("aria-describedby") else _group(field)
        what = field.get("name") or field.get("id")
        if not _name(tree, field):
            problems.append(f"field {what!r} has no label")
        described_by = (describer.get("aria-describedby") or "").split()
        problems += [f"{what!r} describedby a missing {i!r}" for i in described_by if i not in ids]
        error_id = f"{field.get('id')}_error"
        if error_id in ids and error_id not in described_by:
            problems.append(f"the error of {what!r} is not bound to it")
        if error_id in ids and field.get("aria-invalid") != "true" and describer is field:
            problems.append(f"{what!r} has an error but is not marked invalid")
    return problems


def _group(field: HtmlElement) -> HtmlElement:
    """A checkbox or radio button's fieldset, which carries the group's help and error."""
    groups = field.xpath("ancestor::fieldset[1]")
    return groups[0] if groups else field


@pytest.fixture
def as_persona(client: Client, personas: dict[str, User]):
    def login(key: str) -> Client:
        return _as(client, personas[key])

    return login


@pytest.mark.parametrize(("url", "persona"), FORM_PAGES)
def test_every_field_of_a_form_page_has_a_bound_label_and_no_id_is_repeated(
    as_persona, url: str, persona: str
):
    response = as_persona(persona).get(url)

    assert response.status_code == 200, url
    assert _fields(_tree(response.content)), f"{url} shows no form"
    assert _problems(response.content) == []


def test_the_login_page_binds_its_labels_and_announces_a_failed_login(client: Client, db):
    assert _problems(client.get("/accounts/login/").content) == []

    response = client.post("/accounts/login/", {"username": "nobody", "password": ""})

    assert _problems(response.content) == []
    assert _tree(response.content).get_element_by_id("form-errors").get("role") == "alert"


@pytest.mark.parametrize(("url", "persona", "data"), INVALID_POSTS)
def test_an_invalid_form_marks_its_fields_and_its_summary_links_to_them(
    as_persona, url: str, persona: str, data: dict[str, str]
):
    response = as_persona(persona).post(url, data)

    assert response.status_code in {200, 400, 422}, url
    tree = _tree(response.content)
    summary = tree.get_element_by_id("form-errors")
    assert summary.get("role") == "alert"
    invalid: dict[
        str, str
    ] = {}  # name: id of the first input of that name (a group's first choice)
    for field in _fields(tree):
        if field.get("aria-invalid") == "true":
            invalid.setdefault(field.get("name", ""), field.get("id", ""))
    assert invalid, f"{url}: no field is marked invalid"
    links = [link.get("href") for link in summary.iter("a")]
    assert {f"#{field_id}" for field_id in invalid.values()} <= set(links)
    assert _problems(response.content) == []


def test_the_newsletter_pages_bind_every_field(as_persona):
    issue = NewsletterIssue.objects.get(number=6)

    client = as_persona("comms")

    for url in (f"/newsletters/{issue.pk}/edit/", f"/newsletters/{issue.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _problems(response.content) == [], url


def test_the_grant_application_report_and_contract_forms_bind_every_field(as_persona):
    application = Application.objects.order_by("pk").first()
    report = Report.objects.order_by("pk").first()
    assert application is not None
    assert report is not None
    client = as_persona("pm")

    for url in (
        f"/grants/applications/{application.pk}/",
        f"/grants/reports/{report.pk}/",
        f"/grants/reports/{report.pk}/people/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _problems(response.content) == [], url


def test_no_template_sets_a_positive_tabindex():
    """Tab order follows the page's order: a positive tabindex would jump the queue."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"tabindex=[\"']?[1-9]", path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_the_header_is_in_the_tab_order_it_shows_on_screen(alice_client: Client, bomca10):
    """Brand, the signed-in box and the language on the first rows, the menu on the last one:
    the page's order is the screen's, so Tab follows the eye (no CSS reordering needed). On a
    narrow screen all but the brand fold behind the Menu button, which comes right after it."""
    tree = _tree(alice_client.get("/activities/").content)

    (row,) = tree.find_class("header-row")
    (menu,) = tree.find_class("site-menu")
    order = [child.get("class", "").split()[0] for child in row]
    folded = [child.get("class", "").split()[0] for child in menu]

    assert order == ["brand", "menu-toggle", "site-menu"]
    assert folded[-1] == "main-nav"
    assert folded.index("user-box") < folded.index("language-form") < folded.index("main-nav")


def test_the_import_preview_binds_every_mapping_field(as_persona):
    sheet = english_list([["Synthetic Karimova", "F", 1985, "Border service of Tajikistan", "Lt"]])
    client = as_persona("pm")
    uploaded = client.post(
        "/imports/participants/C1-TJ-2023-004/",
        {"file": SimpleUploadedFile("list.xlsx", sheet), "template": ""},
    )
    assert uploaded.status_code == 302

    response = client.get(uploaded["Location"])

    assert response.status_code == 200
    assert _fields(_tree(response.content))
    assert _problems(response.content) == []
