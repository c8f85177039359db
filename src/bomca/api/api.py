"""The HTTP API, version 1: ``/api/v1/``, its OpenAPI document at ``/api/v1/openapi.json`` and
interactive docs at ``/api/v1/docs`` (served by the app, no CDN)."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer

from bomca.api import errors
from bomca.api.auth import BrowserSession, TokenAuth
from bomca.api.responses import json_response


class OrjsonRenderer(BaseRenderer):
    """JSON by orjson: several times faster than the standard library for large lists."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=str)


#: The error answers every operation may give (errors.py), documented once for all of them.
ERROR_STATUSES = {
    "400": "The request is not valid: `detail` says why, `errors` names each field.",
    "401": "No valid API token (or browser session).",
    "403": "The caller's role, scope or read-only token does not allow this.",
    "404": "Not found, or outside the caller's scope (no hint which).",
    "409": "The request conflicts with the state of the record or the settings.",
    "429": "Too many requests with this token; wait the seconds in Retry-After.",
}
#: Operations that take ``If-Match`` (changes of a versioned record) may also answer these.
WRITE_STATUSES = {
    "412": "The record changed since the version in If-Match; nothing was saved.",
    "428": "A change needs the record's ETag in If-Match.",
}
PROBLEM = {
    "title": "Problem",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "One sentence for a person."},
        "errors": {
            "type": "object",
            "description": "Field -> messages, for the fields that are wrong.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}


class BomcaAPI(NinjaAPI):
    """The API with its error answers documented on every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
        reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                statuses = dict(ERROR_STATUSES)
                if _takes_if_match(operation):
                    statuses |= WRITE_STATUSES
                responses = operation.setdefault("responses", {})
                for status, description in statuses.items():
                    if status in responses or int(status) in responses:  # documented by the route
                        continue
                    responses[status] = {"description": description, "content": reference}
        return schema


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match"
        for parameter in operation.get("parameters", [])
    )


api = BomcaAPI(
    title="BOMCA Programme Information System",
    version="1",
    description=(
        "The programme's records and figures for scripts, Excel and Power BI. Sign in with a "
        "personal token (Authorization: Bearer bomca_…) made on the API tokens page; the same "
        "roles and scope as the web UI apply. Lists are paged (page, page_size up to 500)."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSession()],
    renderer=OrjsonRenderer(),
    docs_url="/docs",
)
errors.install(api)


def _routers() -> None:
    from bomca.activities.api import router as activities
    from bomca.grants.api import router as grants
    from bomca.iati.api import router as iati
    from bomca.people.api import router as people
    from bomca.procurement.api import router as procurement
    from bomca.reference.api import router as reference
    from bomca.reporting.api import router as reporting
    from bomca.results.api import router as results

    api.add_router("/", reference)
    api.add_router("/activities", activities)
    api.add_router("/", people)
    api.add_router("/procurement", procurement)
    api.add_router("/grants", grants)
    api.add_router("/", results)
    api.add_router("/", reporting)
    api.add_router("/", iati)


_routers()


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, exempt from the web UI's login redirect: a call without a
    valid token gets a 401 in JSON, not the login page."""
    patterns, app_name, namespace = api.urls
    patterns = [*patterns, re_path(r"^", _not_found)]  # after every route: nothing else matched
    for pattern in _walk(patterns):
        pattern.callback.login_required = False
    return patterns, app_name, namespace


def _not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/v1/: a 404 in the API's JSON, not the web's HTML page."""
    return json_response({"detail": _("Not found."), "errors": {}}, status=404)


def _walk(patterns: list[Any]) -> list[Any]:
    found = []
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            found += _walk(pattern.url_patterns)
        else:
            found.append(pattern)
    return found
