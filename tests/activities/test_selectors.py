"""Reads of activities: the filtered register and the count of activities implemented."""

from __future__ import annotations

from datetime import date

import pytest

from bomca.activities.models import Activity, ActivityType, Scope, Status
from bomca.activities.selectors import (
    ACTIVITY_ORDERINGS,
    NO_HOST_COUNTRY,
    ActivityFilters,
    activities_implemented,
    activity_list,
)
from bomca.core.periods import parse_period
from bomca.people.models import ParticipantCount
from bomca.reference.models import Programme
from tests.factories import ActivityFactory, ParticipantCountFactory, ProgrammeFactory

Q2 = parse_period("2023Q2")

#: What BOMCA 10 plans or has confirmed for 2023Q3, after the 25 activities implemented in 2023Q2.
PLANNED_Q3 = {"C3-TJ-2023-027", "C2-RG-2023-028", "C4-UZ-2023-029", "C1-RG-2023-030"}
CONFIRMED_Q3 = {"C1-KG-2023-026"}

#: The activities without a host country (regional, online or hybrid), by start date.
WITHOUT_HOST_COUNTRY = ["C1-RG-2023-007", "C2-RG-2023-028", "C1-RG-2023-030"]


def codes(programme: Programme, **filters: object) -> set[str]:
    listed = activity_list(programme=programme, filters=ActivityFilters(**filters))
    return {activity.code for activity in listed}


def implemented_activity(programme: Programme, **fields: object) -> Activity:
    """An implemented national workshop of component 1, in 2023Q2 unless told otherwise."""
    return ActivityFactory(component=programme.components.get(number=1), **fields)


# --- the register -----------------------------------------------------------------------------


def test_activity_list_without_filters_lists_the_programme_activities(bomca10):
    ActivityFactory()

    listed = codes(bomca10)
    assert len(listed) == 30  # 25 implemented in 2023Q2, 5 planned or confirmed for 2023Q3
    assert listed >= PLANNED_Q3 | CONFIRMED_Q3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"component": 1}, 9),
        ({"component": 4}, 6),
        ({"country": "KG"}, 8),
        ({"country": NO_HOST_COUNTRY}, 3),
        ({"activity_type": ActivityType.SEMINAR}, 2),
        ({"activity_type": ActivityType.MANAGEMENT_MEETING}, 1),
        ({"scope": Scope.REGIONAL}, 7),
        ({"status": Status.IMPLEMENTED}, 25),
        ({"status": Status.PLANNED}, 4),
        ({"status": Status.CANCELLED}, 0),
        ({"period": parse_period("2023-05")}, 10),
        ({"period": parse_period("2023Q1")}, 0),
        ({"period": parse_period("2023Q3")}, 5),
        ({"component": 3, "country": "TJ"}, 3),
    ],
)
def test_activity_list_narrows_to_the_filters(bomca10, filters, expected):
    listed = activity_list(programme=bomca10, filters=ActivityFilters(**filters))

    assert listed.count() == expected
    for activity in listed:
        if "component" in filters:
            assert activity.component.number == filters["component"]
        if filters.get("country") == NO_HOST_COUNTRY:
            assert activity.host_country is None
        elif "country" in filters:
            assert activity.host_country.code == filters["country"]
        if "period" in filters:
            assert activity.start_date in filters["period"]
        if "status" in filters:
            assert activity.status == filters["status"]
        if "activity_type" in filters:
            assert activity.activity_type == filters["activity_type"]
        if "scope" in filters:
            assert activity.scope == filters["scope"]


def test_activity_list_filters_by_status(bomca10):
    planned = implemented_activity(bomca10, status=Status.PLANNED)

    assert codes(bomca10, status=Status.PLANNED) == PLANNED_Q3 | {planned.code}
    assert codes(bomca10, status=Status.CONFIRMED) == CONFIRMED_Q3
    assert planned.code not in codes(bomca10, status=Status.IMPLEMENTED)


