"""The period a page shows: the one asked for in ``?period=``, else the latest reported one,
and the choices of the period picker. Shared by the overview, dashboard and results pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bomca.activities.models import Activity, Status
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period, last_complete_quarter, parse_period, quarter_of
from bomca.reference.models import Programme


def default_period(*, programme: Programme, today: date) -> Period:
    """The last complete quarter that has implemented activities, else the last complete one."""
    latest = last_complete_quarter(today)
    last_start = (
        Activity.objects.filter(
            programme=programme, status=Status.IMPLEMENTED, start_date__lte=latest.end
        )
        .order_by("-start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return quarter_of(last_start) if last_start else latest


def chosen_period(request: HttpRequest, programme: Programme) -> tuple[Period, str]:
    """The period in ``?period=``, else the default; with the error if it could not be read."""
    period = default_period(programme=programme, today=timezone.localdate())
    if selector := request.GET.get("period", "").strip():
        try:
            return parse_period(selector), ""
        except ApplicationError as error:
            return period, error.message
    return period, ""


def period_options(programme: Programme, selected: Period) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the period picker: each quarter, newest first, then all."""
    options = [
        (
            row.code,
            f"{row.code} ({_dates(row.start_date, row.end_date)})",
            row.code == selected.label,
        )
        for row in programme.reporting_periods.order_by("-start_date")
    ]
    whole = f"{programme.start_date:%Y-%m}..{programme.end_date:%Y-%m}"
    options.append((whole, _("Whole programme"), selected.label == whole))
    if not any(is_selected for _value, _label, is_selected in options):
        options.insert(0, (selected.label, selected.label, True))
    return options


def _dates(start: date, end: date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"
