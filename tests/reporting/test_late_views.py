"""What is late: deliveries past their planned date and grant reports past their due date, in
one page, each row linking to its record, narrowed to the countries the user may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone

from bomca.accounts.models import User
from bomca.grants.models import Report, ReportKind
from bomca.procurement.models import NeedStatus
from bomca.reference.models import Country, Programme
from tests.factories import ProgrammeFactory
from tests.grants.factories import CallFactory, GrantProjectFactory
from tests.pages import Element, page
from tests.procurement.factories import ItemFactory, LotFactory, NeedFactory, deliver

LATE = "/late/"
CODE = "LATE1"


def _days(offset: int) -> date:
    """``offset`` days from today (negative: ago)."""
    return timezone.localdate() + timedelta(days=offset)


def _day(offset: int) -> str:
    """That day as the page writes it, e.g. "7 November 2026"."""
    day = _days(offset)
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def late(personas: dict[str, User]) -> Programme:
    """A programme in Tajikistan and Kyrgyzstan with, in each, a late delivery and an overdue
    report, and beside them what is not late: a delivery still to come, one that came in full,
    a report received and one not yet due."""
    tajikistan, kyrgyzstan = Country.objects.get(code="TJ"), Country.objects.get(code="KG")
    programme = ProgrammeFactory(code=CODE, countries=[tajikistan, kyrgyzstan])
    tajik, kyrgyz = (
        LotFactory(
            need=NeedFactory(
                programme=programme,
                country=country,
                reference=reference,
                title_en=title,
                status=NeedStatus.CONTRACTED,
            )
        )
        for country, reference, title in (
            (tajikistan, "PR-TJ-2026-901", "Synthetic cameras for Tajik posts"),
            (kyrgyzstan, "PR-KG-2026-902", "Synthetic radios for Kyrgyz posts"),
        )
    )
    partly = ItemFactory(
        lot=tajik, description="Synthetic thermal camera", planned_delivery_date=_days(-10)
    )
    deliver(partly, 4, day=_days(-12))
    ItemFactory(lot=kyrgyz, description="Synthetic radio", planned_delivery_date=_days(-3))
    ItemFactory(lot=tajik, description="Synthetic drone", planned_delivery_date=_days(5))
    complete = ItemFactory(
        lot=kyrgyz, description="Synthetic scanner", planned_delivery_date=_days(-20)
    )
    deliver(complete, 10, day=_days(-21))
    call = CallFactory(programme=programme)
    for country, contract, late_by, other in (
        (tajikistan, "LATE-G-TJ1", 7, {"received_on": _days(-25), "due_date": _days(-30)}),
        (kyrgyzstan, "LATE-G-KG1", 2, {"due_date": _days(10)}),
    ):
        project = GrantProjectFactory(
            application__call=call,
            application__country=country,
            application__organisation__name_en=f"Synthetic NGO of {country.code}",
            contract_number=contract,
            start_date=_days(-200),
            end_date=_days(165),
        )
        Report.objects.create(project=project, kind=ReportKind.INTERIM, due_date=_days(-late_by))
        Report.objects.create(project=project, kind=ReportKind.INTERIM, **other)
    return programme


def _get(client: Client, user: User, **params: str) -> Element:
    client.force_login(user)
    response = client.get(LATE, {"programme": CODE, **params})
    assert response.status_code == 200
    return page(response)


def _rows(html: Element, heading: str) -> list[list[str]]:
    section = html.by_id(heading).parent
    return [[cell.text for cell in row.find_all("td")] for row in section.find_all("tr")[1:]]


def _links(html: Element, heading: str) -> list[str]:
    section = html.by_id(heading).parent
    return [link.attrs["href"] for link in section.find_all("a")]


def test_the_late_page_lists_late_deliveries_and_overdue_reports_oldest_first(
    client: Client, personas: dict[str, User], late: Programme
):
    html = _get(client, personas["pm"])

    assert html.by_id("late-deliveries").text == "Late deliveries (2)"
    assert _rows(html, "late-deliveries") == [
        [
            "PR-TJ-2026-901 Synthetic cameras for Tajik posts",
            "Tajikistan",
            "Synthetic thermal camera",
            "6 of 10 pcs",
            _day(-10),
            "10",
        ],
        [
            "PR-KG-2026-902 Synthetic radios for Kyrgyz posts",
            "Kyrgyzstan",
            "Synthetic radio",
            "10 of 10 pcs",
            _day(-3),
            "3",
        ],
    ]
    assert html.by_id("late-reports").text == "Overdue grant reports (2)"
    assert [row[1:] for row in _rows(html, "late-reports")] == [
        ["Synthetic NGO of TJ", "Tajikistan", "Interim report", _day(-7), "7"],
        ["Synthetic NGO of KG", "Kyrgyzstan", "Interim report", _day(-2), "2"],
    ]


def test_each_late_row_links_to_its_record(
    client: Client, personas: dict[str, User], late: Programme
):
    html = _get(client, personas["pm"])

    assert _links(html, "late-deliveries") == [
        "/procurement/PR-TJ-2026-901/",
        "/procurement/PR-KG-2026-902/",
    ]
    assert _links(html, "late-reports") == ["/grants/LATE-G-TJ1/", "/grants/LATE-G-KG1/"]
    for link in _links(html, "late-deliveries") + _links(html, "late-reports"):
        assert client.get(link).status_code == 200, link


def test_the_tajik_coordinator_sees_only_what_is_late_in_tajikistan(
    client: Client, personas: dict[str, User], late: Programme
):
    html = _get(client, personas["tjcoord"])

    assert [row[1] for row in _rows(html, "late-deliveries")] == ["Tajikistan"]
    assert [row[2] for row in _rows(html, "late-reports")] == ["Tajikistan"]
    assert "Kyrgyzstan" not in html.by_id("main").text
    assert _links(html, "late-reports") == ["/grants/LATE-G-TJ1/"]


def test_every_other_role_sees_everything_late(
    client: Client, personas: dict[str, User], late: Programme
):
    for role in ("donor", "proc", "grants", "me", "c2lead", "comms", "staff"):
        html = _get(client, personas[role])

        assert len(_rows(html, "late-deliveries")) == 2, role
        assert len(_rows(html, "late-reports")) == 2, role


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, db: None):
    response = client.get(LATE)

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={LATE}"


def test_nothing_late_shows_the_empty_states(alice_client: Client):
    ProgrammeFactory(code="ONTIME1")

    response = alice_client.get(LATE, {"programme": "ONTIME1"})
    html = page(response)

    assert response.status_code == 200
    assert html.by_id("late-deliveries").text == "Late deliveries (0)"
    assert html.by_id("late-reports").text == "Overdue grant reports (0)"
    assert [p.text for p in html.find_all("p", cls="empty")] == [
        "No delivery is late.",
        "No grant report is overdue.",
    ]
    assert html.find_all("table") == []


def test_the_navigation_leads_to_procurement_grants_and_what_is_late(alice_client: Client):
    ProgrammeFactory()

    nav = page(alice_client.get(LATE)).find_all("nav", cls="main-nav")[0]

    links = {link.text: link.attrs["href"] for link in nav.find_all("a")}
    assert (links["Procurement"], links["Grants"], links["What is late"]) == (
        "/procurement/",
        "/grants/",
        LATE,
    )
    assert [link.text for link in nav.find_all("a") if "aria-current" in link.attrs] == [
        "What is late"
    ]
