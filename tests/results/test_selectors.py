"""The logframe for a period: one answer with the dashboard and the newsletter, progress and
status, values to date, frozen values, its queries, and one indicator through time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bomca.accounts.models import User
from bomca.activities.models import Activity, Scope
from bomca.core.periods import Period, parse_period, quarter
from bomca.reference.models import Programme
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.newsletter import newsletter_html
from bomca.reporting.selectors import key_figures
from bomca.results.computed import SELECTORS, Context
from bomca.results.models import (
    Accumulation,
    Direction,
    Indicator,
    IndicatorType,
    Level,
    Result,
)
from bomca.results.selectors import (
    IndicatorRow,
    Logframe,
    Progress,
    indicator_history,
    indicator_row,
    indicators_of,
    logframe,
)
from bomca.results.services import period_freeze
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    ParticipantCountFactory,
    ProgrammeFactory,
)
from tests.pages import page
from tests.results.factories import (
    ActualFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
    result_tree,
)

Q1, Q2, Q3 = quarter(2023, 1), quarter(2023, 2), quarter(2023, 3)
#: The components' activity indicators of the BOMCA 10 logframe.
COMPONENT_INDICATORS = {"OP1.1.1.1": "C1", "OP2.1.1.1": "C2", "OP3.1.1.1": "C3", "OP4.1.2.1": "C4"}


def _value(frame: Logframe, code: str) -> Decimal:
    value = frame.row(code).actual.value
    assert value is not None, code
    return value


def _cells(counts: dict[str, int]) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in counts.items()}


# --- one answer: the logframe, the dashboard and the newsletter of 2023Q2 --------------------


def test_the_2023q2_logframe_computes_what_the_dashboard_and_newsletter_figures_give(bomca10):
    figures = key_figures(programme=bomca10, period=Q2)
    frame = logframe(programme=bomca10, period=Q2)
    participants, procurement, grants = figures.participants, figures.procurement, figures.grants
    assert procurement is not None
    assert grants is not None

    assert _value(frame, "OO.1") == figures.activities.total == 25
    assert frame.row("OO.1").actual.by == {"country": _cells(figures.activities.by_country)}
    assert _value(frame, "OO.2") == participants.total == 472
    assert frame.row("OO.2").actual.by == {
        "sex": _cells(participants.by_sex),
        "country": _cells(participants.by_country),
        "organisation_kind": _cells(participants.by_organisation_kind),
    }
    women = Decimal(100 * participants.by_sex["female"]) / participants.total
    assert _value(frame, "OO.3") == women.quantize(Decimal("0.01")) == Decimal("28.18")
    assert _value(frame, "OO.4") == Decimal(str(figures.training.overall.gain_mean))
    assert _value(frame, "OO.5") == Decimal(procurement["handed_over"]["value"]["EUR"]) == 34000
    funnel = {row["status"]: row["needs"] for row in procurement["funnel"]}
    assert _value(frame, "OO.6") == funnel["handed_over"] == 2
    national = figures.activities.by_national_trainers
    assert _value(frame, "SO1.1") == Decimal(100 * national / figures.activities.total) == 28
    across = sum(row.activities for row in figures.cooperation if row.across_borders)
    assert _value(frame, "OP1.1.1.2") == across == 3
    assert _value(frame, "SO2.1") == figures.activities.by_scope["regional"] == 5
    assert _value(frame, "OP4.1.1.1") == grants["projects"]["by_status"]["ongoing"] == 9
    assert _value(frame, "OC4.1.1") == grants["people_reached"]["total"] == 0
    for code, component in COMPONENT_INDICATORS.items():
        assert _value(frame, code) == figures.activities.by_component[component], code


def test_the_dashboard_of_2023q2_shows_the_logframe_s_numbers(
    alice_client: Client, bomca10: Programme
):
    frame = logframe(programme=bomca10, period=Q2)

    html = page(alice_client.get("/dashboard/", {"programme": "BOMCA10", "period": "2023Q2"}))

    assert [kpi.text for kpi in html.find_all("p", cls="kpi-value")] == [
        f"{_value(frame, 'OO.1')}",
        f"{_value(frame, 'OO.2')}",
        f"{round(_value(frame, 'OO.3'))}%",
        f"{_value(frame, 'OP1.1.1.2')}",
    ]
    procurement = html.by_id("procurement-heading").parent.text
    assert f"hand-overs in the period ({_value(frame, 'OO.5'):,.0f} EUR)" in procurement
    grants = html.by_id("grants-heading").parent.text
    assert f"ongoing: {_value(frame, 'OP4.1.1.1')}." in grants
    assert "people reached" not in grants  # OC4.1.1: no report received by the end of June


def test_the_newsletter_of_2023q2_prints_the_logframe_s_numbers(bomca10):
    frame = logframe(programme=bomca10, period=Q2)
    issue = NewsletterIssue.objects.get(programme=bomca10, period_start=Q2.start)

    html = page(HttpResponse(newsletter_html(issue, language="en")))
    text = html.text

    assert html.find_all("p", cls="lead-sentence")[0].text == (
        f"From 1 April till 30 June 2023, the programme implemented {_value(frame, 'OO.1')} "
        f"activities in the Central Asian region. {_value(frame, 'OO.2')} people took part in "
        f"them, {round(_value(frame, 'OO.3'))}% of them women."
    )
    assert f"a mean gain of {_value(frame, 'OO.4'):.1f} points" in text
    assert f"equipment worth {_value(frame, 'OO.5'):,.0f} EUR" in text
    assert f"Handed over {_value(frame, 'OO.6')}." in text
    national = _value(frame, "SO1.1") * _value(frame, "OO.1") / 100
    assert f"National trainers delivered {national:.0f} activities in April–June 2023" in text
    assert (
        f"National trainers delivered {_value(frame, 'OP1.1.1.2')} activities for colleagues "
        "across a border." in text
    )
    assert f"{_value(frame, 'OP4.1.1.1')} NGO projects are under way." in text
    counts = [
        story.find_all("p", cls="count")[0].text
        for story in html.find_all("article", cls="component-story")
    ]
    assert counts == [
        f"{_value(frame, code)} activities implemented" for code in COMPONENT_INDICATORS
    ]
    figures = [figure.attrs["id"] for figure in html.find_all("figure", cls="chart")]
    assert _value(frame, "OC4.1.1") == 0
    assert "figure-grants-people-reached" not in figures


# --- progress and status --------------------------------------------------------------------


@pytest.fixture
def programme(db: None) -> Programme:
    """A synthetic programme of April 2021 to September 2025 in XA, with component 1."""
    programme = ProgrammeFactory(countries=[CountryFactory(code="XA")])
    ComponentFactory(programme=programme, number=1)
    return programme


def _row(indicator: Indicator, period: Period = Q2) -> IndicatorRow:
    """The indicator's logframe row, read afresh (with its targets and values)."""
    fresh = indicators_of(programme=indicator.programme).get(pk=indicator.pk)
    return indicator_row(indicator=fresh, period=period, context=Context(indicator.programme))


