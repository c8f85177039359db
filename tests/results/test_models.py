"""The results tree and its indicators: what ``clean()`` refuses and what the database refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bomca.core.periods import quarter
from bomca.reference.models import Component, Programme
from bomca.results.computed import SELECTORS
from bomca.results.models import Accumulation, Actual, IndicatorType, Level, Method, Result
from tests.factories import ComponentFactory, ProgrammeFactory
from tests.results.factories import (
    ActualFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
    result_tree,
)

pytestmark = pytest.mark.django_db


def _messages(error: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return error.value.message_dict[field]


def _tree(programme: Programme) -> dict[str, Result]:
    """An overall objective, a specific objective, an outcome and an output of component 1."""
    tree = result_tree(programme)
    return {"OO": tree["OO"], "SO": tree["SO1"], "OC": tree["OC1.1"], "OP": tree["OP1.1.1"]}


def _child(parent: Result | None, level: str, **fields: object) -> Result:
    """An unsaved result of ``level`` under ``parent``, of the parent's programme and its
    component 1 unless told others."""
    if parent is not None:
        fields.setdefault("programme", parent.programme)
    fields.setdefault(
        "component", Component.objects.filter(number=1, programme=fields["programme"]).first()
    )
    return ResultFactory.build(parent=parent, level=level, **fields)


# --- the tree -------------------------------------------------------------------------------


def test_a_well_formed_tree_is_clean():
    tree = _tree(ProgrammeFactory())

    for result in tree.values():
        result.full_clean()


def test_the_overall_objective_contributes_to_nothing():
    tree = _tree(ProgrammeFactory())
    second = ResultFactory.build(programme=tree["OO"].programme, parent=tree["OO"])

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert _messages(error, "parent") == ["The overall objective has no parent result."]


def test_a_specific_objective_must_hang_under_the_overall_objective():
    tree = _tree(ProgrammeFactory())

    for parent in (None, tree["OC"], tree["SO"]):
        with pytest.raises(ValidationError) as error:
            _child(parent, Level.SPECIFIC_OBJECTIVE, programme=tree["OO"].programme).full_clean()
        assert _messages(error, "parent") == [
            "A specific objective contributes to the overall objective."
        ]
    _child(tree["OO"], Level.SPECIFIC_OBJECTIVE, code="SO2").full_clean()


def test_an_output_must_hang_under_an_outcome():
    tree = _tree(ProgrammeFactory())

    with pytest.raises(ValidationError) as error:
        _child(tree["SO"], Level.OUTPUT).full_clean()

    assert _messages(error, "parent") == ["An output contributes to an outcome."]
    _child(tree["OC"], Level.OUTPUT, code="OP1.1.2").full_clean()


def test_a_component_is_required_below_the_overall_objective():
    tree = _tree(ProgrammeFactory())

    with pytest.raises(ValidationError) as error:
        _child(tree["SO"], Level.OUTCOME, component=None).full_clean()

    assert _messages(error, "component") == ["Name the component this result belongs to."]


def test_a_parent_of_another_programme_is_refused():
    tree = _tree(ProgrammeFactory())
    other = ProgrammeFactory()
    ComponentFactory(programme=other, number=1)

    with pytest.raises(ValidationError) as error:
        _child(tree["OO"], Level.SPECIFIC_OBJECTIVE, programme=other).full_clean()

    assert _messages(error, "parent") == ["The parent belongs to another programme."]


def test_a_component_of_another_programme_is_refused():
    tree = _tree(ProgrammeFactory())
    foreign = ComponentFactory(number=1)

    with pytest.raises(ValidationError) as error:
        _child(tree["OO"], Level.SPECIFIC_OBJECTIVE, component=foreign).full_clean()

    assert _messages(error, "component") == ["The component belongs to another programme."]


def test_a_result_code_is_used_once_per_programme():
    objective = ResultFactory(code="OO")
    ResultFactory(code="OO")  # another programme's

    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(programme=objective.programme, code="OO")


# --- indicators -----------------------------------------------------------------------------


def test_a_computed_indicator_with_a_known_selector_is_clean():
    IndicatorFactory(selector="officers_trained", disaggregations=["sex", "country"]).full_clean()


def test_an_unknown_selector_is_refused_naming_the_known_ones():
    indicator = IndicatorFactory.build(
        result=ResultFactory(), method=Method.COMPUTED, selector="activities_dreamt"
    )

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    [message] = _messages(error, "selector")
    assert message.startswith("activities_dreamt is not a known selector; choose one of: ")
    assert all(name in message for name in SELECTORS)


def test_a_computed_indicator_without_a_selector_is_refused():
    indicator = IndicatorFactory.build(result=ResultFactory(), method=Method.COMPUTED)

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert _messages(error, "selector")[0].startswith("— is not a known selector")


def test_a_selector_on_a_manual_indicator_is_refused():
    indicator = IndicatorFactory.build(
        result=ResultFactory(), method=Method.MANUAL, selector="women_share"
    )

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert _messages(error, "selector") == ["A selector is named only for computed indicators."]


@pytest.mark.parametrize("disaggregations", [["sex", "religion"], {"sex": True}])
def test_an_unknown_disaggregation_is_refused(disaggregations):
    indicator = IndicatorFactory.build(result=ResultFactory(), disaggregations=disaggregations)

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert _messages(error, "disaggregations") == [
        "Disaggregations are a list of: sex, country, organisation_kind."
    ]


def test_a_yes_no_baseline_of_2_is_refused():
    indicator = IndicatorFactory.build(
        result=ResultFactory(), indicator_type=IndicatorType.YES_NO, baseline_value=Decimal(2)
    )

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert _messages(error, "baseline_value") == ["A yes/no indicator takes 1 (yes) or 0 (no)."]
    indicator.baseline_value = Decimal(1)
    indicator.full_clean()


def test_a_percentage_target_of_120_is_refused():
    indicator = IndicatorFactory.build(
        result=ResultFactory(), indicator_type=IndicatorType.PERCENTAGE, target_value=Decimal(120)
    )

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert _messages(error, "target_value") == ["A percentage is between 0 and 100."]
    indicator.target_value = Decimal(100)
    indicator.full_clean()


def test_an_indicator_of_another_programme_s_result_is_refused():
    indicator = IndicatorFactory.build(result=ResultFactory(), programme=ProgrammeFactory())

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert _messages(error, "result") == ["The result belongs to another programme."]


def test_the_database_refuses_a_computed_indicator_without_a_selector():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(method=Method.COMPUTED, selector="")


def test_the_database_refuses_a_manual_indicator_with_a_selector():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(method=Method.MANUAL, selector="women_share")


def test_an_indicator_code_is_used_once_per_programme():
    first = IndicatorFactory(code="OO.1")
    IndicatorFactory(code="OO.1")  # another programme's

    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(result=first.result, code="OO.1")


# --- values and targets ----------------------------------------------------------------------


def test_a_value_knows_its_period_by_its_shortest_label():
    actual = ActualFactory(period=quarter(2023, 2), value=Decimal("12.5"))
    annual = ActualFactory.build(period_start=date(2022, 1, 1), period_end=date(2022, 12, 31))

    assert actual.period == quarter(2023, 2)
    assert annual.period.label == "2022"
    assert str(actual) == f"{actual.indicator.code} 2023Q2: 12.5"


def test_a_period_that_ends_before_it_starts_is_refused():
    actual = ActualFactory.build(
        indicator=IndicatorFactory(), period_start=date(2023, 6, 30), period_end=date(2023, 4, 1)
    )

    with pytest.raises(ValidationError) as error:
        actual.full_clean()

    assert _messages(error, "period_end") == ["The period ends before it starts."]


def test_an_indicator_has_one_value_and_one_target_per_period():
    actual = ActualFactory()
    target = TargetFactory(indicator=actual.indicator)

    with pytest.raises(IntegrityError), transaction.atomic():
        ActualFactory(indicator=actual.indicator)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(indicator=target.indicator)
    ActualFactory(indicator=actual.indicator, period=quarter(2023, 3))


def test_the_database_refuses_a_frozen_value_without_the_time_it_was_frozen():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActualFactory(frozen=True, frozen_at=None)
    assert Actual.objects.count() == 0


def test_a_computed_indicator_takes_the_type_and_accumulation_of_its_selector(db):
    indicator = IndicatorFactory.build(
        result=ResultFactory(),
        selector="women_share",
        indicator_type=IndicatorType.NUMBER,
        accumulation=Accumulation.SUM,
    )
    indicator.programme = indicator.result.programme

    with pytest.raises(ValidationError) as error:
        indicator.full_clean()

    assert set(error.value.message_dict) >= {"indicator_type", "accumulation"}
