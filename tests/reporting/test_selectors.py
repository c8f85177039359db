"""The key figures: one answer for the CLI, the overview and the newsletter."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from bomca.activities.models import ActivityType, DeliveredBy, Status
from bomca.activities.periods import default_period
from bomca.core.periods import parse_period
from bomca.grants.models import (
    CallForProposals,
    Payment,
    PaymentKind,
    PeopleReached,
    Report,
    ReportKind,
)
from bomca.reference.models import Country, Milestone, Programme
from bomca.reporting.selectors import FIGURES_SCHEMA_VERSION, key_figures
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    ParticipantCountFactory,
    ProgrammeFactory,
)
from tests.grants.factories import CallFactory, GrantProjectFactory
from tests.procurement.factories import ItemFactory, NeedFactory

FIGURES_DOC = Path(__file__).resolve().parents[2] / "docs" / "figures.md"
Q2 = parse_period("2023Q2")

#: 3 for the activities implemented, 2 for their participants, 2 for the exchanges of trainers,
#: 1 for the timeline's milestones, 1 for the activities of the next quarter and 1 for the
#: training results of the attendance lists: 10; then 9 for procurement (whether the programme
#: has a need, and procurement_figures' 8: the countries, needs and items by status, the funnel,
#: the hand-overs and their lines, the items planned next and their value) and 10 for grants
#: (whether it has a call, and grants_figures' 9: the countries, calls, applications, projects
#: by status, money committed and paid, people reached, reports due and projects ending).
KEY_FIGURES_QUERIES = 10 + 9 + 10
#: A programme without a procurement need or a call pays only for the two checks.
KEY_FIGURES_QUERIES_WITHOUT_PILLARS = 10 + 1 + 1


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
    assert figures["schema_version"] == FIGURES_SCHEMA_VERSION == 6
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
        "by_delivered_by",
        "by_city",
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


def test_key_figures_take_a_fixed_number_of_queries(bomca10, django_assert_num_queries):
    with django_assert_num_queries(KEY_FIGURES_QUERIES):
        figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures["participants"]["total"] == 472
    assert figures["training_cooperation"]
    assert len(figures["timeline"]["milestones"]) == 5
    assert figures["upcoming"]["period"]["label"] == "2023Q3"
    assert len(figures["upcoming"]["capacity_building"]) == 4
    assert [row["code"] for row in figures["upcoming"]["management"]] == ["C1-RG-2023-030"]
    assert figures["procurement"]["needs"] == 9
    assert figures["grants"]["projects"]["total"] == 9


def test_key_figures_without_procurement_or_grants_check_for_them_and_no_more(
    db, django_assert_num_queries
):
    component = ComponentFactory(programme=ProgrammeFactory())
    ActivityFactory(component=component)

    with django_assert_num_queries(KEY_FIGURES_QUERIES_WITHOUT_PILLARS):
        figures = key_figures(programme=component.programme, period=Q2).as_dict()

    assert figures["activities"]["implemented"]["total"] == 1
    assert (figures["procurement"], figures["grants"]) == (None, None)


def test_procurement_and_grants_come_with_the_first_need_and_the_first_call(db):
    component = ComponentFactory(programme=ProgrammeFactory())
    programme = component.programme
    NeedFactory(programme=programme)
    a_need = key_figures(programme=programme, period=Q2)
    CallFactory(programme=programme)
    both = key_figures(programme=programme, period=Q2)

    assert a_need.grants is None
    assert a_need.procurement["needs"] == both.procurement["needs"] == 1
    assert both.grants["calls"]["total"] == 1
    assert both.grants["projects"]["total"] == 0


def test_key_figures_of_a_span_that_is_not_a_quarter_look_at_no_next_quarter(
    bomca10, django_assert_num_queries
):
    with django_assert_num_queries(KEY_FIGURES_QUERIES - 1):
        figures = key_figures(programme=bomca10, period=parse_period("2023-04..2023-06")).as_dict()

    assert figures["upcoming"] == {"period": None, "capacity_building": [], "management": []}
    assert figures["participants"]["total"] == 472
    # Procurement and grants look at the quarter after the one the span ends in, as documented
    # in docs/figures.md: only the activities' query is saved.
    assert figures["procurement"]["planned_next_quarter"]["period"]["label"] == "2023Q3"
    assert figures["grants"]["due_next_quarter"]["period"]["label"] == "2023Q3"


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
        _a_need_and_a_grant_project(bomca10, kazakhstan, uzbekistan, day)

    with django_assert_num_queries(KEY_FIGURES_QUERIES):
        figures = key_figures(programme=bomca10, period=Q2).as_dict()

    assert figures["activities"]["implemented"]["total"] == 35
    assert figures["participants"]["total"] == before["participants"]["total"] + 100
    assert _exchanged_activities(figures) == _exchanged_activities(before) + 10
    assert len(figures["timeline"]["milestones"]) == 15
    assert len(figures["upcoming"]["capacity_building"]) == 4 + 5
    assert len(figures["upcoming"]["management"]) == 1 + 5
    assert figures["procurement"]["needs"] == before["procurement"]["needs"] + 10
    assert len(figures["procurement"]["planned_next_quarter"]["rows"]) == 3 + 10
    assert figures["grants"]["projects"]["total"] == 9 + 10
    assert figures["grants"]["people_reached"]["reports"] == 10
    assert len(figures["grants"]["due_next_quarter"]["reports"]) == 9 + 10


def _a_need_and_a_grant_project(
    programme: Programme, need_country: Country, project_country: Country, day: int
) -> None:
    """A need with an item due in August 2023, and a grant project with a report received in
    June, another due in August, and a payment."""
    need = NeedFactory(
        programme=programme, country=need_country, planned_delivery_date=date(2023, 8, day)
    )
    ItemFactory(lot__need=need)
    project = GrantProjectFactory(
        application__call=CallForProposals.objects.get(programme=programme),
        application__country=project_country,
        application__number=100 + day,
    )
    received = Report.objects.create(
        project=project, kind=ReportKind.INTERIM, due_date=date(2023, 6, day), received_on=Q2.end
    )
    PeopleReached.objects.create(report=received, women=day, men=day)
    Report.objects.create(project=project, kind=ReportKind.INTERIM, due_date=date(2023, 8, day))
    Payment.objects.create(
        project=project, kind=PaymentKind.PRE_FINANCING, paid_on=Q2.end, amount=1000, currency="EUR"
    )


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