def _manual(programme: Programme, **fields: object) -> Indicator:
    return IndicatorFactory(result=ResultFactory(programme=programme), **fields)


def test_half_the_programme_s_time_has_gone_at_the_end_of_2023q2(programme):
    row = _row(_manual(programme, target_value=Decimal(100)))

    assert row.expected == Decimal("0.499")  # 821 of 1 644 days


@pytest.mark.parametrize(
    ("value", "progress", "status"),
    [
        (120, 120, Progress.ACHIEVED),
        (100, 100, Progress.ACHIEVED),
        (47, 47, Progress.ON_TRACK),  # at least 90% of the 49.9% expected
        (35, 35, Progress.AT_RISK),  # at least 60% of it
        (20, 20, Progress.OFF_TRACK),
    ],
)
def test_progress_to_the_end_target_is_judged_by_the_share_of_time_gone(
    programme, value, progress, status
):
    indicator = _manual(programme, baseline_value=Decimal(0), target_value=Decimal(100))
    ActualFactory(indicator=indicator, period=Q1, value=Decimal(value - 10))
    ActualFactory(indicator=indicator, period=Q2, value=Decimal(10))

    row = _row(indicator)

    assert row.to_date.value == value
    assert (row.progress_percent, row.status) == (progress, status)
    assert row.bar_percent == min(progress, 100)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (10, Progress.ACHIEVED),
        (Decimal("9.5"), Progress.ON_TRACK),
        (7, Progress.AT_RISK),
        (5, Progress.OFF_TRACK),
    ],
)
def test_a_period_target_is_expected_whole_by_the_period_s_end(programme, value, status):
    indicator = _manual(programme, target_value=Decimal(1000))
    TargetFactory(indicator=indicator, period=Q2, value=Decimal(10))
    ActualFactory(indicator=indicator, period=Q1, value=Decimal(40))  # not this period's
    ActualFactory(indicator=indicator, period=Q2, value=Decimal(value))

    row = _row(indicator)

    assert (row.expected, row.status) == (Decimal(1), status)
    assert row.period_target is not None
    assert row.period_target.value == 10


@pytest.mark.parametrize(
    ("value", "progress", "status"),
    [(0, 100, Progress.ACHIEVED), (4, 60, Progress.ON_TRACK), (12, -20, Progress.OFF_TRACK)],
)
def test_a_decrease_progresses_down_from_the_baseline(programme, value, progress, status):
    indicator = _manual(
        programme,
        direction=Direction.DECREASE,
        accumulation=Accumulation.LEVEL,
        baseline_value=Decimal(10),
        target_value=Decimal(0),
    )
    ActualFactory(indicator=indicator, value=Decimal(value))

    row = _row(indicator)

    assert (row.progress_percent, row.status) == (progress, status)


