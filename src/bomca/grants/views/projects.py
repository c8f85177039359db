"""Grant projects: the list with its totals and export, a project's page, contracting a
selected application, changing the contract and moving the project's status."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind, User
from bomca.accounts.services import audit_event_record
from bomca.core.http import HtmxHttpRequest
from bomca.core.money import totals_by_currency
from bomca.core.spreadsheets import SPREADSHEET_TYPES, spreadsheet_response
from bomca.grants.exports import project_export_header, project_export_rows
from bomca.grants.forms import MoveForm, ProjectFilterForm, ProjectForm
from bomca.grants.models import (
    VULNERABLE_GROUPS,
    Application,
    GrantProject,
    ProjectStatus,
    ReportKind,
)
from bomca.grants.selectors import (
    project_totals,
    project_with_follow_up,
    projects_for_list,
    projects_matching,
)
from bomca.grants.services import (
    allowed_transitions,
    project_contract,
    project_move,
    project_update,
)
from bomca.grants.views.common import (
    calls_crumb,
    form_page,
    project_crumb,
    projects_crumb,
    require_manager,
    require_viewer,
    saved_message,
    visible_project,
)
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request

PAGE_SIZE = 25


def _listed(
    request: HttpRequest,
) -> tuple[Programme, ProjectFilterForm, QuerySet[GrantProject]]:
    """The programme, the filter form and the projects the user may see that match it."""
    require_viewer(request)
    programme = programme_for_request(request)
    form = ProjectFilterForm(request.GET or None, programme=programme)
    projects = access.by_country_visible_to(
        request.user,
        projects_matching(programme=programme, filters=form.filters()),
        field="application__country",
    )
    return programme, form, projects


def project_list_view(request: HtmxHttpRequest) -> HttpResponse:
    programme, form, projects = _listed(request)
    page = Paginator(projects_for_list(projects), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "totals": project_totals(projects),
        "query": query.urlencode(),
    }
    template = "grants/_projects.html" if request.htmx else "grants/project_list.html"
    return render(request, template, context)


def project_export_view(request: HttpRequest) -> HttpResponseBase:
    """The list as CSV or XLSX: the same filters and access as the page; logged."""
    export_format = request.GET.get("format", "xlsx")
    if export_format not in SPREADSHEET_TYPES:
        raise Http404(_("Unknown export format."))
    programme, _form, projects = _listed(request)
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "grant projects", "format": export_format, "rows": projects.count()},
    )
    return spreadsheet_response(
        file_format=export_format,
        title=_("Grant projects"),
        header=project_export_header(),
        rows=project_export_rows(projects),
        filename=f"{programme.code}-grant-projects-{timezone.localdate():%Y%m%d}.{export_format}",
    )


def project_detail_view(request: HttpRequest, contract_number: str) -> HttpResponse:
    visible = visible_project(request, contract_number)
    project = project_with_follow_up(GrantProject.objects.all(), pk=visible.pk)
    payments = list(project.payments.all())
    paid = totals_by_currency((payment.currency, payment.amount) for payment in payments)
    today = timezone.localdate()
    reports = list(project.reports.all())
    country = project.application.country_id
    for report in reports:
        report.late = report.days_late(today)  # type: ignore[attr-defined]
        # Counts of people as this reader may see them: outside their reach a "1 victim of
        # trafficking" reads "<5", as on the dashboard.
        reached = getattr(report, "people_reached", None)
        report.shown = (  # type: ignore[attr-defined]
            {
                name: access.shown_count(request.user, getattr(reached, name), country=country)
                for name in ("women", "men", *VULNERABLE_GROUPS)
            }
            if reached is not None
            else None
        )
    context = {
        "project": project,
        "application": project.application,
        "programme": project.application.call.programme,
        "reports": reports,
        "payments": payments,
        "paid": paid.get(project.currency),
        "remaining": project.amount - paid.get(project.currency, 0),
        "steps": list(project.status_changes.all()),
        "has_final_report": any(report.kind == ReportKind.FINAL for report in reports),
        "may_manage": access.may_manage_grants(request.user),
        "may_move": bool(allowed_transitions(project.status)),
        "may_view_history": access.may_view_history(request.user),
    }
    return render(request, "grants/project_detail.html", context)


@require_http_methods(["GET", "POST"])
def project_create_view(request: HttpRequest, application_id: int) -> HttpResponse:
    """Contract a selected application."""
    require_viewer(request)
    applications = access.by_country_visible_to(
        request.user, Application.objects.select_related("call", "organisation", "country")
    )
    application = get_object_or_404(applications, pk=application_id)
    require_manager(request)
    form = ProjectForm(request.POST or None, application=application)
    call_url = reverse("grants:call_detail", args=[application.call.reference])
    return form_page(
        request,
        form,
        write=lambda: project_contract(
            application=application,
            data=form.service_data(),
            contracted_on=form.cleaned_data["contracted_on"],
            by=_person(request),
            note=form.cleaned_data["note"],
        ),
        saved=lambda project: _saved(request, _("Project %(contract)s contracted."), project),
        title=_("Contract application %(code)s") % {"code": application.code},
        lead=f"{application.organisation.name} · {application.title}",
        breadcrumbs=[calls_crumb(), (call_url, application.call.reference)],
        cancel_url=call_url,
    )


@require_http_methods(["GET", "POST"])
def project_edit_view(request: HttpRequest, contract_number: str) -> HttpResponse:
    project = visible_project(request, contract_number)
    require_manager(request)
    form = ProjectForm(request.POST or None, instance=project)
    return form_page(
        request,
        form,
        write=lambda: project_update(
            project=project, data=form.service_data(), expected_version=form.expected_version()
        ),
        saved=lambda project: _saved(request, _("Project %(contract)s saved."), project),
        title=_("Edit the contract of %(contract)s") % {"contract": contract_number},
        breadcrumbs=[projects_crumb(), (_detail_url(contract_number), contract_number)],
        cancel_url=_detail_url(contract_number),
    )


@require_http_methods(["GET", "POST"])
def project_move_view(request: HttpRequest, contract_number: str) -> HttpResponse:
    """One status step; only the allowed ones are offered, any other is refused with why."""
    project = visible_project(request, contract_number)
    require_manager(request)
    status = project.status  # a refused step may have changed the copy in memory
    form = MoveForm(request.POST or None, project=project)
    return form_page(
        request,
        form,
        write=lambda: project_move(
            project=project,
            to_status=form.cleaned_data["to_status"],
            on=form.cleaned_data["date"],
            by=_person(request),
            note=form.cleaned_data["note"],
            expected_version=form.expected_version(),
        ),
        saved=lambda project: _saved(request, _("Project %(contract)s moved."), project),
        title=_("Change the status of %(contract)s") % {"contract": contract_number},
        lead=_("Now “%(status)s”.") % {"status": ProjectStatus(status).label},
        breadcrumbs=[projects_crumb(), project_crumb(project)],
        cancel_url=_detail_url(contract_number),
        extra={"no_steps": not allowed_transitions(status)},
    )


def _detail_url(contract_number: str) -> str:
    return reverse("grants:detail", args=[contract_number])


def _person(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _saved(request: HttpRequest, message: str, project: GrantProject) -> HttpResponse:
    return saved_message(
        request,
        message % {"contract": project.contract_number},
        _detail_url(project.contract_number),
    )
