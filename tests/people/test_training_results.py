"""Training results from attendance (knowledge gain, satisfaction, completion), and the groups
of records that are likely one person."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bomca.activities.models import Activity
from bomca.core.periods import parse_period
from bomca.people.models import Attendance, AttendanceRole, Participant, PersonSex
from bomca.people.selectors import (
    ResultFigures,
    duplicate_groups,
    training_results,
    training_results_of_period,
)
from bomca.reference.models import Country
from tests.factories import ActivityFactory, CountryFactory, OrganisationFactory


@pytest.fixture
def tajikistan(db: None) -> Country:
    return CountryFactory(code="TJ", name_en="Tajikistan")


@pytest.fixture
def kyrgyzstan(db: None) -> Country:
    return CountryFactory(code="KG", name_en="Kyrgyzstan")


@pytest.fixture
def workshop(db: None) -> Activity:
    return ActivityFactory()


def attended(
    activity: Activity,
    country: Country,
    sex: str,
    pre: int | None,
    post: int | None,
    *,
    rating: int | None = None,
    completed: bool | None = None,
    role: str = AttendanceRole.PARTICIPANT,
) -> Attendance:
    person = Participant.objects.create(
        full_name=f"Synthetic person {Participant.objects.count() + 1}", country=country, sex=sex
    )
    return Attendance.objects.create(
        participant=person,
        activity=activity,
        role=role,
        pre_test=None if pre is None else Decimal(pre),
        post_test=None if post is None else Decimal(post),
        satisfaction=rating,
        completed=completed,
    )


@pytest.fixture
def tested(workshop, tajikistan, kyrgyzstan) -> Activity:
    """Four tested participants (gains +20, 0, +15, -5), one untested, and a trainer."""
    attended(workshop, tajikistan, PersonSex.FEMALE, 50, 70, rating=5, completed=True)
    attended(workshop, tajikistan, PersonSex.MALE, 60, 60, rating=4, completed=True)
    attended(workshop, kyrgyzstan, PersonSex.FEMALE, 40, 55, rating=4, completed=False)
    attended(workshop, kyrgyzstan, PersonSex.MALE, 80, 75, rating=2, completed=None)
    attended(workshop, tajikistan, PersonSex.UNRECORDED, 30, None, rating=None, completed=True)
    attended(workshop, kyrgyzstan, PersonSex.MALE, 0, 100, rating=1, role=AttendanceRole.TRAINER)
    return workshop


def test_training_results_give_knowledge_gain_satisfaction_and_completion(tested):
    results = training_results(Attendance.objects.filter(activity=tested))

    assert results.overall == ResultFigures(
        participants=5,
        tested=4,
        gain_mean=7.5,
        gain_median=7.5,
        improved_share=0.5,
        satisfaction_mean=3.75,
        rated=4,
        completion_rate=0.75,
        completion_recorded=4,
    )


def test_training_results_leave_out_trainers_speakers_and_interpreters(tested, kyrgyzstan):
    attended(tested, kyrgyzstan, PersonSex.FEMALE, 10, 90, role=AttendanceRole.SPEAKER)
    attended(tested, kyrgyzstan, PersonSex.FEMALE, 90, 10, role=AttendanceRole.INTERPRETER)

    results = training_results(Attendance.objects.filter(activity=tested))

    assert results.overall.participants == 5
    assert results.overall.gain_mean == 7.5


def test_training_results_are_broken_down_by_sex(tested):
    by_sex = training_results(Attendance.objects.filter(activity=tested)).by_sex

    assert list(by_sex) == ["female", "male", "unrecorded"]
    assert (by_sex["female"].participants, by_sex["female"].gain_mean) == (2, 17.5)
    assert (by_sex["female"].improved_share, by_sex["female"].satisfaction_mean) == (1.0, 4.5)
    assert (by_sex["male"].gain_mean, by_sex["male"].gain_median) == (-2.5, -2.5)
    assert by_sex["male"].improved_share == 0.0
    assert by_sex["unrecorded"] == ResultFigures(
        participants=1, completion_rate=1.0, completion_recorded=1
    )


def test_training_results_are_broken_down_by_country(tested):
    by_country = training_results(Attendance.objects.filter(activity=tested)).by_country

    assert list(by_country) == ["KG", "TJ"]
    assert (by_country["KG"].participants, by_country["KG"].gain_mean) == (2, 5.0)
    assert by_country["KG"].completion_rate == 0.0
    assert (by_country["TJ"].participants, by_country["TJ"].tested) == (3, 2)
    assert by_country["TJ"].gain_median == 10.0


def test_the_median_gain_is_the_middle_gain_not_the_mean(workshop, tajikistan):
    for pre, post in [(50, 51), (50, 52), (50, 90)]:
        attended(workshop, tajikistan, PersonSex.FEMALE, pre, post)

    overall = training_results(Attendance.objects.filter(activity=workshop)).overall

    assert (overall.gain_mean, overall.gain_median) == (14.3, 2.0)


def test_training_results_without_tests_or_ratings_say_nothing_rather_than_zero(
    workshop, tajikistan
):
    attended(workshop, tajikistan, PersonSex.FEMALE, None, None)

    overall = training_results(Attendance.objects.filter(activity=workshop)).overall

    assert overall == ResultFigures(participants=1)
    assert overall.gain_mean is None
    assert overall.completion_rate is None


def test_training_results_of_no_attendance_are_empty(db):
    results = training_results(Attendance.objects.none())

    assert results.overall == ResultFigures()
    assert results.by_sex == {}
    assert results.by_country == {}


def test_training_results_take_one_query(tested, django_assert_num_queries):
    with django_assert_num_queries(1):
        training_results(Attendance.objects.filter(activity=tested))


def test_training_results_of_a_period_count_the_activities_implemented_in_it(tested, tajikistan):
    later = ActivityFactory(
        component=tested.component,
        start_date=tested.start_date.replace(month=8),
        end_date=tested.end_date.replace(month=8),
    )
    attended(later, tajikistan, PersonSex.FEMALE, 0, 100)

    second = training_results_of_period(programme=tested.programme, period=parse_period("2023Q2"))
    third = training_results_of_period(programme=tested.programme, period=parse_period("2023Q3"))

    assert (second.overall.participants, second.overall.gain_mean) == (5, 7.5)
    assert (third.overall.participants, third.overall.gain_mean) == (1, 100.0)


# Likely duplicates


def record(name: str, country: Country, **fields) -> Participant:
    return Participant.objects.create(full_name=name, country=country, **fields)


def names_of(groups: list[list[Participant]]) -> list[list[str]]:
    return [[person.full_name for person in group] for group in groups]


def test_records_with_the_same_folded_name_country_and_organisation_are_one_group(
    tajikistan, kyrgyzstan
):
    agency = OrganisationFactory(country=tajikistan)
    record("Иванова Алёна", tajikistan, organisation=agency)
    record("ИВAНОВА АЛЕНА", tajikistan, organisation=agency)  # a Latin A, no ё
    record("Иванова Алена", tajikistan)  # no organisation: someone else
    record("Иванова Алена", kyrgyzstan, organisation=agency)  # another country
    record("Petrova Anna", tajikistan)

    assert names_of(duplicate_groups(Participant.objects.all())) == [
        ["Иванова Алёна", "ИВAНОВА АЛЕНА"]
    ]


def test_a_group_is_ordered_by_record_and_counts_each_records_activities(tajikistan, workshop):
    first = record("Synthetic Twin", tajikistan)
    second = record("synthetic twin", tajikistan)
    Attendance.objects.create(participant=second, activity=workshop)

    [group] = duplicate_groups(Participant.objects.all())

    assert [(person.pk, person.activities) for person in group] == [(first.pk, 0), (second.pk, 1)]


@pytest.mark.parametrize(
    ("years", "grouped"),
    [((1980, 1980), True), ((1980, None), True), ((None, None), True), ((1980, 1981), False)],
)
def test_records_whose_years_of_birth_contradict_are_not_a_group(tajikistan, years, grouped):
    for year in years:
        record("Synthetic Namesake", tajikistan, year_of_birth=year)

    assert bool(duplicate_groups(Participant.objects.all())) is grouped


def test_duplicate_groups_look_only_at_the_records_given(tajikistan, kyrgyzstan):
    for country in (tajikistan, tajikistan, kyrgyzstan, kyrgyzstan):
        record("Synthetic Namesake", country)

    groups = duplicate_groups(Participant.objects.filter(country=kyrgyzstan))

    assert [{person.country.code for person in group} for group in groups] == [{"KG"}]


def test_namesakes_of_different_organisations_as_written_are_not_a_group(tajikistan):
    record("Synthetic Namesake", tajikistan, organisation_name="Khorog border post")
    record("Synthetic Namesake", tajikistan, organisation_name="Panj customs post")

    assert duplicate_groups(Participant.objects.all()) == []
