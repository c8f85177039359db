"""The key figures: one answer for the CLI, the overview and the newsletter."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from bomca.activities.models import Status
from bomca.core.periods import parse_period
from bomca.reporting.selectors import FIGURES_SCHEMA_VERSION, default_period, key_figures
from tests.factories import ActivityFactory, ComponentFactory, ProgrammeFactory

FIGURES_DOC = Path(__file__).resolve().parents[2] / "docs" / "figures.md"
Q2 = parse_period("2023Q2")


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
    }
    assert figures["schema_version"] == FIGURES_SCHEMA_VERSION
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


def test_key_figures_take_five_queries(bomca10, django_assert_num_queries):
    with django_assert_num_queries(5):
        figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures["participants"]["total"] == 472


def test_key_figures_queries_do_not_grow_with_the_activities(bomca10, django_assert_num_queries):
    for _ in range(10):
        ActivityFactory(component=bomca10.components.get(number=2))

    with django_assert_num_queries(5):
        figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures["activities"]["implemented"]["total"] == 35


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
