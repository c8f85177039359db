"""Newsletter issues in the app: who may read and write them, creating, editing all or
nothing, drafting narratives again, previewing and downloading."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from PIL import Image

from bomca.accounts.models import AuditEvent, AuditEventKind, User
from bomca.activities.models import Format, Scope
from bomca.reference.models import Country, Programme
from bomca.reporting.models import (
    ComponentNarrative,
    Editorial,
    NewsletterIssue,
    NewsletterPicture,
)
from bomca.reporting.services import newsletter_issue_create
from tests.factories import ActivityFactory, ParticipantCountFactory
from tests.pages import Element, errors_of, field_container, page

ISSUES = "/newsletters/"
EDITORS = ["pm", "admin", "super", "comms", "staff"]
READERS = ["me", "c2lead", "tjcoord", "proc", "grants", "donor"]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SVG = "{http://www.w3.org/2000/svg}"
NOT_A_PICTURE = "This file is not a JPEG or PNG picture, or it is damaged."


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), "#16365c").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def issue6(bomca10: Programme) -> NewsletterIssue:
    return NewsletterIssue.objects.get(programme=bomca10, number=6)


@pytest.fixture
def pm_client(client: Client, personas: dict[str, User]) -> Client:
    client.force_login(personas["pm"])
    return client


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded pictures go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _edit_url(issue: NewsletterIssue) -> str:
    return f"/newsletters/{issue.pk}/edit/"


def _form_data(response: HttpResponse) -> dict[str, str]:
    """What a browser sends when the edit form is submitted unchanged."""
    [form] = [form for form in page(response).find_all("form") if form.attrs.get("enctype")]
    data: dict[str, str] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = element.attrs.get("type", "text")
            if kind in {"file", "submit"}:
                continue
            if kind in {"checkbox", "radio"} and "checked" not in element.attrs:
                continue
            data[name] = element.attrs.get("value", "on" if kind == "checkbox" else "")
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = [option for option in options if "selected" in option.attrs] or options[:1]
            data[name] = chosen[0].attrs.get("value", "")
        elif element.tag == "textarea":
            raw = "".join(child for child in element.children if isinstance(child, str))
            data[name] = raw.removeprefix("\n")  # the browser drops the newline after the tag
    return data


def _edit_data(client: Client, issue: NewsletterIssue) -> dict[str, object]:
    response = client.get(_edit_url(issue))
    assert response.status_code == 200
    return dict(_form_data(response))


def _snapshot(issue: NewsletterIssue) -> dict[str, object]:
    """Everything people write in an issue, and how many history rows it has."""
    issue = NewsletterIssue.objects.get(pk=issue.pk)
    return {
        "issue": {field.name: getattr(issue, field.name) for field in issue._meta.fields},
        "editorials": list(issue.editorials.order_by("order", "pk").values()),
        "narratives": list(issue.narratives.order_by("component__number").values()),
        "pictures": list(issue.pictures.order_by("order", "pk").values()),
        "history": [
            NewsletterIssue.history.filter(id=issue.pk).count(),
            Editorial.history.filter(issue_id=issue.pk).count(),
            ComponentNarrative.history.filter(issue_id=issue.pk).count(),
            NewsletterPicture.history.filter(issue_id=issue.pk).count(),
        ],
    }


def _alert(response: HttpResponse) -> Element:
    return page(response).by_id("form-errors")


def _messages(response: HttpResponse) -> list[str]:
    return [item.text for item in page(response).find_all("li", cls="message")]


# --- who may do what ----------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, issue6: NewsletterIssue):
    login = resolve_url(django_settings.LOGIN_URL)
    for url in (
        ISSUES,
        f"/newsletters/{issue6.pk}/",
        _edit_url(issue6),
        f"/newsletters/{issue6.pk}/preview/en/",
        f"/newsletters/{issue6.pk}/download/en.pdf",
    ):
        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    assert client.post(ISSUES, {"number": 7, "period_code": "2022Q1"}).status_code == 302
    assert NewsletterIssue.objects.count() == 1
    assert not AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).exists()


def test_every_role_may_read_the_newsletters(
    client: Client, personas: dict[str, User], issue6: NewsletterIssue
):
    for key, user in personas.items():
        client.force_login(user)
        listing = client.get(ISSUES)
        detail = client.get(f"/newsletters/{issue6.pk}/")

        assert (listing.status_code, detail.status_code) == (200, 200), key
        rows = page(listing).find_all("table", cls="issue-list")[0].find_all("tbody")[0]
        assert rows.find_all("a")[0].text == "Issue 6", key
        may_edit = key in EDITORS
        assert bool(page(listing).find_all("h2")) == may_edit, key  # "New issue"
        edit_links = [
            link for link in page(detail).find_all("a") if link.attrs["href"] == _edit_url(issue6)
        ]
        assert bool(edit_links) == may_edit, key


def test_a_draft_is_read_by_the_team_but_not_by_the_donor(
    client: Client, personas: dict[str, User], issue6: NewsletterIssue
):
    draft = newsletter_issue_create(programme=issue6.programme, number=7, period_code="2022Q1")
    urls = [
        f"/newsletters/{draft.pk}/",
        f"/newsletters/{draft.pk}/preview/en/",
        f"/newsletters/{draft.pk}/download/en.html",
    ]
    seen = {}
    for key, user in personas.items():
        client.force_login(user)
        listing = page(client.get(ISSUES)).find_all("table", cls="issue-list")[0]
        seen[key] = (
            [link.text for link in listing.find_all("a") if link.text.startswith("Issue")],
            [client.get(url).status_code for url in urls],
        )

    assert seen.pop("donor") == (["Issue 6"], [404, 404, 404])
    assert set(map(str, seen.values())) == {str((["Issue 6", "Issue 7"], [200, 200, 200]))}
    exports = AuditEvent.objects.filter(kind=AuditEventKind.EXPORT)
    assert exports.count() == len(seen)  # the donor's refused download is not an export


@pytest.mark.parametrize("role", EDITORS + READERS)
def test_only_editors_may_create_edit_and_redraft(
    client: Client, personas: dict[str, User], issue6: NewsletterIssue, role
):
    client.force_login(personas["pm"])
    unchanged = _edit_data(client, issue6)
    narrative = issue6.narratives.get(component__number=2)
    client.force_login(personas[role])

    create = client.post(ISSUES, {"number": 7, "period_code": "2022Q1"})
    edit_page = client.get(_edit_url(issue6))
    edit = client.post(_edit_url(issue6), unchanged)
    redraft = client.post(f"/newsletters/{issue6.pk}/redraft/", {"components": ["2"]})

    statuses = [response.status_code for response in (create, edit_page, edit, redraft)]
    narrative.refresh_from_db()
    if role in EDITORS:
        assert statuses == [302, 200, 302, 302]
        assert NewsletterIssue.objects.filter(number=7, period_code="2022Q1").exists()
        assert "Component 2 implemented 5 activities" in narrative.text_en
    else:
        assert statuses == [403, 403, 403, 403]
        assert NewsletterIssue.objects.count() == 1
        assert narrative.text_en.startswith("<p>In April – June 2023, Component 2 main efforts")


# --- creating an issue ----------------------------------------------------------------------------


def test_the_create_form_proposes_the_next_number_and_the_free_quarters(
    pm_client: Client, issue6: NewsletterIssue
):
    html = page(pm_client.get(ISSUES))

    assert html.by_id("id_number").attrs["value"] == "7"
    quarters = [option.attrs["value"] for option in html.by_id("id_period_code").find_all("option")]
    assert quarters[0] == "2025Q3"
    assert "2022Q1" in quarters
    assert "2023Q2" not in quarters  # issue 6 covers it


def test_creating_an_issue_leads_to_its_editing_page(pm_client: Client, issue6: NewsletterIssue):
    response = pm_client.post(ISSUES, {"number": 7, "period_code": "2022Q1"})

    issue = NewsletterIssue.objects.get(number=7)
    assert response.status_code == 302
    assert response["Location"] == _edit_url(issue)
    assert issue.period_code == "2022Q1"
    assert [n.component.number for n in issue.narratives.order_by("component__number")] == [
        1,
        2,
        3,
        4,
    ]
    assert "Component 3 implemented no activities" in (
        issue.narratives.get(component__number=3).text_en
    )
    followed = pm_client.get(response["Location"])
    assert _messages(followed)[0].startswith("Issue 7 created")


def test_a_new_issue_s_checklist_says_the_featured_story_is_not_written_yet(
    client: Client, personas: dict[str, User], issue6: NewsletterIssue
):
    """Created by an officer who works in Russian: each title placeholder in its own language."""
    officer = personas["pm"]
    officer.language = "ru"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    client.post(ISSUES, {"number": 7, "period_code": "2022Q1"})

    issue = NewsletterIssue.objects.get(number=7)
    assert issue.featured_title_en == "Featured story"
    assert issue.featured_title_ru == "Главная история"
    officer.language = "en"
    officer.save(update_fields=["language"])
    section = page(client.get(f"/newsletters/{issue.pk}/")).by_id("parts").parent
    assert section is not None
    checklist = section.text
    assert "Featured story — not written yet" in checklist
    assert "Featured story: Featured story" not in checklist


def test_a_taken_number_is_refused_on_the_number_field(pm_client: Client, issue6: NewsletterIssue):
    response = pm_client.post(ISSUES, {"number": 6, "period_code": "2022Q1"})

    assert response.status_code == 422
    assert errors_of(field_container(response, "number")) == ["Issue 6 exists already."]
    assert NewsletterIssue.objects.count() == 1


def test_a_quarter_with_an_issue_cannot_have_another(pm_client: Client, issue6: NewsletterIssue):
    response = pm_client.post(ISSUES, {"number": 7, "period_code": "2023Q2"})

    assert response.status_code == 422
    assert errors_of(field_container(response, "period_code"))
    assert NewsletterIssue.objects.count() == 1


# --- editing an issue -----------------------------------------------------------------------------


def test_the_edit_form_shows_rich_text_as_paragraphs(pm_client: Client, issue6: NewsletterIssue):
    data = _edit_data(pm_client, issue6)

    assert data["c2-text_en"].startswith("In April – June 2023, Component 2 main efforts")
    assert "<p>" not in data["c2-text_en"]
    assert "\n\n" in data["featured_text_en"]
    assert data["editorials-TOTAL_FORMS"] == "3"
    assert data["editorials-INITIAL_FORMS"] == "2"
    assert data["pictures-INITIAL_FORMS"] == "2"


def test_saving_the_edit_form_unchanged_changes_no_text(pm_client: Client, issue6: NewsletterIssue):
    before = _snapshot(issue6)

    response = pm_client.post(_edit_url(issue6), _edit_data(pm_client, issue6))

    after = _snapshot(issue6)
    assert response.status_code == 302
    for part in ("editorials", "narratives", "pictures"):
        drop = {"updated_at"}
        assert [{k: v for k, v in row.items() if k not in drop} for row in after[part]] == [
            {k: v for k, v in row.items() if k not in drop} for row in before[part]
        ], part
    assert {k: v for k, v in after["issue"].items() if k != "updated_at"} == {
        k: v for k, v in before["issue"].items() if k != "updated_at"
    }


def test_the_edit_form_saves_editorials_narratives_and_pictures(
    pm_client: Client, personas: dict[str, User], issue6: NewsletterIssue, media
):
    before = _snapshot(issue6)
    data = _edit_data(pm_client, issue6)
    data.update(
        {
            "featured_title_en": "Synthetic featured title",
            "editorials-0-text_en": "Changed first paragraph.\n\nSecond one.",
            "editorials-2-author": "Synthetic Author",
            "editorials-2-role_en": "Synthetic role",
            "editorials-2-text_en": "A third editorial.",
            "c1-text_en": "A synthetic narrative.\nWith a second line.",
            "pictures-2-caption_en": "Synthetic picture",
            "pictures-2-image": SimpleUploadedFile("snap.png", _png(), content_type="image/png"),
        }
    )

    response = pm_client.post(_edit_url(issue6), data)

    assert response.status_code == 302
    assert response["Location"] == f"/newsletters/{issue6.pk}/"
    issue6.refresh_from_db()
    assert issue6.featured_title_en == "Synthetic featured title"
    editorials = list(issue6.editorials.order_by("order"))
    assert [e.author for e in editorials] == [
        "Mr. Cosimo Lamberti-Fossati",
        "Ms. Veronika Goncharova",
        "Synthetic Author",
    ]
    assert editorials[0].text_en == "<p>Changed first paragraph.</p><p>Second one.</p>"
    assert editorials[2].text_en == "<p>A third editorial.</p>"
    assert issue6.narratives.get(component__number=1).text_en == (
        "<p>A synthetic narrative.<br>With a second line.</p>"
    )
    picture = issue6.pictures.order_by("order").last()
    assert picture.caption_en == "Synthetic picture"
    assert picture.image.name.endswith(".png")
    stored = Image.open(io.BytesIO((media / picture.image.name).read_bytes()))
    uploaded = Image.open(io.BytesIO(_png()))
    assert (stored.format, stored.size) == ("PNG", uploaded.size)
    assert stored.convert("RGB").tobytes() == uploaded.convert("RGB").tobytes()
    history = _snapshot(issue6)["history"]
    assert all(now > then for now, then in zip(history, before["history"], strict=True))
    assert issue6.history.first().history_user == personas["pm"]
    assert _messages(pm_client.get(response["Location"])) == ["Issue 6 saved."]


def test_an_editorial_can_be_removed(pm_client: Client, issue6: NewsletterIssue):
    data = _edit_data(pm_client, issue6)
    data["editorials-1-DELETE"] = "on"

    response = pm_client.post(_edit_url(issue6), data)

    assert response.status_code == 302
    assert [e.author for e in issue6.editorials.all()] == ["Mr. Cosimo Lamberti-Fossati"]


def test_an_invalid_editorial_saves_nothing_and_names_the_field(
    pm_client: Client, issue6: NewsletterIssue
):
    before = _snapshot(issue6)
    data = _edit_data(pm_client, issue6)
    data.update(
        {
            "featured_title_en": "Synthetic title that must not be saved",
            "c1-text_en": "A narrative that must not be saved.",
            "editorials-2-author": "Synthetic Author",
            "editorials-2-text_en": "An editorial with no author's role.",
        }
    )

    response = pm_client.post(_edit_url(issue6), data)

    assert response.status_code == 422
    assert errors_of(field_container(response, "role_en", prefix="editorials-2")) == [
        "This field is required."
    ]
    assert "Nothing was saved" in _alert(response).text
    assert _snapshot(issue6) == before


def test_a_pdf_posing_as_a_picture_is_refused_and_nothing_is_saved(
    pm_client: Client, issue6: NewsletterIssue, media
):
    before = _snapshot(issue6)
    data = _edit_data(pm_client, issue6)
    data.update(
        {
            "featured_title_en": "Synthetic title that must not be saved",
            "editorials-0-text_en": "Words that must not be saved.",
            "pictures-2-caption_en": "Synthetic picture",
            "pictures-2-image": SimpleUploadedFile(
                "photo.jpg", PDF_BYTES, content_type="image/jpeg"
            ),
        }
    )

    response = pm_client.post(_edit_url(issue6), data)

    assert response.status_code == 422
    container = field_container(response, "image", prefix="pictures-2")
    assert container.find_all("label")[0].text == "Picture"
    assert errors_of(container) == [NOT_A_PICTURE]
    assert NOT_A_PICTURE in _alert(response).text
    assert _snapshot(issue6) == before
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_refused_picture_leaves_no_file_of_the_others_behind(
    pm_client: Client, issue6: NewsletterIssue, media
):
    data = _edit_data(pm_client, issue6)
    data.update(
        {
            "pictures-0-image": SimpleUploadedFile("good.png", _png(), content_type="image/png"),
            "pictures-2-caption_en": "Synthetic picture",
            "pictures-2-image": SimpleUploadedFile("bad.jpg", PDF_BYTES, content_type="image/jpeg"),
        }
    )

    response = pm_client.post(_edit_url(issue6), data)

    assert response.status_code == 422
    assert not issue6.pictures.exclude(image="").exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_another_issue_s_number_is_refused_when_editing(pm_client: Client, issue6: NewsletterIssue):
    other = newsletter_issue_create(programme=issue6.programme, number=7, period_code="2022Q1")
    data = _edit_data(pm_client, other)
    data["number"] = "6"

    response = pm_client.post(_edit_url(other), data)

    assert response.status_code == 422
    assert errors_of(field_container(response, "number")) == ["Issue 6 exists already."]
    other.refresh_from_db()
    assert other.number == 7


# --- drafting narratives again -------------------------------------------------------------


def test_redrafting_a_published_issue_warns_that_readers_see_the_change(
    pm_client: Client, issue6: NewsletterIssue
):
    warning = "This issue is published: drafting again changes what its readers download."
    assert issue6.status == "published"
    assert warning in page(pm_client.get(f"/newsletters/{issue6.pk}/")).by_id("redraft").parent.text

    issue6.status = "draft"
    issue6.save(update_fields=["status"])
    assert warning not in page(pm_client.get(f"/newsletters/{issue6.pk}/")).text


def test_redrafting_replaces_the_chosen_narratives_from_the_records(
    pm_client: Client, issue6: NewsletterIssue
):
    before = {n.component.number: n.text_en for n in issue6.narratives.all()}

    response = pm_client.post(f"/newsletters/{issue6.pk}/redraft/", {"components": ["1", "3"]})

    after = {n.component.number: n.text_en for n in issue6.narratives.all()}
    assert response.status_code == 302
    assert response["Location"] == f"/newsletters/{issue6.pk}/"
    assert after[1].startswith("<p>In April–June 2023, Component 1 implemented 7 activities")
    assert after[3].startswith("<p>In April–June 2023, Component 3 implemented 8 activities")
    assert (after[2], after[4]) == (before[2], before[4])
    assert CYRILLIC.search(issue6.narratives.get(component__number=1).text_ru)
    assert _messages(pm_client.get(response["Location"])) == [
        "2 narratives drafted again from the records."
    ]
    assert ComponentNarrative.history.filter(issue_id=issue6.pk, component__number=1).count() == 3


def test_redrafting_nothing_says_so_and_changes_nothing(pm_client: Client, issue6: NewsletterIssue):
    before = _snapshot(issue6)

    response = pm_client.post(f"/newsletters/{issue6.pk}/redraft/", follow=True)

    assert _messages(response) == ["Choose at least one component to draft again."]
    assert _snapshot(issue6) == before


def test_redrafting_needs_a_post(pm_client: Client, issue6: NewsletterIssue):
    assert pm_client.get(f"/newsletters/{issue6.pk}/redraft/").status_code == 405


# --- preview and download ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_preview_is_the_issue_as_html(pm_client: Client, issue6: NewsletterIssue, language):
    response = pm_client.get(f"/newsletters/{issue6.pk}/preview/{language}/")
    html = page(response)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert html.find_all("html")[0].attrs["lang"] == language
    # The map and the 16 charts with something to show: all but the people reached by grants.
    assert len(html.find_all("figure", cls="chart")) == 17
    assert bool(CYRILLIC.search(html.by_id("thematic").text)) == (language == "ru")
    assert "Content-Disposition" not in response


@pytest.mark.parametrize(
    "url",
    ["preview/de/", "download/de.pdf", "download/en.docx", "download/en.PDF"],
)
def test_an_unknown_language_or_format_is_not_found(
    pm_client: Client, issue6: NewsletterIssue, url
):
    assert pm_client.get(f"/newsletters/{issue6.pk}/{url}").status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).exists()


def test_an_unknown_issue_is_not_found(pm_client: Client, issue6: NewsletterIssue):
    for url in ("/", "/edit/", "/preview/en/", "/download/en.html"):
        assert pm_client.get(f"/newsletters/{issue6.pk + 100}{url}").status_code == 404, url


def test_the_html_download_is_a_standalone_attachment(
    pm_client: Client, personas: dict[str, User], issue6: NewsletterIssue
):
    response = pm_client.get(f"/newsletters/{issue6.pk}/download/en.html")
    html = page(response)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="BOMCA10-newsletter-6-2023Q2-en.html"'
    )
    assert response.content.startswith(b"<!doctype html>")
    assert html.find_all("link") == []
    assert html.find_all("style")
    [event] = AuditEvent.objects.filter(kind=AuditEventKind.EXPORT)
    assert event.user == personas["pm"]
    assert event.detail == {"what": "newsletter 6", "format": "html", "language": "en"}


def test_the_pdf_download_is_an_attachment(client: Client, personas: dict[str, User], issue6):
    client.force_login(personas["donor"])

    response = client.get(f"/newsletters/{issue6.pk}/download/ru.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="BOMCA10-newsletter-6-2023Q2-ru.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    [event] = AuditEvent.objects.filter(kind=AuditEventKind.EXPORT)
    assert event.detail == {"what": "newsletter 6", "format": "pdf", "language": "ru"}
    assert event.user == personas["donor"]


def test_a_draft_issue_shows_the_coordinator_no_exact_small_count_of_another_country(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    kyrgyzstan = Country.objects.get(code="KG")
    webinar = ActivityFactory(
        component=bomca10.components.get(number=1),
        title_en="Synthetic regional webinar for Kyrgyz border guards",
        scope=Scope.REGIONAL,
        format=Format.ONLINE,
        host_country=None,
        start_date=date(2023, 8, 15),
        end_date=date(2023, 8, 15),
    )
    ParticipantCountFactory(activity=webinar, country=kyrgyzstan, female=2, male=0)
    issue = newsletter_issue_create(programme=bomca10, number=7, period_code="2023Q3")
    client.force_login(personas["tjcoord"])

    dashboard = _svg_texts(
        client.get("/dashboard/charts/participants-by-country.svg", {"period": "2023Q3"}).content
    )
    preview = page(client.get(f"/newsletters/{issue.pk}/preview/en/"))
    figure = preview.by_id("figure-participants-by-country")
    shown = [text.text for text in figure.find_all("text")]

    assert "2" not in dashboard  # the dashboard shows the two women as "<5"
    assert [count for count in shown if count.isdigit() and 1 <= int(count) < 5] == []


def _svg_texts(content: bytes) -> list[str]:
    root = ET.fromstring(content)  # noqa: S314 - our own renderer's output
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_an_uploaded_photo_loses_its_metadata_and_is_scaled_down(
    pm_client: Client, issue6: NewsletterIssue, media
):
    photo = Image.new("RGB", (3000, 1500), "#2f7f86")
    exif = Image.Exif()
    exif[0x010F] = "Synthetic camera maker"  # Make
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", exif=exif)
    data = _edit_data(pm_client, issue6)
    data["pictures-0-image"] = SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")

    response = pm_client.post(f"/newsletters/{issue6.pk}/edit/", data)

    assert response.status_code == 302
    picture = issue6.pictures.order_by("order").first()
    stored = Image.open(io.BytesIO((media / picture.image.name).read_bytes()))
    assert stored.size == (2000, 1000)
    assert dict(stored.getexif()) == {}
