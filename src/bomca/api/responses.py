"""Answers built from plain rows: rendered as they are, fast, in the documented shape."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse


def json_response(data: Any, *, status: int = 200, etag: str | None = None) -> HttpResponse:
    """``data`` as JSON (dates as ISO strings, decimals as strings) with an ``ETag`` if given."""
    response = HttpResponse(
        orjson.dumps(data, default=str), status=status, content_type="application/json"
    )
    if etag is not None:
        response["ETag"] = etag
    return response


def step_rows(steps: Any, *, sees_who: bool, by: str) -> list[dict[str, Any]]:
    """Status steps of a record (a need's, a grant project's) as the API answers them; who made
    each step (attribute ``by`` of the step) is staff information, as on the record's page."""
    rows = []
    for step in steps:
        user = getattr(step, by)
        rows.append(
            {
                "from_status": step.from_status,
                "to_status": step.to_status,
                "date": step.date,
                "note": step.note,
                "by": (user.get_full_name() or user.get_username()) if sees_who and user else None,
            }
        )
    return rows
