"""factory_boy factories for the results framework: obviously synthetic results and indicators.

``ResultFactory`` makes an overall objective unless told a level, a parent and a component
(``result_tree`` makes a whole branch); ``IndicatorFactory`` is computed exactly when it is
given a selector, then of the selector's type and accumulation; values and targets are of
2023Q2 unless given ``period=``.
"""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from bomca.core.periods import quarter
from bomca.reference.models import Component, Programme
from bomca.results.computed import SELECTORS
from bomca.results.models import (
    Accumulation,
    Actual,
    Direction,
    Indicator,
    IndicatorType,
    Level,
    Method,
    Result,
    Target,
)
from tests.factories import ComponentFactory, ProgrammeFactory


class ResultFactory(factory.django.DjangoModelFactory):
    """An overall objective of a new synthetic programme."""

    class Meta:
        model = Result

    programme = factory.SubFactory(ProgrammeFactory)
    parent = None
    level = Level.OVERALL_OBJECTIVE
    component = None
    code = factory.Sequence(lambda n: f"R{n}")
    title_en = factory.Sequence(lambda n: f"Synthetic result {n}")


def _spec(selector: str, name: str, default: str) -> str:
    spec = SELECTORS.get(selector)
    return default if spec is None else str(getattr(spec, name))


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A number reported by hand that adds up over periods; computed when given a selector."""

    class Meta:
        model = Indicator

    result = factory.SubFactory(ResultFactory)
    programme = factory.SelfAttribute("result.programme")
    code = factory.Sequence(lambda n: f"IND{n}")
    title_en = factory.Sequence(lambda n: f"Synthetic indicator {n}")
    unit_en = "things"
    selector = ""
    # A computed indicator is of its selector's type and accumulation.
    indicator_type = factory.LazyAttribute(
        lambda indicator: _spec(indicator.selector, "indicator_type", IndicatorType.NUMBER)
    )
    direction = Direction.INCREASE
    accumulation = factory.LazyAttribute(
        lambda indicator: _spec(indicator.selector, "accumulation", Accumulation.SUM)
    )
    method = factory.LazyAttribute(
        lambda indicator: Method.COMPUTED if indicator.selector else Method.MANUAL
    )
    disaggregations = factory.LazyFunction(list)


class _PeriodValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    class Params:
        period = quarter(2023, 2)

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = factory.LazyAttribute(lambda row: row.period.start)
    period_end = factory.LazyAttribute(lambda row: row.period.end)


class TargetFactory(_PeriodValueFactory):
    class Meta:
        model = Target

    value = Decimal(10)


class ActualFactory(_PeriodValueFactory):
    """A value entered by hand; ``frozen=True`` freezes it now."""

    class Meta:
        model = Actual

    value = Decimal(5)
    frozen = False
    frozen_at = factory.LazyAttribute(lambda actual: timezone.now() if actual.frozen else None)


def result_tree(programme: Programme) -> dict[str, Result]:
    """An overall objective OO, and under it SO1 → OC1.1 → OP1.1.1 of component 1."""
    component = Component.objects.filter(programme=programme, number=1).first()
    component = component or ComponentFactory(programme=programme, number=1)
    tree = {"OO": ResultFactory(programme=programme, code="OO")}
    for code, level, parent in (
        ("SO1", Level.SPECIFIC_OBJECTIVE, "OO"),
        ("OC1.1", Level.OUTCOME, "SO1"),
        ("OP1.1.1", Level.OUTPUT, "OC1.1"),
    ):
        tree[code] = ResultFactory(
            programme=programme, code=code, level=level, parent=tree[parent], component=component
        )
    return tree
