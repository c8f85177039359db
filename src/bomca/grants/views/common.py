"""What the grants views share: access to one project, and saving a form through a service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.core.errors import ApplicationError
from bomca.core.records import StaleRecord
from bomca.grants.models import GrantProject

#: The status of a page that shows a form again: 422 for errors, 409 for a stale copy.
INVALID, STALE = 422, 409

M = TypeVar("M", bound=Model)


def require_viewer(request: HttpRequest) -> None:
    if not access.may_view_grants(request.user):
        raise PermissionDenied


def require_manager(request: HttpRequest) -> None:
    if not access.may_manage_grants(request.user):
        raise PermissionDenied


def visible_project(request: HttpRequest, contract_number: str) -> GrantProject:
    """The project if the user may see it; 404 otherwise, never a hint that it exists."""
    require_viewer(request)
    projects = access.by_country_visible_to(
        request.user, GrantProject.objects.all(), field="application__country"
    ).select_related("application__call__programme", "application__organisation")
    return get_object_or_404(projects, contract_number=contract_number)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    write: Callable[[], M],
    saved: Callable[[M], HttpResponse],
    title: str,
    breadcrumbs: Sequence[tuple[str, str]],
    cancel_url: str,
    lead: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The one form page of the grants app. A valid post calls ``write`` (a service) and
    answers ``saved(record)``; a refusal shows the form again with the reason: status 409 when
    the record changed since the form was opened, 422 otherwise. Nothing is saved then."""
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            try:
                return saved(write())
            except StaleRecord as error:
                form.add_error(None, error.message)
                status = STALE
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            except ValidationError as error:
                _add_errors(form, error)
    context = {
        "form": form,
        "title": title,
        "breadcrumbs": breadcrumbs,
        "cancel_url": cancel_url,
        "lead": lead,
        **(extra or {}),
    }
    return render(request, "grants/form.html", context, status=status)


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def saved_message(request: HttpRequest, message: str, url: str) -> HttpResponse:
    """Say what was saved, and show it."""
    messages.success(request, message)
    return redirect(url)


def projects_crumb() -> tuple[str, str]:
    return (reverse("grants:list"), _("Grant projects"))


def project_crumb(project: GrantProject) -> tuple[str, str]:
    return (reverse("grants:detail", args=[project.contract_number]), project.contract_number)


def calls_crumb() -> tuple[str, str]:
    return (reverse("grants:calls"), _("Calls for proposals"))
