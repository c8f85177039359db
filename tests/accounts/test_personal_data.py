"""A national coordinator for Tajikistan never learns about a few Kyrgyz participants.

Named participants do not exist yet (only counts by sex and country), so this checks the
strongest form available today: on every page the Tajik coordinator can reach, a count of 1 to 4
people that is not Tajik is shown as "<5", never exactly, and the Kyrgyz national activities
never appear in the register or its search.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from bomca.accounts.models import User
from bomca.activities.models import Activity, Format, Scope
from bomca.reference.models import Country, Organisation, Programme
from tests.factories import ActivityFactory, ParticipantCountFactory
from tests.pages import Element, page

#: A regional webinar of 2023Q3 whose only participants are two Kyrgyz women.
WEBINAR = "C1-RG-2023-901"
#: A Kyrgyz national workshop of 2023Q4 with three Kyrgyz men.
KG_WORKSHOP = "C4-KG-2023-902"

SEARCHES = [
    {},
    {"text": "Kyrgyz"},
    {"text": "kyrgyz"},
    {"text": "KG"},
    {"text": "Bishkek"},
    {"country": "KG"},
    {"country": "none"},
    {"scope": "regional"},
    {"scope": "national"},
    {"period": "2023Q3"},
    {"period": "2023Q4"},
    {"component": "4"},
    {"sort": "-participants"},
    {"sort": "country"},
]
PERIODS = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2023", "2021-04..2025-09"]


@pytest.fixture
def few_kyrgyz(bomca10: Programme) -> None:
    """Small Kyrgyz counts: on a shipped regional activity, and alone in two new quarters."""
    kyrgyzstan = Country.objects.get(code="KG")
    session = Activity.objects.get(code="C1-RG-2023-007")
    ParticipantCountFactory(
        activity=session,
        country=kyrgyzstan,
        # An organisation with no row yet: one row per country and organisation.
        organisation=Organisation.objects.filter(country=kyrgyzstan)
        .exclude(pk__in=session.participant_counts.values("organisation"))
        .first(),
        female=2,
        male=0,
    )
    webinar = ActivityFactory(
        component=bomca10.components.get(number=1),
        code=WEBINAR,
        title_en="Synthetic regional webinar for Kyrgyz border guards",
        scope=Scope.REGIONAL,
        format=Format.ONLINE,
        host_country=None,
        start_date=date(2023, 8, 15),
        end_date=date(2023, 8, 15),
    )
    ParticipantCountFactory(activity=webinar, country=kyrgyzstan, female=2, male=0)
    workshop = ActivityFactory(
        component=bomca10.components.get(number=4),
        code=KG_WORKSHOP,
        title_en="Synthetic Kyrgyz national workshop in Bishkek",
        host_country=kyrgyzstan,
        city="Bishkek",
        start_date=date(2023, 11, 7),
        end_date=date(2023, 11, 8),
    )
    ParticipantCountFactory(activity=workshop, country=kyrgyzstan, female=0, male=3)


@pytest.fixture
def coordinator(client: Client, personas: dict[str, User], few_kyrgyz: None) -> Client:
    client.force_login(personas["tjcoord"])
    return client


def _exact_small(cell: str) -> bool:
    """Whether a shown count of people is an exact 1 to 4, which singles people out."""
    return cell.strip().isdigit() and 1 <= int(cell) < 5


def _kyrgyz_national_codes() -> set[str]:
    hosted = Activity.objects.filter(host_country__code="KG", scope=Scope.NATIONAL)
    return set(hosted.values_list("code", flat=True))


# Activity pages


def _regional_codes() -> list[str]:
    return list(
        Activity.objects.filter(scope=Scope.REGIONAL, participant_counts__isnull=False)
        .distinct()
        .values_list("code", flat=True)
    )


def _participant_table(client: Client, code: str) -> Element:
    response = client.get(f"/activities/{code}/")
    assert response.status_code == 200, code
    return page(response).find_all("table", cls="figure-table")[0]


def test_the_coordinator_sees_small_counts_of_other_countries_as_fewer_than_5(
    coordinator: Client,
):
    leaks = []
    for code in _regional_codes():
        for row in _participant_table(coordinator, code).find_all("tbody")[0].find_all("tr"):
            country, _organisation, *counts = [cell.text for cell in row.find_all("td")]
            if country != "Tajikistan" and any(_exact_small(count) for count in counts):
                leaks.append((code, country, counts))

    assert len(_regional_codes()) == 6
    assert leaks == []


def test_the_coordinator_sees_the_two_added_kyrgyz_women_as_fewer_than_5(coordinator: Client):
    rows = _participant_table(coordinator, "C1-RG-2023-007").find_all("tbody")[0].find_all("tr")

    kyrgyz = [[cell.text for cell in row.find_all("td")] for row in rows]
    kyrgyz = [cells for cells in kyrgyz if cells[0] == "Kyrgyzstan"]
    # Outside the coordinator's scope counts are rounded to 5: the total 6 reads 5, so the
    # women ("<5") cannot be worked out as total minus men.
    assert [cells[2:] for cells in kyrgyz] == [["<5", "5", "0", "5"], ["<5", "0", "0", "<5"]]


def test_the_coordinator_sees_tajik_counts_exactly_however_small(coordinator: Client):
    rows = _participant_table(coordinator, "C1-RG-2023-007").find_all("tbody")[0].find_all("tr")

    tajik = [[cell.text for cell in row.find_all("td")] for row in rows]
    assert [cells[2:] for cells in tajik if cells[0] == "Tajikistan"] == [["1", "4", "0", "5"]]


def test_the_coordinator_sees_no_exact_small_total_of_a_regional_activity(coordinator: Client):
    leaks = []
    for code in _regional_codes():
        totals = _participant_table(coordinator, code).find_all("tfoot")[0].find_all("td")
        leaks += [(code, cell.text) for cell in totals if _exact_small(cell.text)]

    assert leaks == []


# The register and its search


def _register(client: Client, params: dict[str, str], *, htmx: bool = False) -> Element:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/activities/", params, headers=headers)
    assert response.status_code == 200
    return page(response)


def _register_rows(register: Element) -> list[list[str]]:
    tables = register.find_all("table", cls="register")
    if not tables:
        return []
    return [[cell.text for cell in row.find_all("td")] for row in tables[0].find_all("tr")[1:]]


@pytest.mark.parametrize("htmx", [False, True])
def test_kyrgyz_national_activities_never_appear_in_the_coordinators_register(
    coordinator: Client, htmx: bool
):
    hidden = _kyrgyz_national_codes()
    found = {}
    for params in SEARCHES:
        register = _register(coordinator, params, htmx=htmx)
        shown = {row[0] for row in _register_rows(register)}
        mentioned = {code for code in hidden if code in register.text}
        if shown & hidden or mentioned:
            found[str(params)] = sorted(shown & hidden | mentioned)

    assert KG_WORKSHOP in hidden
    assert len(hidden) == 8  # 7 implemented in 2023Q2, 1 planned for 2023Q3
    assert found == {}


def test_the_search_for_kyrgyz_finds_the_regional_webinar_but_not_the_national_workshop(
    coordinator: Client,
):
    codes = [row[0] for row in _register_rows(_register(coordinator, {"text": "Kyrgyz"}))]

    assert WEBINAR in codes
    assert KG_WORKSHOP not in codes


@pytest.mark.parametrize("htmx", [False, True])
def test_the_register_shows_no_exact_small_count_of_people_outside_tajikistan(
    coordinator: Client, htmx: bool
):
    tajik = set(
        Activity.objects.filter(host_country__code="TJ", scope=Scope.NATIONAL).values_list(
            "code", flat=True
        )
    )
    leaks = set()
    for params in SEARCHES:
        for row in _register_rows(_register(coordinator, params, htmx=htmx)):
            code, participants = row[0], row[-1]
            if code not in tajik and _exact_small(participants):
                leaks.add((code, participants))

    # The webinar's only participants are two Kyrgyz women: its total is theirs.
    assert leaks == set()


# The overview's figures


def _overview(client: Client, period: str) -> Element:
    response = client.get("/overview/", {"period": period})
    assert response.status_code == 200
    return page(response).by_id("figures")


def _people_cards(figures: Element) -> list[Element]:
    cards = figures.find_all("article", cls="card")
    return [card for card in cards if card.find_all("h3")[0].text.startswith("Participants")]


@pytest.mark.parametrize("period", PERIODS)
def test_the_overview_breaks_people_down_without_exact_small_counts_outside_tajikistan(
    coordinator: Client, period: str
):
    leaks = []
    for card in _people_cards(_overview(coordinator, period)):
        for row in [row for body in card.find_all("tbody") for row in body.find_all("tr")]:
            label, count = row.find_all("th")[0].text, row.find_all("td")[0].text
            if label != "Tajikistan" and _exact_small(count):
                leaks.append((label, count))

    assert leaks == []


def test_the_overview_shows_the_kyrgyz_women_of_the_third_quarter_as_fewer_than_5(
    coordinator: Client,
):
    by_country = _people_cards(_overview(coordinator, "2023Q3"))[1]

    rows = by_country.find_all("tbody")[0].find_all("tr")
    shown = {row.find_all("th")[0].text: row.find_all("td")[0].text for row in rows}
    assert shown["Kyrgyzstan"] == "<5"
    assert shown["Tajikistan"] == "0"


@pytest.mark.parametrize("period", PERIODS)
def test_the_overview_shows_no_exact_small_total_of_people(coordinator: Client, period: str):
    figures = _overview(coordinator, period)
    summary = figures.find_all("p", cls="summary")[0].text
    said = re.search(r"(\S+) (?:person|people) took part", summary)
    assert said is not None
    shown = {"summary": said[1]}
    for card in _people_cards(figures):
        for total in card.find_all("tfoot"):
            shown[card.find_all("h3")[0].text] = total.find_all("td")[0].text

    # 2023Q3 holds only the two Kyrgyz women of the webinar, 2023Q4 only three Kyrgyz men.
    assert {where: count for where, count in shown.items() if _exact_small(count)} == {}
