"""Refuse a NUL character in an API request before any query sees it (PostgreSQL cannot store
or compare text with one: it would be a 500, not the 400 naming the field it should be)."""

from __future__ import annotations

from collections.abc import Callable

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
            if fields:
                message = _("A NUL character is not allowed.")
                body = {"detail": message, "errors": {field: [message] for field in fields}}
                return HttpResponse(orjson.dumps(body), status=400, content_type="application/json")
        return self.get_response(request)
