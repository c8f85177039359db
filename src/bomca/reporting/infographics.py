"""The figures of a period as charts: rows with labels in the reader's language.

The dashboard and the newsletter both call ``period_charts`` with a ``count`` function: the
dashboard and draft issues round counts of people outside the reader's scope
(``access.shown_count``); a published issue prints them exactly but for counts of 1 to 4
(``published``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bomca.accounts.access import published_count
from bomca.activities.models import ActivityType, Format, Scope
from bomca.activities.selectors import NO_HOST_COUNTRY
from bomca.core.dates import day_span, month_name, month_year
from bomca.people.models import Sex
from bomca.people.selectors import UNKNOWN_ORGANISATION
from bomca.reference.models import Country, OrganisationKind, _in_language
from bomca.reference.selectors import component_list
from bomca.reporting.charts import PALETTE, SEX_COLOURS, ChartData, number
from bomca.reporting.pillar_charts import grants_charts, procurement_charts
from bomca.reporting.selectors import KeyFigures

#: ``count(value, country_code)`` -> the value a reader is shown (``None``: fewer than 5).
CountShown = Callable[[int, str | None], int | None]


def exact(value: int, country: str | None) -> int | None:
    return value


def published(value: int, country: str | None) -> int | None:
    """The rule of the published newsletter (``access.published_count``): counts of 1 to 4
    people print as "<5"; every other count, totals included, is exact."""
    return published_count(value)


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def period_dates(start: date, end: date) -> str:
    """'April–June 2023' / 'апрель–июнь 2023': how a newsletter names its quarter; a period
    that does not run over whole months is named by its days."""
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if not whole_months:
        return day_span(start, end)
    if start.year == end.year and start.month != end.month:
        return f"{month_name(start)}–{month_name(end)} {end.year}"
    if start.year == end.year:
        return month_year(start)
    return f"{month_year(start)} – {month_year(end)}"


def country_names(codes: set[str]) -> dict[str, str]:
    names = {country.code: country.name for country in Country.objects.filter(code__in=codes)}
    names[NO_HOST_COUNTRY] = _("Regional or online")
    return names


def period_charts(figures: KeyFigures, *, count: CountShown = exact) -> list[ChartData]:
    """Every chart of the period, in the order the newsletter places them."""
    activities, participants = figures.activities, figures.participants
    codes = (
        set(activities.by_country)
        | set(participants.by_country)
        | {row.trainer_country for row in figures.cooperation}
        | {row.host_country for row in figures.cooperation}
    )
    countries = country_names(codes)
    components = component_list(programme=figures.programme)
    component_labels = {component.code: component.code for component in components}
    period = period_dates(figures.period.start, figures.period.end)
    total = activities.total
    charts = [_timeline(figures)]

    # --- activities --------------------------------------------------------------------
    by_component = [
        (
            _wrap(f"{component.code} {component.title}"),
            activities.by_component.get(component.code, 0),
        )
        for component in components
    ]
    charts.append(
        ChartData(
            name="activities-by-component",
            kind="bar",
            title=_("Activities implemented by component"),
            summary=_summary(
                _("Activities implemented in %(period)s by component") % {"period": period},
                by_component,
            ),
            columns=(_("Component"), _("Activities")),
            rows=by_component if total else [],
        )
    )
    series = list(component_labels.values())
    by_country = []
    for code, count_in_country in activities.by_country.items():
        if not count_in_country:
            continue
        cells = [
            activities.by_component_and_country.get(component, {}).get(code, 0)
            for component in series
        ]
        by_country.append((countries.get(code, code), *cells, count_in_country))
    charts.append(
        ChartData(
            name="activities-by-country",
            kind="stacked",
            title=_("Activities implemented by host country and component"),
            summary=_summary(
                _("Activities implemented in %(period)s by host country") % {"period": period},
                [(str(row[0]), _as_count(row[-1])) for row in by_country],
            ),
            columns=(_("Host country"), *series, _("Total")),
            rows=by_country,
            options={"series": series},
        )
    )
    types = _choices(ActivityType)
    by_type = sorted(
        ((types.get(code, code), value) for code, value in activities.by_type.items() if value),
        key=lambda row: (-row[1], row[0]),
    )
    charts.append(
        ChartData(
            name="activities-by-type",
            kind="bar",
            title=_("Activities implemented by type"),
            summary=_summary(
                _("Activities implemented in %(period)s by type") % {"period": period}, by_type
            ),
            columns=(_("Type"), _("Activities")),
            rows=by_type,
            options={"colour": PALETTE[1]},
        )
    )
    for name, title, choices, breakdown in (
        ("activities-by-scope", _("National and regional activities"), Scope, activities.by_scope),
        ("activities-by-format", _("Activities by format"), Format, activities.by_format),
    ):
        labels = _choices(choices)
        rows = [(labels.get(code, code), value) for code, value in breakdown.items() if value]
        charts.append(
            ChartData(
                name=name,
                kind="donut",
                title=title,
                summary=_summary(title, rows),
                columns=(_("Kind"), _("Activities")),
                rows=rows,
            )
        )

    # --- participation -------------------------------------------------------------------
    sexes = _choices(Sex)
    by_sex = [
        (sexes[code], count(value, None))
        for code, value in participants.by_sex.items()
        if value or code != Sex.UNRECORDED
    ]
    charts.append(
        ChartData(
            name="participants-by-sex",
            kind="donut",
            title=_("Participants by sex"),
            summary=_summary(
                _("People who took part in %(period)s, by sex") % {"period": period}, by_sex
            ),
            columns=(_("Sex"), _("Participants")),
            rows=by_sex if participants.total else [],
            options={
                "colours": [
                    SEX_COLOURS[code]
                    for code, value in participants.by_sex.items()
                    if value or code != Sex.UNRECORDED
                ]
            },
        )
    )
    shown_sexes = [
        code for code in Sex.values if code != Sex.UNRECORDED or participants.by_sex.get(code)
    ]
    by_country_sex = [
        (
            countries.get(code, code),
            *(count(cells.get(sex, 0), code) for sex in shown_sexes),
            count(sum(cells.values()), code),
        )
        for code, cells in participants.by_country_and_sex.items()
        if sum(cells.values())
    ]
    charts.append(
        ChartData(
            name="participants-by-country",
            kind="stacked",
            title=_("Participants by country and sex"),
            summary=_summary(
                _("People who took part in %(period)s, by their country") % {"period": period},
                [(str(row[0]), _as_count(row[-1])) for row in by_country_sex],
            ),
            columns=(_("Country"), *(sexes[sex] for sex in shown_sexes), _("Total")),
            rows=by_country_sex,
            options={
                "series": [sexes[sex] for sex in shown_sexes],
                "colours": [SEX_COLOURS[sex] for sex in shown_sexes],
            },
        )
    )
    kinds = _choices(OrganisationKind)
    kinds[UNKNOWN_ORGANISATION] = _("Organisation not recorded")
    by_kind = [
        (_wrap(kinds.get(code, code), 30), count(value, None))
        for code, value in participants.by_organisation_kind.items()
        if value
    ]
    charts.append(
        ChartData(
            name="participants-by-organisation",
            kind="bar",
            title=_("Participants by type of organisation"),
            summary=_summary(
                _("People who took part in %(period)s, by the type of their organisation")
                % {"period": period},
                by_kind,
            ),
            columns=(_("Type of organisation"), _("Participants")),
            rows=by_kind,
            options={"colour": PALETTE[4]},
        )
    )

    # --- exchanges of trainers ------------------------------------------------------------
    exchanges = [
        (
            countries.get(row.trainer_country, row.trainer_country),
            countries.get(row.host_country, row.host_country),
            row.activities,
        )
        for row in figures.cooperation
    ]
    origins = sorted({row[0] for row in exchanges})
    hosts = sorted({row[1] for row in exchanges})
    across = sum(row.activities for row in figures.cooperation if row.across_borders)
    charts.append(
        ChartData(
            name="trainer-exchanges",
            kind="matrix",
            title=_("Who trained whom: national trainers by home and host country"),
            summary=_exchange_summary(
                exchanges, across, period, national=figures.activities.by_national_trainers
            ),
            columns=(_("Trainers from"), _("Host country"), _("Activities")),
            rows=exchanges,
            options={
                "row_order": origins,
                "column_order": hosts,
                "row_title": _("Trainers from"),
                "column_title": _("Host country"),
            },
        )
    )
    # --- procurement and grants ------------------------------------------------------------
    pillar_codes = set((figures.procurement or {}).get("items_by_country_and_status", {})) | set(
        ((figures.grants or {}).get("projects") or {}).get("by_country_and_status", {})
    )
    pillar_countries = country_names(pillar_codes)
    charts += procurement_charts(figures.procurement, countries=pillar_countries, period=period)
    charts += grants_charts(figures.grants, countries=pillar_countries, period=period, count=count)
    return charts


def _exchange_summary(
    exchanges: list[tuple[str, str, int]], across: int, period: str, *, national: int
) -> str:
    # All the activities national trainers delivered; the pairs name those whose trainers'
    # home country is recorded.
    total = max(national, sum(row[2] for row in exchanges))
    if not total:
        return _("No activity of %(period)s was delivered by national trainers.") % {
            "period": period
        }
    opening = ngettext(
        "National trainers delivered %(count)d activity in %(period)s",
        "National trainers delivered %(count)d activities in %(period)s",
        total,
    ) % {"count": total, "period": period}
    crossing = ngettext(
        "%(count)d of them in another country than their own",
        "%(count)d of them in other countries than their own",
        across,
    ) % {"count": across}
    pairs = "; ".join(
        _("from %(origin)s to %(host)s: %(count)s")
        % {"origin": origin, "host": host, "count": value}
        for origin, host, value in exchanges
    )
    return f"{opening}, {crossing}. {pairs}."


def _as_count(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _wrap(text: str, width: int = 34) -> str:
    """``text`` in lines of about ``width`` characters (chart labels are drawn, not flowed)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _summary(heading: str, rows: Sequence[tuple[object, int | None]]) -> str:
    if not rows:
        return heading + ": " + _("none") + "."
    return (
        heading
        + ": "
        + "; ".join(f"{str(label).replace(chr(10), ' ')} {number(value)}" for label, value in rows)
        + "."
    )


