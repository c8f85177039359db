"""The figures behind the dashboard and the newsletter: activities, participants, exchanges of
trainers, what comes next, the timeline, and the JSON contract of ``KeyFigures``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bomca.activities.models import (
    Activity,
    ActivityType,
    DeliveredBy,
    Format,
    Scope,
    Status,
)
from bomca.activities.selectors import (
    NO_HOST_COUNTRY,
    activities_implemented,
    activities_upcoming,
    training_cooperation,
)
from bomca.core.periods import parse_period
from bomca.people.models import ParticipantCount
from bomca.people.selectors import UNKNOWN_ORGANISATION, participants_of_implemented
from bomca.reference.models import Country, Milestone, Programme
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.selectors import (
    FIGURES_SCHEMA_VERSION,
    key_figures,
    newsletter_issue_for_period,
    timeline,
)
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ParticipantCountFactory,
    ProgrammeFactory,
)

Q2 = parse_period("2023Q2")
Q3 = parse_period("2023Q3")
SEXES = {"female", "male", "unrecorded"}


def _programme(*codes: str, components: int = 2) -> Programme:
    """A synthetic programme in the countries ``codes`` with ``components`` components."""
    countries = [CountryFactory(code=code) for code in codes or ("XA", "XB")]
    programme = ProgrammeFactory(countries=countries)
    for number in range(1, components + 1):
        ComponentFactory(programme=programme, number=number)
    return programme


def _activity(programme: Programme, component: int = 1, **fields: object) -> Activity:
    return ActivityFactory(component=programme.components.get(number=component), **fields)


def _country(programme: Programme, code: str) -> Country:
    return programme.countries.get(code=code)


# --- activities implemented in BOMCA 10's 2023Q2 -------------------------------------------


def test_bomca10_implemented_25_activities_in_2023q2_by_component(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)

    assert counts.total == 25
    assert counts.by_component == {"C1": 7, "C2": 5, "C3": 8, "C4": 5}


def test_the_2023q2_activities_are_broken_down_by_scope_format_and_type(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)

    assert counts.by_scope == {"national": 20, "regional": 5}
    assert counts.by_format == {"in_person": 24, "online": 1, "hybrid": 0}
    assert set(counts.by_type) == set(ActivityType.values)
    assert counts.by_type["workshop"] == 16
    assert counts.by_type["management_meeting"] == 0
    assert sum(counts.by_type.values()) == 25


def test_every_breakdown_of_the_activities_adds_up_to_the_total(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)

    for breakdown in (
        counts.by_component,
        counts.by_country,
        counts.by_type,
        counts.by_scope,
        counts.by_format,
    ):
        assert sum(breakdown.values()) == counts.total


def test_activities_by_country_match_the_register_with_regional_ones_last(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)
    implemented = Activity.objects.filter(
        programme=bomca10, status=Status.IMPLEMENTED, start_date__range=(Q2.start, Q2.end)
    )
    expected = Counter(
        activity.host_country.code if activity.host_country else NO_HOST_COUNTRY
        for activity in implemented.select_related("host_country")
    )

    assert list(counts.by_country) == ["KG", "KZ", "TJ", "TM", "UZ", NO_HOST_COUNTRY]
    assert counts.by_country == {code: expected[code] for code in counts.by_country}


def test_activities_by_component_and_country_has_every_cell_and_adds_up_both_ways(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)
    matrix = counts.by_component_and_country

    assert list(matrix) == ["C1", "C2", "C3", "C4"]
    for row in matrix.values():
        assert list(row) == ["KG", "KZ", "TJ", "TM", "UZ", NO_HOST_COUNTRY]
    assert {component: sum(row.values()) for component, row in matrix.items()} == (
        counts.by_component
    )
    assert {
        country: sum(row[country] for row in matrix.values()) for country in counts.by_country
    } == counts.by_country
    # The one online session of the quarter is Component 1's, for the whole region.
    assert matrix["C1"][NO_HOST_COUNTRY] == 1
    assert matrix["C1"]["KZ"] == 0


def test_the_matrix_counts_each_activity_in_its_component_and_host_country(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)
    implemented = Activity.objects.filter(
        programme=bomca10, status=Status.IMPLEMENTED, start_date__range=(Q2.start, Q2.end)
    ).select_related("component", "host_country")
    expected = Counter(
        (activity.component.code, activity.host_country.code if activity.host_country else "none")
        for activity in implemented
    )

    assert {
        (component, country): value
        for component, row in counts.by_component_and_country.items()
        for country, value in row.items()
        if value
    } == dict(expected)


# --- training cooperation ------------------------------------------------------------------


def test_the_exchanges_of_trainers_in_2023q2_are_the_four_of_the_seed(bomca10):
    exchanges = training_cooperation(programme=bomca10, period=Q2)

    assert [
        (row.trainer_country, row.host_country, row.activities, row.across_borders)
        for row in exchanges
    ] == [
        ("KZ", "TJ", 1, True),
        ("KZ", "TM", 1, True),
        ("TM", "TM", 2, False),
        ("UZ", "KG", 1, True),
    ]


def test_each_exchange_counts_the_participants_of_its_activities(bomca10):
    exchanges = training_cooperation(programme=bomca10, period=Q2)
    people: Counter[tuple[str, str]] = Counter()
    for row in ParticipantCount.objects.filter(
        activity__status=Status.IMPLEMENTED,
        activity__start_date__range=(Q2.start, Q2.end),
        activity__trainer_country__isnull=False,
    ).select_related("activity__trainer_country", "activity__host_country"):
        key = (row.activity.trainer_country.code, row.activity.host_country.code)
        people[key] += row.female + row.male + row.unrecorded

    assert {(row.trainer_country, row.host_country): row.participants for row in exchanges} == (
        dict(people)
    )
    assert all(row.participants > 0 for row in exchanges)


def test_an_activity_delivered_by_eu_experts_is_no_exchange(db):
    programme = _programme("XA", "XB")
    _activity(programme, host_country=_country(programme, "XA"), delivered_by="eu_experts")

    assert training_cooperation(programme=programme, period=Q2) == []
    assert activities_implemented(programme=programme, period=Q2).total == 1


def test_national_trainers_whose_country_is_not_recorded_are_no_exchange(db):
    programme = _programme("XA", "XB")
    _activity(
        programme,
        host_country=_country(programme, "XA"),
        delivered_by=DeliveredBy.NATIONAL_TRAINERS,
        trainer_country=None,
    )

    assert training_cooperation(programme=programme, period=Q2) == []


def test_national_and_mixed_trainers_from_another_country_are_an_exchange_across_a_border(db):
    programme = _programme("XA", "XB")
    xa, xb = _country(programme, "XA"), _country(programme, "XB")
    for delivered_by in (DeliveredBy.NATIONAL_TRAINERS, DeliveredBy.MIXED):
        activity = _activity(
            programme, host_country=xb, delivered_by=delivered_by, trainer_country=xa
        )
        ParticipantCountFactory(activity=activity, country=xb, female=2, male=4)
    _activity(
        programme, host_country=xa, delivered_by=DeliveredBy.NATIONAL_TRAINERS, trainer_country=xa
    )

    exchanges = training_cooperation(programme=programme, period=Q2)

    assert [
        (row.trainer_country, row.host_country, row.activities, row.participants)
        for row in exchanges
    ] == [("XA", "XA", 1, 0), ("XA", "XB", 2, 12)]
    assert [row.across_borders for row in exchanges] == [False, True]


def test_trainers_of_a_regional_activity_train_for_no_host_country(db):
    programme = _programme("XA", "XB")
    xa = _country(programme, "XA")
    activity = _activity(
        programme,
        scope=Scope.REGIONAL,
        format=Format.ONLINE,
        host_country=None,
        delivered_by=DeliveredBy.NATIONAL_TRAINERS,
        trainer_country=xa,
    )
    ParticipantCountFactory(activity=activity, country=xa, female=1, male=1)

    [exchange] = training_cooperation(programme=programme, period=Q2)

    assert (exchange.trainer_country, exchange.host_country) == ("XA", NO_HOST_COUNTRY)
    assert (exchange.activities, exchange.participants) == (1, 2)
    assert exchange.across_borders


# --- what counts as implemented in the period ---------------------------------------------


def test_a_period_with_no_activities_gives_zeros_everywhere(db):
    programme = _programme("XA", "XB")

    figures = key_figures(programme=programme, period=Q2)

    assert figures.is_empty
    assert figures.activities.total == 0
    assert figures.activities.by_component == {"C1": 0, "C2": 0}
    assert figures.activities.by_country == {"XA": 0, "XB": 0, NO_HOST_COUNTRY: 0}
    assert set(figures.activities.by_type.values()) == {0}
    assert figures.activities.by_scope == {"national": 0, "regional": 0}
    assert figures.activities.by_format == {"in_person": 0, "online": 0, "hybrid": 0}
    assert figures.activities.by_component_and_country == {
        component: {"XA": 0, "XB": 0, NO_HOST_COUNTRY: 0} for component in ("C1", "C2")
    }
    assert figures.participants.total == 0
    assert figures.participants.by_sex == {"female": 0, "male": 0, "unrecorded": 0}
    assert figures.participants.by_country == {"XA": 0, "XB": 0}
    assert figures.participants.by_country_and_sex == {
        "XA": dict.fromkeys(SEXES, 0),
        "XB": dict.fromkeys(SEXES, 0),
    }
    assert figures.participants.by_organisation_kind == {}
    assert figures.cooperation == []
    assert figures.upcoming.capacity_building == []
    assert figures.upcoming.management == []


@pytest.mark.parametrize(
    "status", [Status.CANCELLED, Status.PLANNED, Status.CONFIRMED, Status.POSTPONED]
)
def test_an_activity_not_implemented_is_not_counted(db, status):
    programme = _programme("XA", "XB")
    xa, xb = _country(programme, "XA"), _country(programme, "XB")
    activity = _activity(
        programme,
        host_country=xb,
        status=status,
        delivered_by=DeliveredBy.NATIONAL_TRAINERS,
        trainer_country=xa,
    )
    ParticipantCountFactory(activity=activity, country=xb, female=3, male=7)

    figures = key_figures(programme=programme, period=Q2)

    assert figures.is_empty
    assert figures.participants.total == 0
    assert figures.cooperation == []


def test_an_activity_counts_in_the_period_it_starts_in(db):
    programme = _programme("XA")
    # Starts in March, ends in April: it belongs to Q1, not to Q2.
    _activity(programme, start_date=date(2023, 3, 30), end_date=date(2023, 4, 2))
    # Starts on the last day of Q2 and ends in Q3: it belongs to Q2.
    _activity(programme, start_date=date(2023, 6, 30), end_date=date(2023, 7, 3))

    assert activities_implemented(programme=programme, period=Q2).total == 1
    assert activities_implemented(programme=programme, period=parse_period("2023Q1")).total == 1


def test_activities_of_another_programme_are_not_counted(db):
    programme = _programme("XA")
    other = _programme("XB")
    activity = _activity(other, host_country=_country(other, "XB"))
    ParticipantCountFactory(activity=activity, country=_country(other, "XB"))

    figures = key_figures(programme=programme, period=Q2)

    assert figures.is_empty
    assert figures.participants.total == 0


def test_a_hand_made_quarter_is_counted_in_every_breakdown(db):
    programme = _programme("XA", "XB")
    xa, xb = _country(programme, "XA"), _country(programme, "XB")
    _activity(programme, 1, host_country=xa, format=Format.HYBRID)
    _activity(programme, 2, host_country=xb, activity_type=ActivityType.TRAINING)
    _activity(
        programme,
        2,
        scope=Scope.REGIONAL,
        format=Format.ONLINE,
        host_country=None,
        activity_type=ActivityType.ONLINE_SESSION,
    )

    counts = activities_implemented(programme=programme, period=Q2)

    assert counts.total == 3
    assert counts.by_component == {"C1": 1, "C2": 2}
    assert counts.by_country == {"XA": 1, "XB": 1, NO_HOST_COUNTRY: 1}
    assert counts.by_scope == {"national": 2, "regional": 1}
    assert counts.by_format == {"in_person": 1, "online": 1, "hybrid": 1}
    assert {code: value for code, value in counts.by_type.items() if value} == {
        "workshop": 1,
        "training": 1,
        "online_session": 1,
    }
    assert counts.by_component_and_country == {
        "C1": {"XA": 1, "XB": 0, NO_HOST_COUNTRY: 0},
        "C2": {"XA": 0, "XB": 1, NO_HOST_COUNTRY: 1},
    }


# --- participants ----------------------------------------------------------------------------


def test_472_people_took_part_in_2023q2_by_sex(bomca10):
    participants = participants_of_implemented(programme=bomca10, period=Q2)

    assert participants.total == 472
    assert participants.by_sex == {"female": 133, "male": 325, "unrecorded": 14}


def test_participants_by_country_and_sex_have_every_cell_and_add_up(bomca10):
    participants = participants_of_implemented(programme=bomca10, period=Q2)
    cells = participants.by_country_and_sex

    assert list(cells) == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert all(set(row) == SEXES for row in cells.values())
    assert participants.by_country == {code: sum(row.values()) for code, row in cells.items()}
    assert participants.by_country["KZ"] == 70
    assert cells["UZ"]["unrecorded"] == 14
    for sex in SEXES:
        assert sum(row[sex] for row in cells.values()) == participants.by_sex[sex]


def test_participants_by_organisation_kind_add_up_largest_first(bomca10):
    participants = participants_of_implemented(programme=bomca10, period=Q2)
    kinds = participants.by_organisation_kind
    without_organisation = sum(
        row.female + row.male + row.unrecorded
        for row in ParticipantCount.objects.filter(
            activity__status=Status.IMPLEMENTED,
            activity__start_date__range=(Q2.start, Q2.end),
            organisation__isnull=True,
        )
    )

    assert sum(kinds.values()) == 472
    assert list(kinds.values()) == sorted(kinds.values(), reverse=True)
    assert kinds[UNKNOWN_ORGANISATION] == without_organisation > 0
    assert kinds["border"] == 140


def test_participants_are_grouped_by_organisation_kind_and_country(db):
    programme = _programme("XA", "XB")
    xa, xb = _country(programme, "XA"), _country(programme, "XB")
    activity = _activity(programme, host_country=xa)
    ParticipantCountFactory(
        activity=activity,
        country=xa,
        organisation=OrganisationFactory(country=xa, kind="customs"),
        female=1,
        male=2,
    )
    ParticipantCountFactory(
        activity=activity,
        country=xb,
        organisation=OrganisationFactory(country=xb, kind="customs"),
        female=4,
        male=0,
        unrecorded=1,
    )
    ParticipantCountFactory(activity=activity, country=xb, organisation=None, female=0, male=6)

    participants = participants_of_implemented(programme=programme, period=Q2)

    assert participants.total == 14
    assert participants.by_organisation_kind == {"customs": 8, UNKNOWN_ORGANISATION: 6}
    assert participants.by_country_and_sex == {
        "XA": {"female": 1, "male": 2, "unrecorded": 0},
        "XB": {"female": 4, "male": 6, "unrecorded": 1},
    }


# --- upcoming ------------------------------------------------------------------------------


def test_five_activities_are_planned_for_2023q3_one_of_them_a_management_meeting(bomca10):
    upcoming = activities_upcoming(programme=bomca10, period=Q3)

    assert len(upcoming.capacity_building) == 4
    assert [row.activity_type for row in upcoming.management] == ["management_meeting"]
    assert all(row.activity_type != "management_meeting" for row in upcoming.capacity_building)
    starts = [row.start_date for row in upcoming.capacity_building]
    assert starts == sorted(starts)
    assert all(Q3.start <= day <= Q3.end for day in starts)
    assert {row.status for row in upcoming.capacity_building + upcoming.management} <= {
        "planned",
        "confirmed",
        "postponed",
    }


def test_upcoming_activities_skip_implemented_and_cancelled_ones(db):
    programme = _programme("XA")
    july = {"start_date": date(2023, 7, 10), "end_date": date(2023, 7, 11)}
    for status in Status.values:
        _activity(programme, status=status, title_en=f"Synthetic {status} workshop", **july)

    upcoming = activities_upcoming(programme=programme, period=Q3)

    assert sorted(row.status for row in upcoming.capacity_building) == [
        "confirmed",
        "planned",
        "postponed",
    ]
    assert upcoming.management == []


def test_an_upcoming_activity_says_where_it_is_in_stable_codes(db):
    programme = _programme("XA")
    _activity(
        programme,
        2,
        status=Status.PLANNED,
        activity_type=ActivityType.MANAGEMENT_MEETING,
        scope=Scope.REGIONAL,
        host_country=None,
        format=Format.HYBRID,
        start_date=date(2023, 9, 27),
        end_date=date(2023, 9, 27),
    )

    [meeting] = activities_upcoming(programme=programme, period=Q3).management

    assert (meeting.component, meeting.host_country, meeting.format) == (
        "C2",
        NO_HOST_COUNTRY,
        "hybrid",
    )


# --- key figures, timeline and the JSON contract --------------------------------------------


def test_the_key_figures_of_a_quarter_look_ahead_to_the_next_quarter(bomca10):
    figures = key_figures(programme=bomca10, period=Q2)

    assert not figures.is_empty
    assert figures.next_period == Q3
    assert figures.upcoming == activities_upcoming(programme=bomca10, period=Q3)
    assert figures.activities == activities_implemented(programme=bomca10, period=Q2)
    assert figures.participants == participants_of_implemented(programme=bomca10, period=Q2)
    assert figures.cooperation == training_cooperation(programme=bomca10, period=Q2)


def test_the_key_figures_of_a_range_have_nothing_upcoming(bomca10):
    figures = key_figures(programme=bomca10, period=parse_period("2023Q1..2023Q2"))

    assert figures.next_period is None
    assert figures.upcoming.capacity_building == []
    assert figures.upcoming.management == []
    assert figures.activities.total == 25


def test_the_timeline_spans_the_programme_and_lists_its_milestones_by_date(bomca10):
    line = timeline(programme=bomca10, period=Q2)

    assert (line.start, line.end) == (date(2021, 4, 1), date(2025, 9, 30))
    assert (line.period_start, line.period_end) == (Q2.start, Q2.end)
    # 2021-04-01 to 2023-06-30 is 821 of the programme's 1644 days.
    assert line.elapsed == pytest.approx(821 / 1644, abs=0.001)
    dates = [milestone.date for milestone in line.milestones]
    assert dates == sorted(dates)
    assert len(dates) == Milestone.objects.filter(programme=bomca10).count() == 5
    assert [milestone.expected for milestone in line.milestones].count(True) == 1


@pytest.mark.parametrize(
    ("period", "elapsed"),
    [("2020Q4", 0.0), ("2021Q2", 0.055), ("2025Q3", 1.0), ("2027Q1", 1.0)],
)
def test_the_time_elapsed_stays_between_nothing_and_everything(db, period, elapsed):
    programme = ProgrammeFactory(start_date=date(2021, 4, 1), end_date=date(2025, 9, 30))

    line = timeline(programme=programme, period=parse_period(period))

    assert line.elapsed == pytest.approx(elapsed, abs=0.001)


def test_key_figures_as_a_dict_are_plain_json_with_every_section(bomca10):
    figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert json.loads(json.dumps(figures)) == figures
    assert figures["schema_version"] == FIGURES_SCHEMA_VERSION
    assert figures["period"] == {"label": "2023Q2", "start": "2023-04-01", "end": "2023-06-30"}
    implemented = figures["activities"]["implemented"]
    assert implemented["total"] == 25
    assert implemented["by_format"] == {"in_person": 24, "online": 1, "hybrid": 0}
    assert implemented["by_component_and_country"]["C1"]["none"] == 1
    assert figures["participants"]["by_sex"] == {"female": 133, "male": 325, "unrecorded": 14}
    assert figures["participants"]["by_country_and_sex"]["UZ"]["unrecorded"] == 14
    assert [
        (row["trainer_country"], row["host_country"], row["across_borders"])
        for row in figures["training_cooperation"]
    ] == [("KZ", "TJ", True), ("KZ", "TM", True), ("TM", "TM", False), ("UZ", "KG", True)]
    assert figures["timeline"]["start"] == "2021-04-01"
    assert figures["timeline"]["milestones"][0]["date"] == "2021-04-01"
    assert figures["upcoming"]["period"]["label"] == "2023Q3"
    assert len(figures["upcoming"]["capacity_building"]) == 4
    assert figures["upcoming"]["management"][0]["start_date"] == "2023-09-27"
    procurement, grants = figures["procurement"], figures["grants"]
    assert (procurement["as_of"], procurement["needs"], procurement["totals"]["items"]) == (
        "2023-06-30",
        9,
        18,
    )
    assert procurement["totals"]["value"] == {"EUR": "731500.00", "USD": "26400.00"}
    assert procurement["handed_over"]["hand_overs"] == 3
    assert procurement["handed_over"]["value"] == {"EUR": "34000.00"}
    assert [row["reference"] for row in procurement["planned_next_quarter"]["rows"]] == [
        "PR-KZ-2023-006",
        "PR-TM-2023-001",
        "PR-TJ-2022-001",
    ]
    assert grants["projects"]["total"] == 9
    assert grants["projects"]["by_country"] == {"KG": 2, "KZ": 2, "TJ": 2, "TM": 1, "UZ": 2}
    assert grants["money"]["committed"] == {"EUR": "413500.00"}
    assert grants["money"]["paid"] == {"EUR": "165400.00"}
    assert len(grants["due_next_quarter"]["reports"]) == 9


# --- the newsletter issue of a period ----------------------------------------------------------


@pytest.mark.parametrize("code", ["2023Q2", "2023q2", "2023К2"])
def test_the_issue_of_2023q2_is_number_6(bomca10, code):
    issue = newsletter_issue_for_period(programme=bomca10, period_code=code)

    assert issue is not None
    assert (issue.number, issue.period_code) == (6, "2023Q2")


def test_a_quarter_without_an_issue_has_none(bomca10):
    assert newsletter_issue_for_period(programme=bomca10, period_code="2023Q3") is None


def test_the_issue_of_another_programme_is_not_returned(bomca10):
    other = _programme("XA")

    assert newsletter_issue_for_period(programme=other, period_code="2023Q2") is None
    assert NewsletterIssue.objects.filter(period_code="2023Q2").count() == 1


# --- queries do not grow with the rows ----------------------------------------------------------


def _busy_quarter(programme: Programme, activities: int) -> None:
    """``activities`` implemented activities with participants and exchanges, and as many
    planned for the next quarter."""
    countries = list(programme.countries.order_by("code"))
    for index in range(activities):
        host = countries[index % len(countries)]
        trainers = countries[(index + 1) % len(countries)]
        activity = _activity(
            programme,
            index % 2 + 1,
            host_country=host,
            delivered_by=DeliveredBy.NATIONAL_TRAINERS,
            trainer_country=trainers,
            format=[Format.IN_PERSON, Format.ONLINE, Format.HYBRID][index % 3],
            city="" if index % 3 == 1 else "Synthetic city",
        )
        ParticipantCountFactory(activity=activity, country=host, unrecorded=index % 2)
        ParticipantCountFactory(
            activity=activity,
            country=trainers,
            organisation=OrganisationFactory(country=trainers),
        )
        _activity(
            programme,
            index % 2 + 1,
            host_country=host,
            status=Status.PLANNED,
            start_date=date(2023, 8, 1),
            end_date=date(2023, 8, 2),
        )
    Milestone.objects.create(
        programme=programme, date=date(2023, 5, 1), title_en=f"Synthetic milestone {activities}"
    )


def _queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        function(**kwargs)
    return len(queries)


@pytest.mark.parametrize(
    "selector",
    [key_figures, activities_implemented, participants_of_implemented, training_cooperation],
    ids=lambda function: function.__name__,
)
def test_the_figures_take_as_many_queries_for_50_activities_as_for_5(db, selector):
    programme = _programme("XA", "XB", "XC")
    _busy_quarter(programme, 5)
    few = _queries(selector, programme=programme, period=Q2)

    _busy_quarter(programme, 45)
    many = _queries(selector, programme=programme, period=Q2)

    assert key_figures(programme=programme, period=Q2).activities.total == 50
    assert many == few


def test_the_upcoming_activities_take_one_query_however_many(db):
    programme = _programme("XA", "XB")
    _busy_quarter(programme, 3)
    few = _queries(activities_upcoming, programme=programme, period=Q3)

    _busy_quarter(programme, 30)

    assert _queries(activities_upcoming, programme=programme, period=Q3) == few == 1
