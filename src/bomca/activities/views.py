"""Views of the activity register: list, detail, history, create and edit.

Every view asks ``bomca.accounts.access`` what the user may see and change.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.activities.exports import activity_export_header, activity_export_rows
from bomca.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    BaseParticipantCountFormSet,
    participant_count_formset,
)
from bomca.activities.models import Activity
from bomca.activities.selectors import (
    DEFAULT_ORDERING,
    activity_history,
    activity_list,
)
from bomca.activities.services import activity_create, activity_update
from bomca.core.http import HtmxHttpRequest
from bomca.core.records import StaleRecord
from bomca.core.spreadsheets import SPREADSHEET_TYPES, spreadsheet_response
from bomca.reference.selectors import programme_for_request

#: The status of a form page shown again: 422 for errors, 409 when someone else saved the
#: activity since the person opened it.
INVALID, STALE = 422, 409


def activity_list_view(request: HtmxHttpRequest) -> HttpResponse:
    programme = programme_for_request(request)
    form = ActivityFilterForm(request.GET or None, programme=programme)
    ordering = form.ordering() or DEFAULT_ORDERING
    activities = access.activities_visible_to(
        request.user, activity_list(programme=programme, filters=form.filters(), ordering=ordering)
    )
    page = Paginator(activities, form.page_size()).get_page(request.GET.get("page"))
    for activity in page.object_list:
        # An activity mixes people of several countries: shown exactly only to exact viewers.
        activity.participants_shown = access.shown_count(  # type: ignore[attr-defined]
            request.user,
            activity.participants_total,  # type: ignore[attr-defined]
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "ordering": ordering,
        "query": query.urlencode(),
        "may_record": access.may_record_activities(request.user),
    }
    template = "activities/_register.html" if request.htmx else "activities/list.html"
    return render(request, template, context)


def activity_export_view(request: HttpRequest) -> HttpResponseBase:
    """The register as CSV or XLSX: the same filters, sort and access as the page; logged."""
    export_format = request.GET.get("format", "xlsx")
    if export_format not in SPREADSHEET_TYPES:
        raise Http404(_("Unknown export format."))
    programme = programme_for_request(request)
    form = ActivityFilterForm(request.GET or None, programme=programme)
    ordering = form.ordering() or DEFAULT_ORDERING
    activities = access.activities_visible_to(
        request.user, activity_list(programme=programme, filters=form.filters(), ordering=ordering)
    )
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "activities", "format": export_format, "rows": activities.count()},
    )
    return spreadsheet_response(
        file_format=export_format,
        title=_("Activities"),
        header=activity_export_header(),
        rows=activity_export_rows(user=request.user, activities=activities),
        filename=f"{programme.code}-activities-{timezone.localdate():%Y%m%d}.{export_format}",
    )


def _visible_activity(request: HttpRequest, code: str) -> Activity:
    """The activity with ``code`` if the user may see it; 404 otherwise, never a hint."""
    activities = Activity.objects.select_related(
        "programme", "component", "host_country", "abroad_country", "trainer_country"
    )
    return get_object_or_404(access.activities_visible_to(request.user, activities), code=code)


def activity_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    activity = _visible_activity(request, code)
    rows = list(activity.participant_counts.select_related("country", "organisation"))
    user = request.user
    shown = [
        {
            "row": row,
            "female": access.shown_count(user, row.female, country=row.country_id),
            "male": access.shown_count(user, row.male, country=row.country_id),
            "unrecorded": access.shown_count(user, row.unrecorded, country=row.country_id),
            "total": access.shown_count(user, row.total, country=row.country_id),
        }
        for row in rows
    ]
    totals = {
        sex: access.shown_count(user, sum(getattr(row, sex) for row in rows))
        for sex in ("female", "male", "unrecorded", "total")
    }
    context = {
        "activity": activity,
        "participant_counts": shown,
        "participant_totals": totals,
        "programme": activity.programme,
        "organisations": activity.beneficiary_organisations.all(),
        "co_organisers": activity.co_organisers.all(),
        "may_change": access.may_change_activity(user, activity),
        "may_view_history": access.may_view_history(user),
        **_attendance_context(user, activity),
    }
    return render(request, "activities/detail.html", context)


def _attendance_context(user: access.AnyUser, activity: Activity) -> dict[str, object]:
    """The named attendance the user may see, how many are hidden, and the training results."""
    from bomca.people.models import Attendance
    from bomca.people.selectors import training_results

    attendances = Attendance.objects.filter(activity=activity)
    total = attendances.count()
    visible = access.with_participant_visible_to(user, attendances).select_related(
        "participant__country", "participant__organisation"
    )
    shown = list(visible.order_by("role", "participant__full_name")) if total else []
    return {
        "attendance": shown,
        "attendance_total": total,
        "attendance_hidden": total - len(shown),
        "results": training_results(attendances) if total else None,
        "may_import": access.may_import_participants(user, activity),
        "may_see_personal": access.may_see_personal_data(user),
    }


def activity_history_view(request: HttpRequest, code: str) -> HttpResponse:
    activity = _visible_activity(request, code)
    if not access.may_view_history(request.user):
        raise PermissionDenied
    context = {
        "activity": activity,
        "programme": activity.programme,
        "entries": activity_history(
            activity=activity, with_counts=not access.counts_rounded_for(request.user)
        ),
        "show_addresses": access.may_view_audit_log(request.user),
    }
    return render(request, "activities/history.html", context)


@require_http_methods(["GET", "POST"])
def activity_create_view(request: HttpRequest) -> HttpResponse:
    if not access.may_record_activities(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    form = ActivityForm(request.POST or None, programme=programme, user=request.user)
    formset = participant_count_formset(
        request.POST or None, activity=form.instance, programme=programme
    )
    if request.method == "POST":
        refused = _save(request, form, formset, activity=None)
        if refused is None:
            code = form.instance.code
            messages.success(request, _("Activity %(code)s recorded.") % {"code": code})
            return redirect("activities:detail", code=code)
        return _render_form(request, form, formset, activity=None, status=refused)
    return _render_form(request, form, formset, activity=None)


@require_http_methods(["GET", "POST"])
def activity_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    activity = _visible_activity(request, code)
    if not access.may_change_activity(request.user, activity):
        raise PermissionDenied
    form = ActivityForm(
        request.POST or None, instance=activity, programme=activity.programme, user=request.user
    )
    # With an attendance list, the counts come from the list and are not typed in.
    formset = (
        None
        if activity.attendances.exists()
        else participant_count_formset(
            request.POST or None, activity=activity, programme=activity.programme
        )
    )
    if request.method == "POST":
        refused = _save(request, form, formset, activity=activity)
        if refused is None:
            messages.success(request, _("Activity %(code)s saved.") % {"code": activity.code})
            return redirect("activities:detail", code=activity.code)
        return _render_form(request, form, formset, activity=activity, status=refused)
    return _render_form(request, form, formset, activity=activity)


def _save(
    request: HttpRequest,
    form: ActivityForm,
    formset: BaseParticipantCountFormSet | None,
    *,
    activity: Activity | None,
) -> int | None:
    """Validate both forms and call the service: None when saved, else the status of the page
    that shows the forms again with the errors on them (nothing is half-saved)."""
    if not (form.is_valid() and (formset is None or formset.is_valid())):
        return INVALID
    if not access.may_change_activity(request.user, form.instance):
        form.add_error(None, _("You may record activities only in your components or countries."))
        return INVALID
    try:
        counts = formset.rows() if formset is not None else None
        if activity is None:
            saved = activity_create(
                programme=form.instance.programme,
                data=form.service_data(),
                participant_counts=counts or [],
            )
        else:
            saved = activity_update(
                activity=activity,
                data=form.service_data(),
                participant_counts=counts,
                expected_version=form.expected_version(),
            )
    except StaleRecord as error:
        form.add_error(None, error.message)
        return STALE
    except ValidationError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        elif formset is not None:
            formset.add_non_form_errors(error.messages)
        else:
            form.add_error(None, error.messages)
        return INVALID
    form.instance = saved
    return None


def _render_form(
    request: HttpRequest,
    form: ActivityForm,
    formset: BaseParticipantCountFormSet | None,
    *,
    activity: Activity | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "formset": formset,
        "activity": activity,
        "programme": form.instance.programme,
        "stale": status == STALE,
        "may_view_history": access.may_view_history(request.user),
    }
    return render(request, "activities/form.html", context, status=status)
