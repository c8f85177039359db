"""The key figures: one answer for the CLI, the overview and the newsletter."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from bomca.activities.models import ActivityType, DeliveredBy, Status
from bomca.core.periods import parse_period
from bomca.reference.models import Country, Milestone
from bomca.reporting.selectors import FIGURES_SCHEMA_VERSION, default_period, key_figures
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    ParticipantCountFactory,
    ProgrammeFactory,
)

FIGURES_DOC = Path(__file__).resolve().parents[2] / "docs" / "figures.md"
Q2 = parse_period("2023Q2")

#: 3 for the activities implemented, 2 for their participants, 2 for the exchanges of trainers,
#: 1 for the timeline's milestones, 1 for the activities of the next quarter and 1 for the
#: training results of the attendance lists.
KEY_FIGURES_QUERIES = 10


def documented_example() -> dict[str, object]:
    """The JSON example of docs/figures.md, which is BOMCA 10 in 2023Q2."""
    match = re.search(r"```json\n(.*?)```", FIGURES_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "docs/figures.md has no JSON example"
    return json.loads(match[1])


def test_key_figures_have_exactly_the_documented_keys(bomca10):
    figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert set(figures) == {
        "schema_version",
        "programme",
        "period",
        "activities",
        "participants",
        "training_cooperation",
        "timeline",
        "upcoming",
        "procurement",
        "grants",
        "training_results",
    }
    assert figures["schema_version"] == FIGURES_SCHEMA_VERSION == 4
    assert set(figures["programme"]) == {"code", "name", "acronym"}
    assert figures["programme"]["code"] == "BOMCA10"
    assert figures["period"] == {"label": "2023Q2", "start": "2023-04-01", "end": "2023-06-30"}
    assert set(figures["activities"]) == {"implemented"}
    assert set(figures["activities"]["implemented"]) == {
        "total",
        "by_component",
        "by_country",
        "by_type",
        "by_scope",
        "by_format",
        "by_component_and_country",
    }
    assert set(figures["participants"]) == {
        "total",
        "by_sex",
        "by_country",
        "by_country_and_sex",
        "by_organisation_kind",
    }


def test_key_figures_of_2023q2_are_the_documented_example(bomca10):
    figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures == documented_example()


def test_key_figures_are_plain_json(bomca10):
    figures = key_figures(programme=bomca10, period=parse_period("2021-04..2025-09")).as_dict()

    assert json.loads(json.dumps(figures)) == figures
    assert figures["period"] == {
        "label": "2021-04..2025-09",
        "start": "2021-04-01",
        "end": "2025-09-30",
    }
    assert figures["activities"]["implemented"]["total"] == 25


def _exchanged_activities(figures: dict) -> int:
    return sum(row["activities"] for row in figures["training_cooperation"])


def test_key_figures_take_ten_queries(bomca10, django_assert_num_queries):
    with django_assert_num_queries(KEY_FIGURES_QUERIES):
        figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures["participants"]["total"] == 472
    assert figures["training_cooperation"]
    assert len(figures["timeline"]["milestones"]) == 5
    assert figures["upcoming"]["period"]["label"] == "2023Q3"
    assert len(figures["upcoming"]["capacity_building"]) == 4
    assert [row["code"] for row in figures["upcoming"]["management"]] == ["C1-RG-2023-030"]


def test_key_figures_of_a_span_that_is_not_a_quarter_look_at_no_next_quarter(
    bomca10, django_assert_num_queries
):
    with django_assert_num_queries(KEY_FIGURES_QUERIES - 1):
        figures = key_figures(programme=bomca10, period=parse_period("2023-04..2023-06")).as_dict()

    assert figures["upcoming"] == {"period": None, "capacity_building": [], "management": []}
    assert figures["participants"]["total"] == 472


def test_key_figures_queries_do_not_grow_with_the_rows(bomca10, django_assert_num_queries):
    before = key_figures(programme=bomca10, period=Q2).as_dict()
    kazakhstan, uzbekistan = Country.objects.get(code="KZ"), Country.objects.get(code="UZ")
    for day in range(1, 11):
        exchange = ActivityFactory(
            component=bomca10.components.get(number=2),
            host_country=uzbekistan,
            delivered_by=DeliveredBy.NATIONAL_TRAINERS,
            trainer_country=kazakhstan,
        )
        ParticipantCountFactory(activity=exchange, country=uzbekistan)
        Milestone.objects.create(programme=bomca10, date=date(2023, 8, day), title_en=f"M{day}")
        ActivityFactory(
            component=bomca10.components.get(number=3),
            status=Status.PLANNED,
            activity_type=(ActivityType.MANAGEMENT_MEETING if day % 2 else ActivityType.TRAINING),
            start_date=date(2023, 8, day),
            end_date=date(2023, 8, day),
        )

    with django_assert_num_queries(KEY_FIGURES_QUERIES):
        figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures["activities"]["implemented"]["total"] == 35
    assert figures["participants"]["total"] == before["participants"]["total"] + 100
    assert _exchanged_activities(figures) == _exchanged_activities(before) + 10
    assert len(figures["timeline"]["milestones"]) == 15
    assert len(figures["upcoming"]["capacity_building"]) == 4 + 5
    assert len(figures["upcoming"]["management"]) == 1 + 5


def test_default_period_is_the_last_quarter_with_implemented_activities(bomca10):
    assert default_period(programme=bomca10, today=date(2026, 11, 27)).label == "2023Q2"


def test_default_period_ignores_activities_not_implemented(bomca10):
    ActivityFactory(
        component=bomca10.components.get(number=1),
        status=Status.PLANNED,
        start_date=date(2024, 2, 1),
        end_date=date(2024, 2, 2),
    )

    assert default_period(programme=bomca10, today=date(2026, 11, 27)).label == "2023Q2"


def test_default_period_ignores_the_quarter_under_way(db):
    component = ComponentFactory(
        programme=ProgrammeFactory(start_date=date(2021, 1, 1), end_date=date(2027, 12, 31))
    )
    ActivityFactory(component=component, start_date=date(2026, 3, 2), end_date=date(2026, 3, 3))
    ActivityFactory(component=component, start_date=date(2026, 11, 2), end_date=date(2026, 11, 3))

    assert default_period(programme=component.programme, today=date(2026, 11, 27)).label == "2026Q1"


def test_default_period_without_implemented_activities_is_the_last_complete_quarter(db):
    programme = ProgrammeFactory()

    assert default_period(programme=programme, today=date(2026, 11, 27)).label == "2026Q3"
    assert default_period(programme=programme, today=date(2026, 10, 1)).label == "2026Q3"
