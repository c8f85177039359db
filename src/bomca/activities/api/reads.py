"""Reads of the activity register: the same filters, order and scope as the web list, and one
activity with the ``ETag`` of its version."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from bomca.accounts import access
from bomca.activities.selectors import (
    ACTIVITY_ORDERINGS,
    DEFAULT_ORDERING,
    ActivityFilters,
    activity_by_code,
    activity_list,
)
from bomca.api.concurrency import etag
from bomca.api.pagination import Page, PageQuery, page_of
from bomca.api.responses import json_response
from bomca.core.errors import ApplicationError
from bomca.core.periods import parse_period
from bomca.reference.selectors import programme_get

#: The one router of the activity API; ``writes`` adds its operations to it (two routers on
#: one path would hide each other's methods).
router = Router(tags=["activities"])

#: The columns of a list row, read with ``.values()`` (no model instances: it is faster).
LIST_FIELDS = (
    "code",
    "component__number",
    "title_en",
    "title_ru",
    "thematic_area",
    "activity_type",
    "scope",
    "format",
    "host_country__code",
    "host_country_id",
    "city",
    "abroad_country__code",
    "start_date",
    "end_date",
    "status",
    "delivered_by",
    "trainer_country__code",
    "source",
    "participants_total",
    "version",
)


class ActivityOut(Schema):
    code: str
    component: int
    title_en: str
    title_ru: str
    thematic_area: str
    activity_type: str
    scope: str
    format: str
    host_country: str | None
    city: str
    abroad_country: str | None
    start_date: date
    end_date: date
    status: str
    delivered_by: str
    trainer_country: str | None
    source: str
    #: Counts of people follow the web UI's rule: rounded outside the reader's scope, null
    #: for "fewer than 5".
    participants: int | None
    version: int = Field(
        description='The version an ETag names: "activity-<code>-v<version>" goes in If-Match.'
    )


class ActivityFilterQuery(Schema):
    programme: str | None = None
    component: int | None = None
    country: str = ""
    activity_type: str = ""
    scope: str = ""
    status: str = ""
    period: str = ""
    text: str = ""
    sort: str = DEFAULT_ORDERING


def _filters(query: ActivityFilterQuery) -> ActivityFilters:
    try:
        period = parse_period(query.period) if query.period else None
    except ApplicationError as error:
        raise ApplicationError(error.message, field="period") from None
    return ActivityFilters(
        component=query.component,
        country=query.country,
        activity_type=query.activity_type,
        scope=query.scope,
        status=query.status,
        period=period,
        text=query.text,
    )


def _row(request: HttpRequest, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "component": row["component__number"],
        "title_en": row["title_en"],
        "title_ru": row["title_ru"],
        "thematic_area": row["thematic_area"],
        "activity_type": row["activity_type"],
        "scope": row["scope"],
        "format": row["format"],
        "host_country": row["host_country__code"],
        "city": row["city"],
        "abroad_country": row["abroad_country__code"],
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "status": row["status"],
        "delivered_by": row["delivered_by"],
        "trainer_country": row["trainer_country__code"],
        "source": row["source"],
        "participants": access.shown_count(
            request.user, row["participants_total"], country=row["host_country_id"]
        ),
        "version": row["version"],
    }


@router.get("", response=Page[ActivityOut], summary="Activities")
def activity_list_endpoint(
    request: HttpRequest,
    filters: Query[ActivityFilterQuery],
    paging: Query[PageQuery],
) -> HttpResponse:
    """The activities the caller may see, filtered like the register (``sort`` one of its
    orders), a page at a time; two queries whatever the page size."""
    if filters.sort not in ACTIVITY_ORDERINGS:
        raise ApplicationError(
            _("sort must be one of: %(choices)s.") % {"choices": ", ".join(ACTIVITY_ORDERINGS)},
            field="sort",
        )
    try:
        programme = programme_get(code=filters.programme or None)
    except ApplicationError as error:
        raise Http404(error.message) from None
    rows = access.activities_visible_to(
        request.user,
        activity_list(programme=programme, filters=_filters(filters), ordering=filters.sort),
    )
    envelope, values = page_of(request, rows, paging, fields=LIST_FIELDS)
    # Rows built from .values() and rendered as they are: the schema above documents them,
    # and the tests check every row against it.
    return json_response({**envelope, "results": [_row(request, row) for row in values]})


@router.get("/{code}", response=ActivityOut, summary="One activity")
def activity_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One activity the caller may see (404 otherwise: no hint that it exists), with an
    ``ETag`` to send back in ``If-Match`` when changing it."""
    return detail_response(request, code)


def detail_response(request: HttpRequest, code: str, *, status: int = 200) -> HttpResponse:
    found = list(
        access.activities_visible_to(request.user, activity_by_code(code=code)).values(*LIST_FIELDS)
    )
    if not found:
        raise Http404
    row = found[0]
    tag = etag("activity", code, row["version"])
    return json_response(_row(request, row), status=status, etag=tag)
