"""Writes of activities: codes, the rules a person can break, and participant counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from bomca.activities.models import Activity, DeliveredBy, Format, Scope
from bomca.activities.services import activity_create, activity_update
from bomca.core.models import Source
from bomca.people.models import ParticipantCount
from bomca.people.services import ParticipantCountInput
from bomca.reference.models import Country, Organisation, Programme
from tests.factories import ComponentFactory, ProgrammeFactory


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def activity_data(programme: Programme, **changes: Any) -> dict[str, Any]:
    """A valid national workshop in Turkmenistan under component 1, changed by ``changes``."""
    return {
        "component": programme.components.get(number=1),
        "title_en": "Synthetic workshop on risk analysis",
        "activity_type": "workshop",
        "scope": Scope.NATIONAL,
        "format": Format.IN_PERSON,
        "host_country": country("TM"),
        "city": "Ashgabat",
        "start_date": date(2023, 7, 10),
        "end_date": date(2023, 7, 11),
        "status": "planned",
        "delivered_by": DeliveredBy.EU_EXPERTS,
        **changes,
    }


def rows(*codes: str) -> list[ParticipantCountInput]:
    return [ParticipantCountInput(country=country(code), female=2, male=3) for code in codes]


def totals() -> tuple[int, int]:
    return Activity.objects.count(), ParticipantCount.objects.count()


# --- codes ------------------------------------------------------------------------------------


def test_activity_create_gives_the_next_running_number_of_the_year(bomca10):
    activity = activity_create(programme=bomca10, data=activity_data(bomca10))

    assert activity.code == "C1-TM-2023-031"
    assert Activity.objects.get(code="C1-TM-2023-031").source == Source.RECORDED


def test_activity_create_numbers_on_across_components_and_countries(bomca10):
    first = activity_create(programme=bomca10, data=activity_data(bomca10))
    second = activity_create(
        programme=bomca10,
        data=activity_data(
            bomca10, component=bomca10.components.get(number=3), host_country=country("KZ")
        ),
    )

    assert first.code == "C1-TM-2023-031"
    assert second.code == "C3-KZ-2023-032"


def test_activity_create_starts_a_new_year_at_one(bomca10):
    data = activity_data(bomca10, start_date=date(2024, 2, 5), end_date=date(2024, 2, 6))

    assert activity_create(programme=bomca10, data=data).code == "C1-TM-2024-001"


def test_activity_create_codes_an_activity_without_host_country_rg(bomca10):
    data = activity_data(bomca10, scope=Scope.REGIONAL, host_country=None)

    assert activity_create(programme=bomca10, data=data).code == "C1-RG-2023-031"


def test_activity_create_numbers_a_second_programme_in_the_same_country_and_year(bomca10):
    # A next phase works in the same countries, with the same component numbers, in years
    # the previous phase also worked in; its first activities must still be recordable.
    # BOMCA 10 has C3-UZ-2023-001, which is what the successor's first such activity is coded.
    successor = ProgrammeFactory(code="SUCCESSOR", countries=[country("UZ")])
    component = ComponentFactory(programme=successor, number=3)
    data = activity_data(bomca10, component=component, host_country=country("UZ"))

    activity = activity_create(programme=successor, data=data)

    assert activity.code.startswith("C3-UZ-2023-")
    assert Activity.objects.get(code=activity.code).programme == successor


def test_activity_create_keeps_a_given_code(bomca10):
    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), code="C1-TM-2023-900"
    )

    assert activity.code == "C1-TM-2023-900"


def test_activity_create_refuses_a_given_code_that_exists(bomca10):
    before = totals()

    with pytest.raises(ValidationError) as raised:
        activity_create(programme=bomca10, data=activity_data(bomca10), code="C4-UZ-2023-025")

    assert "code" in raised.value.message_dict
    assert totals() == before


def test_activity_update_never_changes_the_code(bomca10):
    activity = activity_create(programme=bomca10, data=activity_data(bomca10))

    activity_update(
        activity=activity,
        data={
            "component": bomca10.components.get(number=2),
            "host_country": country("KG"),
            "start_date": date(2024, 3, 1),
            "end_date": date(2024, 3, 2),
            "city": "Osh",
        },
    )

    activity.refresh_from_db()
    assert activity.code == "C1-TM-2023-031"
    assert (activity.component.number, activity.host_country.code) == (2, "KG")


def test_activity_create_refuses_fields_a_person_does_not_edit(bomca10):
    with pytest.raises(ValueError, match="code"):
        activity_create(programme=bomca10, data={**activity_data(bomca10), "code": "X"})


# --- rules ------------------------------------------------------------------------------------


INVALID: list[tuple[str, Callable[[Programme], dict[str, Any]]]] = [
    ("end_date", lambda programme: {"end_date": date(2023, 7, 9)}),
    (
        "start_date",
        lambda programme: {"start_date": date(2021, 3, 30), "end_date": date(2021, 4, 2)},
    ),
    (
        "end_date",
        lambda programme: {"start_date": date(2025, 9, 29), "end_date": date(2025, 10, 1)},
    ),
    ("host_country", lambda programme: {"host_country": None}),
    ("component", lambda programme: {"component": ComponentFactory(number=1)}),
    ("city", lambda programme: {"format": Format.ONLINE}),
    ("abroad_country", lambda programme: {"abroad_country": country("KG")}),
    ("trainer_country", lambda programme: {"trainer_country": country("KZ")}),
]


@pytest.mark.parametrize(
    ("field", "changes"), INVALID, ids=[f"{field}-{n}" for n, (field, _) in enumerate(INVALID)]
)
def test_activity_create_refuses_invalid_data_by_field_and_saves_nothing(bomca10, field, changes):
    data = activity_data(bomca10, **changes(bomca10))
    before = totals()

    with pytest.raises(ValidationError) as raised:
        activity_create(programme=bomca10, data=data, participant_counts=rows("TM"))

    assert field in raised.value.message_dict
    assert totals() == before


@pytest.mark.parametrize(
    ("field", "changes"), INVALID, ids=[f"{field}-{n}" for n, (field, _) in enumerate(INVALID)]
)
def test_activity_update_refuses_invalid_data_and_keeps_the_record(bomca10, field, changes):
    activity = activity_create(programme=bomca10, data=activity_data(bomca10))
    saved = Activity.objects.filter(pk=activity.pk).values().get()

    with pytest.raises(ValidationError) as raised:
        activity_update(activity=activity, data=changes(bomca10), participant_counts=rows("TM"))

    assert field in raised.value.message_dict
    assert Activity.objects.filter(pk=activity.pk).values().get() == saved
    assert not ParticipantCount.objects.filter(activity=activity).exists()


def test_a_study_visit_abroad_and_national_trainers_from_another_country_are_valid(bomca10):
    data = activity_data(
        bomca10,
        activity_type="study_visit",
        abroad_country=country("DE"),
        city="Berlin",
        delivered_by=DeliveredBy.NATIONAL_TRAINERS,
        trainer_country=country("KZ"),
    )

    activity = activity_create(programme=bomca10, data=data)

    assert activity.location_display == "Berlin, Germany"


def test_activity_create_sets_beneficiaries_and_co_organisers(bomca10):
    beneficiary = Organisation.objects.get(code="TM-BORDER")
    co_organiser = Organisation.objects.get(code="ICMPD")
    data = activity_data(
        bomca10, beneficiary_organisations=[beneficiary], co_organisers=[co_organiser]
    )

    activity = activity_create(programme=bomca10, data=data)

    assert list(activity.beneficiary_organisations.all()) == [beneficiary]
    assert list(activity.co_organisers.all()) == [co_organiser]


# --- participant counts -----------------------------------------------------------------------


def test_activity_create_saves_the_participant_counts(bomca10):
    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), participant_counts=rows("TM", "KZ")
    )

    saved = activity.participant_counts.order_by("country__code")
    assert [(row.country.code, row.female, row.male) for row in saved] == [
        ("KZ", 2, 3),
        ("TM", 2, 3),
    ]


def test_activity_create_refuses_two_rows_for_the_same_country_and_organisation(bomca10):
    organisation = Organisation.objects.get(code="TM-BORDER")
    repeated = [
        ParticipantCountInput(country=country("TM"), organisation=organisation, female=1),
        ParticipantCountInput(country=country("KZ"), male=4),
        ParticipantCountInput(country=country("TM"), organisation=organisation, male=2),
    ]
    before = totals()

    with pytest.raises(ValidationError, match="Row 3"):
        activity_create(programme=bomca10, data=activity_data(bomca10), participant_counts=repeated)

    assert totals() == before


def test_the_same_country_with_and_without_organisation_are_two_rows(bomca10):
    organisation = Organisation.objects.get(code="TM-BORDER")
    counts = [
        ParticipantCountInput(country=country("TM"), organisation=organisation, female=1),
        ParticipantCountInput(country=country("TM"), male=2),
    ]

    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), participant_counts=counts
    )

    assert activity.participant_counts.count() == 2


def test_activity_update_without_participant_counts_keeps_them(bomca10):
    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), participant_counts=rows("TM", "UZ")
    )

    activity_update(activity=activity, data={"title_en": "Renamed"}, participant_counts=None)

    assert activity.participant_counts.count() == 2


def test_activity_update_with_participant_counts_replaces_them(bomca10):
    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), participant_counts=rows("TM", "UZ")
    )

    activity_update(activity=activity, data={}, participant_counts=rows("KG"))

    assert list(activity.participant_counts.values_list("country__code", flat=True)) == ["KG"]


def test_activity_update_with_no_participant_rows_clears_them(bomca10):
    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), participant_counts=rows("TM")
    )

    activity_update(activity=activity, data={}, participant_counts=[])

    assert not activity.participant_counts.exists()


def test_activity_update_with_a_repeated_row_keeps_the_old_record_and_counts(bomca10):
    activity = activity_create(
        programme=bomca10, data=activity_data(bomca10), participant_counts=rows("TM")
    )

    with pytest.raises(ValidationError):
        activity_update(
            activity=activity, data={"title_en": "Renamed"}, participant_counts=rows("UZ", "UZ")
        )

    assert Activity.objects.get(pk=activity.pk).title_en == "Synthetic workshop on risk analysis"
    assert list(activity.participant_counts.values_list("country__code", flat=True)) == ["TM"]


def test_participant_counts_refuse_an_organisation_of_another_country(bomca10):
    kyrgyz = Organisation.objects.get(code="KG-BORDER")
    counts = [ParticipantCountInput(country=country("TM"), organisation=kyrgyz, female=1)]
    before = totals()

    with pytest.raises(ValidationError) as raised:
        activity_create(programme=bomca10, data=activity_data(bomca10), participant_counts=counts)

    assert "organisation" in raised.value.message_dict
    assert totals() == before


def test_participant_counts_refuse_a_negative_count(bomca10):
    counts = [ParticipantCountInput(country=country("TM"), female=-1)]
    before = totals()

    with pytest.raises(ValidationError) as raised:
        activity_create(programme=bomca10, data=activity_data(bomca10), participant_counts=counts)

    assert "female" in raised.value.message_dict
    assert totals() == before