def test_activity_list_filters_by_the_start_date_in_the_period(bomca10):
    spanning = implemented_activity(
        bomca10, start_date=date(2023, 3, 30), end_date=date(2023, 4, 2)
    )

    assert spanning.code not in codes(bomca10, period=Q2)
    assert spanning.code in codes(bomca10, period=parse_period("2023Q1"))


@pytest.mark.parametrize(
    "text",
    ["C4-UZ-2023-025", "c4-uz-2023-025", "Child Protection", "CHILD PROTECTION", "Защита детей"],
)
def test_activity_list_finds_text_in_the_code_and_titles(bomca10, text):
    assert "C4-UZ-2023-025" in codes(bomca10, text=text)


def test_activity_list_finds_a_russian_title_whatever_the_case(bomca10):
    # People type in lower case; the stored title is «Семинар «Защита детей ...».
    assert codes(bomca10, text="защита детей") == {"C4-UZ-2023-025"}
    assert "C4-UZ-2023-025" in codes(bomca10, text="СЕМИНАР")


def test_activity_list_text_search_ignores_surrounding_spaces(bomca10):
    assert codes(bomca10, text="  C4-UZ-2023-025 ") == {"C4-UZ-2023-025"}


def test_activity_list_text_search_finds_nothing_for_unknown_text(bomca10):
    assert codes(bomca10, text="no such activity anywhere") == set()


def test_activity_list_leaves_out_other_programmes(bomca10):
    other = ActivityFactory(code="C1-XX-2023-001")

    assert other.code not in codes(bomca10)
    assert codes(other.programme) == {other.code}


def sort_key(ordering: str):
    """The order a key promises, computed in Python from the loaded activities."""
    keys = {
        "start": lambda a: (a.start_date, a.code),
        "code": lambda a: (a.code,),
        "title": lambda a: (a.title_en, a.code),
        "component": lambda a: (a.component.number, a.start_date, a.code),
        "participants": lambda a: (a.participants_total, a.code),
    }
    return keys[ordering.lstrip("-")]


@pytest.mark.parametrize(
    "ordering",
    ["start", "-start", "code", "-code", "title", "-title", "component", "-component"],
)
def test_activity_list_orders_by_each_key(bomca10, ordering):
    listed = list(activity_list(programme=bomca10, ordering=ordering))

    expected = sorted(listed, key=sort_key(ordering), reverse=ordering.startswith("-"))
    assert [a.code for a in listed] == [a.code for a in expected]


def test_activity_list_orders_by_participants_then_code(bomca10):
    ascending = list(activity_list(programme=bomca10, ordering="participants"))
    descending = list(activity_list(programme=bomca10, ordering="-participants"))

    assert [a.code for a in ascending] == [
        a.code for a in sorted(ascending, key=lambda a: (a.participants_total, a.code))
    ]
    assert [a.code for a in descending] == [
        a.code for a in sorted(descending, key=lambda a: (-a.participants_total, a.code))
    ]


def test_activity_list_orders_by_host_country_name(bomca10):
    listed = list(activity_list(programme=bomca10, ordering="country"))
    hosted = [a for a in listed if a.host_country is not None]

    assert [a.code for a in hosted] == [
        a.code for a in sorted(hosted, key=lambda a: (a.host_country.name_en, a.start_date, a.code))
    ]


@pytest.mark.parametrize(
    ("ordering", "where", "expected"),
    [
        ("country", slice(-3, None), WITHOUT_HOST_COUNTRY),
        ("-country", slice(0, 3), WITHOUT_HOST_COUNTRY[::-1]),
    ],
)
def test_activity_list_puts_activities_without_host_country_at_the_same_place_everywhere(
    bomca10, ordering, where, expected
):
    # Without an explicit rule, SQLite sorts NULL first and PostgreSQL last: they come last
    # ascending and first descending, among themselves by start date.
    listed = [a.code for a in activity_list(programme=bomca10, ordering=ordering)]

    assert listed[where] == expected


def test_activity_list_falls_back_to_the_newest_first_for_an_unknown_key(bomca10):
    listed = [a.code for a in activity_list(programme=bomca10, ordering="nonsense")]

    assert listed == [a.code for a in activity_list(programme=bomca10, ordering="-start")]
    assert "nonsense" not in ACTIVITY_ORDERINGS


