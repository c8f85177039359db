"""A programme's results framework: overall objective, a specific objective, outcome and output
per component; indicators computed from the records by the named selectors (as most of BOMCA
10's are) and some entered by hand, with a target for every quarter and the hand-entered
actuals of the quarters that are over."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from bomca.generate.common import Run
from bomca.generate.reference import ProgrammePlan
from bomca.reference.models import Component, ReportingPeriod
from bomca.results.computed import SELECTORS
from bomca.results.models import (
    Accumulation,
    Actual,
    Indicator,
    IndicatorType,
    Level,
    Method,
    Result,
    Target,
)


@dataclass(frozen=True)
class _Spec:
    """An indicator to make: computed by ``selector``, or entered by hand when it is blank."""

    code: str
    title: str
    unit: str
    selector: str
    #: The target of a quarter (for a level: the first and the last quarter's, in between
    #: they rise evenly).
    target: tuple[float, float]
    indicator_type: str = IndicatorType.NUMBER
    accumulation: str = Accumulation.SUM


#: The overall objective's indicators, each computed by a named selector, as BOMCA 10's are.
OVERALL = (
    _Spec("OO.1", "Activities implemented", "activities", "activities_implemented", (45, 55)),
    _Spec("OO.2", "Officers trained", "participants", "officers_trained", (900, 1100)),
    _Spec("OO.3", "Share of women among the participants", "%", "women_share", (25, 32)),
    _Spec("OO.4", "Mean knowledge gain", "percentage points", "knowledge_gain", (8, 12)),
    _Spec(
        "OO.5",
        "Value of equipment handed over",
        "EUR",
        "equipment_value_handed_over",
        (40000, 90000),
    ),
    _Spec("OO.6", "NGO projects ongoing", "projects", "ngo_projects_ongoing", (3, 8)),
)


def _of_component(number: int, components: int) -> list[tuple[str, _Spec]]:
    """(result code, its indicator) of the component's specific objective, outcome and output:
    activities computed from the records, the others entered by hand."""
    share = 50 / components
    return [
        (
            f"SO{number}",
            _Spec(
                f"SO{number}.1",
                "Activities of the component implemented",
                "activities",
                "activities_implemented",
                (share * 0.9, share * 1.1),
            ),
        ),
        (
            f"OC{number}.1",
            _Spec(
                f"OC{number}.1.1",
                "Share of trained officers who apply the new skills",
                "%",
                "",
                (40, 80),
                IndicatorType.PERCENTAGE,
                Accumulation.LEVEL,
            ),
        ),
        (
            f"OP{number}.1.1",
            _Spec(
                f"OP{number}.1.1.1",
                "Procedures drafted with the agencies",
                "procedures",
                "",
                (0, 3),
            ),
        ),
    ]


def results_write(run: Run, plan: ProgrammePlan) -> None:
    """The programme's logframe, indicators, quarterly targets and hand-entered actuals."""
    rng = run.rng(plan.number, "results")
    programme = plan.programme
    overall = Result(
        programme_id=programme.pk,
        level=Level.OVERALL_OBJECTIVE,
        code="OO",
        title_en=programme.overall_objective_en,
        source="illustrative",
        source_note=run.note,
    )
    run.insert(Result, [overall])
    specs: list[tuple[Result, _Spec]] = [(overall, spec) for spec in OVERALL]
    for component in plan.components:
        specs += _component_results(run, plan, component, overall)
    indicators = [
        _indicator(run, plan, result, spec, position)
        for position, (result, spec) in enumerate(specs)
    ]
    run.insert(Indicator, indicators)
    targets, actuals = [], []
    past = [period for period in plan.quarters if period.end_date <= run.window.as_of]
    for indicator, (_result, spec) in zip(indicators, specs, strict=True):
        for step, period in enumerate(plan.quarters):
            targets.append(
                Target(
                    indicator_id=indicator.pk,
                    period_start=period.start_date,
                    period_end=period.end_date,
                    value=_target(spec, step, len(plan.quarters)),
                    source="illustrative",
                    source_note=run.note,
                )
            )
        if not spec.selector:
            actuals += _actuals(run, rng, indicator, spec, past)
    run.insert(Target, targets)
    run.insert(Actual, actuals)


