"""The API's errors as JSON a program can act on: a sentence for a person, and the fields."""

from __future__ import annotations

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


def problem(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


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
            name = ".".join(str(part) for part in item.get("loc", [])[1:]) or "body"
            fields.setdefault(name, []).append(str(item.get("msg", "")))
        return problem(api, request, 400, _("The request is not valid."), errors=fields)

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
