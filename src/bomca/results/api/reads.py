"""Reads of the results framework: the logframe of a period and one indicator, with counts of
people as the logframe page shows them to the caller, and the ``ETag`` of the indicator's
version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.activities.periods import default_period
from bomca.api.concurrency import etag
from bomca.api.responses import json_response
from bomca.core.errors import ApplicationError
from bomca.core.numbers import decimal_text
from bomca.core.periods import Period, parse_period
from bomca.reference.models import Country, Programme
from bomca.reference.selectors import programme_for_request
from bomca.results.computed import SELECTORS, Context
from bomca.results.models import Indicator
from bomca.results.selectors import (
    IndicatorRow,
    Logframe,
    ResultNode,
    indicator_row,
    indicators_of,
    logframe,
)

#: The one router of the results API; ``writes`` adds its operations to it (two routers on one
#: path would hide each other's methods).
router = Router(tags=["results"])

#: How a count of people the caller may not see exactly reads (as on the pages and in the
#: logframe's spreadsheet).
FEWER_THAN_FIVE = "<5"

COUNTS_RULE = (
    "Values are decimal text. Counts of people (indicators computed from the participants "
    "or the people reached) follow the logframe page's rule: the programme manager, "
    "administrators and M&E officers see them exactly; every other role sees them rounded to "
    'the nearest 5, "<5" for 1 to 4 (national coordinators: their own countries\' cells '
    "exactly), and the progress of such an indicator as a whole per cent."
)


class PeriodOut(Schema):
    label: str
    start: date
    end: date


class IndicatorOut(Schema):
    """One indicator of the period, as ``bomca figures`` gives it (docs/figures.md)."""

    code: str
    result: str
    title: str
    unit: str
    type: str
    method: str
    selector: str | None
    baseline: str | None
    target: str | None
    end_target: str | None
    actual: str | None
    actual_text: str | None
    origin: str | None
    to_date: str | None
    progress: str | None
    status: str
    illustrative: bool


class CellOut(Schema):
    actual: str | None
    to_date: str | None


class IndicatorRowOut(IndicatorOut):
    #: Whether the indicator counts people (then its counts follow the rule above).
    counts_people: bool
    #: Dimension (sex, country, organisation_kind) -> key -> the period's value and to date.
    disaggregations: dict[str, dict[str, CellOut]]


class ResultOut(Schema):
    code: str
    level: str
    parent: str | None
    component: int | None
    title_en: str
    title_ru: str
    depth: int


class LogframeOut(Schema):
    programme: str
    period: PeriodOut
    #: Whether some counts of people are rounded for the caller.
    counts_rounded: bool
    indicators: list[IndicatorRowOut]
    #: The results tree in logframe order (each followed by its children).
    results: list[ResultOut]


class IndicatorDetailOut(IndicatorRowOut):
    programme: str
    period: PeriodOut
    title_ru: str
    unit_ru: str
    direction: str
    accumulation: str
    baseline_date: date | None
    baseline_comment: str
    #: The end target of a qualitative indicator.
    target_text: str
    means_of_verification: str
    #: Where the value of the period comes from, and a comment on it.
    actual_source: str
    actual_comment: str
    #: Whether the value of the period is frozen (as a report gave it): it is not changed.
    frozen: bool
    counts_rounded: bool
    #: The version the answer's ETag names ("indicator-<code>-v<version>"); it rises with every
    #: change of the indicator, its values and its targets.
    version: int


class PeriodQuery(Schema):
    programme: str | None = Field(None, description="A programme's code; without one, the default.")
    period: str = Field(
        "",
        description="2023Q2, 2023, 2023-04 or 2023-04..2023-06; without one, the latest "
        "reported quarter.",
    )


def counts_people(indicator: Indicator) -> bool:
    """Whether the indicator's values are counts of people (the logframe page's ``Reader``)."""
    spec = SELECTORS.get(indicator.selector) if indicator.is_computed else None
    return spec is not None and spec.counts_people


def _count(user: AnyUser, value: Decimal | None, *, country: int | None = None) -> str | None:
    if value is None:
        return None
    shown = access.shown_count(user, int(value), country=country)
    return FEWER_THAN_FIVE if shown is None else str(shown)


def shown_indicator_rows(user: AnyUser, frame: Logframe) -> list[dict[str, Any]]:
    """``frame.as_dicts()`` with counts of people as ``user`` may see them (the rows as they
    are for the roles that see exact counts)."""
    rows = frame.as_dicts()
    if not access.counts_rounded_for(user):
        return rows
    for row, data in zip(frame.rows, rows, strict=True):
        if counts_people(row.indicator):
            data["actual"] = _count(user, row.actual.value)
            data["to_date"] = _count(user, row.to_date.value)
            # The exact progress against a known target would give the exact count away.
            data["progress"] = (
                None
                if row.progress is None
                else decimal_text(row.progress.quantize(Decimal("0.01")))
            )
    return rows


def _disaggregations(
    user: AnyUser, row: IndicatorRow, countries: dict[str, int]
) -> dict[str, dict[str, dict[str, str | None]]]:
    """The breakdowns of the indicator page: a dimension with no value in either column is
    left out; a country's cell is rounded as that country's count, any other as a total's."""
    indicator = row.indicator
    people = counts_people(indicator)
    dimensions = [*indicator.disaggregations]
    dimensions += [name for name in (*row.actual.by, *row.to_date.by) if name not in dimensions]
    tables: dict[str, dict[str, dict[str, str | None]]] = {}
    for dimension in dimensions:
        columns = {
            "actual": row.actual.by.get(dimension, {}),
            "to_date": row.to_date.by.get(dimension, {}),
        }
        keys = list(dict.fromkeys([*columns["actual"], *columns["to_date"]]))
        if not keys:
            continue
        tables[str(dimension)] = {
            str(key): {
                name: _cell(
                    user,
                    cells.get(key),
                    people=people,
                    country=countries.get(key) if dimension == "country" else None,
                )
                for name, cells in columns.items()
            }
            for key in keys
        }
    return tables


