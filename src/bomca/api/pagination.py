"""Page by page: every list answers with its count and the links to the pages around."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

#: The largest page a client may ask for; the default page.
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MAX_PAGE = 1_000_000

T = TypeVar("T")


class PageQuery(Schema):
    # Bounded so that page × page_size stays a number the database takes as an offset.
    page: int = Field(1, ge=1, le=MAX_PAGE, description="The page, from 1 to 1,000,000.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page, 1 to 500."
    )


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[T]


def page_of(
    request: HttpRequest, rows: QuerySet[Any], query: PageQuery, *, fields: tuple[str, ...]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The page's envelope (count and links) and its rows as ``.values(*fields)`` dicts, in
    two queries whatever the page size."""
    count = rows.count()
    start = (query.page - 1) * query.page_size
    values = list(rows.values(*fields)[start : start + query.page_size])
    envelope = {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "next": _link(request, query, query.page + 1) if start + query.page_size < count else None,
        "previous": _link(request, query, query.page - 1) if query.page > 1 else None,
    }
    return envelope, values


def _link(request: HttpRequest, query: PageQuery, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    params["page_size"] = str(query.page_size)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
