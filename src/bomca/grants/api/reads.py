"""Reads of grant projects: the list with the web list's filters and scope, one project with
its payments, reports and people reached (no file downloads), and the reports, each with the
``ETag`` of its version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from bomca.accounts import access
from bomca.api.concurrency import etag
from bomca.api.pagination import Page, PageQuery, page_of
from bomca.api.responses import json_response, step_rows
from bomca.core.errors import ApplicationError
from bomca.core.money import totals_by_currency
from bomca.core.numbers import cents
from bomca.grants.forms import ProjectFilterForm
from bomca.grants.models import VULNERABLE_GROUPS, GrantProject, PeopleReached, Report
from bomca.grants.selectors import (
    ProjectFilters,
    project_with_follow_up,
    projects_for_list,
    projects_matching,
)
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request

#: The one router of the grants API; ``writes`` adds its operations to it.
router = Router(tags=["grants"])

#: The kinds of record an ``ETag`` names: ``"grant-project-<contract number>-v<version>"``,
#: ``"grant-report-<id>-v<version>"`` and ``"grant-people-reached-<report id>-v<version>"``.
PROJECT, REPORT, PEOPLE_REACHED = "grant-project", "grant-report", "grant-people-reached"

#: Columns a list row gives as they are stored.
PLAIN_FIELDS = ("contract_number", "amount", "currency", "start_date", "end_date", "status")
#: The columns of a list row, read with ``.values()``; ``paid`` is summed in the same query.
LIST_FIELDS = (
    *PLAIN_FIELDS,
    "application__call__reference",
    "application__number",
    "application__title_en",
    "application__title_ru",
    "application__organisation__code",
    "application__organisation__name_en",
    "application__country__code",
    "paid",
)
#: The people a report counts, by sex and "of whom" groups.
PEOPLE = ("women", "men", *VULNERABLE_GROUPS)


class ProjectOut(Schema):
    contract_number: str
    call: str
    #: The application the project contracts, as the call's pages name it (e.g. CfP-1/03).
    application: str
    title_en: str
    title_ru: str
    organisation: str
    organisation_name: str
    country: str
    amount: Decimal
    currency: str
    start_date: date
    end_date: date
    status: str
    #: Paid so far, in the contract's currency.
    paid: Decimal


class PaymentOut(Schema):
    kind: str
    paid_on: date
    amount: Decimal
    currency: str
    note: str


class PeopleReachedOut(Schema):
    """Counts of people as the caller may see them: rounded to 5 outside their countries,
    null for "fewer than 5" (0 stays 0)."""

    women: int | None
    men: int | None
    children: int | None
    trafficking_victims: int | None
    with_disabilities: int | None


class ReportOut(Schema):
    id: int
    #: The version the report's ``ETag`` names.
    version: int
    kind: str
    due_date: date
    received_on: date | None
    days_late: int
    note: str
    #: Null until the people reached are recorded.
    people_reached: PeopleReachedOut | None
    #: The version the people reached's ``ETag`` names; null until they are recorded.
    people_reached_version: int | None


class StepOut(Schema):
    from_status: str
    to_status: str
    date: date
    note: str
    #: Who made the step: only for roles that may see who changed what (never donors);
    #: null otherwise, and for a step made by the system or a data load.
    by: str | None


class ReportDetailOut(ReportOut):
    #: The project's contract number.
    project: str


class ProjectDetailOut(ProjectOut):
    #: The version the project's ``ETag`` names.
    version: int
    programme: str
    duration_months: int
    remaining: Decimal
    payments: list[PaymentOut]
    reports: list[ReportOut]
    steps: list[StepOut]


class ReportFilterQuery(Schema):
    programme: str | None = None
    project: str = ""


class ProjectFilterQuery(Schema):
    programme: str | None = None
    text: str = ""
    call: str = ""
    country: str = ""
    status: str = ""


def _filters(query: ProjectFilterQuery, programme: Programme) -> ProjectFilters:
    """The web list's form checks the values: a wrong one is refused with its field named."""
    data = {name: value for name, value in query.model_dump(exclude={"programme"}).items() if value}
    form = ProjectFilterForm(data, programme=programme)
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        raise ApplicationError(str(messages[0]), field=name)
    return form.filters()


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in PLAIN_FIELDS},
        "call": row["application__call__reference"],
        "application": f"{row['application__call__reference']}/{row['application__number']:02d}",
        "title_en": row["application__title_en"],
        "title_ru": row["application__title_ru"],
        "organisation": row["application__organisation__code"],
        "organisation_name": row["application__organisation__name_en"],
        "country": row["application__country__code"],
        "paid": cents(row["paid"]),
    }