def _timeline(figures: KeyFigures) -> ChartData:
    line = figures.timeline
    assert line is not None
    period = figures.period
    rows: list[tuple[str, str, str, str, str]] = [
        (
            _("Programme duration"),
            line.start.isoformat(),
            line.end.isoformat(),
            "span",
            f"{month_year(line.start)} – {month_year(line.end)}",
        ),
        (
            _("Time elapsed"),
            line.start.isoformat(),
            min(line.period_end, line.end).isoformat(),
            "elapsed",
            f"{round(100 * line.elapsed)}%",
        ),
        (
            _("This period (%(label)s)") % {"label": period.label},
            period.start.isoformat(),
            period.end.isoformat(),
            "period",
            period_dates(period.start, period.end),
        ),
    ]
    for milestone in line.milestones:
        title = _in_language(milestone.title_en, milestone.title_ru)
        when = month_year(milestone.date)
        rows.append(
            (
                title,
                milestone.date.isoformat(),
                milestone.date.isoformat(),
                "reached"
                if milestone.date <= period.end and not milestone.expected
                else "expected",
                when
                if milestone.date <= period.end and not milestone.expected
                else _("%(date)s, expected") % {"date": when},
            )
        )
    domain_end = max(line.end, period.end)
    return ChartData(
        name="timeline",
        kind="timeline",
        title=_("Implementation timeline"),
        summary=_(
            "The programme runs from %(start)s to %(end)s; by the end of %(period)s, "
            "%(elapsed)s%% of its duration had passed."
        )
        % {
            "start": month_year(line.start),
            "end": month_year(line.end),
            "period": period_dates(period.start, period.end),
            "elapsed": round(100 * line.elapsed),
        }
        + (" " + "; ".join(f"{row[0]}: {row[4]}" for row in rows[3:]) + "." if rows[3:] else ""),
        columns=(_("Item"), _("Start"), _("End"), _("Kind"), _("Label")),
        rows=rows,
        options={
            "domain": [
                date(min(line.start, period.start).year, 1, 1).isoformat(),
                date(domain_end.year + 1, 1, 1).isoformat(),
            ]
        },
    )
