"""What follows a contract, each recorded from the project's page: reports, payments and the
people a received report says the project reached."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bomca.accounts import access
from bomca.grants.forms import PaymentForm, PeopleReachedForm, ReportForm
from bomca.grants.models import GrantProject, PeopleReached, Report
from bomca.grants.services import (
    payment_record,
    people_reached_record,
    report_create,
    report_update,
)
from bomca.grants.views.common import (
    form_page,
    project_crumb,
    projects_crumb,
    require_manager,
    require_viewer,
    saved_message,
    visible_project,
)


def _visible_report(request: HttpRequest, report_id: int) -> Report:
    require_viewer(request)
    reports = access.by_country_visible_to(
        request.user,
        Report.objects.select_related("project__application__call"),
        field="project__application__country",
    )
    return get_object_or_404(reports, pk=report_id)


def _back(request: HttpRequest, message: str, project: GrantProject) -> HttpResponse:
    return saved_message(request, message, project_crumb(project)[0])


@require_http_methods(["GET", "POST"])
def report_create_view(request: HttpRequest, contract_number: str) -> HttpResponse:
    project = visible_project(request, contract_number)
    require_manager(request)
    form = ReportForm(request.POST or None, project=project)
    return form_page(
        request,
        form,
        write=lambda: report_create(project=project, data=form.service_data()),
        saved=lambda report: _back(request, _("Report scheduled."), project),
        title=_("Schedule a report of %(contract)s") % {"contract": contract_number},
        breadcrumbs=[projects_crumb(), project_crumb(project)],
        cancel_url=project_crumb(project)[0],
    )


@require_http_methods(["GET", "POST"])
def report_edit_view(request: HttpRequest, report_id: int) -> HttpResponse:
    """Change a report's dates or note, e.g. record that it came in."""
    report = _visible_report(request, report_id)
    require_manager(request)
    project = report.project
    form = ReportForm(request.POST or None, instance=report, project=project)
    return form_page(
        request,
        form,
        write=lambda: report_update(
            report=report, data=form.service_data(), expected_version=form.expected_version()
        ),
        saved=lambda report: _back(request, _("Report saved."), project),
        title=_("%(report)s of %(contract)s")
        % {"report": report.get_kind_display(), "contract": project.contract_number},
        breadcrumbs=[projects_crumb(), project_crumb(project)],
        cancel_url=project_crumb(project)[0],
    )


@require_http_methods(["GET", "POST"])
def payment_create_view(request: HttpRequest, contract_number: str) -> HttpResponse:
    project = visible_project(request, contract_number)
    require_manager(request)
    form = PaymentForm(request.POST or None, project=project)
    return form_page(
        request,
        form,
        write=lambda: payment_record(project=project, **form.cleaned_data),
        saved=lambda payment: _back(request, _("Payment recorded."), project),
        title=_("Record a payment to %(contract)s") % {"contract": contract_number},
        breadcrumbs=[projects_crumb(), project_crumb(project)],
        cancel_url=project_crumb(project)[0],
    )


@require_http_methods(["GET", "POST"])
def people_reached_view(request: HttpRequest, report_id: int) -> HttpResponse:
    """The people a received report says the project reached, by sex and vulnerable group."""
    report = _visible_report(request, report_id)
    require_manager(request)
    project = report.project
    existing = PeopleReached.objects.filter(report=report).first()
    form = PeopleReachedForm(request.POST or None, instance=existing, report=report)
    return form_page(
        request,
        form,
        write=lambda: people_reached_record(
            report=report, counts=form.service_data(), expected_version=form.expected_version()
        ),
        saved=lambda people: _back(request, _("People reached saved."), project),
        title=_("People reached: %(report)s of %(contract)s")
        % {"report": report.get_kind_display(), "contract": project.contract_number},
        lead=_(
            "Count the people reached in the period this report covers. Children, victims of "
            "trafficking and people with disabilities are counted among the women and men."
        ),
        breadcrumbs=[projects_crumb(), project_crumb(project)],
        cancel_url=project_crumb(project)[0],
    )