@router.get("", response=Page[ProjectOut], summary="Grant projects")
def project_list_endpoint(
    request: HttpRequest, filters: Query[ProjectFilterQuery], paging: Query[PageQuery]
) -> HttpResponse:
    """The grant projects the caller may see (national coordinators: their countries),
    filtered like the web list, by contract number, a page at a time; two queries whatever the
    page size."""
    if not access.may_view_grants(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    projects = access.by_country_visible_to(
        request.user,
        projects_matching(programme=programme, filters=_filters(filters, programme)),
        field="application__country",
    )
    envelope, rows = page_of(request, projects_for_list(projects), paging, fields=LIST_FIELDS)
    return json_response({**envelope, "results": [_row(row) for row in rows]})


@router.get("/reports", response=Page[ReportDetailOut], summary="Reports of grant projects")
def report_list_endpoint(
    request: HttpRequest, filters: Query[ReportFilterQuery], paging: Query[PageQuery]
) -> HttpResponse:
    """The reports of the projects the caller may see (``project``: of one project), by
    project and due date, each with its ``id`` and ``version``; three queries whatever the page
    size."""
    if not access.may_view_grants(request.user):
        raise PermissionDenied
    reports = _visible_reports(request).filter(
        project__application__call__programme=programme_for_request(request)
    )
    if filters.project:
        reports = reports.filter(project__contract_number=filters.project)
    reports = reports.order_by("project__contract_number", "due_date", "pk")
    envelope, rows = page_of(request, reports, paging, fields=("pk",))
    found = reports.in_bulk([row["pk"] for row in rows])
    results = [_report_detail(request, found[row["pk"]]) for row in rows]
    return json_response({**envelope, "results": results})


@router.get("/reports/{id}", response=ReportDetailOut, summary="One report of a grant project")
def report_detail_endpoint(request: HttpRequest, id: int) -> HttpResponse:
    """One report of a project the caller may see (404 otherwise), with its ``ETag``: a change
    (``PATCH``) sends it back in ``If-Match``."""
    return report_response(request, id)


@router.get("/{contract_number}", response=ProjectDetailOut, summary="One grant project")
def project_detail_endpoint(request: HttpRequest, contract_number: str) -> HttpResponse:
    """One project the caller may see (404 otherwise: no hint that it exists) with its
    payments, reports and the people each report counts, as the project's page shows them, and
    the ``ETag`` of its version."""
    return project_response(request, contract_number)


def project_response(
    request: HttpRequest, contract_number: str, *, status: int = 200
) -> HttpResponse:
    """The project as the caller may see it, with its ``ETag``; 404 outside their scope."""
    visible = access.by_country_visible_to(
        request.user, GrantProject.objects.all(), field="application__country"
    )
    try:
        project = project_with_follow_up(visible, contract_number=contract_number)
    except GrantProject.DoesNotExist:
        raise Http404 from None
    application = project.application
    payments = list(project.payments.all())
    paid = cents(
        totals_by_currency((payment.currency, payment.amount) for payment in payments).get(
            project.currency, Decimal(0)
        )
    )
    data = {
        **{name: getattr(project, name) for name in PLAIN_FIELDS},
        "version": project.version,
        "programme": application.call.programme.code,
        "call": application.call.reference,
        "application": application.code,
        "title_en": application.title_en,
        "title_ru": application.title_ru,
        "organisation": application.organisation.code,
        "organisation_name": application.organisation.name_en,
        "country": application.country.code,
        "duration_months": project.duration_months,
        "paid": paid,
        "remaining": cents(project.amount - paid),
        "payments": [
            {name: getattr(payment, name) for name in PaymentOut.model_fields}
            for payment in payments
        ],
        "reports": [
            _report(request, report, country=application.country_id)
            for report in project.reports.all()
        ],
        "steps": _steps(request, project),
    }
    tag = etag(PROJECT, contract_number, project.version)
    return json_response(data, status=status, etag=tag)


def report_response(request: HttpRequest, report_id: int, *, status: int = 200) -> HttpResponse:
    """The report as the caller may see it, with its ``ETag``; 404 outside their scope."""
    report = _visible_reports(request).filter(pk=report_id).first()
    if report is None:
        raise Http404
    tag = etag(REPORT, str(report.pk), report.version)
    return json_response(_report_detail(request, report), status=status, etag=tag)


def people_reached_response(
    request: HttpRequest, reached: PeopleReached, *, country: int, status: int = 200
) -> HttpResponse:
    """The people a report reached, counted as the caller may see them in the project's
    ``country``, with their ``ETag``."""
    tag = etag(PEOPLE_REACHED, str(reached.report_id), reached.version)
    return json_response(_people(request, reached, country=country), status=status, etag=tag)


def _visible_reports(request: HttpRequest) -> QuerySet[Report]:
    reports = Report.objects.select_related("project__application", "people_reached")
    return access.by_country_visible_to(
        request.user, reports, field="project__application__country"
    )


def _report_detail(request: HttpRequest, report: Report) -> dict[str, Any]:
    """A report on its own: with its project's contract number."""
    project = report.project
    return {
        **_report(request, report, country=project.application.country_id),
        "project": project.contract_number,
    }


def _report(request: HttpRequest, report: Report, *, country: int) -> dict[str, Any]:
    """A report with its people reached as the caller may see them: outside their reach a
    "1 victim of trafficking" is "fewer than 5" (null), as on the project's page."""
    reached = getattr(report, "people_reached", None)
    return {
        **{name: getattr(report, name) for name in ("id", "version", "kind", "due_date")},
        "received_on": report.received_on,
        "note": report.note,
        "days_late": report.days_late(timezone.localdate()),
        "people_reached": None,
        "people_reached_version": None,
        **(
            {
                "people_reached": _people(request, reached, country=country),
                "people_reached_version": reached.version,
            }
            if reached is not None
            else {}
        ),
    }


def _people(request: HttpRequest, reached: PeopleReached, *, country: int) -> dict[str, Any]:
    return {
        name: access.shown_count(request.user, getattr(reached, name), country=country)
        for name in PEOPLE
    }


def _steps(request: HttpRequest, project: GrantProject) -> list[dict[str, Any]]:
    sees_who = access.may_view_history(request.user)
    return step_rows(project.status_changes.all(), sees_who=sees_who, by="changed_by")
