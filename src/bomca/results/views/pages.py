"""The pages of the results framework: the logframe of a period, one indicator through time,
and the logframe as a spreadsheet."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.activities.periods import chosen_period, period_options
from bomca.core.http import HtmxHttpRequest
from bomca.core.models import Source
from bomca.core.periods import Period
from bomca.core.spreadsheets import SPREADSHEET_TYPES
from bomca.reference.selectors import programme_for_request

# The logframe picks its period as the dashboard does: the same default, the same choices.
from bomca.results.computed import SELECTORS, Context
from bomca.results.exports import logframe_filename, logframe_xlsx
from bomca.results.models import Result
from bomca.results.selectors import (
    AT_RISK_SHARE,
    ON_TRACK_SHARE,
    IndicatorRow,
    Logframe,
    Progress,
    indicator_history,
    indicator_row,
    logframe,
)
from bomca.results.views.common import require_viewer, visible_indicator
from bomca.results.views.shown import (
    STATUS_LABELS,
    Reader,
    breakdowns,
    dimension_label,
    line,
)


@require_GET
def logframe_view(request: HtmxHttpRequest) -> HttpResponse:
    """The framework as a donor reads it: each result, then its indicators for the period."""
    require_viewer(request)
    programme = programme_for_request(request)
    period, period_error = chosen_period(request, programme)
    frame = logframe(programme=programme, period=period)
    reader = Reader.of(request.user)
    nodes = [
        (node, [line(reader, row, programme=programme) for row in node.rows])
        for node in frame.nodes
    ]
    context = {
        "programme": programme,
        "period": period,
        "period_error": period_error,
        "period_options": period_options(programme, period),
        "nodes": nodes,
        "counts_rounded": any(item.rounded for _node, items in nodes for item in items),
        # One notice for a framework that is illustrative throughout, else a tag per indicator.
        "all_illustrative": bool(frame.rows)
        and all(row.indicator.source == Source.ILLUSTRATIVE for row in frame.rows),
        "legend": _legend(frame),
        "may_manage": access.may_manage_results(request.user),
        "to_freeze": _to_freeze(frame) if period.end < timezone.localdate() else 0,
        "export_query": urlencode({"programme": programme.code, "period": period.label}),
    }
    template = "results/_logframe.html" if request.htmx else "results/logframe.html"
    return render(request, template, context)


def _legend(frame: Logframe) -> dict[str, Any]:
    """What the colours mean, with the numbers the status is computed with."""
    rows = frame.rows
    elapsed = next((row.expected for row in rows if row.period_target is None), None)
    counts = Counter(row.status for row in rows)
    return {
        "on_track": round(ON_TRACK_SHARE * 100),
        "at_risk": round(AT_RISK_SHARE * 100),
        "elapsed": None if elapsed is None else round(elapsed * 100),
        "statuses": [
            (status.value, STATUS_LABELS[status], counts.get(status, 0)) for status in Progress
        ],
    }


def _to_freeze(frame: Logframe) -> int:
    """How many values of the period a freeze would keep (those not frozen yet)."""
    return sum(1 for row in frame.rows if not row.actual.is_empty and row.actual.frozen_at is None)


@require_GET
def indicator_view(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator: its definition, every quarter so far, and its disaggregations."""
    require_viewer(request)
    programme = programme_for_request(request)
    indicator = visible_indicator(programme, code)
    period, period_error = chosen_period(request, programme)
    history = indicator_history(indicator=indicator, until=timezone.localdate())
    selected = _row_of(history.rows, period) or indicator_row(
        indicator=indicator, period=period, context=Context(programme)
    )
    reader = Reader.of(request.user)
    spec = SELECTORS.get(indicator.selector) if indicator.is_computed else None
    context = {
        "programme": programme,
        "indicator": indicator,
        "path": _path(indicator.result),
        "spec": spec,
        "disaggregation_labels": [dimension_label(name) for name in indicator.disaggregations],
        "period": period,
        "period_error": period_error,
        "period_options": period_options(programme, period),
        "selected": line(reader, selected, programme=programme),
        "breakdowns": breakdowns(reader, selected),
        "history": [line(reader, row, programme=programme) for row in reversed(history.rows)],
        "may_manage": access.may_manage_results(request.user),
        "may_unfreeze": access.may_unfreeze_results(request.user),
    }
    return render(request, "results/indicator.html", context)


def _row_of(rows: list[IndicatorRow], period: Period) -> IndicatorRow | None:
    return next(
        (row for row in rows if (row.period.start, row.period.end) == (period.start, period.end)),
        None,
    )


def _path(result: Result) -> list[Result]:
    """The results from the overall objective down to ``result``."""
    path = [result]
    while path[0].parent_id is not None:
        parent = path[0].parent
        assert parent is not None
        path.insert(0, parent)
    return path


@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    """The period's logframe as an XLSX workbook, counts of people as on the page; logged."""
    require_viewer(request)
    programme = programme_for_request(request)
    period, period_error = chosen_period(request, programme)
    if period_error:
        raise Http404(period_error)  # never a workbook of another period than the one asked
    frame = logframe(programme=programme, period=period)
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "logframe", "format": "xlsx", "period": period.label},
    )
    response = HttpResponse(
        logframe_xlsx(frame, Reader.of(request.user)), content_type=SPREADSHEET_TYPES["xlsx"]
    )
    response["Content-Disposition"] = f'attachment; filename="{logframe_filename(frame)}"'
    return response
