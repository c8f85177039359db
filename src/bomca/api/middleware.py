"""Refuse a NUL character in an API request before any query sees it (PostgreSQL cannot store
or compare text with one: it would be a 500, not the 400 naming the field it should be)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class NulCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            fields = [
                name for name, value in request.GET.lists() if any("\x00" in v for v in value)
            ]
            if "\x00" in request.path:
                fields.append("path")
            fields += _body_fields_with_nul(request)
            if fields:
                message = _("A NUL character is not allowed.")
                body = {"detail": message, "errors": {field: [message] for field in fields}}
                return HttpResponse(orjson.dumps(body), status=400, content_type="application/json")
        return self.get_response(request)


def _body_fields_with_nul(request: HttpRequest) -> list[str]:
    """The fields of a JSON body holding a NUL character, named as the API names them
    (``title_en``, ``items.0.description``); a body that is not JSON is left to the API."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.content_type != "application/json":
        return []
    raw = request.body
    if b"\\u0000" not in raw and b"\x00" not in raw:
        return []
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    return list(dict.fromkeys(_paths_with_nul(data, ())))


def _paths_with_nul(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield ".".join(path) or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield ".".join(path) or "body"
            else:
                yield from _paths_with_nul(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_with_nul(item, (*path, str(index)))