def _cell(user: AnyUser, value: Decimal | None, *, people: bool, country: int | None) -> str | None:
    if not people:
        return None if value is None else decimal_text(value)
    return _count(user, value, country=country)


def requested_period(programme: Programme, text: str) -> Period:
    """The period asked for; without one, the page's default (the latest reported quarter); a
    wrong one is refused with the field named."""
    if not text.strip():
        return default_period(programme=programme, today=timezone.localdate())
    try:
        return parse_period(text)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="period") from None


def _period_dict(period: Period) -> dict[str, Any]:
    return {"label": period.label, "start": period.start, "end": period.end}


def _rows(user: AnyUser, frame: Logframe) -> list[dict[str, Any]]:
    countries = dict(Country.objects.values_list("code", "pk"))
    return [
        {
            **data,
            "counts_people": counts_people(row.indicator),
            "disaggregations": _disaggregations(user, row, countries),
        }
        for row, data in zip(frame.rows, shown_indicator_rows(user, frame), strict=True)
    ]


@router.get(
    "/indicators", response=LogframeOut, summary="Results framework", description=COUNTS_RULE
)
def logframe_endpoint(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    """The results and every indicator for a period (``period``: 2023Q2, 2023, 2023-04 or
    2023-04..2023-06; without one, the latest reported quarter, as on the logframe page):
    the value of the period, to date, target, progress and status, and the disaggregations.
    One document, not paged."""
    if not access.may_view_results(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    frame = logframe(programme=programme, period=requested_period(programme, query.period))
    codes = {node.result.pk: node.result.code for node in frame.nodes}
    return {
        "programme": programme.code,
        "period": _period_dict(frame.period),
        "counts_rounded": access.counts_rounded_for(request.user)
        and any(counts_people(row.indicator) for row in frame.rows),
        "indicators": _rows(request.user, frame),
        "results": [
            {
                "code": node.result.code,
                "level": node.result.level,
                "parent": codes.get(node.result.parent_id) if node.result.parent_id else None,
                "component": node.result.component.number if node.result.component else None,
                "title_en": node.result.title_en,
                "title_ru": node.result.title_ru,
                "depth": node.depth,
            }
            for node in frame.nodes
        ],
    }


@router.get(
    "/indicators/{code}",
    response=IndicatorDetailOut,
    summary="One indicator",
    description=COUNTS_RULE,
)
def indicator_endpoint(request: HttpRequest, code: str, query: Query[PeriodQuery]) -> HttpResponse:
    """One indicator of the programme for a period (as in the list), with its definition and
    the ``ETag`` of its version, ``"indicator-<code>-v<version>"``, that a change sends back in
    ``If-Match``."""
    if not access.may_view_results(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    return indicator_response(
        request, programme=programme, code=code, period=requested_period(programme, query.period)
    )


def indicator_etag(indicator: Indicator) -> str:
    return etag("indicator", indicator.code, indicator.version)


def indicator_response(
    request: HttpRequest, *, programme: Programme, code: str, period: Period
) -> HttpResponse:
    """Indicator ``code`` of ``programme`` for ``period`` as the caller may see it, read afresh,
    with the ``ETag`` of its version."""
    indicator = get_object_or_404(indicators_of(programme=programme), code=code)
    row = indicator_row(indicator=indicator, period=period, context=Context(programme))
    frame = Logframe(
        programme=programme,
        period=period,
        nodes=[ResultNode(result=indicator.result, depth=0, rows=[row])],
    )
    body = {
        **_rows(request.user, frame)[0],
        "programme": programme.code,
        "period": _period_dict(period),
        "counts_rounded": access.counts_rounded_for(request.user) and counts_people(indicator),
        "actual_source": row.actual.source,
        "actual_comment": row.actual.comment,
        "frozen": row.actual.frozen_at is not None,
        **{
            name: getattr(indicator, name)
            for name in (
                "title_ru",
                "unit_ru",
                "direction",
                "accumulation",
                "baseline_date",
                "baseline_comment",
                "target_text",
                "means_of_verification",
                "version",
            )
        },
    }
    return json_response(body, etag=indicator_etag(indicator))
