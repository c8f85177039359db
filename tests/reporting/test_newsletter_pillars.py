"""Procurement and grants in the newsletter, in English and in Russian: the pillar sections
with their figures, what comes next from the records, and "not yet recorded" without them."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse

from bomca.reference.models import Programme
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.newsletter import newsletter_html
from bomca.reporting.services import newsletter_issue_create
from tests.factories import ActivityFactory
from tests.grants.factories import CallFactory
from tests.pages import Element, page
from tests.procurement.factories import NeedFactory

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HEADINGS = {
    "en": ("Procurement progress and status", "Grants implementation"),
    "ru": ("Ход и статус закупок", "Реализация грантов"),
}
UPCOMING = {"en": ("Procurement", "Grants"), "ru": ("Закупки", "Гранты")}


@pytest.fixture
def issue6(bomca10: Programme) -> NewsletterIssue:
    return NewsletterIssue.objects.get(programme=bomca10, number=6)


def _html(issue: NewsletterIssue, language: str) -> Element:
    return page(HttpResponse(newsletter_html(issue, language=language)))


def _pillars(html: Element, language: str) -> list[Element]:
    """The procurement and the grants section of the quarter in a nutshell."""
    headings = {heading.text: heading for heading in html.find_all("h3")}
    return [headings[title].parent for title in HEADINGS[language]]


def _upcoming(html: Element, language: str) -> list[Element]:
    """The procurement and the grants group of what comes next."""
    groups = {
        group.find_all("h3")[0].text: group
        for group in html.by_id("upcoming").parent.find_all("article", cls="upcoming-group")
    }
    return [groups[title] for title in UPCOMING[language]]


def _figures(section: Element) -> list[str]:
    return [figure.attrs["id"] for figure in section.find_all("figure", cls="chart")]


def _words(element: Element) -> str:
    """The element's text with no-break spaces read as spaces."""
    return element.text.replace("\u00a0", " ")


# --- the pillars of BOMCA 10's issue 6 ----------------------------------------------------------


def test_the_english_issue_sums_up_procurement_and_grants_with_their_figures(issue6):
    procurement, grants = _pillars(_html(issue6, "en"), "en")

    assert procurement.find_all("p")[0].text == (
        "9 needs of equipment are going ahead (18 items, 731,500 EUR; 26,400 USD). "
        "In the quarter, 3 hand-overs delivered equipment worth 34,000 EUR to the beneficiary "
        "agencies."
    )
    assert grants.find_all("p")[0].text == (
        "Applications received: 13; selected: 9. 9 NGO projects are under way. "
        "Committed: 413,500 EUR; paid: 165,400 EUR."
    )
    assert _figures(procurement) == [
        "figure-procurement-progress",
        "figure-procurement-value",
        "figure-procurement-status",
        "figure-procurement-by-horizon",
    ]
    assert _figures(grants) == ["figure-grants-projects", "figure-grants-money"]
    status = procurement.find_all("figure", cls="chart")[2]
    assert status.find_all("title")[0].text == "Procurement status: needs that reached each step"
    assert status.find_all("span", cls="figure-number")[0].text == "Figure 14"


def test_the_russian_issue_sums_up_procurement_and_grants_in_russian(issue6):
    procurement, grants = _pillars(_html(issue6, "ru"), "ru")

    for section in (procurement, grants):
        assert CYRILLIC.search(section.find_all("p")[0].text)
        assert all(CYRILLIC.search(title.text) for title in section.find_all("title"))
    assert "731 500 EUR; 26 400 USD" in _words(procurement)
    assert "34 000 EUR" in _words(procurement)
    assert "413 500 EUR" in _words(grants)
    assert "165 400 EUR" in _words(grants)
    assert _figures(procurement)[2] == "figure-procurement-status"
    assert _figures(grants) == ["figure-grants-projects", "figure-grants-money"]


def test_the_english_issue_lists_the_deliveries_and_reports_of_the_next_quarter(issue6):
    procurement, grants = _upcoming(_html(issue6, "en"), "en")

    assert [item.text for item in procurement.find_all("li")] == [
        "Laptops and document scanners for migration service offices Kazakhstan · "
        "Short-term (ad hoc) · 2 items · 14 July 2023",
        "Document examination equipment for border checkpoints Turkmenistan · "
        "Mid-term (national priority) · 2 items · 31 July 2023",
        "Mobile video surveillance units for border posts Tajikistan · "
        "Mid-term (national priority) · 2 items · 15 September 2023",
    ]
    [reports] = grants.find_all("li")
    assert reports.text.startswith(
        "9 project reports are due Illustrative NGO 1 (Kyrgyzstan) (17 July); "
        "Illustrative NGO 5 (Tajikistan) (24 July);"
    )
    assert reports.text.endswith("Illustrative NGO 9 (Turkmenistan) (12 September)")


def test_the_russian_issue_names_the_needs_and_the_ngos_in_russian(issue6):
    procurement, grants = _upcoming(_html(issue6, "ru"), "ru")

    assert procurement.find_all("strong")[0].text == (
        "Ноутбуки и сканеры документов для подразделений миграционной службы"
    )
    assert "Казахстан" in procurement.find_all("li")[0].text
    assert "14 июля 2023" in procurement.find_all("li")[0].text
    assert len(procurement.find_all("li")) == 3
    [reports] = grants.find_all("li")
    assert "Иллюстративная НКО 1 (Кыргызстан) (17 июля)" in reports.text
    assert "Illustrative" not in reports.text
    assert CYRILLIC.search(reports.text.split("Иллюстративная")[0])


# --- a programme without procurement or grants --------------------------------------------------


@pytest.fixture
def quiet(db: None) -> Programme:
    """A synthetic programme with one workshop in 2023Q2 and no need and no call."""
    return ActivityFactory().programme


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_issue_without_needs_or_calls_says_they_are_not_yet_recorded(quiet, language):
    issue = newsletter_issue_create(programme=quiet, number=1, period_code="2023Q2")
    html = _html(issue, language)

    notes = [
        section.find_all("p", cls="not-recorded")[0].text
        for section in _pillars(html, language) + _upcoming(html, language)
    ]
    figures = [figure.attrs["id"] for figure in html.find_all("figure", cls="chart")]
    assert "figure-activities-by-component" in figures
    assert [
        name for name in figures if name.startswith(("figure-procurement", "figure-grants"))
    ] == []
    if language == "en":
        assert notes == [
            "Procurement is not yet recorded in the system, so this newsletter shows no "
            "procurement figures.",
            "Grants are not yet recorded in the system, so this newsletter shows no grant figures.",
            "Procurement is not yet recorded in the system.",
            "Grants are not yet recorded in the system.",
        ]
    else:
        assert all(CYRILLIC.search(note) for note in notes), notes


def test_recorded_pillars_with_nothing_coming_say_so(quiet):
    NeedFactory(programme=quiet)
    CallFactory(programme=quiet)
    issue = newsletter_issue_create(programme=quiet, number=1, period_code="2023Q2")

    html = _html(issue, "en")

    procurement, grants = _pillars(html, "en")
    assert procurement.find_all("p")[0].text == ("1 need of equipment is going ahead (0 items).")
    assert _figures(procurement) == ["figure-procurement-status"]
    assert grants.find_all("p")[0].text == (
        "Applications received: 0; selected: 0. 0 NGO projects are under way."
    )
    assert [group.find_all("p", cls="not-recorded")[0].text for group in _upcoming(html, "en")] == [
        "No delivery is planned for this period.",
        "No grant report or project end falls in this period.",
    ]
