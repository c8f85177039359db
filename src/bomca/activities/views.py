"""Views of the activity register: list, detail, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bomca.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    BaseParticipantCountFormSet,
    participant_count_formset,
)
from bomca.activities.models import Activity
from bomca.activities.selectors import DEFAULT_ORDERING, activity_list
from bomca.activities.services import activity_create, activity_update
from bomca.core.http import HtmxHttpRequest
from bomca.reference.selectors import programme_for_request

PAGE_SIZE = 25


def activity_list_view(request: HtmxHttpRequest) -> HttpResponse:
    programme = programme_for_request(request)
    form = ActivityFilterForm(request.GET or None, programme=programme)
    filters = form.filters()
    ordering = form.ordering() or DEFAULT_ORDERING
    activities = activity_list(programme=programme, filters=filters, ordering=ordering)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "ordering": ordering,
        "query": query.urlencode(),
    }
    template = "activities/_register.html" if request.htmx else "activities/list.html"
    return render(request, template, context)


def activity_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.select_related(
            "programme", "component", "host_country", "abroad_country", "trainer_country"
        ).prefetch_related("beneficiary_organisations", "co_organisers"),
        code=code,
    )
    counts = list(activity.participant_counts.select_related("country", "organisation"))
    totals = {
        "female": sum(row.female for row in counts),
        "male": sum(row.male for row in counts),
        "unrecorded": sum(row.unrecorded for row in counts),
        "total": sum(row.total for row in counts),
    }
    context = {
        "activity": activity,
        "participant_counts": counts,
        "participant_totals": totals,
        "programme": activity.programme,
    }
    return render(request, "activities/detail.html", context)


@require_http_methods(["GET", "POST"])
def activity_create_view(request: HttpRequest) -> HttpResponse:
    programme = programme_for_request(request)
    form = ActivityForm(request.POST or None, programme=programme)
    formset = participant_count_formset(
        request.POST or None, activity=form.instance, programme=programme
    )
    if request.method == "POST" and _save(form, formset, activity=None):
        messages.success(request, _("Activity %(code)s recorded.") % {"code": form.instance.code})
        return redirect("activities:detail", code=form.instance.code)
    return _render_form(request, form, formset, activity=None)


@require_http_methods(["GET", "POST"])
def activity_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("programme"), code=code)
    form = ActivityForm(request.POST or None, instance=activity, programme=activity.programme)
    formset = participant_count_formset(
        request.POST or None, activity=activity, programme=activity.programme
    )
    if request.method == "POST" and _save(form, formset, activity=activity):
        messages.success(request, _("Activity %(code)s saved.") % {"code": activity.code})
        return redirect("activities:detail", code=activity.code)
    return _render_form(request, form, formset, activity=activity)


def _save(
    form: ActivityForm, formset: BaseParticipantCountFormSet, *, activity: Activity | None
) -> bool:
    """Validate both forms and call the service; errors land on the forms, nothing half-saved."""
    if not (form.is_valid() and formset.is_valid()):
        return False
    try:
        if activity is None:
            saved = activity_create(
                programme=form.instance.programme,
                data=form.service_data(),
                participant_counts=formset.rows(),
            )
        else:
            saved = activity_update(
                activity=activity, data=form.service_data(), participant_counts=formset.rows()
            )
    except ValidationError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        else:
            formset.add_non_form_errors(error.messages)
        return False
    form.instance = saved
    return True


def _render_form(
    request: HttpRequest,
    form: ActivityForm,
    formset: BaseParticipantCountFormSet,
    *,
    activity: Activity | None,
) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    context = {
        "form": form,
        "formset": formset,
        "activity": activity,
        "programme": form.instance.programme,
    }
    return render(request, "activities/form.html", context, status=status)
