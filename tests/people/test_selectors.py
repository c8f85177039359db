"""Reads of participation: who took part in the activities implemented in a period."""

from __future__ import annotations

from datetime import date

import pytest

from bomca.activities.models import Activity, Status
from bomca.core.periods import parse_period
from bomca.people.models import Sex
from bomca.people.selectors import participants_of_implemented
from bomca.reference.models import Country, Programme
from tests.factories import ActivityFactory, ParticipantCountFactory

Q2 = parse_period("2023Q2")
PROGRAMME_COUNTRIES = ["KG", "KZ", "TJ", "TM", "UZ"]


def activity_with_participants(programme: Programme, **fields: object) -> Activity:
    """An implemented activity in 2023Q2 (unless told otherwise) with 3 women and 7 men."""
    activity = ActivityFactory(component=programme.components.get(number=1), **fields)
    ParticipantCountFactory(activity=activity, country=Country.objects.get(code="KG"))
    return activity


def test_participants_of_implemented_counts_the_people_of_2023q2(bomca10):
    totals = participants_of_implemented(programme=bomca10, period=Q2)

    assert totals.total == 472
    assert totals.by_sex == {"female": 133, "male": 325, "unrecorded": 14}
    assert totals.by_country == {"KG": 130, "KZ": 70, "TJ": 130, "TM": 63, "UZ": 79}


def test_participants_by_sex_and_by_country_each_sum_to_the_total(bomca10):
    totals = participants_of_implemented(programme=bomca10, period=Q2)

    assert sum(totals.by_sex.values()) == totals.total
    assert sum(totals.by_country.values()) == totals.total
    assert totals.total > 0


def test_participants_keep_their_keys_in_a_period_without_activities(bomca10):
    totals = participants_of_implemented(programme=bomca10, period=parse_period("2022Q1"))

    assert totals.total == 0
    assert totals.by_sex == dict.fromkeys(Sex.values, 0)
    assert totals.by_country == dict.fromkeys(PROGRAMME_COUNTRIES, 0)


def test_participants_from_outside_the_programme_countries_are_counted_under_their_country(
    bomca10,
):
    activity = ActivityFactory(component=bomca10.components.get(number=1))
    ParticipantCountFactory(activity=activity, country=Country.objects.get(code="DE"))

    totals = participants_of_implemented(programme=bomca10, period=Q2)

    assert totals.by_country["DE"] == 10
    assert totals.total == 482
    assert sum(totals.by_country.values()) == totals.total


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.PLANNED},
        {"status": Status.CANCELLED},
        {"start_date": date(2023, 3, 31), "end_date": date(2023, 4, 2)},
        {"start_date": date(2023, 7, 1), "end_date": date(2023, 7, 2)},
    ],
)
def test_participants_of_activities_not_implemented_in_the_period_are_left_out(bomca10, fields):
    activity_with_participants(bomca10, **fields)

    assert participants_of_implemented(programme=bomca10, period=Q2).total == 472


def test_participants_of_another_programme_are_left_out(bomca10):
    other = ActivityFactory()
    ParticipantCountFactory(activity=other)

    assert participants_of_implemented(programme=bomca10, period=Q2).total == 472
    assert participants_of_implemented(programme=other.programme, period=Q2).total == 10


def test_participants_of_an_activity_implemented_in_the_period_are_added(bomca10):
    activity_with_participants(bomca10)

    totals = participants_of_implemented(programme=bomca10, period=Q2)

    assert totals.total == 482
    assert totals.by_sex == {"female": 136, "male": 332, "unrecorded": 14}
    assert totals.by_country["KG"] == 140


def test_participants_of_implemented_takes_two_queries(bomca10, django_assert_num_queries):
    for _ in range(5):
        activity_with_participants(bomca10)

    with django_assert_num_queries(2):
        totals = participants_of_implemented(programme=bomca10, period=Q2)

    assert totals.total == 522