@pytest.mark.parametrize(("value", "status"), [(1, Progress.ACHIEVED), (0, Progress.OFF_TRACK)])
def test_a_yes_no_indicator_is_achieved_or_off_track(programme, value, status):
    indicator = _manual(
        programme,
        indicator_type=IndicatorType.YES_NO,
        accumulation=Accumulation.LEVEL,
        baseline_value=Decimal(0),
        target_value=Decimal(1),
    )
    ActualFactory(indicator=indicator, period=Q1, value=Decimal(value))

    assert _row(indicator).status == status


def test_an_indicator_without_a_target_has_no_status_but_its_value(programme):
    indicator = _manual(programme)
    ActualFactory(indicator=indicator, value=Decimal(7))

    row = _row(indicator)

    assert (row.actual.value, row.progress, row.status) == (7, None, Progress.NO_TARGET)


def test_an_indicator_without_values_has_no_data(programme):
    row = _row(_manual(programme, target_value=Decimal(10)))

    assert row.actual.is_empty
    assert (row.to_date.value, row.status) == (None, Progress.NO_DATA)


def test_a_qualitative_indicator_has_no_data_until_described_then_no_measured_status(programme):
    indicator = _manual(
        programme,
        indicator_type=IndicatorType.QUALITATIVE,
        accumulation=Accumulation.LEVEL,
        target_text="A strategy adopted",
    )
    assert _row(indicator).status == Progress.NO_DATA

    ActualFactory(indicator=indicator, value=None, text="The strategy is drafted.")
    row = _row(indicator)

    assert (row.actual.text, row.progress, row.status) == (
        "The strategy is drafted.",
        None,
        Progress.NO_TARGET,
    )


# --- values to date -------------------------------------------------------------------------


def _activity(programme: Programme, day: date, **fields: object) -> Activity:
    return ActivityFactory(
        component=programme.components.get(number=1), start_date=day, end_date=day, **fields
    )


def _computed(
    programme: Programme, selector: str, result: Result | None = None, **fields: object
) -> Indicator:
    result = result or ResultFactory(programme=programme)
    return IndicatorFactory(result=result, selector=selector, **fields)


def test_a_computed_value_to_date_counts_from_the_programme_s_start(programme):
    for day in (date(2022, 2, 10), date(2023, 5, 2), date(2023, 5, 3), date(2023, 8, 1)):
        _activity(programme, day)
    indicator = _computed(programme, "activities_implemented")

    row = _row(indicator)

    assert (row.actual.value, row.to_date.value) == (2, 3)
    assert _row(indicator, quarter(2021, 2)).to_date.value == 0


def test_a_computed_share_to_date_is_the_share_of_everyone_so_far_not_a_mean_of_shares(
    programme,
):
    ParticipantCountFactory(activity=_activity(programme, date(2022, 2, 10)), female=0, male=10)
    ParticipantCountFactory(activity=_activity(programme, date(2023, 5, 2)), female=5, male=5)
    indicator = _computed(programme, "women_share")

    row = _row(indicator)

    assert (row.actual.value, row.to_date.value) == (Decimal("50.00"), Decimal("25.00"))


def test_in_the_programme_s_first_quarter_the_value_to_date_is_the_quarter_s(programme):
    _activity(programme, date(2021, 5, 4))
    indicator = _computed(programme, "activities_implemented")

    row = _row(indicator, quarter(2021, 2))

    assert row.to_date == row.actual
    assert row.to_date.value == 1


def test_a_manual_value_that_adds_up_sums_the_periods_so_far(programme):
    indicator = _manual(programme, accumulation=Accumulation.SUM)
    for period, value in ((Q1, 3), (Q2, 4), (Q3, 10)):
        ActualFactory(indicator=indicator, period=period, value=Decimal(value))

    row = _row(indicator)

    assert (row.actual.value, row.to_date.value) == (4, 7)


def test_a_manual_level_takes_the_latest_value_reported(programme):
    indicator = _manual(programme, accumulation=Accumulation.LEVEL)
    ActualFactory(indicator=indicator, period=Q1, value=Decimal(3))
    ActualFactory(indicator=indicator, period=Q2, value=Decimal(2))

    assert _row(indicator).to_date.value == 2
    later = _row(indicator, Q3)
    assert (later.actual.value, later.to_date.value) == (None, 2)


# --- frozen values --------------------------------------------------------------------------


