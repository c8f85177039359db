"""The results framework as IATI ``result`` elements: one per result, with its indicators,
baseline, and the periods that have a target or a value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from lxml import etree

from bomca.accounts.access import published_count
from bomca.core.numbers import decimal_text
from bomca.core.periods import Period, last_complete_quarter, quarters_between
from bomca.iati.export.base import (
    MEASURE,
    RESULT_TYPE,
    Activity,
    Framework,
    el,
    narratives,
)
from bomca.reference.models import Programme
from bomca.results.computed import SELECTORS
from bomca.results.models import Direction, Indicator, PeriodValue, Result
from bomca.results.selectors import indicators_of, result_tree, value_for_period


def framework_of(programme: Programme, today: date) -> Framework:
    """The results, indicators (with their targets and values) and the last day a published
    period may end, read once for the programme and its components."""
    indicators: dict[int, list[Indicator]] = {}
    for indicator in indicators_of(programme=programme):
        indicators.setdefault(indicator.result_id, []).append(indicator)
    last = min(last_complete_quarter(today).end, programme.end_date)
    return Framework(
        tree=result_tree(programme=programme),
        indicators=indicators,
        last_day=last if last >= programme.start_date else None,
    )


def results(activity: Activity) -> Iterator[etree._Element]:
    """The results of this activity: the programme carries those without a component (all of
    them when the components are not published), a component its own."""
    split = activity.publication.publish_components
    own_component = activity.component.pk if activity.component else None
    for result, _depth in activity.framework.tree:
        if split and result.component_id != own_component:
            continue
        if not split and activity.component is not None:
            continue
        indicators = activity.framework.indicators.get(result.pk, [])
        if indicators:
            yield _result(activity, result, indicators)


def _periods(activity: Activity, indicator: Indicator) -> list[Period]:
    """Every quarter from the programme's start to the last complete one, and every other
    period (a year, a half-year) the indicator has a target or a value for, in order."""
    last = activity.framework.last_day
    if last is None:
        return []
    start = activity.programme.start_date
    periods = {(quarter.start, quarter.end): quarter for quarter in quarters_between(start, last)}
    stored: list[PeriodValue] = [*indicator.targets.all(), *indicator.actuals.all()]
    for row in stored:
        if start <= row.period_start and row.period_end <= last:
            periods.setdefault((row.period_start, row.period_end), row.period)
    return [periods[key] for key in sorted(periods, key=lambda key: (key[1], key[0]))]


def _result(activity: Activity, result: Result, indicators: list[Indicator]) -> etree._Element:
    element = el("result", {"type": RESULT_TYPE[result.level], "aggregation-status": "0"})
    narratives(etree.SubElement(element, "title"), result.title_en, result.title_ru)
    for indicator in indicators:
        element.append(_indicator(activity, indicator))
    return element


def _indicator(activity: Activity, indicator: Indicator) -> etree._Element:
    measure = MEASURE[indicator.indicator_type]
    element = el(
        "indicator",
        {
            "measure": measure,
            "ascending": "1" if indicator.direction == Direction.INCREASE else "0",
        },
    )
    title = f"{indicator.code} {indicator.title_en}"
    if indicator.unit_en:
        title += f" ({indicator.unit_en})"
    narratives(
        etree.SubElement(element, "title"),
        title,
        f"{indicator.code} {indicator.title_ru}" if indicator.title_ru else "",
    )
    if indicator.means_of_verification:
        narratives(etree.SubElement(element, "description"), indicator.means_of_verification)
    baseline = _baseline(activity, indicator, measure)
    if baseline is not None:
        element.append(baseline)
    for period in _periods(activity, indicator):
        period_element = _period(activity, indicator, period, measure)
        if period_element is not None:
            element.append(period_element)
    return element


def _baseline(activity: Activity, indicator: Indicator, measure: str) -> etree._Element | None:
    if indicator.baseline_value is None and measure != "5":
        return None
    if measure == "5" and not indicator.baseline_comment:
        return None
    day = indicator.baseline_date or activity.programme.start_date
    attributes = {"year": str(day.year), "iso-date": day.isoformat()}
    if measure != "5" and indicator.baseline_value is not None:
        attributes["value"] = decimal_text(indicator.baseline_value)
    element = el("baseline", attributes)
    if indicator.baseline_comment:
        narratives(etree.SubElement(element, "comment"), indicator.baseline_comment)
    return element


def _period(
    activity: Activity, indicator: Indicator, period: Period, measure: str
) -> etree._Element | None:
    """The period's target and actual; None when it has neither (nor a computed value)."""
    target = next(
        (
            row
            for row in indicator.targets.all()
            if row.period_start == period.start and row.period_end == period.end
        ),
        None,
    )
    value = value_for_period(indicator=indicator, period=period, context=activity.context)
    has_actual = not value.is_empty and not (value.origin == "computed" and not value.value)
    if target is None and not has_actual:
        return None
    element = el("period")
    element.append(el("period-start", {"iso-date": period.start.isoformat()}))
    element.append(el("period-end", {"iso-date": period.end.isoformat()}))
    if target is not None:
        element.append(_measured("target", measure, target.value, target.text or target.comment))
    if has_actual:
        element.extend(
            _actuals(indicator, measure, value.value, value.text or value.comment, value.by)
        )
    return element


def _measured(tag: str, measure: str, value: Decimal | None, comment: str) -> etree._Element:
    attributes = {} if measure == "5" or value is None else {"value": decimal_text(value)}
    element = el(tag, attributes)
    if comment:
        narratives(etree.SubElement(element, "comment"), comment)
    return element


def _actuals(
    indicator: Indicator,
    measure: str,
    value: Decimal | None,
    comment: str,
    by: dict[str, dict[str, Decimal]],
) -> list[etree._Element]:
    """The actual, then one actual per disaggregation cell (IATI's dimension). Counts of people
    follow the rule of every public document (``access.published_count``, as the published
    newsletter): exact, but cells of 1 to 4 people are left out."""
    people = indicator.is_computed and SELECTORS[indicator.selector].counts_people

    def shown(number: Decimal | None) -> Decimal | None:
        if number is None or not people:
            return number
        count = published_count(int(number))
        return None if count is None else Decimal(count)

    total = shown(value)
    actuals = (
        [_measured("actual", measure, total, comment)]
        if total is not None or measure == "5"
        else []
    )
    if measure == "5":
        return actuals
    for dimension, cells in by.items():
        for key, count in cells.items():
            cell = shown(count)
            if cell is None:
                continue
            element = _measured("actual", measure, cell, "")
            element.append(el("dimension", {"name": dimension, "value": key}))
            actuals.append(element)
    return actuals
