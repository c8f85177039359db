"""The programme overview: its profile, its components and the figures of a chosen period."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from bomca.activities.models import Status
from bomca.reference.models import Programme
from tests.factories import ActivityFactory, ParticipantCountFactory
from tests.pages import Element, page
from tests.reporting.test_selectors import KEY_FIGURES_QUERIES

#: Savepoint, update and release of the session on every request (idle expiry).
SESSION_REFRESH = 3

#: Queries of one overview, whatever the number of activities (session, user, programme,
#: default period, the key figures, and the reference data the page labels them with): 11 and
#: the key figures for the whole page, 7 and the key figures for the htmx fragment, which leaves
#: out the programme's profile. The overview shows no procurement or grants, but its figures are
#: the one ``key_figures``, which counts them too (19 of its queries).
OVERVIEW_QUERIES = {
    False: 11 + KEY_FIGURES_QUERIES + SESSION_REFRESH,
    True: 7 + KEY_FIGURES_QUERIES + SESSION_REFRESH,
}


def _figures(client: Client, **params: str) -> Element:
    return page(client.get("/overview/", params)).by_id("figures")


def _summary(client: Client, **params: str) -> str:
    return _figures(client, **params).find_all("p", cls="summary")[0].text


def test_the_home_page_redirects_to_the_overview(alice_client: Client, bomca10: Programme):
    response = alice_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/overview/"


def test_it_names_the_programme(alice_client: Client, bomca10: Programme):
    html = page(alice_client.get("/overview/"))

    assert [heading.text for heading in html.find_all("h1")] == [
        "Border Management Programme in Central Asia"
    ]
    assert "BOMCA 10" in html.find_all("p", cls="eyebrow")[0].text


def _fact(client: Client, term: str) -> str:
    facts = page(client.get("/overview/")).find_all("dl", cls="facts")[0]
    for row in facts.find_all("div"):
        if row.find_all("dt")[0].text == term:
            return row.find_all("dd")[0].text
    raise AssertionError(f"No fact {term!r}")


def test_it_shows_the_budget_with_thousands_separated(alice_client: Client, bomca10: Programme):
    assert _fact(alice_client, "Budget") == "21,650,050 EUR"


def test_it_shows_the_duration_in_months(alice_client: Client, bomca10: Programme):
    assert _fact(alice_client, "Duration") == "April 2021 – September 2025"


def test_it_shows_the_donor_co_funders_and_countries(alice_client: Client, bomca10: Programme):
    assert _fact(alice_client, "Funded by") == (
        "European Union, with the contribution of Latvia and Lithuania"
    )
    assert _fact(alice_client, "Countries") == (
        "Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan"
    )


def test_it_shows_the_four_components_with_their_specific_objectives(
    alice_client: Client, bomca10: Programme
):
    section = page(alice_client.get("/overview/")).by_id("components-heading").parent
    assert section is not None

    cards = section.find_all("article", cls="component")

    assert [card.find_all("h3")[0].text for card in cards] == [
        "Institutional development of border control agencies",
        "Improvement of detection capacities",
        "Facilitation of trade",
        "Improvement of cross-border cooperation",
    ]
    assert [card.find_all("p", cls="eyebrow")[0].text for card in cards] == [
        f"Component {number}" for number in (1, 2, 3, 4)
    ]
    assert cards[0].find_all("p")[1].text == (
        "Specific objective: Adopting international security standards, integration of best "
        "practices and/or compliance with integrated border management models where applicable"
    )
    assert (
        cards[3]
        .find_all("p")[1]
        .text.startswith("Specific objective: Improving living conditions in border areas")
    )


def test_by_default_it_shows_the_last_quarter_with_implemented_activities(
    alice_client: Client, bomca10: Programme
):
    # Today is after the programme; its last quarter with implemented activities is 2023Q2.
    assert date.today() > bomca10.end_date

    summary = _summary(alice_client)

    assert summary.startswith(
        "From 1 April 2023 to 30 June 2023 the programme implemented 25 activities."
    )


def test_the_period_picker_selects_the_quarter_shown(alice_client: Client, bomca10: Programme):
    picker = page(alice_client.get("/overview/")).by_id("id_period_select")

    selected = [option for option in picker.find_all("option") if "selected" in option.attrs]

    assert [option.attrs["value"] for option in selected] == ["2023Q2"]


def test_it_breaks_the_activities_down_by_component(alice_client: Client, bomca10: Programme):
    cards = _figures(alice_client).find_all("article", cls="card")
    by_component = next(card for card in cards if card.find_all("h3")[0].text.endswith("component"))

    rows = [
        (row.find_all("th")[0].text, row.find_all("td")[0].text)
        for row in by_component.find_all("tbody")[0].find_all("tr")
    ]

    assert [count for _label, count in rows] == ["7", "5", "8", "5"]
    assert by_component.find_all("tfoot")[0].text == "Total 25"


def test_it_links_the_figure_to_the_same_activities_in_the_register(
    alice_client: Client, bomca10: Programme
):
    link = _figures(alice_client).find_all("a")[0].attrs["href"]

    register = page(alice_client.get(link))

    assert register.find_all("p", cls="muted")[-1].text == "25 activities"


def test_a_quarter_without_activities_shows_zero_and_says_nothing_is_recorded(
    alice_client: Client, bomca10: Programme
):
    figures = _figures(alice_client, period="2023Q1")

    summary = figures.find_all("p", cls="summary")[0].text
    assert summary.startswith(
        "From 1 January 2023 to 31 March 2023 the programme implemented 0 activities."
    )
    assert "0 people took part." in summary
    empty = figures.find_all("p", cls="empty")
    assert len(empty) == 6
    assert {element.text for element in empty} == {"Nothing recorded for this period."}
    assert figures.find_all("table") == []


def test_an_impossible_quarter_gets_one_sentence_and_no_crash(
    alice_client: Client, bomca10: Programme
):
    response = alice_client.get("/overview/", {"period": "2023Q5"})

    assert response.status_code == 200
    alerts = page(response).by_id("figures").find_all("p", cls="form-errors")
    assert [alert.text for alert in alerts] == [
        "Period 2023Q5 does not exist: a year has quarters Q1 to Q4 (e.g. 2023Q2)."
    ]
    assert alerts[0].attrs["role"] == "alert"


@pytest.mark.parametrize("period", ["2023Q5", "last year", "2023-13", "2023-02-30", "0000"])
def test_any_unreadable_period_is_explained_in_an_alert(
    alice_client: Client, bomca10: Programme, period
):
    response = alice_client.get("/overview/", {"period": period})

    assert response.status_code == 200
    alerts = page(response).find_all("p", cls="form-errors")
    assert len(alerts) == 1
    assert period in alerts[0].text
    assert alerts[0].text.endswith(".")
    assert "Traceback" not in response.content.decode()


def test_a_range_of_quarters_adds_up(alice_client: Client, bomca10: Programme):
    summary = _summary(alice_client, period="2023Q1..2023Q2")

    assert "implemented 25 activities." in summary


def test_a_month_counts_only_its_activities(alice_client: Client, bomca10: Programme):
    summary = _summary(alice_client, period="2023-04")

    assert summary.startswith("From 1 April 2023 to 30 April 2023 the programme implemented 7")


def test_activities_not_yet_implemented_are_not_counted(alice_client: Client, bomca10: Programme):
    ActivityFactory(component=bomca10.components.get(number=1), status=Status.PLANNED)

    assert "implemented 25 activities." in _summary(alice_client, period="2023Q2")


def test_an_htmx_request_gets_only_the_figures(alice_client: Client, bomca10: Programme):
    response = alice_client.get("/overview/", {"period": "2023Q2"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<body" not in html
    assert "Border Management Programme in Central Asia" not in html  # the profile stays put
    assert (
        page(response)
        .find_all("p", cls="summary")[0]
        .text.startswith(
            "From 1 April 2023 to 30 June 2023 the programme implemented 25 activities."
        )
    )


def test_an_htmx_request_with_a_bad_period_gets_the_alert_in_the_fragment(
    alice_client: Client, bomca10: Programme
):
    response = alice_client.get("/overview/", {"period": "2023Q5"}, HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert len(page(response).find_all("p", cls="form-errors")) == 1


def test_a_plain_request_gets_the_whole_page(alice_client: Client, bomca10: Programme):
    html = alice_client.get("/overview/").content.decode()

    assert html.startswith("<!doctype html>")
    assert 'id="figures"' in html


def test_an_unknown_programme_is_not_found(alice_client: Client, bomca10: Programme):
    assert alice_client.get("/overview/", {"programme": "BOMCA99"}).status_code == 404


def _more_activities(programme: Programme, number: int) -> None:
    components = list(programme.components.all())
    countries = list(programme.countries.all())
    for index in range(number):
        activity = ActivityFactory(
            component=components[index % len(components)],
            host_country=countries[index % len(countries)],
            start_date=date(2023, 6, 1),
            end_date=date(2023, 6, 2),
        )
        ParticipantCountFactory(activity=activity, country=countries[index % len(countries)])


@pytest.mark.parametrize("htmx", [False, True])
def test_the_overview_takes_a_fixed_number_of_queries(
    alice_client: Client,
    bomca10: Programme,
    django_assert_num_queries,
    htmx,
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with django_assert_num_queries(OVERVIEW_QUERIES[htmx]):
        alice_client.get("/overview/", **headers)

    _more_activities(bomca10, 30)

    with django_assert_num_queries(OVERVIEW_QUERIES[htmx]):
        response = alice_client.get("/overview/", **headers)
    assert "implemented 55 activities." in page(response).find_all("p", cls="summary")[0].text
