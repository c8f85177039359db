"""Attendance lists saved through the service: people found or created, all rows or none,
counts made from the list; and duplicates merged with a preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import F

from bomca.activities.models import Activity
from bomca.core.models import Source
from bomca.people.models import (
    Attendance,
    AttendanceRole,
    Participant,
    ParticipantCount,
    PersonSex,
    Trainer,
)
from bomca.people.services import (
    AttendanceInput,
    ListReport,
    PersonInput,
    attendance_list_save,
    merge_plan,
    participant_find,
    participants_merge,
)
from bomca.reference.models import Country, Organisation
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ParticipantCountFactory,
    ProgrammeFactory,
)


@pytest.fixture
def tajikistan(db: None) -> Country:
    return CountryFactory(code="TJ", name_en="Tajikistan", name_ru="Таджикистан")


@pytest.fixture
def kyrgyzstan(db: None) -> Country:
    return CountryFactory(code="KG", name_en="Kyrgyzstan", name_ru="Кыргызстан")


@pytest.fixture
def border(tajikistan: Country) -> Organisation:
    return OrganisationFactory(code="TJ-BORDER", name_en="Synthetic border", country=tajikistan)


@pytest.fixture
def customs(tajikistan: Country) -> Organisation:
    return OrganisationFactory(code="TJ-CUSTOMS", name_en="Synthetic customs", country=tajikistan)


@pytest.fixture
def workshop(tajikistan: Country, kyrgyzstan: Country) -> Activity:
    """A three-day workshop in Tajikistan (10–12 May 2023)."""
    programme = ProgrammeFactory(countries=[tajikistan, kyrgyzstan])
    return ActivityFactory(component=ComponentFactory(programme=programme, number=1))


@pytest.fixture
def seminar(workshop: Activity) -> Activity:
    """Another activity of the same programme, a day long."""
    return ActivityFactory(
        component=workshop.component, start_date=date(2023, 6, 1), end_date=date(2023, 6, 1)
    )


def person(name: str, country: Country, **fields) -> PersonInput:
    return PersonInput(full_name=name, country=country, **fields)


def did(**fields) -> AttendanceInput:
    return AttendanceInput(**fields)


def three_people(tajikistan: Country, border: Organisation) -> list:
    return [
        (person("Synthetic Karimova", tajikistan, sex="female", organisation=border), did()),
        (person("Synthetic Rahimov", tajikistan, sex="male", organisation=border), did()),
        (person("Synthetic Saidov", tajikistan, sex="male"), did(days_attended=3)),
    ]


def table_sizes() -> dict[str, int]:
    """Rows of every table a list writes to, history included."""
    return {
        model._meta.label: model._default_manager.count()
        for base in (Participant, Attendance, ParticipantCount, Trainer)
        for model in (base, base.history.model)
    }


def counts_of(activity: Activity) -> list[tuple[str, str | None, int, int, int]]:
    return [
        (row.country.code, row.organisation.code if row.organisation else None, *row_sexes(row))
        # No organisation first, on every database (PostgreSQL sorts NULL last, SQLite first).
        for row in activity.participant_counts.order_by(
            "country__code", F("organisation__code").asc(nulls_first=True)
        )
    ]


def row_sexes(row: ParticipantCount) -> tuple[int, int, int]:
    return row.female, row.male, row.unrecorded


# Saving a list


def test_a_list_creates_its_people_and_their_attendance(workshop, tajikistan, border):
    report = attendance_list_save(activity=workshop, rows=three_people(tajikistan, border))

    assert report == ListReport(participants_created=3, attendances_created=3)
    assert sorted(workshop.attendances.values_list("participant__full_name", flat=True)) == [
        "Synthetic Karimova",
        "Synthetic Rahimov",
        "Synthetic Saidov",
    ]
    assert (
        Participant.objects.get(full_name="Synthetic Saidov").attendances.get().days_attended == 3
    )


def test_a_list_writes_the_source_it_is_given_on_people_and_attendance(
    workshop, tajikistan, border
):
    attendance_list_save(
        activity=workshop,
        rows=three_people(tajikistan, border),
        source=Source.ILLUSTRATIVE,
        source_note="Synthetic list for a test.",
    )

    assert set(Participant.objects.values_list("source", "source_note")) == {
        (Source.ILLUSTRATIVE, "Synthetic list for a test.")
    }
    assert set(Attendance.objects.values_list("source", flat=True)) == {Source.ILLUSTRATIVE}


def test_the_same_list_twice_creates_and_updates_nothing_the_second_time(
    workshop, tajikistan, border
):
    rows = three_people(tajikistan, border)
    attendance_list_save(activity=workshop, rows=rows)
    before = table_sizes()

    report = attendance_list_save(activity=workshop, rows=rows)

    assert report == ListReport(participants_matched=3, attendances_unchanged=3)
    assert report.participants_created == report.participants_updated == 0
    assert not report.changed
    assert table_sizes() == before


def test_a_list_whose_names_differ_only_in_case_and_look_alike_letters_finds_the_same_people(
    workshop, tajikistan
):
    attendance_list_save(activity=workshop, rows=[(person("Иванова Алёна", tajikistan), did())])

    report = attendance_list_save(
        activity=workshop, rows=[(person("ИВAНОВА  Алена", tajikistan), did())]
    )

    assert report.participants_created == 0
    assert Participant.objects.get().full_name == "Иванова Алёна"


def test_a_list_with_a_bad_last_row_saves_nothing(workshop, tajikistan, border):
    rows = [*three_people(tajikistan, border), (person("Synthetic Late", tajikistan), did())]
    rows[3] = (rows[3][0], did(days_attended=4))
    before = table_sizes()

    with pytest.raises(ValidationError) as raised:
        attendance_list_save(activity=workshop, rows=rows)

    assert raised.value.messages == ["Row 4: the activity lasted 3 days; fewer were attended."]
    assert table_sizes() == before


def test_a_list_that_the_database_refuses_halfway_saves_nothing(workshop, tajikistan, border):
    rows = [*three_people(tajikistan, border), (person("Synthetic Rater", tajikistan), did())]
    rows[3] = (rows[3][0], did(satisfaction=9))
    before = table_sizes()

    with pytest.raises((IntegrityError, ValidationError)):
        attendance_list_save(activity=workshop, rows=rows)

    assert table_sizes() == before


def test_a_list_naming_one_person_twice_is_refused_naming_both_rows(workshop, tajikistan, border):
    rows = [
        *three_people(tajikistan, border),
        (person("SYNTHETIC  RAHIMOV", tajikistan, organisation=border), did()),
    ]

    with pytest.raises(ValidationError) as raised:
        attendance_list_save(activity=workshop, rows=rows)

    assert raised.value.messages == ["Row 4 is the same person as row 2."]
    assert not Participant.objects.exists()


def test_the_same_name_in_another_organisation_or_country_is_another_person(
    workshop, tajikistan, kyrgyzstan, border, customs
):
    report = attendance_list_save(
        activity=workshop,
        rows=[
            (person("Synthetic Namesake", tajikistan, organisation=border), did()),
            (person("Synthetic Namesake", tajikistan, organisation=customs), did()),
            (person("Synthetic Namesake", kyrgyzstan), did()),
            (person("Synthetic Namesake", tajikistan, organisation_name="Khorog post"), did()),
            (person("Synthetic Namesake", tajikistan, organisation_name="Panj post"), did()),
        ],
    )

    assert report.participants_created == 5


def test_a_found_persons_missing_details_are_filled_in(workshop, seminar, tajikistan):
    attendance_list_save(
        activity=workshop, rows=[(person("Synthetic Nazarova", tajikistan), did())]
    )
    details = {
        "sex": PersonSex.FEMALE,
        "year_of_birth": 1985,
        "position": "Synthetic inspector",
        "email": "nazarova@example.org",
        "phone": "+992 000 00 00",
    }

    report = attendance_list_save(
        activity=seminar, rows=[(person("Synthetic Nazarova", tajikistan, **details), did())]
    )

    assert report == ListReport(participants_updated=1, attendances_created=1)
    assert Participant.objects.values(*details).get() == details


def test_a_list_with_blanks_never_blanks_a_found_persons_details(workshop, seminar, tajikistan):
    details = {"sex": PersonSex.MALE, "year_of_birth": 1979, "position": "Synthetic major"}
    attendance_list_save(
        activity=workshop, rows=[(person("Synthetic Rahimov", tajikistan, **details), did())]
    )

    report = attendance_list_save(
        activity=seminar, rows=[(person("Synthetic Rahimov", tajikistan), did())]
    )

    assert report.participants_matched == 1
    assert report.participants_updated == 0
    assert Participant.objects.values(*details).get() == details


def test_a_list_never_overrides_what_is_known_of_a_found_person(workshop, seminar, tajikistan):
    attendance_list_save(
        activity=workshop,
        rows=[(person("Synthetic Saidov", tajikistan, position="Synthetic captain"), did())],
    )

    attendance_list_save(
        activity=seminar,
        rows=[(person("Synthetic Saidov", tajikistan, position="Synthetic major"), did())],
    )

    assert Participant.objects.get().position == "Synthetic captain"


@pytest.mark.parametrize(
    ("first", "second", "people"),
    [(1980, 1980, 1), (1980, None, 1), (None, 1980, 1), (1980, 1981, 2)],
)
def test_a_year_of_birth_tells_namesakes_apart_only_when_both_give_one(
    workshop, seminar, tajikistan, first, second, people
):
    attendance_list_save(
        activity=workshop,
        rows=[(person("Synthetic Namesake", tajikistan, year_of_birth=first), did())],
    )

    attendance_list_save(
        activity=seminar,
        rows=[(person("Synthetic Namesake", tajikistan, year_of_birth=second), did())],
    )

    assert Participant.objects.count() == people


def test_changed_scores_update_the_attendance(workshop, tajikistan):
    rows = [(person("Synthetic Tested", tajikistan), did(pre_test=Decimal(40)))]
    attendance_list_save(activity=workshop, rows=rows)

    report = attendance_list_save(
        activity=workshop,
        rows=[(rows[0][0], did(pre_test=Decimal(40), post_test=Decimal("72.5"), satisfaction=4))],
    )

    assert report == ListReport(participants_matched=1, attendances_updated=1)
    record = Attendance.objects.get()
    assert (record.pre_test, record.post_test, record.satisfaction) == (
        Decimal(40),
        Decimal("72.5"),
        4,
    )
    assert [entry.history_type for entry in record.history.order_by("history_id")] == ["+", "~"]


def test_trainers_in_a_list_join_the_trainers_pool_with_their_country_as_home(
    workshop, seminar, tajikistan, kyrgyzstan
):
    rows = [
        (person("Synthetic Trainer", kyrgyzstan), did(role=AttendanceRole.TRAINER)),
        (person("Synthetic Speaker", tajikistan), did(role=AttendanceRole.SPEAKER)),
        (person("Synthetic Learner", tajikistan), did()),
    ]
    attendance_list_save(activity=workshop, rows=rows)
    attendance_list_save(activity=seminar, rows=rows)

    pool = Trainer.objects.get()
    assert (pool.participant.full_name, pool.home_country.code) == ("Synthetic Trainer", "KG")


def test_the_activitys_counts_come_from_the_people_in_the_role_participant(
    workshop, tajikistan, kyrgyzstan, border
):
    ParticipantCountFactory(activity=workshop, country=tajikistan, female=9, male=9)
    rows = [
        *three_people(tajikistan, border),
        (person("Synthetic Guest", kyrgyzstan, sex="female"), did()),
        (person("Synthetic Unknown", kyrgyzstan), did()),
        (person("Synthetic Trainer", kyrgyzstan, sex="male"), did(role=AttendanceRole.TRAINER)),
        (person("Synthetic Speaker", tajikistan, sex="male"), did(role=AttendanceRole.SPEAKER)),
        (person("Synthetic Voice", tajikistan, sex="female"), did(role=AttendanceRole.INTERPRETER)),
    ]

    attendance_list_save(activity=workshop, rows=rows)

    assert counts_of(workshop) == [
        ("KG", None, 1, 0, 1),
        ("TJ", None, 0, 1, 0),
        ("TJ", "TJ-BORDER", 1, 1, 0),
    ]
    assert set(workshop.participant_counts.values_list("source_note", flat=True)) == {
        "Counted from the attendance list."
    }


def test_a_list_replacing_the_old_one_removes_attendance_not_in_it(workshop, tajikistan, border):
    attendance_list_save(activity=workshop, rows=three_people(tajikistan, border))

    report = attendance_list_save(
        activity=workshop, rows=three_people(tajikistan, border)[:1], replace=True
    )

    assert report.attendances_removed == 2
    assert list(workshop.attendances.values_list("participant__full_name", flat=True)) == [
        "Synthetic Karimova"
    ]
    assert counts_of(workshop) == [("TJ", "TJ-BORDER", 1, 0, 0)]
    assert Participant.objects.count() == 3  # the people stay, for their other activities


def test_a_list_without_replace_adds_to_the_attendance(workshop, tajikistan, border):
    attendance_list_save(activity=workshop, rows=three_people(tajikistan, border))

    report = attendance_list_save(
        activity=workshop, rows=[(person("Synthetic Latecomer", tajikistan, sex="female"), did())]
    )

    assert report.attendances_removed == 0
    assert workshop.attendances.count() == 4
    assert counts_of(workshop) == [("TJ", None, 1, 1, 0), ("TJ", "TJ-BORDER", 1, 1, 0)]


def test_filling_in_a_persons_sex_recounts_the_activities_they_attended_before(
    workshop, seminar, tajikistan
):
    attendance_list_save(activity=workshop, rows=[(person("Synthetic Later", tajikistan), did())])
    assert counts_of(workshop) == [("TJ", None, 0, 0, 1)]

    attendance_list_save(
        activity=seminar, rows=[(person("Synthetic Later", tajikistan, sex="female"), did())]
    )

    assert counts_of(workshop) == [("TJ", None, 1, 0, 0)]


# Finding a person


def test_participant_find_finds_the_recorded_person_by_folded_name(workshop, tajikistan, border):
    attendance_list_save(activity=workshop, rows=three_people(tajikistan, border))

    found = participant_find(person("synthetic  karimova", tajikistan, organisation=border))

    assert found == Participant.objects.get(full_name="Synthetic Karimova")


@pytest.mark.parametrize(
    "fields",
    [
        {"organisation": None},
        {"year_of_birth_recorded": 1980, "year_of_birth": 1990},
        {"name": "Synthetic Karimov"},
        {"country": "KG"},
    ],
)
def test_participant_find_finds_nobody_when_the_details_disagree(
    workshop, tajikistan, kyrgyzstan, border, fields
):
    attendance_list_save(
        activity=workshop,
        rows=[
            (
                person(
                    "Synthetic Karimova",
                    tajikistan,
                    organisation=border,
                    year_of_birth=fields.get("year_of_birth_recorded"),
                ),
                did(),
            )
        ],
    )
    country = kyrgyzstan if fields.get("country") == "KG" else tajikistan

    found = participant_find(
        person(
            fields.get("name", "Synthetic Karimova"),
            country,
            organisation=fields.get("organisation", border),
            year_of_birth=fields.get("year_of_birth"),
        )
    )

    assert found is None


# Merging duplicates


@pytest.fixture
def twins(workshop, seminar, tajikistan, border) -> tuple[Participant, Participant, Activity]:
    """One person recorded twice: "Synthetic Twin" at the workshop and at a third activity,
    "SYNTHETIC TWIN" (born 1984, a captain, a woman) at the workshop and at the seminar."""
    third = ActivityFactory(component=workshop.component)
    attendance_list_save(
        activity=workshop,
        rows=[
            (person("Synthetic Twin", tajikistan, organisation=border), did(pre_test=Decimal(50))),
            (person("Synthetic Other", tajikistan, sex="male"), did()),
        ],
    )
    attendance_list_save(
        activity=third, rows=[(person("Synthetic Twin", tajikistan, organisation=border), did())]
    )
    keep = Participant.objects.get(full_name="Synthetic Twin")
    duplicate = Participant.objects.create(
        full_name="SYNTHETIC TWIN",
        country=tajikistan,
        organisation=border,
        sex=PersonSex.FEMALE,
        year_of_birth=1984,
        position="Synthetic captain",
    )
    Attendance.objects.create(participant=duplicate, activity=workshop, pre_test=Decimal(90))
    Attendance.objects.create(participant=duplicate, activity=seminar)
    return keep, duplicate, third


def test_the_merge_plan_says_what_merging_will_do_and_does_nothing(twins, workshop):
    keep, duplicate, _third = twins
    before = table_sizes()

    plan = merge_plan(keep=keep, duplicates=[duplicate])

    assert (plan.attendances_moved, plan.attendances_dropped) == (1, 1)
    assert plan.details_filled == {
        "sex": PersonSex.FEMALE,
        "year_of_birth": 1984,
        "position": "Synthetic captain",
    }
    assert table_sizes() == before


def test_merging_moves_attendance_drops_the_same_activity_and_deletes_the_duplicate(
    twins, workshop, seminar
):
    keep, duplicate, third = twins

    participants_merge(keep=keep, duplicates=[duplicate])

    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    assert sorted(keep.attendances.values_list("activity__code", flat=True)) == sorted(
        [workshop.code, seminar.code, third.code]
    )
    # Both attended the workshop: the kept record's attendance (pre-test 50) stays.
    assert keep.attendances.get(activity=workshop).pre_test == Decimal(50)
    assert workshop.attendances.count() == 2


def test_merging_fills_in_the_details_the_kept_record_lacks(twins):
    keep, duplicate, _third = twins

    participants_merge(keep=keep, duplicates=[duplicate])

    keep.refresh_from_db()
    assert (keep.sex, keep.year_of_birth, keep.position) == (
        PersonSex.FEMALE,
        1984,
        "Synthetic captain",
    )


def test_merging_recounts_the_activities_whose_attendance_moved(twins, workshop, seminar):
    keep, duplicate, _third = twins
    assert counts_of(workshop) == [("TJ", None, 0, 1, 0), ("TJ", "TJ-BORDER", 0, 0, 1)]

    participants_merge(keep=keep, duplicates=[duplicate])

    # The kept record, now a woman, is counted as one at the workshop (where the duplicate's
    # attendance was dropped) and at the seminar (where it moved).
    assert counts_of(workshop) == [("TJ", None, 0, 1, 0), ("TJ", "TJ-BORDER", 1, 0, 0)]
    assert counts_of(seminar) == [("TJ", "TJ-BORDER", 1, 0, 0)]


def test_merging_writes_history_of_the_deleted_record_and_the_moved_attendance(twins, seminar):
    keep, duplicate, _third = twins
    duplicate_id = duplicate.pk

    participants_merge(keep=keep, duplicates=[duplicate])

    assert Participant.history.filter(id=duplicate_id, history_type="-").count() == 1
    assert Participant.history.filter(id=keep.pk, history_type="~").count() == 1
    moved = keep.attendances.get(activity=seminar)
    assert moved.history.order_by("-history_id").first().history_type == "~"


def test_merging_moves_the_duplicates_place_in_the_trainers_pool(twins, tajikistan):
    keep, duplicate, _third = twins
    Trainer.objects.create(participant=duplicate, home_country=tajikistan, topics="Risk")

    participants_merge(keep=keep, duplicates=[duplicate])

    assert Trainer.objects.get().participant == keep


def test_a_participant_cannot_be_merged_into_itself(twins):
    keep, _duplicate, _third = twins

    with pytest.raises(ValidationError) as raised:
        participants_merge(keep=keep, duplicates=[keep])

    assert raised.value.messages == ["A participant cannot be merged into itself."]
    assert Participant.objects.filter(pk=keep.pk).exists()


def test_merging_recounts_the_kept_records_own_activities_when_its_sex_is_filled_in(twins):
    keep, duplicate, third = twins
    assert counts_of(third) == [("TJ", "TJ-BORDER", 0, 0, 1)]

    participants_merge(keep=keep, duplicates=[duplicate])

    assert counts_of(third) == [("TJ", "TJ-BORDER", 1, 0, 0)]
