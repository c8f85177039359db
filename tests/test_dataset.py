"""Loading a programme dataset file: the shipped BOMCA 10 data, re-runs and bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from bomca.activities.models import Activity, Status
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.periods import parse_period
from bomca.dataset import dataset_load, reference_dataset_path
from bomca.people.models import ParticipantCount
from bomca.reference.models import Component, Programme


def bomca_models() -> list[type[models.Model]]:
    """Every model of the product, with the tables behind its many-to-many fields."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("bomca.")
        or (model._meta.auto_created and model._meta.auto_created.__module__.startswith("bomca."))
    ]


def database_dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every product table, every column included."""
    return {
        model._meta.label: list(
            model._default_manager.order_by("pk").values(
                *(field.attname for field in model._meta.concrete_fields)
            )
        )
        for model in bomca_models()
    }


def dataset_file(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def small_dataset() -> dict[str, Any]:
    """A valid synthetic dataset: two countries, a donor, a programme and two activities."""
    seed = {"source": "seed", "source_note": "synthetic"}
    activity = {
        "component": 1,
        "title_en": "Synthetic workshop",
        "activity_type": "workshop",
        "scope": "national",
        "format": "in_person",
        "host_country": "AA",
        "city": "Aville",
        "start_date": "2023-05-10",
        "end_date": "2023-05-11",
        "status": "implemented",
        "delivered_by": "eu_experts",
        "participants": [{"country": "AA", "female": 2, "male": 3, **seed}],
        **seed,
    }
    return {
        "format": 1,
        "countries": [
            {"code": "AA", "iso3": "AAA", "name_en": "Aland", **seed},
            {"code": "BB", "iso3": "BBB", "name_en": "Bland", **seed},
        ],
        "organisations": [
            {"code": "DONOR", "name_en": "Synthetic donor", "kind": "donor", **seed},
            {"code": "AA-BORDER", "name_en": "Aland border", "kind": "border", "country": "AA"},
        ],
        "programme": {
            "code": "SYN1",
            "name_en": "Synthetic programme",
            "acronym_en": "SYN",
            "overall_objective_en": "Synthetic objective.",
            "budget": "1000.00",
            "start_date": "2023-01-01",
            "end_date": "2023-12-31",
            "donor": "DONOR",
            "countries": ["AA", "BB"],
            "components": [{"number": 1, "title_en": "One", "specific_objective_en": "One."}],
            **seed,
        },
        "activities": [
            {**activity, "code": "C1-AA-2023-001"},
            {
                **activity,
                "code": "C1-AA-2023-002",
                "start_date": "2023-06-10",
                "end_date": "2023-06-11",
            },
        ],
    }


# --- the shipped dataset ----------------------------------------------------------------------


def test_the_shipped_dataset_creates_one_programme_with_its_components_and_countries(bomca10):
    assert Programme.objects.count() == 1
    assert list(bomca10.components.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    assert sorted(bomca10.countries.values_list("code", flat=True)) == [
        "KG",
        "KZ",
        "TJ",
        "TM",
        "UZ",
    ]
    assert (bomca10.start_date, bomca10.end_date) == (date(2021, 4, 1), date(2025, 9, 30))


def test_the_shipped_dataset_has_30_activities(bomca10):
    assert Activity.objects.filter(programme=bomca10).count() == 30


def test_the_shipped_dataset_has_25_activities_all_implemented_in_2023q2(bomca10):
    quarter = parse_period("2023Q2")
    implemented = Activity.objects.filter(programme=bomca10, status=Status.IMPLEMENTED)

    assert implemented.count() == 25
    for activity in implemented:
        assert activity.start_date in quarter, activity.code
        assert activity.end_date in quarter, activity.code
    in_quarter = Activity.objects.filter(
        programme=bomca10, start_date__gte=quarter.start, start_date__lte=quarter.end
    )
    assert set(in_quarter.values_list("status", flat=True)) == {Status.IMPLEMENTED}


def test_the_shipped_dataset_has_5_activities_planned_for_2023q3_without_participants(bomca10):
    quarter = parse_period("2023Q3")
    not_implemented = Activity.objects.filter(programme=bomca10).exclude(status=Status.IMPLEMENTED)

    assert dict(not_implemented.values_list("code", "status")) == {
        "C1-KG-2023-026": Status.CONFIRMED,
        "C3-TJ-2023-027": Status.PLANNED,
        "C2-RG-2023-028": Status.PLANNED,
        "C4-UZ-2023-029": Status.PLANNED,
        "C1-RG-2023-030": Status.PLANNED,
    }
    for activity in not_implemented:
        assert activity.start_date in quarter, activity.code
        assert activity.end_date in quarter, activity.code
    assert not ParticipantCount.objects.filter(activity__in=not_implemented).exists()


def test_the_shipped_dataset_says_where_every_record_comes_from(bomca10):
    models_with_source = [
        model
        for model in bomca_models()
        if "source" in {field.name for field in model._meta.concrete_fields}
    ]
    assert {model.__name__ for model in models_with_source} >= {
        "Country",
        "Organisation",
        "Programme",
        "Component",
        "Activity",
        "ParticipantCount",
        "Milestone",
        "NewsletterIssue",
        "Editorial",
        "ComponentNarrative",
        "NewsletterPicture",
    }
    for model in models_with_source:
        sources = set(model._default_manager.values_list("source", flat=True))
        assert sources, model.__name__
        assert sources <= {Source.SEED, Source.ILLUSTRATIVE}, model.__name__


def test_the_shipped_dataset_has_the_child_protection_seminar_with_14_of_unrecorded_sex(bomca10):
    seminar = Activity.objects.get(code="C4-UZ-2023-025")

    assert seminar.component == Component.objects.get(programme=bomca10, number=4)
    assert seminar.host_country.code == "UZ"
    assert (seminar.start_date, seminar.end_date) == (date(2023, 6, 20), date(2023, 6, 21))
    counts = list(seminar.participant_counts.values_list("female", "male", "unrecorded"))
    assert counts == [(0, 0, 14)]


def test_the_shipped_dataset_counts_every_participant_of_the_file(bomca10):
    data = json.loads(reference_dataset_path().read_text(encoding="utf-8"))
    in_file = sum(
        row.get("female", 0) + row.get("male", 0) + row.get("unrecorded", 0)
        for activity in data["activities"]
        for row in activity["participants"]
    )
    in_database = sum(row.total for row in ParticipantCount.objects.all())

    assert in_database == in_file


def test_loading_twice_leaves_the_database_as_loading_once(db):
    first = dataset_load()
    once = database_dump()

    second = dataset_load()

    assert database_dump() == once
    assert sum(second.created.values()) == 0
    assert second.present == first.created


def test_the_dump_sees_every_table_the_dataset_writes(bomca10):
    # Guards the test above: an empty or partial dump would make the comparison meaningless.
    dump = database_dump()

    assert len(dump["activities.Activity"]) == 30
    assert len(dump["reference.ReportingPeriod"]) == 18
    assert len(dump["reference.Milestone"]) == 5
    assert len(dump["reporting.NewsletterIssue"]) == 1
    assert len(dump["reporting.Editorial"]) == 2
    assert len(dump["reporting.ComponentNarrative"]) == 4
    assert len(dump["reporting.NewsletterPicture"]) == 2
    assert dump["reference.Programme_countries"]
    assert dump["activities.Activity_beneficiary_organisations"]
    assert dump["reference.Programme"][0]["history_ru"]
    assert "created_at" in dump["activities.Activity"][0]
    assert "updated_at" in dump["people.ParticipantCount"][0]
    assert "updated_at" in dump["reporting.NewsletterPicture"][0]


# --- other dataset files ----------------------------------------------------------------------


def test_a_valid_dataset_file_loads_what_it_says(db, tmp_path):
    report = dataset_load(path=dataset_file(tmp_path, small_dataset()))

    assert report.created["activities"] == 2
    assert Activity.objects.filter(programme__code="SYN1").count() == 2
    assert ParticipantCount.objects.count() == 2


def break_activity(data: dict[str, Any]) -> None:
    data["activities"][1]["end_date"] = "2023-06-01"


def break_country(data: dict[str, Any]) -> None:
    del data["countries"][1]["iso3"]


def break_organisation(data: dict[str, Any]) -> None:
    data["organisations"][1]["kind"] = "pirates"


@pytest.mark.parametrize(
    ("spoil", "record", "field"),
    [
        (break_activity, "activities[1]", "end_date"),
        (break_country, "countries[1]", "iso3"),
        (break_organisation, "organisations[1]", "kind"),
    ],
)
def test_a_bad_record_names_itself_and_its_field_and_nothing_is_loaded(
    transactional_db, tmp_path, spoil, record, field
):
    data = small_dataset()
    spoil(data)

    with pytest.raises(ApplicationError) as raised:
        dataset_load(path=dataset_file(tmp_path, data))

    assert record in raised.value.message
    assert field in raised.value.message
    assert all(rows == [] for rows in database_dump().values())


def test_a_file_that_is_not_json_is_reported_with_its_line(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": 1,\n  "countries": [,]\n}\n', encoding="utf-8")

    with pytest.raises(ApplicationError) as raised:
        dataset_load(path=path)

    assert "line 3" in raised.value.message
    assert str(path) in raised.value.message


def test_a_missing_file_is_reported_by_its_path(db, tmp_path):
    path = tmp_path / "nowhere.json"

    with pytest.raises(ApplicationError) as raised:
        dataset_load(path=path)

    assert raised.value.message == f"Dataset file {path} does not exist."


def test_a_file_of_another_format_is_refused(db, tmp_path):
    data = {**small_dataset(), "format": 2}

    with pytest.raises(ApplicationError, match="not a format-1 dataset"):
        dataset_load(path=dataset_file(tmp_path, data))

    assert not Programme.objects.exists()
