"""What the results views share: who may do what, the period a form's URL names, one
indicator, and the one form page (a service's refusal shown on the form, nothing saved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bomca.accounts import access
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period, parse_period
from bomca.core.records import StaleRecord
from bomca.reference.models import Programme
from bomca.results.models import Indicator
from bomca.results.selectors import indicators_of

#: The status of a page that shows a form again: 422 for errors, 409 for a stale copy.
INVALID, STALE = 422, 409


def require_viewer(request: HttpRequest) -> None:
    if not access.may_view_results(request.user):
        raise PermissionDenied


def require_manager(request: HttpRequest) -> None:
    if not access.may_manage_results(request.user):
        raise PermissionDenied


def period_in_path(text: str) -> Period:
    """The period a form's URL names; 404 when it names none."""
    try:
        return parse_period(text)
    except ApplicationError as error:
        raise Http404(error.message) from None


def visible_indicator(programme: Programme, code: str) -> Indicator:
    """The programme's indicator ``code`` with its targets and actuals; 404 if there is none."""
    return get_object_or_404(indicators_of(programme=programme), code=code)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    write: Callable[[], object],
    saved: Callable[[], HttpResponse],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A results form. A valid post calls ``write`` (one service) and answers ``saved()``; a
    refusal shows the form again with the reason next to the field it names, else on top:
    status 409 when the record changed since the form was opened, 422 otherwise."""
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            try:
                write()
            except StaleRecord as error:
                form.add_error(None, error.message)
                status = STALE
            except ApplicationError as error:
                form.add_error(_shown_field(form, error.field), error.message)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return saved()
    return render(request, template, {"form": form, **context}, status=status)


def _shown_field(form: forms.BaseForm, name: str | None) -> str | None:
    """``name`` if the form shows such a field; else None, for the message on top."""
    field = form.fields.get(name) if name else None
    return name if field is not None and not field.widget.is_hidden else None


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        form.add_error(_shown_field(form, name), errors)
