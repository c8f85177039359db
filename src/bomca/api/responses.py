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
