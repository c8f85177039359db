"""Reads of the results framework: the logframe for a period, one indicator through time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from django.db.models import Prefetch, QuerySet

from bomca.core.numbers import decimal_text
from bomca.core.periods import Period, quarters_between
from bomca.reference.models import Programme
from bomca.results.computed import SELECTORS, ComputedIndicator, Context, Measurement, Records
from bomca.results.models import (
    Accumulation,
    Actual,
    Direction,
    Indicator,
    IndicatorType,
    Level,
    Result,
    Target,
)


class Progress(StrEnum):
    """How an indicator stands against its target, as a colour on the logframe."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


#: Share of the expected progress below which an indicator is at risk, respectively off track.
ON_TRACK_SHARE = Decimal("0.9")
AT_RISK_SHARE = Decimal("0.6")


@dataclass(frozen=True)
class Value:
    """An indicator's value for one period, and where it comes from."""

    value: Decimal | None
    text: str = ""
    by: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    #: "computed" (live from the records), "frozen" (computed, kept when a report was
    #: submitted), "manual" (entered by hand) or "" (nothing recorded).
    origin: str = ""
    source: str = ""
    comment: str = ""
    frozen_at: datetime | None = None
    frozen_by: str = ""
    #: For a frozen value: what the records give today, when it differs.
    live_value: Decimal | None = None

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.text


@dataclass(frozen=True)
class IndicatorRow:
    """One line of the logframe."""

    indicator: Indicator
    period: Period
    actual: Value
    to_date: Value
    period_target: Target | None
    #: Progress from the baseline to the target (period target, else end target), 0 to 1 and
    #: beyond; None when it cannot be measured.
    progress: Decimal | None
    #: The share of the programme's time gone at the period's end (the progress expected).
    expected: Decimal
    status: Progress
    records: Records | None = None

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def bar_percent(self) -> int:
        """The progress bar's width: 0 to 100."""
        return max(0, min(100, self.progress_percent or 0))


@dataclass(frozen=True)
class ResultNode:
    result: Result
    depth: int
    rows: list[IndicatorRow]


@dataclass(frozen=True)
class Logframe:
    programme: Programme
    period: Period
    nodes: list[ResultNode]

    @property
    def rows(self) -> list[IndicatorRow]:
        return [row for node in self.nodes for row in node.rows]

    def row(self, code: str) -> IndicatorRow:
        return next(row for row in self.rows if row.indicator.code == code)

    def as_dicts(self) -> list[dict[str, object]]:
        """The indicators as JSON-ready rows (``bomca figures``; docs/figures.md)."""
        return [_row_dict(row) for row in self.rows]


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def _row_dict(row: IndicatorRow) -> dict[str, object]:
    indicator = row.indicator
    return {
        "code": indicator.code,
        "result": indicator.result.code,
        "title": indicator.title_en,
        "unit": indicator.unit_en,
        "type": indicator.indicator_type,
        "method": indicator.method,
        "selector": indicator.selector or None,
        "baseline": _decimal_text(indicator.baseline_value),
        "target": _decimal_text(row.period_target.value) if row.period_target else None,
        "end_target": _decimal_text(indicator.target_value),
        "actual": _decimal_text(row.actual.value),
        "actual_text": row.actual.text or None,
        "origin": row.actual.origin or None,
        "to_date": _decimal_text(row.to_date.value),
        "progress": _decimal_text(row.progress),
        "status": row.status.value,
        "illustrative": indicator.source == "illustrative",
    }