def test_a_frozen_value_is_shown_instead_of_the_live_one_and_says_when_they_differ(
    programme, alice: User
):
    _activity(programme, date(2023, 5, 2))
    _activity(programme, date(2023, 5, 3))
    indicator = _computed(programme, "activities_implemented")
    period_freeze(programme=programme, period=Q2, user=alice)

    frozen = _row(indicator).actual
    _activity(programme, date(2023, 6, 1))  # recorded after the report was submitted
    later = _row(indicator).actual

    assert (frozen.value, frozen.origin, frozen.live_value) == (2, "frozen", None)
    assert frozen.frozen_by == alice.get_full_name()
    assert frozen.frozen_at is not None
    assert (later.value, later.origin, later.live_value) == (2, "frozen", 3)


# --- queries --------------------------------------------------------------------------------


def _framework(programme: Programme, copy: int) -> None:
    """One indicator per selector (one by component), a manual one with a target, a value and
    a frozen value: a copy of a logframe."""
    objective = ResultFactory(programme=programme, code=f"OO{copy}")
    for name in SELECTORS:
        _computed(programme, name, result=objective, code=f"{name[:16]}.{copy}")
    specific = ResultFactory(
        programme=programme,
        code=f"SO{copy}",
        level=Level.SPECIFIC_OBJECTIVE,
        parent=objective,
        component=programme.components.get(number=1),
    )
    _computed(programme, "activities_implemented", result=specific, code=f"SO{copy}.1")
    manual = _manual(programme, code=f"M{copy}")
    TargetFactory(indicator=manual)
    ActualFactory(indicator=manual, period=Q1)
    ActualFactory(indicator=manual, period=Q2, frozen=True)


def _queries(programme: Programme) -> int:
    with CaptureQueriesContext(connection) as queries:
        logframe(programme=programme, period=Q2)
    return len(queries)


def test_the_logframe_s_queries_do_not_grow_with_its_indicators(programme):
    ParticipantCountFactory(activity=_activity(programme, date(2023, 5, 2)))
    _activity(programme, date(2022, 5, 2), scope=Scope.REGIONAL)
    _framework(programme, 1)
    few = _queries(programme)

    _framework(programme, 2)
    _framework(programme, 3)

    assert len(logframe(programme=programme, period=Q2).rows) == 3 * (len(SELECTORS) + 2)
    assert _queries(programme) == few


# --- the logframe's tree and one indicator through time -------------------------------------


def test_the_logframe_lists_each_result_with_its_children_below_it(programme):
    tree = result_tree(programme)
    _computed(programme, "activities_implemented", result=tree["SO1"], code="SO1.1")

    frame = logframe(programme=programme, period=Q2)

    assert [(node.result.code, node.depth) for node in frame.nodes] == [
        ("OO", 0),
        ("SO1", 1),
        ("OC1.1", 2),
        ("OP1.1.1", 3),
    ]
    records = frame.row("SO1.1").records
    assert records is not None
    assert records.query == {"period": "2023Q2", "status": "implemented", "component": "1"}


def test_indicator_history_lists_every_quarter_from_the_programme_s_start(programme):
    indicator = _manual(programme)
    yearly = Period(start=date(2022, 1, 1), end=date(2022, 12, 31), label="2022")
    ActualFactory(indicator=indicator, period=yearly, value=Decimal(12))
    ActualFactory(indicator=indicator, period=Q2, value=Decimal(4))

    history = indicator_history(indicator=indicator, until=date(2023, 5, 15))

    labels = [row.period.label for row in history.rows]
    assert labels == [
        "2021Q2",
        "2021Q3",
        "2021Q4",
        "2022Q1",
        "2022Q2",
        "2022Q3",
        "2022",  # a value reported for the year is listed where the year ends
        "2022Q4",
        "2023Q1",
        "2023Q2",
    ]
    values = {row.period.label: row.actual.value for row in history.rows}
    assert (values["2022"], values["2023Q2"], values["2023Q1"]) == (12, 4, None)
    assert history.rows[-1].to_date.value == 16


def test_indicator_history_stops_at_the_programme_s_end(programme):
    history = indicator_history(indicator=_manual(programme), until=date(2030, 1, 1))

    assert len(history.rows) == 18  # 2021Q2 to 2025Q3
    assert history.rows[-1].period == parse_period("2025Q3")


def test_indicator_history_reads_the_values_once_however_many_quarters(programme):
    indicator = _manual(programme, target_value=Decimal(10))
    ActualFactory(indicator=indicator, period=Q1)
    TargetFactory(indicator=indicator, period=Q2)

    counts = []
    for until in (date(2022, 1, 1), date(2025, 1, 1)):
        with CaptureQueriesContext(connection) as queries:
            indicator_history(indicator=indicator, until=until)
        counts.append(len(queries))

    assert counts[0] == counts[1]
