"""A newsletter issue as HTML and PDF, in English or Russian, from one template.

The people-written parts come from the issue; every number, chart and list of the data
sections comes from ``key_figures`` at build time. The PDF is the same HTML laid out by
WeasyPrint with the print stylesheet; nothing is fetched from anywhere while it is built.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bomca.activities.models import ActivityType
from bomca.activities.selectors import NO_HOST_COUNTRY, UpcomingActivity
from bomca.core.dates import day_span, month_year
from bomca.core.richtext import rich_text_html
from bomca.reference.models import Country, _in_language
from bomca.reference.selectors import component_list
from bomca.reporting.charts import ChartData, charts_svg, number
from bomca.reporting.infographics import (
    CountShown,
    country_names,
    period_charts,
    period_dates,
    published,
)
from bomca.reporting.maps import activity_map, map_svg
from bomca.reporting.models import NewsletterIssue, NewsletterPicture
from bomca.reporting.pillar_charts import (
    GRANTS_CHARTS,
    PROCUREMENT_CHARTS,
    grants_summary,
    pillar_country_codes,
    procurement_summary,
)
from bomca.reporting.selectors import KeyFigures, key_figures_cached

LANGUAGES = ("en", "ru")
FORMATS = ("pdf", "html")

#: Charts of "Progress in a nutshell", in the order and width the page places them.
ACTIVITY_CHARTS = (
    "activities-by-component",
    "activities-by-country",
    "activities-by-type",
    "activities-by-scope",
    "activities-by-format",
)
PARTICIPATION_CHARTS = (
    "participants-by-sex",
    "participants-by-country",
    "participants-by-organisation",
)


@dataclass(frozen=True)
class Figure:
    """A chart placed on a page: its SVG and its number in the issue."""

    data: ChartData
    svg: SafeString
    number: int


def newsletter_stylesheet(name: str = "newsletter.css") -> str:
    return (resources.files("bomca") / "static" / "bomca" / name).read_text("utf-8")


def _upcoming_rows(
    rows: list[UpcomingActivity], countries: dict[str, Country]
) -> list[dict[str, str]]:
    types = dict(ActivityType.choices)
    result = []
    for row in rows:
        place = countries.get(row.abroad_country or row.host_country)
        where = ", ".join(part for part in (row.city, place.name if place else "") if part)
        if row.host_country == NO_HOST_COUNTRY and not row.abroad_country:
            where = _("Regional") if not row.city else row.city
        result.append(
            {
                "title": _in_language(row.title_en, row.title_ru),
                "component": row.component,
                "type": str(types.get(row.activity_type, row.activity_type)),
                "where": where,
                "when": day_span(row.start_date, row.end_date),
            }
        )
    return result


def placeholder_picture(caption: str, *, width: int = 800, height: int = 520) -> str:
    """A neutral, generated picture (hills and a border line) for a picture not yet supplied."""
    w, h = width, height
    label = escape(_("Picture to be supplied"))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{escape(caption)}">'
        f'<rect width="{w}" height="{h}" fill="#e9eef3"/>'
        f'<path d="M0 {h * 0.72} L{w * 0.22} {h * 0.48} L{w * 0.4} {h * 0.64} '
        f'L{w * 0.62} {h * 0.36} L{w} {h * 0.7} V{h} H0Z" fill="#c9d6e3"/>'
        f'<path d="M0 {h * 0.86} L{w * 0.3} {h * 0.7} L{w * 0.55} {h * 0.8} '
        f'L{w} {h * 0.62} V{h} H0Z" fill="#b9cde0"/>'
        f'<path d="M{w * 0.08} {h * 0.92} L{w * 0.92} {h * 0.58}" '
        f'stroke="#16365c" stroke-width="3" stroke-dasharray="14 10" fill="none"/>'
        # The sun sits below the words, which can run almost from edge to edge (Russian).
        f'<circle cx="{w * 0.78}" cy="{h * 0.34}" r="{h * 0.08}" fill="#d9a521"/>'
        f'<text x="{w / 2}" y="{h * 0.16}" text-anchor="middle" '
        f'font-family="DejaVu Sans, sans-serif" font-size="{h * 0.055:.0f}" fill="#16365c">'
        f"{label}</text></svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def picture_source(picture: NewsletterPicture) -> str:
    """A data: URI of the picture (or of its placeholder): the document needs no other file."""
    name = picture.image.name if picture.image else None
    if name and default_storage.exists(name):
        kind = "png" if name.endswith(".png") else "jpeg"
        with default_storage.open(name, "rb") as handle:
            encoded = base64.b64encode(handle.read()).decode()
        return f"data:image/{kind};base64,{encoded}"
    return placeholder_picture(picture.caption)


def newsletter_context(
    issue: NewsletterIssue, *, figures: KeyFigures | None = None, count: CountShown = published
) -> dict[str, Any]:
    """Everything the template places, in the active language.

    ``count`` shows counts of people as the reader may see them: ``access.shown_count`` for a
    draft; for the published issue (and the command line) ``published``.
    """
    programme = issue.programme
    figures = figures or key_figures_cached(programme=programme, period=issue.period)
    charts = {chart.name: chart for chart in period_charts(figures, count=count)}
    people = count(figures.participants.total, None)
    women = count(figures.participants.by_sex.get("female", 0), None)
    language = translation.get_language() or "en"
    drawn = [chart for chart in charts.values() if not chart.is_empty]
    # vl-convert's output, with the title and summary escaped by charts_svg.
    svgs = {
        chart.name: mark_safe(svg)  # noqa: S308
        for chart, svg in zip(drawn, charts_svg(drawn, language=language), strict=True)
    }
    counter = iter(range(1, 100))

    def figure(name: str) -> Figure | None:
        if name not in svgs:
            return None
        return Figure(data=charts[name], svg=svgs[name], number=next(counter))

    # The map comes first: it sits under the lead sentence, where the page has room for it
    # (the timeline after it flows on to the next page; before it, the map left half a page empty).
    map_figure = None
    if not figures.is_empty:
        map_data = activity_map(figures, count=count)
        # Drawn here from the boundaries file; map_svg escapes every text it places.
        map_svg_text = mark_safe(map_svg(map_data))  # noqa: S308
        map_figure = Figure(data=map_data, svg=map_svg_text, number=next(counter))
    timeline = figure("timeline")
    activity_figures = [found for name in ACTIVITY_CHARTS if (found := figure(name))]
    participation_figures = [found for name in PARTICIPATION_CHARTS if (found := figure(name))]
    exchange_figure = figure("trainer-exchanges")
    procurement_charts = [found for name in PROCUREMENT_CHARTS if (found := figure(name))]
    grants_charts = [found for name in GRANTS_CHARTS if (found := figure(name))]
    pillar_countries = country_names(pillar_country_codes(figures.procurement, figures.grants))
    components = component_list(programme=programme)
    narratives = {
        narrative.component_id: narrative
        for narrative in issue.narratives.select_related("component")
    }
    codes = {
        row.host_country for row in figures.upcoming.capacity_building + figures.upcoming.management
    }
    codes |= {
        row.abroad_country
        for row in figures.upcoming.capacity_building + figures.upcoming.management
    }
    countries = {country.code: country for country in Country.objects.filter(code__in=codes)}
    period = figures.period
    next_period = figures.next_period
    return {
        "issue": issue,
        "programme": programme,
        "language": language,
        "figures": figures,
        "period_text": period_dates(period.start, period.end),
        "period_from": date_format(period.start, "MONTH_DAY_FORMAT"),
        "period_to": date_format(period.end),
        "next_period_text": period_dates(next_period.start, next_period.end) if next_period else "",
        "budget": number(int(programme.budget), language),
        "duration": f"{month_year(programme.start_date)} – {month_year(programme.end_date)}",
        "participants_total": number(people, language),
        "women_share": round(100 * women / people) if people and women is not None else None,
        "training": figures.training.overall,
        "training_improved": round(100 * (figures.training.overall.improved_share or 0)),
        "exchanges_across": sum(
            row.activities for row in figures.cooperation if row.across_borders
        ),
        "timeline_figure": timeline,
        "map_figure": map_figure,
        "activity_figures": activity_figures,
        "participation_figures": participation_figures,
        "exchange_figure": exchange_figure,
        "procurement_figures": procurement_charts,
        "grants_figures": grants_charts,
        "procurement": procurement_summary(figures.procurement, countries=pillar_countries),
        "grants": grants_summary(figures.grants, countries=pillar_countries, count=count),
        "editorials": [
            {
                "author": editorial.author_name,
                "role": editorial.role,
                "text": rich_text_html(editorial.text),
            }
            for editorial in issue.editorials.order_by("order", "pk")
        ],
        "components": [
            {
                "component": component,
                "count": figures.activities.by_component.get(component.code, 0),
                "text": rich_text_html(narratives[component.pk].text)
                if component.pk in narratives
                else "",
            }
            for component in components
        ],
        "upcoming_capacity": _upcoming_rows(figures.upcoming.capacity_building, countries),
        "upcoming_management": _upcoming_rows(figures.upcoming.management, countries),
        "upcoming_notes": {
            group: rich_text_html(issue.upcoming_note(group))
            for group in ("procurement", "grants", "management")
        },
        "featured_text": rich_text_html(issue.featured_text),
        "pictures": [
            {
                "src": picture_source(picture),
                "caption": picture.caption,
                "placeholder": not picture.image,
            }
            for picture in issue.pictures.order_by("order", "pk")
        ],
        "built_on": date_format(timezone.localdate()),
    }


def newsletter_html(
    issue: NewsletterIssue,
    *,
    language: str,
    standalone: bool = True,
    for_print: bool = False,
    figures: KeyFigures | None = None,
    count: CountShown = published,
) -> str:
    """The issue as one HTML document; ``standalone`` inlines the stylesheet (file and PDF)."""
    with translation.override(language):
        context = newsletter_context(issue, figures=figures, count=count)
        context["standalone"] = standalone
        context["stylesheet"] = mark_safe(newsletter_stylesheet()) if standalone else ""  # noqa: S308 - our own file
        context["for_print"] = for_print
        context["narrow_stylesheet"] = mark_safe(newsletter_stylesheet("newsletter-narrow.css"))  # noqa: S308
        return render_to_string("reporting/newsletter/document.html", context)


def newsletter_pdf(
    issue: NewsletterIssue,
    *,
    language: str,
    figures: KeyFigures | None = None,
    count: CountShown = published,
) -> bytes:
    """The issue as an A4 PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = newsletter_html(
        issue, language=language, standalone=True, for_print=True, figures=figures, count=count
    )
    # data: URIs only: nothing is fetched from a network or read from the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def newsletter_file_name(issue: NewsletterIssue, *, language: str, file_format: str) -> str:
    programme = issue.programme.code
    return f"{programme}-newsletter-{issue.number}-{issue.period_code}-{language}.{file_format}"
