"""/api/v1/newsletters: the issues a reader may see, and each as a file (HTML or PDF, English
or Russian) through a token."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.api.pagination import Page
from bomca.reporting.api import NewsletterDetailOut, NewsletterOut
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.services import newsletter_issue_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(bomca10):
    """Issue 7 (2023Q3), not published yet."""
    return newsletter_issue_create(
        programme=bomca10, number=7, period_code="2023Q3", featured_title_en="Draft story"
    )


def test_the_list_gives_each_issue_with_its_downloads_in_both_languages(personas, bearer):
    body = bearer(personas["pm"])("get", "/api/v1/newsletters").json()

    Page[NewsletterOut].model_validate(body)
    [issue] = body["results"]
    assert (issue["number"], issue["period"]["label"], issue["status"]) == (
        6,
        "2023Q2",
        "published",
    )
    links = [
        issue["downloads"][language][kind] for language in ("en", "ru") for kind in ("html", "pdf")
    ]
    for link in links:
        match = resolve(urlparse(link).path)
        assert match.view_name == "api:newsletter_file"
        assert urlparse(link).query == "programme=BOMCA10"
    assert links[3].endswith("/api/v1/newsletters/6/ru.pdf?programme=BOMCA10")
    assert resolve(urlparse(issue["page"]).path).view_name == "reporting:newsletter"


def test_staff_see_drafts_and_donors_do_not(personas, bearer, draft):
    staff = bearer(personas["tjcoord"])("get", "/api/v1/newsletters").json()
    donor = bearer(personas["donor"])("get", "/api/v1/newsletters").json()

    assert [issue["number"] for issue in staff["results"]] == [7, 6]
    assert [issue["number"] for issue in donor["results"]] == [6]


def test_a_draft_is_not_found_for_a_donor(personas, bearer, draft):
    assert bearer(personas["comms"])("get", "/api/v1/newsletters/7").status_code == 200
    response = bearer(personas["donor"])("get", "/api/v1/newsletters/7")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_one_issue_has_its_signed_editorials(personas, bearer):
    body = bearer(personas["donor"])("get", "/api/v1/newsletters/6").json()

    NewsletterDetailOut.model_validate(body)
    assert len(body["editorials"]) == 2
    assert all(editorial["author"] and editorial["role_en"] for editorial in body["editorials"])


def test_an_unknown_issue_or_programme_is_not_found(personas, bearer):
    call = bearer(personas["pm"])

    assert call("get", "/api/v1/newsletters/99").status_code == 404
    assert call("get", "/api/v1/newsletters", {"programme": "NOPE"}).status_code == 404


@pytest.mark.parametrize("persona", ["pm", "donor"])
def test_the_list_issues_the_same_queries_whatever_the_page_size(personas, bearer, draft, persona):
    call = bearer(personas[persona])
    call("get", "/api/v1/newsletters")  # the token's first use is written down once
    counts = []
    for size in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", "/api/v1/newsletters", {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize("path", ["/api/v1/newsletters", "/api/v1/newsletters/6"])
def test_without_a_token_the_answer_is_401_in_json(client, bomca10, path):
    response = client.get(path)

    assert response.status_code == 401
    assert "detail" in response.json()


# The issue as a file, through a token


def test_a_donor_s_read_only_token_downloads_the_published_issue_as_pdf(personas, bearer):
    response = bearer(personas["donor"])("get", "/api/v1/newsletters/6/en.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith('attachment; filename="')
    event = AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).latest("pk")
    assert (event.user, event.detail["what"], event.detail["format"]) == (
        personas["donor"],
        "newsletter 6",
        "pdf",
    )


def test_the_russian_html_is_the_web_page_s_download(client, personas, bearer):
    through_api = bearer(personas["comms"])("get", "/api/v1/newsletters/6/ru.html")
    client.force_login(personas["comms"])
    issue = NewsletterIssue.objects.get(number=6)
    through_web = client.get(
        reverse("reporting:newsletter_download", args=[issue.pk, "ru", "html"])
    )

    assert through_api.status_code == through_web.status_code == 200
    assert through_api.content == through_web.content
    assert b'<html lang="ru"' in through_api.content


def test_a_draft_file_is_not_found_for_a_donor(personas, bearer, draft):
    assert bearer(personas["donor"])("get", "/api/v1/newsletters/7/en.html").status_code == 404
    assert bearer(personas["comms"])("get", "/api/v1/newsletters/7/en.html").status_code == 200


@pytest.mark.parametrize("path", ["6/fr.pdf", "6/en.docx", "6/en", "99/en.pdf"])
def test_an_unknown_language_format_or_issue_is_refused(personas, bearer, path):
    response = bearer(personas["pm"])("get", f"/api/v1/newsletters/{path}")

    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("application/json")