def result_tree(*, programme: Programme) -> list[tuple[Result, int]]:
    """The results in logframe order (each followed by its children), with their depth."""
    results = list(
        Result.objects.filter(programme=programme)
        .select_related("component")
        .order_by("position", "code")
    )
    children: dict[int | None, list[Result]] = {}
    for result in results:
        children.setdefault(result.parent_id, []).append(result)
    ordered: list[tuple[Result, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for result in children.get(parent, []):
            ordered.append((result, depth))
            walk(result.pk, depth + 1)

    walk(None, 0)
    return ordered


def indicators_of(*, programme: Programme) -> QuerySet[Indicator]:
    """The programme's indicators with their targets and actuals (three queries in all)."""
    return (
        Indicator.objects.filter(programme=programme)
        .select_related("result__component")
        .prefetch_related(
            Prefetch("targets", Target.objects.order_by("period_start")),
            Prefetch(
                "actuals", Actual.objects.select_related("frozen_by").order_by("period_start")
            ),
        )
        .order_by("position", "code")
    )


def logframe(*, programme: Programme, period: Period, context: Context | None = None) -> Logframe:
    """Every indicator of the programme for ``period``: actual, value to date, target, status."""
    context = context or Context(programme)
    by_result: dict[int, list[Indicator]] = {}
    for indicator in indicators_of(programme=programme):
        by_result.setdefault(indicator.result_id, []).append(indicator)
    nodes = [
        ResultNode(
            result=result,
            depth=depth,
            rows=[
                indicator_row(indicator=indicator, period=period, context=context)
                for indicator in by_result.get(result.pk, [])
            ],
        )
        for result, depth in result_tree(programme=programme)
    ]
    return Logframe(programme=programme, period=period, nodes=nodes)


def indicator_row(*, indicator: Indicator, period: Period, context: Context) -> IndicatorRow:
    """One indicator for ``period`` (its targets and actuals prefetched or read here)."""
    programme = context.programme
    actual = value_for_period(indicator=indicator, period=period, context=context)
    to_date = _value_to_date(indicator, period, context, actual)
    period_target = _target_for(indicator, period)
    progress, expected = _progress(indicator, period, programme, to_date, period_target, actual)
    spec = SELECTORS.get(indicator.selector) if indicator.is_computed else None
    return IndicatorRow(
        indicator=indicator,
        period=period,
        actual=actual,
        to_date=to_date,
        period_target=period_target,
        progress=progress,
        expected=expected,
        status=_status(indicator, progress, expected, to_date, period_target),
        records=_records(spec, indicator, period) if spec else None,
    )


def _records(spec: ComputedIndicator, indicator: Indicator, period: Period) -> Records | None:
    if spec.records is None:
        return None
    records = spec.records(period)
    component = indicator.result.component
    if spec.by_component is not None and component is not None:
        return Records(records.url_name, {**records.query, "component": str(component.number)})
    return records


def value_for_period(*, indicator: Indicator, period: Period, context: Context) -> Value:
    """The frozen or hand-entered value of ``period``, else the computed one, else nothing."""
    stored = _stored_for(indicator, period)
    if indicator.is_computed:
        live = _computed(indicator, period, context)
        if stored is not None and stored.frozen:
            return _from_actual(stored, live=live)
        return Value(value=live.value, by=live.by, origin="computed")
    if stored is None:
        return Value(value=None)
    return _from_actual(stored)


def _computed(indicator: Indicator, period: Period, context: Context) -> Measurement:
    spec = SELECTORS[indicator.selector]
    component = indicator.result.component
    if spec.by_component is not None and component is not None:
        return spec.by_component(context, period, component.number)
    measurement = spec.compute(context, period)
    wanted = set(indicator.disaggregations or [])
    return Measurement(
        measurement.value, {key: cells for key, cells in measurement.by.items() if key in wanted}
    )


def _from_actual(actual: Actual, *, live: Measurement | None = None) -> Value:
    frozen_by = actual.frozen_by
    return Value(
        value=actual.value,
        text=actual.text,
        by={
            dimension: {key: Decimal(str(number)) for key, number in cells.items()}
            for dimension, cells in (actual.disaggregation or {}).items()
        },
        origin="frozen" if actual.frozen and live is not None else "manual",
        source=actual.source_of_data,
        comment=actual.comment,
        frozen_at=actual.frozen_at if actual.frozen else None,
        frozen_by=(frozen_by.get_full_name() or frozen_by.username) if frozen_by else "",
        live_value=live.value if live is not None and live.value != actual.value else None,
    )


def _stored_for(indicator: Indicator, period: Period) -> Actual | None:
    for actual in indicator.actuals.all():
        if actual.period_start == period.start and actual.period_end == period.end:
            return actual
    return None


def _target_for(indicator: Indicator, period: Period) -> Target | None:
    for target in indicator.targets.all():
        if target.period_start == period.start and target.period_end == period.end:
            return target
    return None


def _value_to_date(indicator: Indicator, period: Period, context: Context, actual: Value) -> Value:
    """From the programme's start to the period's end.

    A frozen period keeps the value to date it had when it was frozen. Computed: the selector
    over that span (a share or a mean of everything so far, a count of everything so far). By
    hand: the sum of the periods' values for an indicator that adds up (periods that overlap
    one already counted, such as a year over its quarters, are left out), else the latest value.
    """
    stored = _stored_for(indicator, period)
    if stored is not None and stored.frozen and stored.to_date is not None:
        return Value(value=stored.to_date, origin="frozen", frozen_at=stored.frozen_at)
    return value_to_date_live(indicator=indicator, period=period, context=context, actual=actual)


def value_to_date_live(
    *, indicator: Indicator, period: Period, context: Context, actual: Value
) -> Value:
    """The value to date as the records and the values entered give it today."""
    programme = context.programme
    span = Period(start=programme.start_date, end=period.end, label=f"..{period.label}")
    if indicator.is_computed:
        if span.start >= period.start:
            return Value(value=actual.value, by=actual.by, origin="computed")
        live = _computed(indicator, span, context)
        return Value(value=live.value, by=live.by, origin="computed")
    reported = [
        actual
        for actual in indicator.actuals.all()
        if actual.period_end <= period.end and actual.period_start >= programme.start_date
    ]
    if not reported:
        return Value(value=None)
    if indicator.accumulation == Accumulation.SUM and indicator.is_numeric:
        values = [row.value for row in _not_overlapping(reported) if row.value is not None]
        return Value(value=sum(values, Decimal(0)) if values else None, origin="manual")
    latest = max(reported, key=lambda actual: (actual.period_end, actual.period_start))
    return _from_actual(latest)


def _not_overlapping(actuals: list[Actual]) -> list[Actual]:
    """The values whose periods follow one another, earliest first; where periods overlap (a
    year recorded besides its quarters) the one that starts first and runs longest is taken,
    the others are left out rather than added twice."""
    taken: list[Actual] = []
    for actual in sorted(actuals, key=lambda row: (row.period_start, -row.period_end.toordinal())):
        if not taken or actual.period_start > taken[-1].period_end:
            taken.append(actual)
    return taken


def _progress(
    indicator: Indicator,
    period: Period,
    programme: Programme,
    to_date: Value,
    period_target: Target | None,
    actual: Value,
) -> tuple[Decimal | None, Decimal]:
    """Progress against the period's target when it has one, else against the end target."""
    elapsed = _elapsed(programme, period.end)
    if not indicator.is_numeric:
        return None, elapsed
    if period_target is not None and period_target.value is not None:
        measured = actual.value if indicator.accumulation == Accumulation.SUM else to_date.value
        if indicator.accumulation == Accumulation.SUM:
            return _fraction(indicator, Decimal(0), period_target.value, measured), Decimal(1)
        return _fraction(indicator, _baseline(indicator), period_target.value, measured), Decimal(1)
    if indicator.target_value is None:
        return None, elapsed
    return _fraction(
        indicator, _baseline(indicator), indicator.target_value, to_date.value
    ), elapsed


def _baseline(indicator: Indicator) -> Decimal:
    return indicator.baseline_value if indicator.baseline_value is not None else Decimal(0)


def _fraction(
    indicator: Indicator, start: Decimal, goal: Decimal, value: Decimal | None
) -> Decimal | None:
    if value is None:
        return None
    distance = goal - start if indicator.direction == Direction.INCREASE else start - goal
    moved = value - start if indicator.direction == Direction.INCREASE else start - value
    if distance <= 0:
        return Decimal(1) if moved >= 0 else Decimal(0)
    return (moved / distance).quantize(Decimal("0.001"))


def _elapsed(programme: Programme, day: date) -> Decimal:
    total = (programme.end_date - programme.start_date).days + 1
    passed = (min(day, programme.end_date) - programme.start_date).days + 1
    return (Decimal(max(0, min(passed, total))) / total).quantize(Decimal("0.001"))


def _status(
    indicator: Indicator,
    progress: Decimal | None,
    expected: Decimal,
    to_date: Value,
    period_target: Target | None,
) -> Progress:
    if not indicator.is_numeric:
        return Progress.NO_TARGET if not indicator.target_text else _qualitative(to_date)
    if to_date.value is None:
        return Progress.NO_DATA
    if progress is None:
        return Progress.NO_TARGET
    if progress >= 1:
        return Progress.ACHIEVED
    if indicator.indicator_type == IndicatorType.YES_NO:
        return Progress.OFF_TRACK
    if progress >= ON_TRACK_SHARE * expected:
        return Progress.ON_TRACK
    if progress >= AT_RISK_SHARE * expected:
        return Progress.AT_RISK
    return Progress.OFF_TRACK


def _qualitative(to_date: Value) -> Progress:
    return Progress.NO_DATA if to_date.is_empty else Progress.NO_TARGET


@dataclass(frozen=True)
class IndicatorHistory:
    """One indicator through the programme's quarters, up to ``until``."""

    indicator: Indicator
    rows: list[IndicatorRow]


def indicator_history(*, indicator: Indicator, until: date) -> IndicatorHistory:
    """The indicator in every quarter from the programme's start to the one holding ``until``."""
    programme = indicator.programme
    # Its targets and values read once, not once per quarter.
    indicator = indicators_of(programme=programme).get(pk=indicator.pk)
    context = Context(programme)
    end = min(until, programme.end_date)
    stored = {(actual.period_start, actual.period_end) for actual in indicator.actuals.all()}
    quarters = quarters_between(programme.start_date, end)
    periods = [*quarters]
    for start, stop in sorted(stored):
        if not any(q.start == start and q.end == stop for q in quarters):
            periods.append(Actual(period_start=start, period_end=stop).period)
    periods.sort(key=lambda period: (period.end, period.start))
    return IndicatorHistory(
        indicator=indicator,
        rows=[
            indicator_row(indicator=indicator, period=period, context=context) for period in periods
        ],
    )


def level_label(level: str) -> str:
    return str(Level(level).label)
