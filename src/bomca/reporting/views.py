"""The programme overview: profile, components and the key figures of a chosen period."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.activities.models import ActivityType, Scope
from bomca.activities.selectors import NO_HOST_COUNTRY
from bomca.core.errors import ApplicationError
from bomca.core.http import HtmxHttpRequest
from bomca.core.periods import Period, parse_period
from bomca.people.models import Sex
from bomca.reference.models import Country, Programme
from bomca.reference.selectors import component_list, programme_for_request
from bomca.reporting.selectors import KeyFigures, default_period, key_figures


def home_view(request: HttpRequest) -> HttpResponse:
    return redirect("reporting:overview")


def programme_overview_view(request: HtmxHttpRequest) -> HttpResponse:
    programme = programme_for_request(request)
    period_error = ""
    period = default_period(programme=programme, today=timezone.localdate())
    if selector := request.GET.get("period", "").strip():
        try:
            period = parse_period(selector)
        except ApplicationError as error:
            period_error = error.message
    figures = key_figures(programme=programme, period=period)
    context = {
        "programme": programme,
        "period": period,
        "period_error": period_error,
        "period_options": _period_options(programme, period),
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


def _period_options(programme: Programme, selected: Period) -> list[tuple[str, str, bool]]:
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


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


Row = tuple[str, int | None]


def _by_name(rows: list[Row], last: str = "") -> list[Row]:
    """Rows in alphabetical order of their labels, with ``last`` (e.g. 'regional') at the end."""
    return sorted(rows, key=lambda row: (row[0] == last, row[0]))


def _dates(start: date, end: date) -> str:
    return f"{date_format(start, 'j M Y')} – {date_format(end, 'j M Y')}"


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
