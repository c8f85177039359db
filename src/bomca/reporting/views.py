"""The programme overview: profile, components and the key figures of a chosen period."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.activities.models import Activity, ActivityType, Scope
from bomca.activities.periods import chosen_period, period_options
from bomca.activities.selectors import NO_HOST_COUNTRY, UpcomingActivities
from bomca.core.http import HtmxHttpRequest
from bomca.core.spreadsheets import csv_stream, xlsx_bytes
from bomca.grants.selectors import overdue_reports
from bomca.people.models import Sex
from bomca.people.selectors import ResultFigures
from bomca.procurement.selectors import late_deliveries
from bomca.reference.models import Country
from bomca.reference.selectors import component_list, programme_for_request
from bomca.reporting.charts import ChartData, chart_png, chart_svg, charts_svg
from bomca.reporting.infographics import country_names, period_charts, period_dates
from bomca.reporting.maps import activity_map, map_svg
from bomca.reporting.pillar_charts import (
    grants_summary,
    pillar_country_codes,
    procurement_summary,
)
from bomca.reporting.selectors import KeyFigures, key_figures_cached


def home_view(request: HttpRequest) -> HttpResponse:
    return redirect("reporting:overview")


def programme_overview_view(request: HtmxHttpRequest) -> HttpResponse:
    programme = programme_for_request(request)
    period, period_error = chosen_period(request, programme)
    figures = key_figures_cached(programme=programme, period=period)
    context = {
        "programme": programme,
        "period": period,
        "period_error": period_error,
        "period_options": period_options(programme, period),
        "figures": figures,
        "breakdowns": _labelled_breakdowns(figures, request.user),
        "participants_total": access.shown_count(request.user, figures.participants.total),
        "components": component_list(programme=programme),
        "co_funders": programme.co_funders.select_related("country"),
        "partners": programme.implementing_partners.all(),
        "countries": programme.countries.order_by("name_en"),
    }
    template = "reporting/_figures.html" if request.htmx else "reporting/overview.html"
    return render(request, template, context)


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


Row = tuple[str, int | None]


def _by_name(rows: list[Row], last: str = "") -> list[Row]:
    """Rows in alphabetical order of their labels, with ``last`` (e.g. 'regional') at the end."""
    return sorted(rows, key=lambda row: (row[0] == last, row[0]))


def _labelled_breakdowns(figures: KeyFigures, user: AnyUser) -> dict[str, list[Row]]:
    """Each breakdown as (label, count) rows in the reader's language.

    Counts of people the user may not see exactly (``access.shown_count``) become ``None``.
    """
    activities, participants = figures.activities, figures.participants
    codes = set(activities.by_country) | set(participants.by_country)
    countries = {country.code: country for country in Country.objects.filter(code__in=codes)}
    names = {code: country.name for code, country in countries.items()}
    names[NO_HOST_COUNTRY] = _("No host country (regional, online)")
    components = {
        component.code: str(component) for component in component_list(programme=figures.programme)
    }

    def rows(breakdown: Mapping[str, int], labels: Mapping[str, str]) -> list[Row]:
        return [(labels.get(code, code), count) for code, count in breakdown.items()]

    def people(
        breakdown: Mapping[str, int], labels: Mapping[str, str], *, by_country: bool
    ) -> list[Row]:
        return [
            (
                labels.get(code, code),
                access.shown_count(
                    user,
                    count,
                    country=countries[code] if by_country and code in countries else None,
                ),
            )
            for code, count in breakdown.items()
        ]

    return {
        "by_component": rows(activities.by_component, components),
        "by_country": _by_name(rows(activities.by_country, names), last=names[NO_HOST_COUNTRY]),
        "by_type": [row for row in rows(activities.by_type, _choices(ActivityType)) if row[1]],
        "by_scope": rows(activities.by_scope, _choices(Scope)),
        "participants_by_sex": people(participants.by_sex, _choices(Sex), by_country=False),
        "participants_by_country": _by_name(
            people(participants.by_country, names, by_country=True)
        ),
    }


# --- dashboard ------------------------------------------------------------------------------

CHART_FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _dashboard_charts(request: HttpRequest, figures: KeyFigures) -> list[ChartData]:
    """The period's charts with counts of people as this user may see them."""
    countries = dict(Country.objects.values_list("code", "pk"))
    return period_charts(figures, count=access.count_shown_by_country(request.user, countries))


