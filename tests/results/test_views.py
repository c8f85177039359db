"""The logframe and indicator pages: who sees them, what they show of the BOMCA 10 framework,
how values read (per type, per language, counts of people per reader), and what they cost in
queries."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.activities.periods import default_period
from bomca.core.periods import quarter
from bomca.reference.models import Country, Programme
from bomca.results.models import Indicator, Result
from bomca.results.services import period_freeze
from tests.pages import Element, page
from tests.results.factories import ActualFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

LOGFRAME = "/results/?period=2023Q2"
OO2 = "/results/indicators/OO.2/?period=2023Q2"
Q2 = quarter(2023, 2)


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _row(html: Element, code: str) -> list[str]:
    """The cells of an indicator's line on the logframe, as they read."""
    return [cell.text for cell in html.by_id(f"indicator-{code}").find_all("td")]


ACTUAL, TO_DATE, PROGRESS = 5, 6, 7


def _posting_forms(html: Element) -> list[str]:
    return [
        form.attrs.get("action", "")
        for form in html.find_all("form")
        if form.attrs.get("method") == "post"
    ]


def _manual(programme: Programme, **fields) -> Indicator:
    """A synthetic indicator entered by hand, under the overall objective."""
    result = Result.objects.get(programme=programme, code="OO")
    return IndicatorFactory(result=result, programme=programme, **fields)


# Who sees the pages


@pytest.mark.parametrize("persona", ["pm", "admin", "me", "c2lead", "tjcoord", "comms", "donor"])
def test_every_role_reads_the_logframe_and_an_indicator(client, personas, persona):
    _as(client, personas[persona])

    assert client.get(LOGFRAME).status_code == 200
    assert client.get(OO2).status_code == 200