def test_activity_list_annotates_the_participants_of_each_activity(bomca10):
    without_counts = implemented_activity(bomca10)
    listed = {a.code: a for a in activity_list(programme=bomca10)}

    assert listed["C4-UZ-2023-025"].participants_total == 14
    assert listed[without_counts.code].participants_total == 0
    for code, activity in listed.items():
        rows = ParticipantCount.objects.filter(activity__code=code)
        assert activity.participants_total == sum(row.total for row in rows), code


def read_register(programme: Programme) -> list[tuple[str, ...]]:
    """What the register template reads from each row."""
    return [
        (
            a.code,
            a.component.code,
            a.host_country.code if a.host_country else "",
            a.abroad_country.code if a.abroad_country else "",
            str(a.participants_total),
        )
        for a in activity_list(programme=programme)
    ]


def test_activity_list_reads_the_register_in_one_query(bomca10, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(read_register(bomca10)) == 30


def test_activity_list_queries_do_not_grow_with_the_rows(bomca10, django_assert_num_queries):
    for _ in range(10):
        ParticipantCountFactory(activity=implemented_activity(bomca10))

    with django_assert_num_queries(1):
        assert len(read_register(bomca10)) == 40


# --- activities implemented -------------------------------------------------------------------


def test_activities_implemented_counts_the_25_of_2023q2(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)

    assert counts.total == 25
    assert counts.by_component == {"C1": 7, "C2": 5, "C3": 8, "C4": 5}
    assert counts.by_scope == {"national": 20, "regional": 5}
    assert counts.by_country == {"KG": 7, "KZ": 4, "TJ": 6, "TM": 3, "UZ": 4, "none": 1}


def test_every_breakdown_of_activities_implemented_sums_to_the_total(bomca10):
    counts = activities_implemented(programme=bomca10, period=Q2)

    for breakdown in (counts.by_component, counts.by_country, counts.by_type, counts.by_scope):
        assert sum(breakdown.values()) == counts.total
    assert all(count > 0 for count in counts.by_component.values())


def test_activities_implemented_keeps_its_keys_in_a_period_without_activities(bomca10):
    busy = activities_implemented(programme=bomca10, period=Q2)
    empty = activities_implemented(programme=bomca10, period=parse_period("2022Q1"))

    assert empty.total == 0
    for name in ("by_component", "by_country", "by_type", "by_scope"):
        assert set(getattr(empty, name)) == set(getattr(busy, name)), name
        assert set(getattr(empty, name).values()) == {0}, name
    assert set(empty.by_type) == set(ActivityType.values)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.PLANNED},
        {"status": Status.CONFIRMED},
        {"status": Status.POSTPONED},
        {"status": Status.CANCELLED},
        {"start_date": date(2023, 3, 31), "end_date": date(2023, 4, 2)},
        {"start_date": date(2023, 7, 1), "end_date": date(2023, 7, 1)},
    ],
)
def test_activities_implemented_leaves_out_what_was_not_implemented_in_the_period(bomca10, fields):
    implemented_activity(bomca10, **fields)

    assert activities_implemented(programme=bomca10, period=Q2).total == 25


def test_activities_implemented_counts_by_the_start_date(bomca10):
    implemented_activity(bomca10, start_date=date(2023, 6, 30), end_date=date(2023, 7, 3))

    counts = activities_implemented(programme=bomca10, period=Q2)

    assert counts.total == 26
    assert counts.by_component["C1"] == 8


def test_activities_implemented_leaves_out_other_programmes(bomca10):
    ActivityFactory(component__programme=ProgrammeFactory())

    assert activities_implemented(programme=bomca10, period=Q2).total == 25


def test_activities_implemented_takes_three_queries(bomca10, django_assert_num_queries):
    for _ in range(5):
        implemented_activity(bomca10)

    with django_assert_num_queries(3):
        counts = activities_implemented(programme=bomca10, period=Q2)

    assert counts.total == 30
