"""Participants, trainers and attendance: what the database itself refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bomca.activities.models import Activity
from bomca.people.models import Attendance, AttendanceRole, Participant, PersonSex, Trainer
from bomca.reference.models import Country
from tests.factories import ActivityFactory, CountryFactory, OrganisationFactory


@pytest.fixture
def country(db: None) -> Country:
    return CountryFactory(code="TJ", name_en="Tajikistan", name_ru="Таджикистан")


@pytest.fixture
def workshop(db: None) -> Activity:
    """A three-day workshop, 10 to 12 May 2023."""
    return ActivityFactory()


def participant(country: Country, name: str = "Synthetic Participant", **fields) -> Participant:
    return Participant.objects.create(full_name=name, country=country, **fields)


# Participant


def test_saving_a_participant_sets_the_name_key(country):
    person = participant(country, "  Ивaнoва  Алёна ")

    assert person.name_key == "иванова алена"
    assert Participant.objects.get(pk=person.pk).name_key == "иванова алена"


def test_saving_only_the_full_name_updates_the_name_key_too(country):
    person = participant(country, "Synthetic Petrova")
    person.full_name = "Synthetic Sidorova"

    person.save(update_fields=["full_name"])

    assert Participant.objects.get(pk=person.pk).name_key == "synthetic sidorova"


def test_a_participant_without_sex_is_not_recorded(country):
    assert participant(country).sex == PersonSex.UNRECORDED


def test_the_organisation_label_is_the_known_organisation_or_the_name_as_written(country):
    agency = OrganisationFactory(country=country, name_en="Synthetic border agency")

    known = participant(country, "Synthetic One", organisation=agency)
    written = participant(country, "Synthetic Two", organisation_name="Khorog border post")

    assert known.organisation_label == "Synthetic border agency"
    assert written.organisation_label == "Khorog border post"


@pytest.mark.parametrize("year", [1899, 2101])
def test_the_database_refuses_an_implausible_year_of_birth(country, year):
    with pytest.raises(IntegrityError), transaction.atomic():
        participant(country, year_of_birth=year)


@pytest.mark.parametrize("year", [1900, 1985, 2100, None])
def test_the_database_takes_a_plausible_or_no_year_of_birth(country, year):
    assert participant(country, year_of_birth=year).pk is not None


def test_a_participant_keeps_a_history(country):
    person = participant(country)
    person.position = "Synthetic captain"
    person.save()

    assert [record.history_type for record in person.history.order_by("history_id")] == ["+", "~"]


# Trainer


def test_a_trainer_is_a_participant_with_a_home_country(country):
    trainer = Trainer.objects.create(
        participant=participant(country, "Synthetic Trainer"), home_country=country, topics="Risk"
    )

    assert str(trainer) == "Synthetic Trainer (TJ)"
    assert trainer.active is True


def test_a_participant_is_in_the_trainers_pool_once(country):
    person = participant(country)
    Trainer.objects.create(participant=person, home_country=country)

    with pytest.raises(IntegrityError), transaction.atomic():
        Trainer.objects.create(participant=person, home_country=country)


# Attendance


def attendance(person: Participant, activity: Activity, **fields) -> Attendance:
    return Attendance.objects.create(participant=person, activity=activity, **fields)


def test_attendance_defaults_to_the_role_participant(country, workshop):
    assert attendance(participant(country), workshop).role == AttendanceRole.PARTICIPANT


@pytest.mark.parametrize(
    "fields",
    [
        {"pre_test": Decimal("-0.01")},
        {"pre_test": Decimal("100.01")},
        {"post_test": Decimal("-1")},
        {"post_test": Decimal("101")},
        {"satisfaction": 0},
        {"satisfaction": 6},
    ],
)
def test_the_database_refuses_scores_outside_0_to_100_and_ratings_outside_1_to_5(
    country, workshop, fields
):
    with pytest.raises(IntegrityError), transaction.atomic():
        attendance(participant(country), workshop, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"pre_test": Decimal(0), "post_test": Decimal(100), "satisfaction": 1},
        {"pre_test": Decimal("100.00"), "post_test": Decimal("0.00"), "satisfaction": 5},
        {"pre_test": None, "post_test": None, "satisfaction": None},
    ],
)
def test_the_database_takes_the_limits_of_scores_and_ratings(country, workshop, fields):
    record = attendance(participant(country), workshop, **fields)

    assert Attendance.objects.filter(pk=record.pk).values(*fields).get() == fields


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"pre_test": Decimal(101)}, "attendance_pre_test_percent"),
        ({"post_test": Decimal(-1)}, "attendance_post_test_percent"),
        ({"satisfaction": 6}, "attendance_satisfaction_1_to_5"),
    ],
)
def test_model_validation_names_the_constraint_a_score_or_rating_breaks(
    country, workshop, fields, constraint
):
    record = Attendance(participant=participant(country), activity=workshop, **fields)

    with pytest.raises(ValidationError) as raised:
        record.full_clean()

    assert raised.value.message_dict == {"__all__": [f"Constraint “{constraint}” is violated."]}


def test_a_person_attends_an_activity_once(country, workshop):
    person = participant(country)
    attendance(person, workshop)

    with pytest.raises(IntegrityError), transaction.atomic():
        attendance(person, workshop, role=AttendanceRole.TRAINER)


def test_a_person_attends_two_activities(country, workshop):
    person = participant(country)
    other = ActivityFactory(component=workshop.component)

    attendance(person, workshop)
    attendance(person, other)

    assert person.attendances.count() == 2


def test_attendance_of_more_days_than_the_activity_lasted_is_invalid(country, workshop):
    record = Attendance(participant=participant(country), activity=workshop, days_attended=4)

    with pytest.raises(ValidationError) as raised:
        record.clean()

    assert raised.value.message_dict == {
        "days_attended": ["The activity lasted 3 days; fewer were attended."]
    }


@pytest.mark.parametrize("days", [1, 3, None])
def test_attendance_of_up_to_the_activitys_days_is_valid(country, workshop, days):
    assert (workshop.start_date, workshop.end_date) == (date(2023, 5, 10), date(2023, 5, 12))
    record = Attendance(participant=participant(country), activity=workshop, days_attended=days)

    record.clean()


def test_deleting_a_participant_deletes_their_attendance(country, workshop):
    person = participant(country)
    attendance(person, workshop)

    person.delete()

    assert not Attendance.objects.filter(activity=workshop).exists()
