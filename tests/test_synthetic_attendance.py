"""The 2023Q2 reference activities get attendance lists of clearly synthetic people, which give
the same figures as the counts the dataset ships."""

from __future__ import annotations

import json
from collections import Counter

from bomca.activities.models import Activity
from bomca.activities.selectors import implemented_in
from bomca.core.models import Source
from bomca.core.periods import parse_period
from bomca.dataset import (
    SYNTHETIC_NOTE,
    dataset_load,
    reference_dataset_path,
    synthetic_attendance_ensure,
)
from bomca.people.models import (
    Attendance,
    AttendanceRole,
    Participant,
    ParticipantCount,
    PersonSex,
    Trainer,
)
from bomca.reporting.selectors import key_figures

Q2 = parse_period("2023Q2")


def shipped_counts() -> dict[str, Counter[tuple[str, str | None, str]]]:
    """The dataset file's counts: activity code -> (country, organisation, sex) -> people."""
    data = json.loads(reference_dataset_path().read_text(encoding="utf-8"))
    counts: dict[str, Counter[tuple[str, str | None, str]]] = {}
    for activity in data["activities"]:
        cells: Counter[tuple[str, str | None, str]] = Counter()
        for row in activity.get("participants", []):
            for sex in ("female", "male", "unrecorded"):
                if row.get(sex):
                    cells[(row["country"], row.get("organisation"), sex)] += row[sex]
        counts[activity["code"]] = cells
    return counts


def listed_counts(activity: Activity) -> Counter[tuple[str, str | None, str]]:
    """The activity's people in the role participant, by country, organisation and sex."""
    return Counter(
        activity.attendances.filter(role=AttendanceRole.PARTICIPANT).values_list(
            "participant__country__code", "participant__organisation__code", "participant__sex"
        )
    )


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for base in (Participant, Attendance, ParticipantCount, Trainer)
        for model in (base, base.history.model)
    }


def test_every_implemented_activity_of_2023q2_has_an_attendance_list(bomca10):
    implemented = implemented_in(programme=bomca10, period=Q2)

    assert implemented.count() == 25
    assert [activity.code for activity in implemented if not activity.attendances.exists()] == []


def test_activities_of_other_quarters_get_no_synthetic_list(bomca10):
    assert not Attendance.objects.exclude(activity__in=implemented_in(programme=bomca10, period=Q2))
    assert not Attendance.objects.filter(activity__code="C3-TJ-2023-027").exists()


def test_every_synthetic_person_is_clearly_marked_as_synthetic(bomca10):
    people = Participant.objects.all()

    assert people.count() > 100
    assert all(
        person.full_name.startswith(("Synthetic participant ", "Synthetic trainer "))
        for person in people
    )
    assert set(people.values_list("source", "source_note")) == {
        (Source.ILLUSTRATIVE, SYNTHETIC_NOTE)
    }
    assert set(Attendance.objects.values_list("source", flat=True)) == {Source.ILLUSTRATIVE}
    assert "Not a real person" in SYNTHETIC_NOTE


def test_each_list_gives_exactly_the_shipped_counts_by_country_organisation_and_sex(bomca10):
    shipped = shipped_counts()

    for activity in implemented_in(programme=bomca10, period=Q2):
        assert listed_counts(activity) == shipped[activity.code], activity.code


def test_the_key_figures_of_2023q2_still_count_472_people(bomca10):
    figures = key_figures(programme=bomca10, period=Q2)

    assert figures.participants.total == 472
    assert figures.participants.by_sex == {"female": 133, "male": 325, "unrecorded": 14}


def test_the_training_results_of_2023q2_count_the_same_472_people_by_sex(bomca10):
    training = key_figures(programme=bomca10, period=Q2).training

    assert training.overall.participants == 472
    assert {sex: group.participants for sex, group in training.by_sex.items()} == {
        "female": 133,
        "male": 325,
        "unrecorded": 14,
    }
    assert training.overall.tested == 472
    assert training.overall.gain_mean is not None


def test_trainers_are_on_the_lists_but_not_counted_as_participants(bomca10):
    trainers = Attendance.objects.filter(role=AttendanceRole.TRAINER)

    assert sorted(trainers.values_list("activity__code", "participant__full_name")) == [
        ("C1-TJ-2023-011", "Synthetic trainer KZ-01"),
        ("C1-TM-2023-002", "Synthetic trainer TM-01"),
        ("C1-TM-2023-014", "Synthetic trainer TM-01"),
        ("C3-KG-2023-016", "Synthetic trainer UZ-01"),
        ("C3-TM-2023-009", "Synthetic trainer KZ-01"),
    ]
    assert sorted(Trainer.objects.values_list("participant__full_name", "home_country__code")) == [
        ("Synthetic trainer KZ-01", "KZ"),
        ("Synthetic trainer TM-01", "TM"),
        ("Synthetic trainer UZ-01", "UZ"),
    ]


def test_people_recur_across_activities_of_the_same_country_and_organisation(bomca10):
    person = Participant.objects.get(full_name="Synthetic participant KZ-BORDER-F-001")

    assert sorted(person.attendances.values_list("activity__code", flat=True)) == [
        "C1-RG-2023-007",
        "C2-KZ-2023-003",
    ]
    assert (person.country.code, person.organisation.code, person.sex) == (
        "KZ",
        "KZ-BORDER",
        PersonSex.FEMALE,
    )
    attending_more_than_once = [
        participant
        for participant in Participant.objects.all()
        if participant.attendances.count() > 1
    ]
    assert len(attending_more_than_once) > 20


def test_the_people_of_an_unknown_organisation_are_named_after_their_country(bomca10):
    activity = Activity.objects.get(code="C4-TJ-2023-010")

    names = set(activity.attendances.values_list("participant__full_name", flat=True))

    assert "Synthetic participant TJ-OTHER-F-004" in names
    assert "Synthetic participant TJ-OTHER-F-005" not in names
    assert "Synthetic participant TJ-OTHER-M-003" in names


def test_loading_the_dataset_again_creates_no_list_and_no_person(bomca10):
    before = table_sizes()

    report = dataset_load()

    assert report.created["synthetic attendance lists"] == 0
    assert report.present["synthetic attendance lists"] == 25
    assert table_sizes() == before


def test_the_first_load_reports_the_lists_it_made(db):
    report = dataset_load()

    assert report.created["synthetic attendance lists"] == 25


def test_synthetic_lists_are_made_only_for_activities_without_a_list(bomca10):
    before = table_sizes()

    made = synthetic_attendance_ensure(programme=bomca10, period=Q2, seed=6)

    assert made == 0
    assert table_sizes() == before


def test_an_activity_whose_list_was_removed_gets_the_same_synthetic_list_again(bomca10):
    activity = Activity.objects.get(code="C1-TJ-2023-004")
    people = sorted(activity.attendances.values_list("participant__full_name", "pre_test"))
    activity.attendances.all().delete()

    made = synthetic_attendance_ensure(programme=bomca10, period=Q2, seed=6)

    assert made == 1
    assert sorted(activity.attendances.values_list("participant__full_name", "pre_test")) == people


def test_the_count_the_newsletter_reports_keeps_its_seed_source(bomca10):
    row = ParticipantCount.objects.get(activity__code="C4-UZ-2023-025")

    assert (row.unrecorded, row.source) == (14, Source.SEED)
