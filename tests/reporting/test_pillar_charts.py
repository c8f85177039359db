"""Procurement and grants as charts and summaries: money per currency and never summed across
currencies, counts of people reached under the same rule as participants, and nothing drawn or
said while a pillar is not recorded."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from typing import Any

import altair as alt
import pytest
from django.utils import translation

from bomca.core.periods import parse_period
from bomca.procurement.models import NeedStatus
from bomca.reference.models import Programme
from bomca.reporting.charts import ChartData, chart_spec, chart_svg
from bomca.reporting.infographics import period_charts
from bomca.reporting.pillar_charts import (
    GRANTS_CHARTS,
    PROCUREMENT_CHARTS,
    grants_charts,
    grants_summary,
    procurement_charts,
    procurement_summary,
)
from bomca.reporting.selectors import KeyFigures, key_figures
from tests.factories import CountryFactory, ProgrammeFactory
from tests.procurement.factories import NeedFactory
from tests.reporting.vega import bar_values

Q2 = parse_period("2023Q2")
SVG = "{http://www.w3.org/2000/svg}"
COUNTRIES = {"KG": "Kyrgyzstan", "TJ": "Tajikistan"}


@pytest.fixture
def figures(bomca10: Programme) -> KeyFigures:
    return key_figures(programme=bomca10, period=Q2)


def _charts(figures: KeyFigures, **kwargs: Any) -> dict[str, ChartData]:
    return {chart.name: chart for chart in period_charts(figures, **kwargs)}


def _bars(chart: ChartData) -> dict[str, Decimal]:
    """The bars of a bar chart by label, with the value each is drawn for: the data of the
    bar layer of the Vega-Lite specification the SVG is rendered from (the SVG's parts carry
    no labels of their own: the picture is one role="img" with a translated description)."""
    return bar_values(chart_spec(chart))


def _texts(chart: ChartData) -> list[str]:
    """The text drawn on the chart, one string per <text> element."""
    root = ET.fromstring(chart_svg(chart, language="en"))  # noqa: S314 - our own renderer
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _per_currency(amounts: dict[str, dict[str, str]], labels: dict[str, str]) -> dict[str, Decimal]:
    return {
        f"{labels[key]} · {currency}": Decimal(amount)
        for key, by_currency in amounts.items()
        for currency, amount in by_currency.items()
    }


# --- money ----------------------------------------------------------------------------------


def test_the_value_chart_draws_a_bar_per_status_and_currency_and_none_across(figures):
    chart = _charts(figures)["procurement-value"]
    statuses = {value: str(label) for value, label in NeedStatus.choices}

    bars = _bars(chart)

    assert bars == {
        "Tendered · EUR": Decimal(50400),
        "Evaluated · EUR": Decimal(178000),
        "Contracted · EUR": Decimal(460100),
        "Contracted · USD": Decimal(26400),
        "Delivered · EUR": Decimal(9000),
        "Handed over · EUR": Decimal(34000),
    }
    assert bars == _per_currency(
        {
            status: bucket["value"]
            for status, bucket in figures.procurement["by_status"].items()
            if bucket["items"]
        },
        statuses,
    )
    assert chart.options["texts"][2:4] == ["460,100 EUR", "26,400 USD"]
    assert "486,500" not in _texts(chart)  # contracted EUR and USD added up


def test_the_grants_money_chart_draws_committed_and_paid_per_currency(figures):
    chart = _charts(figures)["grants-money"]

    assert _bars(chart) == {"Committed · EUR": Decimal(413500), "Paid · EUR": Decimal(165400)}
    assert chart.summary.endswith("Committed · EUR 413,500 EUR; Paid · EUR 165,400 EUR.")


def test_a_second_currency_gets_bars_of_its_own():
    money = {
        "committed": {"EUR": "100000.00", "USD": "20000.00"},
        "paid": {"EUR": "40000.00", "USD": "0.00"},
    }

    [_projects, chart, _people] = grants_charts(
        {"money": money}, countries=COUNTRIES, period="2023Q2", count=lambda value, _c: value
    )

    assert chart.rows == [
        ("Committed · EUR", 100000.0),
        ("Committed · USD", 20000.0),
        ("Paid · EUR", 40000.0),
    ]
    assert chart.options["texts"] == ["100,000 EUR", "20,000 USD", "40,000 EUR"]
    assert "120,000" not in chart.summary


# --- people reached -------------------------------------------------------------------------

REACHED = {
    "projects": {"total": 2, "by_status": {"ongoing": 2}, "by_country": {"KG": 1, "TJ": 1}},
    "people_reached": {
        "reports": 2,
        "total": 23,
        "by_sex": {"women": 12, "men": 11},
        "by_group": {"children": 3, "trafficking_victims": 0, "with_disabilities": 6},
    },
}


def test_people_reached_are_charted_exactly_for_a_reader_who_may_see_them():
    chart = grants_charts(REACHED, countries=COUNTRIES, period="2023Q2", count=lambda v, c: v)[2]

    assert chart.name == "grants-people-reached"
    assert chart.rows == [
        ("Women", 12),
        ("Men", 11),
        ("of whom children", 3),
        ("of whom people with disabilities", 6),
    ]
    assert grants_summary(REACHED, countries=COUNTRIES, count=lambda v, c: v)["people"] == 23


def test_people_reached_follow_the_count_rule_of_participants():
    calls: list[tuple[int, str | None]] = []

    def count(value: int, country: str | None) -> int | None:
        calls.append((value, country))
        return None if value < 5 else 5 * round(value / 5)

    chart = grants_charts(REACHED, countries=COUNTRIES, period="2023Q2", count=count)[2]
    summary = grants_summary(REACHED, countries=COUNTRIES, count=count)

    assert [value for _label, value in chart.rows] == [10, 10, None, 5]
    assert "of whom children <5" in chart.summary
    assert "<5" in _texts(chart)
    assert "3" not in _texts(chart)
    assert summary["people"] == 25
    # People reached mix countries, as the totals of participants do.
    assert {country for _value, country in calls} == {None}


# --- what comes next -----------------------------------------------------------------------

DUE = {
    "due_next_quarter": {
        "reports": [
            {
                "contract_number": "SYN-G001",
                "kind": "interim",
                "due_date": "2023-07-17",
                "country": "KG",
                "organisation": "Synthetic NGO",
                "organisation_ru": "Синтетическая НКО",
            }
        ],
        "projects_ending": [
            {
                "contract_number": "SYN-G002",
                "end_date": "2023-09-30",
                "country": "TJ",
                "organisation": "Unnamed in Russian NGO",
                "organisation_ru": "",
                "status": "ongoing",
            }
        ],
    }
}


@pytest.mark.parametrize(
    ("language", "ngo", "country"),
    [("en", "Synthetic NGO", "Kyrgyzstan"), ("ru", "Синтетическая НКО", "Кыргызстан")],
)
def test_what_comes_next_names_the_ngos_in_the_reader_s_language(language, ngo, country):
    with translation.override(language):
        summary = grants_summary(DUE, countries={"KG": country}, count=lambda v, c: v)

    [report] = summary["reports_due"]
    [ending] = summary["projects_ending"]
    assert (report["organisation"], report["country"]) == (ngo, country)
    assert report["due"] == date(2023, 7, 17)
    # Without a Russian name, the English one rather than nothing.
    assert ending["organisation"] == "Unnamed in Russian NGO"


# --- order, and nothing while a pillar is not recorded ---------------------------------------


def test_the_pillar_charts_follow_the_activity_charts_in_the_newsletter_s_order(figures):
    names = [chart.name for chart in period_charts(figures)]

    assert names[-7:] == [*PROCUREMENT_CHARTS, *GRANTS_CHARTS]
    assert list(PROCUREMENT_CHARTS) == [
        "procurement-progress",
        "procurement-value",
        "procurement-status",
        "procurement-by-horizon",
    ]
    assert list(GRANTS_CHARTS) == ["grants-projects", "grants-money", "grants-people-reached"]


def test_a_pillar_not_recorded_has_no_chart_and_no_summary():
    assert procurement_charts(None, countries=COUNTRIES, period="2023Q2") == []
    assert grants_charts(None, countries=COUNTRIES, period="2023Q2", count=lambda v, c: v) == []
    assert procurement_summary(None, countries=COUNTRIES) is None
    assert grants_summary(None, countries=COUNTRIES, count=lambda v, c: v) is None


def test_a_need_without_items_charts_only_the_step_it_reached(db):
    programme = ProgrammeFactory(countries=[CountryFactory(code="XA")])
    NeedFactory(programme=programme)
    charts = [
        chart
        for chart in period_charts(key_figures(programme=programme, period=Q2))
        if chart.name in PROCUREMENT_CHARTS
    ]

    assert [chart.name for chart in charts if not chart.is_empty] == ["procurement-status"]
    assert charts[2].rows[:2] == [("Identified", 1), ("Specified", 0)]
    for chart in charts:
        # chart_spec skips altair's validation for speed; empty charts must be valid too.
        alt.TopLevelSpec.validate(chart_spec(chart))
