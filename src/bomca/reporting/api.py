"""Reporting through the API: the key figures of a period (as ``bomca figures`` gives them, with
counts of people as the dashboard shows them to the caller) and the newsletter issues."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.activities.models import Activity
from bomca.api.pagination import Page, PageQuery, page_of
from bomca.api.responses import json_response
from bomca.reference.models import Country
from bomca.reference.selectors import programme_for_request
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.newsletter import FORMATS, LANGUAGES
from bomca.reporting.newsletter_views import newsletter_file_response
from bomca.reporting.selectors import key_figures_cached, newsletter_issue_list
from bomca.results.api import (
    IndicatorOut,
    PeriodOut,
    PeriodQuery,
    requested_period,
    shown_indicator_rows,
)
from bomca.results.selectors import logframe

router = Router(tags=["reporting"])

FIGURES_DESCRIPTION = (
    "The key figures of a programme for a period: the JSON contract of `bomca figures "
    "--format json` (docs/figures.md), with `indicators` (the logframe of the period) and "
    "`counts_rounded`.\n\n"
    "Counts of people follow the dashboard's rule for the caller. The programme manager, "
    "administrators and M&E officers get the exact figures. Every other role gets the counts "
    "of people (participants: total, by sex, by country, by country and sex, by kind of "
    "organisation; participants of national trainers' activities; people reached by the NGO "
    "projects; the groups of the training results) rounded to the nearest 5, and `null` for "
    '"fewer than 5" (0 stays 0); national coordinators get their own countries\' cells '
    "exactly. Training results of groups of fewer than 5 participants are left out for them, "
    "as on the dashboard. In `indicators`, the values of indicators that count people are "
    'rounded the same way ("<5" for 1 to 4: values are decimal text there) and their progress '
    "is given in whole per cent. Counts of activities, needs, items, projects and money are exact "
    "for every role; listed records (coming activities, deliveries planned, reports due, "
    "projects ending) are those the caller may open."
)

#: Fields of a training-results group that count people.
_TRAINING_COUNTS = ("participants", "tested", "rated", "completion_recorded")

Count = Callable[[int, str | None], int | None]


class ParticipantsOut(Schema):
    total: int | None
    by_sex: dict[str, int | None]
    by_country: dict[str, int | None]
    by_country_and_sex: dict[str, dict[str, int | None]]
    by_organisation_kind: dict[str, int | None]


class FiguresOut(Schema):
    schema_version: int
    programme: dict[str, str]
    period: PeriodOut
    activities: dict[str, Any]
    participants: ParticipantsOut
    training_cooperation: list[dict[str, Any]]
    timeline: dict[str, Any] | None
    upcoming: dict[str, Any]
    procurement: dict[str, Any] | None
    grants: dict[str, Any] | None
    training_results: dict[str, Any]
    indicators: list[IndicatorOut]
    #: Whether some counts of people are rounded for the caller.
    counts_rounded: bool


@router.get("/figures", response=FiguresOut, summary="Key figures", description=FIGURES_DESCRIPTION)
def figures_endpoint(request: HttpRequest, query: Query[PeriodQuery]) -> HttpResponse:
    if not access.may_view_dashboard(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    period = requested_period(programme, query.period)
    figures = key_figures_cached(programme=programme, period=period).as_dict()
    figures["indicators"] = shown_indicator_rows(
        request.user, logframe(programme=programme, period=period)
    )
    _listed_visible(request.user, figures)
    rounded = access.counts_rounded_for(request.user)
    if rounded:
        ids = dict(Country.objects.values_list("code", "pk"))
        _people_shown(figures, access.count_shown_by_country(request.user, ids))
    return json_response({**figures, "counts_rounded": rounded})


def _listed_visible(user: AnyUser, figures: dict[str, Any]) -> None:
    """Leave in the lists only the records the user may open, as the dashboard does (totals
    stay the programme's)."""
    upcoming = figures["upcoming"]
    codes = [row["code"] for row in upcoming["capacity_building"] + upcoming["management"]]
    visible = set(
        access.activities_visible_to(user, Activity.objects.filter(code__in=codes)).values_list(
            "code", flat=True
        )
    )
    for group in ("capacity_building", "management"):
        upcoming[group] = [row for row in upcoming[group] if row["code"] in visible]
    ids = dict(Country.objects.values_list("code", "pk"))

    def opens(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            row for row in rows if access.may_view_country_record(user, ids.get(row["country"]))
        ]

    if procurement := figures["procurement"]:
        planned = procurement["planned_next_quarter"]
        planned["rows"] = opens(planned["rows"])
    if grants := figures["grants"]:
        due = grants["due_next_quarter"]
        for name in ("reports", "projects_ending"):
            due[name] = opens(due[name])


def _people_shown(figures: dict[str, Any], count: Count) -> None:
    """Every count of people in ``figures`` as the reader may see it (``access.shown_count``):
    a country's cell as that country's count, any other as a total's."""
    participants = figures["participants"]
    participants["total"] = count(participants["total"], None)
    for name in ("by_sex", "by_organisation_kind"):
        participants[name] = {key: count(value, None) for key, value in participants[name].items()}
    participants["by_country"] = {
        code: count(value, code) for code, value in participants["by_country"].items()
    }
    participants["by_country_and_sex"] = {
        code: {sex: count(value, code) for sex, value in cells.items()}
        for code, cells in participants["by_country_and_sex"].items()
    }
    for row in figures["training_cooperation"]:
        row["participants"] = count(row["participants"], row["host_country"])
    figures["training_results"] = _training_shown(figures["training_results"], count)
    if figures["grants"]:
        _reached_shown(figures["grants"]["people_reached"], count)


def _training_shown(training: dict[str, Any], count: Count) -> dict[str, Any]:
    """Groups of fewer than 5 participants left out (a mean of one person is their score, as
    the dashboard says), the others' counts of people rounded."""

    def group(figures: dict[str, Any] | None, code: str | None) -> dict[str, Any] | None:
        if figures is None or figures["participants"] < access.SMALL_COUNT:
            return None
        return {
            **figures,
            **{name: count(figures[name], code) for name in _TRAINING_COUNTS},
        }

    by_sex = {sex: group(figures, None) for sex, figures in training["by_sex"].items()}
    by_country = {code: group(figures, code) for code, figures in training["by_country"].items()}
    return {
        "overall": group(training["overall"], None),
        "by_sex": {key: value for key, value in by_sex.items() if value is not None},
        "by_country": {key: value for key, value in by_country.items() if value is not None},
    }


def _reached_shown(reached: dict[str, Any], count: Count) -> None:
    reached["total"] = count(reached["total"], None)
    for name in ("by_sex", "by_group"):
        reached[name] = {key: count(value, None) for key, value in reached[name].items()}
    reached["by_country"] = {
        code: {key: count(value, code) for key, value in cells.items()}
        for code, cells in reached["by_country"].items()
    }


# --- newsletters ----------------------------------------------------------------------------

ISSUE_FIELDS = (
    "pk",
    "number",
    "programme__code",
    "period_code",
    "period_start",
    "period_end",
    "status",
    "featured_title_en",
    "featured_title_ru",
)


class NewsletterOut(Schema):
    number: int
    programme: str
    period: PeriodOut
    status: str
    featured_title_en: str
    featured_title_ru: str
    #: The issue's page in the web UI.
    page: str
    #: language (en, ru) -> format (html, pdf) -> the file, from the API (a token or a browser
    #: session; each download is in the security log).
    downloads: dict[str, dict[str, str]]


class EditorialOut(Schema):
    order: int
    author: str
    author_ru: str
    role_en: str
    role_ru: str


class NewsletterDetailOut(NewsletterOut):
    editorials: list[EditorialOut]


class ProgrammeQuery(Schema):
    programme: str | None = None


def _issue(request: HttpRequest, row: dict[str, Any]) -> dict[str, Any]:
    def url(name: str, *args: object) -> str:
        return request.build_absolute_uri(reverse(f"reporting:{name}", args=[row["pk"], *args]))

    return {
        "number": row["number"],
        "programme": row["programme__code"],
        "period": {
            "label": row["period_code"],
            "start": row["period_start"],
            "end": row["period_end"],
        },
        "status": row["status"],
        "featured_title_en": row["featured_title_en"],
        "featured_title_ru": row["featured_title_ru"],
        "page": url("newsletter"),
        "downloads": {
            language: {
                file_format: request.build_absolute_uri(
                    reverse(
                        "api:newsletter_file",
                        kwargs={
                            "number": row["number"],
                            "language": language,
                            "file_format": file_format,
                        },
                    )
                )
                + _programme_query(row)
                for file_format in FORMATS
            }
            for language in LANGUAGES
        },
    }


def _visible_issues(request: HttpRequest) -> QuerySet[NewsletterIssue]:
    if not access.may_view_newsletters(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    return access.newsletters_visible_to(request.user, newsletter_issue_list(programme=programme))


@router.get("/newsletters", response=Page[NewsletterOut], summary="Newsletter issues")
def newsletter_list_endpoint(
    request: HttpRequest, query: Query[ProgrammeQuery], paging: Query[PageQuery]
) -> HttpResponse:
    """The programme's issues the caller may read (donors: the published ones), newest
    first, with links to their HTML and PDF in English and Russian; two queries whatever the
    page size."""
    envelope, rows = page_of(request, _visible_issues(request), paging, fields=ISSUE_FIELDS)
    return json_response({**envelope, "results": [_issue(request, row) for row in rows]})


@router.get("/newsletters/{number}", response=NewsletterDetailOut, summary="One newsletter issue")
def newsletter_detail_endpoint(
    request: HttpRequest, number: int, query: Query[ProgrammeQuery]
) -> dict[str, Any]:
    """One issue of the programme the caller may read (404 otherwise: a donor is given no
    hint of a draft), with its signed editorials."""
    found = list(_visible_issues(request).filter(number=number).values(*ISSUE_FIELDS))
    if not found:
        raise Http404
    editorials = NewsletterIssue(pk=found[0]["pk"]).editorials.order_by("order", "pk")
    return {
        **_issue(request, found[0]),
        "editorials": list(editorials.values(*EditorialOut.model_fields)),
    }


def _programme_query(row: dict[str, Any]) -> str:
    return f"?programme={row['programme__code']}"


@router.get(
    "/newsletters/{number}/{language}.{file_format}",
    url_name="newsletter_file",
    summary="One newsletter issue as a file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The issue as a file to keep.",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def newsletter_file_endpoint(
    request: HttpRequest,
    number: int,
    language: Literal["en", "ru"],
    file_format: Literal["html", "pdf"],
    query: Query[ProgrammeQuery],
) -> HttpResponse:
    """The issue as the web page's download gives it: HTML or PDF, in English or Russian,
    counts of people as the caller may see them (a draft: by the caller's scope; published:
    the publication rule). 404 for an issue the caller may not read; in the security log."""
    issue = _visible_issues(request).select_related("programme").filter(number=number).first()
    if issue is None:
        raise Http404
    return newsletter_file_response(request, issue, language, file_format)