def dashboard_view(request: HtmxHttpRequest) -> HttpResponse:
    """The programme at a glance for a period: figures, charts, exchanges, what comes next."""
    if not access.may_view_dashboard(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    period, period_error = chosen_period(request, programme)
    figures = key_figures_cached(programme=programme, period=period)
    charts = _dashboard_charts(request, figures)
    drawn = [chart for chart in charts if not chart.is_empty]
    language = translation.get_language() or "en"
    participants_total = access.shown_count(request.user, figures.participants.total)
    women = access.shown_count(request.user, figures.participants.by_sex.get("female", 0))
    shown = access.count_shown_by_country(
        request.user, dict(Country.objects.values_list("code", "pk"))
    )
    map_data = activity_map(figures, count=shown)
    context = {
        "programme": programme,
        "period": period,
        "period_text": period_dates(period.start, period.end),
        "period_error": period_error,
        "period_options": period_options(programme, period),
        "figures": figures,
        "participants_total": participants_total,
        "women_share": (
            round(100 * women / participants_total)
            if women is not None and participants_total
            else None
        ),
        "exchanges_across": sum(
            row.activities for row in figures.cooperation if row.across_borders
        ),
        "charts": [
            # vl-convert's SVG; charts_svg escapes the title and the summary it adds.
            {"data": chart, "svg": mark_safe(svg)}  # noqa: S308
            for chart, svg in zip(drawn, charts_svg(drawn, language=language), strict=True)
        ],
        "empty_charts": [chart for chart in charts if chart.is_empty],
        # Drawn here from the boundaries file; every text in it is escaped by map_svg.
        "activity_map": {"data": map_data, "svg": mark_safe(map_svg(map_data))},  # noqa: S308
        "chart_formats": list(CHART_FORMATS),
        "counts_rounded": access.counts_rounded_for(request.user),
        "upcoming": _visible_upcoming(request, figures),
        "training": _training_rows(figures, shown),
        "next_period_text": (
            period_dates(figures.next_period.start, figures.next_period.end)
            if figures.next_period
            else ""
        ),
        "query": urlencode({"programme": programme.code, "period": period.label}),
        **_pillars(request, figures),
    }
    template = "reporting/_dashboard.html" if request.htmx else "reporting/dashboard.html"
    return render(request, template, context)


def _pillars(request: HttpRequest, figures: KeyFigures) -> dict[str, Any]:
    """Procurement and grants in words and lists, as the dashboard shows them to this user."""
    countries = country_names(pillar_country_codes(figures.procurement, figures.grants))
    ids = dict(Country.objects.values_list("code", "pk"))

    def visible(code: str) -> bool:
        return access.may_view_country_record(request.user, ids.get(code))

    return {
        "procurement": procurement_summary(
            figures.procurement, countries=countries, visible=visible
        ),
        "grants": grants_summary(
            figures.grants,
            countries=countries,
            count=access.count_shown_by_country(request.user, ids),
            visible=visible,
        ),
    }


#: Results of groups smaller than this are not shown: a mean of one person is their score.
MIN_GROUP = 5


def _training_rows(
    figures: KeyFigures, count: Callable[[int, str | None], int | None]
) -> list[tuple[str, ResultFigures, int | None]]:
    """The period's training results: everyone, then by sex and by country, groups of 5+; the
    number tested shown as the reader may see counts of people (rounded outside their scope,
    "<5" for 1 to 4), like every other count on the page."""
    training = figures.training
    if training.overall.participants < MIN_GROUP:
        return []
    sexes = _choices(Sex)
    countries = Country.objects.in_bulk(list(training.by_country), field_name="code")
    names = {code: country.name for code, country in countries.items()}

    def shown(group: ResultFigures, code: str | None) -> tuple[ResultFigures, int | None]:
        return group, count(group.tested, code)

    rows = [(str(_("All participants")), *shown(training.overall, None))]
    rows += [
        (sexes.get(sex, sex), *shown(group, None))
        for sex, group in training.by_sex.items()
        if group.participants >= MIN_GROUP
    ]
    rows += [
        (names.get(code, code), *shown(group, code))
        for code, group in training.by_country.items()
        if group.participants >= MIN_GROUP
    ]
    return rows


def _visible_upcoming(request: HttpRequest, figures: KeyFigures) -> UpcomingActivities:
    """Next quarter's planned activities that the user may open."""
    codes = [row.code for row in figures.upcoming.capacity_building + figures.upcoming.management]
    visible = set(
        access.activities_visible_to(
            request.user, Activity.objects.filter(code__in=codes)
        ).values_list("code", flat=True)
    )
    return UpcomingActivities(
        capacity_building=[
            row for row in figures.upcoming.capacity_building if row.code in visible
        ],
        management=[row for row in figures.upcoming.management if row.code in visible],
    )


def chart_download_view(request: HttpRequest, name: str, file_format: str) -> HttpResponse:
    """One chart of the dashboard as SVG or PNG, or its data as CSV or XLSX; logged."""
    if not access.may_view_dashboard(request.user):
        raise PermissionDenied
    if file_format not in CHART_FORMATS:
        raise Http404(_("Unknown download format."))
    programme = programme_for_request(request)
    period, period_error = chosen_period(request, programme)
    if period_error:
        raise Http404(period_error)
    figures = key_figures_cached(programme=programme, period=period)
    chart = next((item for item in _dashboard_charts(request, figures) if item.name == name), None)
    if chart is None:
        raise Http404(_("There is no such chart."))
    if chart.is_empty and file_format in ("svg", "png"):
        raise Http404(_("This chart has nothing to show for the period."))
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": f"chart {name}", "format": file_format, "period": period.label},
    )
    columns, rows = chart.table()
    cells = [[_cell(value) for value in row] for row in rows]
    content: bytes | str
    if file_format == "svg":
        content = chart_svg(chart)
    elif file_format == "png":
        content = chart_png(chart)
    elif file_format == "csv":
        content = "".join(csv_stream(columns, cells))
    else:
        content = xlsx_bytes(chart.title, columns, cells)
    response = HttpResponse(content, content_type=CHART_FORMATS[file_format])
    # A quarter by its label (2023Q2, whatever letter was typed), any other period by its dates.
    when = period.label if period.is_quarter else f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    filename = f"{programme.code}-{when}-{name}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: object) -> str | int | float | None:
    """A chart row's value for a spreadsheet: numbers stay numbers, '<5' for hidden counts."""
    if value is None:
        return "<5"
    if isinstance(value, str):
        return value.replace("\n", " ")
    if isinstance(value, int | float):
        return value
    return str(value)


def late_view(request: HttpRequest) -> HttpResponse:
    """What is late: deliveries past their planned date and grant reports overdue, in one place,
    narrowed to what the user may see."""
    if not (access.may_view_procurement(request.user) or access.may_view_grants(request.user)):
        raise PermissionDenied
    programme = programme_for_request(request)
    today = timezone.localdate()
    deliveries = late_deliveries(user=request.user, today=today, programme=programme)
    reports = overdue_reports(user=request.user, today=today, programme=programme)
    countries = country_names(
        {row.country for row in deliveries} | {row.country for row in reports}
    )
    return render(
        request,
        "reporting/late.html",
        {
            "programme": programme,
            "today": today,
            "deliveries": [(row, countries.get(row.country, row.country)) for row in deliveries],
            "reports": [(row, countries.get(row.country, row.country)) for row in reports],
        },
    )