@pytest.mark.parametrize("url", [LOGFRAME, OO2, "/results/export.xlsx?period=2023Q2"])
def test_the_anonymous_are_sent_to_the_login_page(client, bomca10, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_indicator_is_not_found(client, personas):
    assert _as(client, personas["pm"]).get("/results/indicators/XX.9/").status_code == 404


def test_the_navigation_leads_to_the_results_between_grants_and_what_is_late(client, personas):
    nav = page(_as(client, personas["donor"]).get(LOGFRAME)).find_all("nav", cls="main-nav")[0]

    labels = [link.text for link in nav.find_all("a")]
    assert labels[labels.index("Grants") + 1 : labels.index("What is late")] == ["Results"]
    current = [link for link in nav.find_all("a") if link.attrs.get("aria-current") == "page"]
    assert [link.text for link in current] == ["Results"]


def test_the_donor_sees_no_form_nor_button_that_changes_the_results(client, personas):
    _as(client, personas["donor"])

    for url in (LOGFRAME, OO2, "/results/indicators/OC1.1.1/?period=2023Q2"):
        html = page(client.get(url))
        # Logging out and choosing the language change no record.
        assert _posting_forms(html) == ["/accounts/logout/", "/accounts/language/"]
        assert "Set the target" not in html.text
        assert "Freeze the values" not in html.text
        assert "Record the value" not in html.text


# The logframe of 2023Q2


def test_the_2023q2_logframe_shows_25_activities_and_472_participants(client, personas):
    html = page(_as(client, personas["pm"]).get(LOGFRAME))

    assert _row(html, "OO.1")[ACTUAL] == "25"
    assert _row(html, "OO.2")[ACTUAL] == "472"
    assert _row(html, "OO.2")[TO_DATE] == "472"


def test_the_value_of_oo1_links_to_the_activities_implemented_in_2023q2(client, personas):
    _as(client, personas["donor"])
    html = page(client.get(LOGFRAME))

    link = html.by_id("indicator-OO.1").find_all("td")[ACTUAL].find_all("a")[0]
    url = urlsplit(link.attrs["href"])
    assert url.path == "/activities/"
    assert parse_qs(url.query) == {
        "programme": ["BOMCA10"],
        "period": ["2023Q2"],
        "status": ["implemented"],
    }
    assert client.get(link.attrs["href"]).status_code == 200


def test_a_component_s_count_links_to_that_component_s_activities(client, personas):
    html = page(_as(client, personas["pm"]).get(LOGFRAME))

    link = html.by_id("indicator-OP2.1.1.1").find_all("td")[ACTUAL].find_all("a")[0]
    assert parse_qs(urlsplit(link.attrs["href"]).query)["component"] == ["2"]


def test_every_result_heads_its_indicators_indented_by_its_depth(client, personas):
    html = page(_as(client, personas["pm"]).get(LOGFRAME))

    heading = html.by_id("result-OP1.1.1").find_all("th")[0]
    assert "depth-3" in heading.classes
    assert heading.text.startswith("OP1.1.1 Output")
    assert "Border officers and trainers trained" in heading.text
    assert "C1" in heading.text
    objective = html.by_id("result-OO").find_all("th")[0]
    assert "depth-0" in objective.classes
    assert "Overall objective" in objective.text


def test_without_a_period_the_logframe_shows_the_dashboard_s_default_one(client, personas, bomca10):
    html = page(_as(client, personas["pm"]).get("/results/"))

    expected = default_period(programme=bomca10, today=timezone.localdate())
    selected = [
        option.attrs["value"]
        for option in html.by_id("id_period_select").find_all("option")
        if "selected" in option.attrs
    ]
    assert selected == [expected.label]


def test_a_period_that_cannot_be_read_is_named_and_the_default_is_shown(client, personas):
    response = _as(client, personas["pm"]).get("/results/?period=2023Q7")

    assert response.status_code == 200
    assert "Period 2023Q7 does not exist" in page(response).find_all("p", cls="form-errors")[0].text


def test_the_period_picker_swaps_the_logframe_alone(client, personas):
    response = _as(client, personas["pm"]).get(LOGFRAME, HTTP_HX_REQUEST="true")

    assert b"<html" not in response.content
    assert page(response).by_id("logframe-table")


def test_values_read_as_their_type_wants(client, personas, bomca10):
    _manual(bomca10, code="SYN.1", accumulation="level")
    ActualFactory(indicator=Indicator.objects.get(code="SYN.1"), value=Decimal("1234.5000"))
    html = page(_as(client, personas["pm"]).get(LOGFRAME))

    assert _row(html, "SYN.1")[ACTUAL].startswith("1,234.5 ")  # then "entered by hand"
    assert _row(html, "OO.2")[4] == "7,500"  # the end target, stored as 7500.0000
    assert _row(html, "OO.3")[3] == "28%"  # a percentage
    assert _row(html, "OC3.1.1")[ACTUAL].startswith("No ")  # yes/no, stored as 0.0000
    assert _row(html, "OC3.1.1")[4] == "Yes"
    assert _row(html, "OC1.1.1")[ACTUAL] == "1 entered by hand"  # stored as 1.0000


def test_a_framework_illustrative_throughout_says_so_once(client, personas):
    html = page(_as(client, personas["donor"]).get(LOGFRAME))

    notices = html.find_all("p", cls="notice-illustrative")
    assert len(notices) == 1
    assert "are illustrative, not programme facts" in notices[0].text
    assert "Illustrative" not in _row(html, "OO.1")[1]


def test_with_recorded_indicators_the_illustrative_ones_are_tagged(client, personas, bomca10):
    _manual(bomca10, code="SYN.1", source="recorded")

    html = page(_as(client, personas["donor"]).get(LOGFRAME))

    assert not html.find_all("p", cls="notice-illustrative")
    assert _row(html, "OO.1")[1].endswith("Illustrative")
    assert not _row(html, "SYN.1")[1].endswith("Illustrative")


def test_a_value_entered_by_hand_links_to_its_indicator_page(client, personas):
    html = page(_as(client, personas["pm"]).get(LOGFRAME))

    link = html.by_id("indicator-OC1.1.1").find_all("td")[ACTUAL].find_all("a")[0]
    assert link.attrs["href"] == "/results/indicators/OC1.1.1/?period=2023Q2"


def test_the_progress_bar_says_its_percentage_and_status_in_words(client, personas):
    html = page(_as(client, personas["pm"]).get(LOGFRAME))

    cell = html.by_id("indicator-OC1.1.1").find_all("td")[PROGRESS]
    bar = cell.find_all("svg")[0]
    assert bar.attrs["role"] == "img"
    assert bar.attrs["aria-label"].startswith("Progress: 33%, expected by now: ")
    assert cell.find_all("rect", cls="bar-fill")[0].attrs["width"] == "33"
    assert "progress-at_risk" in cell.find_all("div", cls="progress")[0].classes
    assert cell.text == "33% At risk"
    assert "No data" in _row(html, "SO3.1")[PROGRESS]


def test_the_legend_explains_the_colours_with_the_rule_s_numbers(client, personas):
    legend = page(_as(client, personas["donor"]).get(LOGFRAME)).find_all("details", cls="legend")

    assert "at least 90% of the progress expected" in legend[0].text
    assert "60% to 90%" in legend[0].text
    assert "Achieved: 14" in legend[0].text


def test_a_frozen_value_says_when_it_was_frozen_and_to_staff_by_whom(client, personas, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["pm"])
    day = timezone.localdate()

    staff = _row(page(_as(client, personas["me"]).get(LOGFRAME)), "OO.1")[ACTUAL]
    donor = _row(page(_as(Client(), personas["donor"]).get(LOGFRAME)), "OO.1")[ACTUAL]

    assert staff == f"25 Frozen on {day:%-d %B %Y} by Synthetic Persona pm"
    assert donor == f"25 Frozen on {day:%-d %B %Y}"


def test_the_logframe_in_russian_shows_the_russian_statements(client, personas):
    response = _as(client, personas["pm"]).get(LOGFRAME, HTTP_ACCEPT_LANGUAGE="ru")

    html = page(response)
    assert html.by_id("result-OO").text.count("Укрепление безопасности, стабильности") == 1
    assert "Количество реализованных мероприятий" in _row(html, "OO.1")[1]
    assert _row(html, "OO.2")[4] == "7 500"  # a no-break space, which .text reads as a space


# Counts of people as the reader may see them


def test_a_national_coordinator_sees_the_counts_of_people_rounded(client, personas):
    coordinator = personas["tjcoord"]
    html = page(_as(client, coordinator).get(LOGFRAME))

    assert _row(html, "OO.2")[ACTUAL] == str(access.shown_count(coordinator, 472))
    assert _row(html, "OO.1")[ACTUAL] == "25"  # activities are not people
    assert "rounded to the nearest 5" in html.text


def test_a_national_coordinator_sees_the_disaggregations_of_people_rounded_outside_tj(
    client, personas
):
    coordinator, manager = personas["tjcoord"], personas["pm"]
    exact = page(_as(client, manager).get(OO2))
    shown = page(_as(Client(), coordinator).get(OO2))

    countries = dict(Country.objects.values_list("name_en", "pk"))
    for dimension in ("country", "sex", "organisation_kind"):
        for exact_row, shown_row in zip(
            exact.by_id(f"breakdown-{dimension}").find_all("tr")[1:],
            shown.by_id(f"breakdown-{dimension}").find_all("tr")[1:],
            strict=True,
        ):
            label = exact_row.find_all("th")[0].text
            value = int(exact_row.find_all("td")[0].text.replace(",", ""))
            country = countries[label] if dimension == "country" else None
            expected = access.shown_count(coordinator, value, country=country)
            assert shown_row.find_all("td")[0].text == ("<5" if expected is None else str(expected))
    tajik = [row for row in shown.by_id("breakdown-country").find_all("tr") if "Tajik" in row.text]
    assert tajik[0].find_all("td")[0].text == "130"  # their own country, exactly


# The indicator page


def test_the_indicator_page_defines_the_indicator(client, personas):
    html = page(_as(client, personas["donor"]).get(OO2))

    assert html.find_all("h1")[0].text.startswith("Number of officers of border")
    definition = html.by_id("definition-heading").parent.text
    assert "Computed from the records: Participants of the activities implemented" in definition
    assert "Attendance lists and participant counts" in definition
    assert "Sex, Country, Organisation type" in definition
    notice = html.find_all("p", cls="notice-illustrative")[0]
    assert notice.text.startswith("Illustrative This indicator is illustrative")


def test_the_indicator_page_lists_every_quarter_of_the_programme(client, personas):
    html = page(_as(client, personas["pm"]).get(OO2))

    periods = [row.find_all("th")[0].text for row in html.by_id("history").find_all("tr")[1:]]
    assert periods[0] == "2025Q3"
    assert periods[-1] == "2021Q2"
    assert len(periods) == 18
    selected = [row for row in html.by_id("history").find_all("tr") if "selected" in row.classes]
    assert selected[0].find_all("td")[1].text == "472"


def test_the_disaggregations_name_countries_sexes_and_organisation_types(client, personas):
    html = page(_as(client, personas["pm"]).get(OO2))

    def labels(dimension: str) -> list[str]:
        rows = html.by_id(f"breakdown-{dimension}").find_all("tr")[1:]
        return [row.find_all("th")[0].text for row in rows]

    assert labels("sex") == ["Women", "Men", "Not recorded"]
    assert "Tajikistan" in labels("country")
    assert "Border service" in labels("organisation_kind")
    assert "Organisation not recorded" in labels("organisation_kind")


def test_the_indicator_page_of_a_manual_value_shows_its_source(client, personas):
    html = page(_as(client, personas["donor"]).get("/results/indicators/OC1.1.1/?period=2023Q2"))

    period = html.by_id("period-heading").parent.parent
    assert "Programme progress report (illustrative)" in period.text
    assert "Reported by hand" in html.by_id("definition-heading").parent.text


def test_the_keepers_of_the_results_see_the_buttons_of_a_manual_indicator(client, personas):
    html = page(_as(client, personas["me"]).get("/results/indicators/OC1.1.1/?period=2023Q2"))

    hrefs = [link.attrs.get("href", "") for link in html.find_all("a")]
    assert "/results/indicators/OC1.1.1/values/2023Q2/" in hrefs
    assert "/results/indicators/OC1.1.1/targets/2023Q2/" in hrefs
    assert "/results/indicators/OC1.1.1/edit/" in hrefs
    assert "Unfreeze" not in html.text


def test_the_manager_may_unfreeze_a_frozen_value_from_the_indicator_page(client, personas, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["me"])

    manager = page(_as(client, personas["pm"]).get(OO2))
    officer = page(_as(Client(), personas["me"]).get(OO2))

    unfreeze = "/results/indicators/OO.2/values/2023Q2/unfreeze/"
    assert unfreeze in _posting_forms(manager)
    assert unfreeze not in _posting_forms(officer)


# Queries


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LOGFRAME).status_code == 200
    return len(queries)


def test_the_logframe_s_queries_do_not_grow_with_its_indicators(client, personas, bomca10):
    _as(client, personas["tjcoord"])
    _queries(client)  # the first request reads the session and the user's scope into caches
    before = _queries(client)
    for number in range(5):
        indicator = _manual(bomca10, code=f"SYN.{number}", disaggregations=["sex"])
        ActualFactory(indicator=indicator, value=Decimal(number), disaggregation={"sex": {}})

    assert _queries(client) == before