def _component_results(
    run: Run, plan: ProgrammePlan, component: Component, overall: Result
) -> list[tuple[Result, _Spec]]:
    """The component's specific objective, outcome and output, each with its indicator."""
    specs = _of_component(component.number, len(plan.components))
    levels = {
        Level.SPECIFIC_OBJECTIVE: "specific objective",
        Level.OUTCOME: "outcome",
        Level.OUTPUT: "output",
    }
    made: list[tuple[Result, _Spec]] = []
    parent = overall
    for (level, name), (code, spec) in zip(levels.items(), specs, strict=True):
        result = Result(
            programme_id=plan.programme.pk,
            parent_id=parent.pk,
            level=level,
            component_id=component.pk,
            code=code,
            title_en=f"Synthetic {name} of component {component.number}",
            position=component.number,
            source="illustrative",
            source_note=run.note,
        )
        run.insert(Result, [result])
        made.append((result, spec))
        parent = result
    return made


def _indicator(
    run: Run, plan: ProgrammePlan, result: Result, spec: _Spec, position: int
) -> Indicator:
    computed = SELECTORS.get(spec.selector)
    kind = computed.indicator_type if computed else spec.indicator_type
    return Indicator(
        programme_id=plan.programme.pk,
        result_id=result.pk,
        code=spec.code,
        title_en=f"{spec.title} (synthetic)",
        unit_en=spec.unit,
        indicator_type=kind,
        accumulation=computed.accumulation if computed else spec.accumulation,
        method=Method.COMPUTED if computed else Method.MANUAL,
        selector=spec.selector,
        disaggregations=list(computed.dimensions) if computed else [],
        # A count starts from nothing; a share from where the agencies stood.
        baseline_value=Decimal(round(spec.target[0]) if kind == IndicatorType.PERCENTAGE else 0),
        baseline_date=plan.programme.start_date,
        target_value=_end_target(spec, len(plan.quarters)),
        means_of_verification="Synthetic records" if computed else "Synthetic monitoring report",
        position=position,
        source="illustrative",
        source_note=run.note,
    )


def _is_level(spec: _Spec) -> bool:
    computed = SELECTORS.get(spec.selector)
    return (computed.accumulation if computed else spec.accumulation) == Accumulation.LEVEL


def _target(spec: _Spec, step: int, steps: int) -> Decimal:
    first, last = spec.target
    if _is_level(spec):
        value = first + (last - first) * step / max(1, steps - 1)
    else:
        value = (first + last) / 2
    return Decimal(str(round(value, 2)))


def _end_target(spec: _Spec, steps: int) -> Decimal:
    first, last = spec.target
    value = last if _is_level(spec) else (first + last) / 2 * steps
    return Decimal(str(round(value, 2)))


def _actuals(
    run: Run,
    rng: random.Random,
    indicator: Indicator,
    spec: _Spec,
    past: list[ReportingPeriod],
) -> list[Actual]:
    first, last = spec.target
    actuals = []
    for step, period in enumerate(past):
        if spec.indicator_type == IndicatorType.PERCENTAGE:
            trend = first + (last - first) * step / max(1, len(past) - 1)
            value = Decimal(str(round(min(100.0, max(0.0, trend + rng.uniform(-8, 8))), 1)))
        else:
            value = Decimal(rng.randint(int(first), int(last)))
        actuals.append(
            Actual(
                indicator_id=indicator.pk,
                period_start=period.start_date,
                period_end=period.end_date,
                value=value,
                source_of_data="Synthetic monitoring report",
                source="illustrative",
                source_note=run.note,
            )
        )
    return actuals
