"""Calls for proposals and their applications: lists, a call's page, and their forms.

Calls are programme-wide and every role reads them; applications are narrowed to the countries
the user may see.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bomca.accounts import access
from bomca.grants.forms import ApplicationForm, CallForm
from bomca.grants.models import Application, CallForProposals
from bomca.grants.selectors import call_applications, call_list
from bomca.grants.services import (
    application_create,
    application_update,
    call_create,
    call_update,
)
from bomca.grants.views.common import (
    calls_crumb,
    form_page,
    require_manager,
    require_viewer,
    saved_message,
)
from bomca.reference.selectors import programme_for_request


def call_list_view(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    programme = programme_for_request(request)
    context = {
        "programme": programme,
        "rows": call_list(programme=programme, user=request.user),
        "may_manage": access.may_manage_grants(request.user),
    }
    return render(request, "grants/call_list.html", context)


def _call(request: HttpRequest, reference: str) -> CallForProposals:
    require_viewer(request)
    return get_object_or_404(
        CallForProposals.objects.select_related("programme"), reference=reference
    )


def call_detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    call = _call(request, reference)
    context = {
        "call": call,
        "programme": call.programme,
        "countries": call.countries.order_by("name_en"),
        "applications": call_applications(call=call, user=request.user),
        "may_manage": access.may_manage_grants(request.user),
    }
    return render(request, "grants/call_detail.html", context)


@require_http_methods(["GET", "POST"])
def call_create_view(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    programme = programme_for_request(request)
    form = CallForm(request.POST or None, programme=programme)
    return form_page(
        request,
        form,
        write=lambda: call_create(
            programme=programme,
            data=form.service_data(),
            countries=form.cleaned_data["countries"],
        ),
        saved=lambda call: _call_saved(request, _("Call %(reference)s opened."), call),
        title=_("Open a call for proposals"),
        breadcrumbs=[calls_crumb()],
        cancel_url=reverse("grants:calls"),
    )


@require_http_methods(["GET", "POST"])
def call_edit_view(request: HttpRequest, reference: str) -> HttpResponse:
    call = _call(request, reference)
    require_manager(request)
    form = CallForm(request.POST or None, instance=call, programme=call.programme)
    return form_page(
        request,
        form,
        write=lambda: call_update(
            call=call,
            data=form.service_data(),
            countries=form.cleaned_data["countries"],
            expected_version=form.expected_version(),
        ),
        saved=lambda call: _call_saved(request, _("Call %(reference)s saved."), call),
        title=_("Edit call %(reference)s") % {"reference": reference},
        breadcrumbs=[calls_crumb(), (_call_url(reference), reference)],
        cancel_url=_call_url(reference),
    )


@require_http_methods(["GET", "POST"])
def application_create_view(request: HttpRequest, reference: str) -> HttpResponse:
    call = _call(request, reference)
    require_manager(request)
    form = ApplicationForm(request.POST or None, call=call)
    return form_page(
        request,
        form,
        write=lambda: application_create(call=call, data=form.service_data()),
        saved=lambda application: _application_saved(
            request, _("Application %(code)s recorded."), application
        ),
        title=_("Record an application to %(reference)s") % {"reference": reference},
        breadcrumbs=[calls_crumb(), (_call_url(reference), reference)],
        cancel_url=_call_url(reference),
    )


@require_http_methods(["GET", "POST"])
def application_edit_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """Change an application, e.g. record its score and the decision on it."""
    require_viewer(request)
    applications = access.by_country_visible_to(
        request.user, Application.objects.select_related("call", "organisation", "country")
    )
    application = get_object_or_404(applications, pk=application_id)
    require_manager(request)
    call = application.call
    form = ApplicationForm(request.POST or None, instance=application, call=call)
    return form_page(
        request,
        form,
        write=lambda: application_update(
            application=application,
            data=form.service_data(),
            expected_version=form.expected_version(),
        ),
        saved=lambda application: _application_saved(
            request, _("Application %(code)s saved."), application
        ),
        title=_("Application %(code)s") % {"code": application.code},
        breadcrumbs=[calls_crumb(), (_call_url(call.reference), call.reference)],
        cancel_url=_call_url(call.reference),
    )


def _call_url(reference: str) -> str:
    return reverse("grants:call_detail", args=[reference])


def _call_saved(request: HttpRequest, message: str, call: CallForProposals) -> HttpResponse:
    return saved_message(
        request, message % {"reference": call.reference}, _call_url(call.reference)
    )


def _application_saved(
    request: HttpRequest, message: str, application: Application
) -> HttpResponse:
    return saved_message(
        request, message % {"code": application.code}, _call_url(application.call.reference)
    )
