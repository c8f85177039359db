"""The API's errors as JSON a program can act on: a sentence for a person, and the fields."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError

from bomca.api.auth import RateLimited, ReadOnlyToken
from bomca.api.concurrency import PreconditionRequired
from bomca.core.errors import ApplicationError
from bomca.core.records import StaleRecord, describe_validation_error

#: Django's own logger of failed requests: an error is logged, mailed or collected where the
#: web pages' errors are.
_log = logging.getLogger("django.request")


def problem(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def _field_name(location: Any) -> str:
    """A field as the caller names it: ``start_date`` or ``participant_counts.0.country``, not
    ninja's location (``body``, then the view's parameter name, then the field)."""
    parts = [str(part) for part in location]
    # After "body" comes the view's parameter holding the whole body; after query, path or
    # header, the field.
    parts = parts[2:] if parts[:1] == ["body"] else parts[1:]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    """Turn the product's errors into JSON answers with the right status."""

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
        fields = {error.field: [error.message]} if error.field else {}
        status = 400
        if isinstance(error, StaleRecord):
            status = 412
        elif isinstance(error, PreconditionRequired):
            status = 428
        return problem(api, request, status, error.message, errors=fields)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        return problem(api, request, 400, describe_validation_error(error), errors=fields)

    @api.exception_handler(SchemaError)
    def schema_error(request: HttpRequest, error: SchemaError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in error.errors:
            fields.setdefault(_field_name(item.get("loc", ())), []).append(str(item.get("msg", "")))
        named = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
        return problem(
            api,
            request,
            400,
            _("The request is not valid: %(errors)s.") % {"errors": named},
            errors=fields,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = problem(
            api, request, 401, _("Sign in with a valid API token (Authorization: Bearer …).")
        )
        response["WWW-Authenticate"] = 'Bearer realm="bomca"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return problem(api, request, 403, _("Your role does not allow this."))

    @api.exception_handler(ReadOnlyToken)
    def read_only(request: HttpRequest, error: ReadOnlyToken) -> HttpResponse:
        return problem(api, request, 403, _("This token is read-only."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return problem(api, request, 404, _("Not found."))

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
        response = problem(
            api, request, 429, _("Too many requests with this token; wait and try again.")
        )
        response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        # A program gets JSON even when the server fails, never Django's HTML error page; the
        # trace goes to the log (path and error only: no request body, which may hold
        # personal data).
        _log.error("Internal Server Error: %s", request.path, exc_info=error)
        response = problem(
            api,
            request,
            500,
            _("The server failed to answer; the error is logged. Try again later."),
        )
        response._has_been_logged = True  # type: ignore[attr-defined]  # (by Django, again)
        return response
