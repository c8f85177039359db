"""Grant projects through the API: the list with the web list's filters and scope, and one
project with its payments, reports and people reached (no file downloads)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from bomca.accounts import access
from bomca.api.pagination import Page, PageQuery, page_of
from bomca.api.responses import json_response
from bomca.core.errors import ApplicationError
from bomca.core.money import totals_by_currency
from bomca.grants.forms import ProjectFilterForm
from bomca.grants.models import VULNERABLE_GROUPS, GrantProject
from bomca.grants.selectors import (
    ProjectFilters,
    project_with_follow_up,
    projects_for_list,
    projects_matching,
)
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request

router = Router(tags=["grants"])

CENT = Decimal("0.01")

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
    kind: str
    due_date: date
    received_on: date | None
    days_late: int
    note: str
    #: Null until the people reached are recorded.
    people_reached: PeopleReachedOut | None


class StepOut(Schema):
    from_status: str
    to_status: str
    date: date
    note: str
    #: Who made the step: only for roles that may see who changed what (never donors);
    #: null otherwise, and for a step made by the system or a data load.
    by: str | None


class ProjectDetailOut(ProjectOut):
    programme: str
    duration_months: int
    remaining: Decimal
    payments: list[PaymentOut]
    reports: list[ReportOut]
    steps: list[StepOut]


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
        # Summed by the database: to the cent on every one (SQLite drops trailing zeros).
        "paid": Decimal(row["paid"]).quantize(CENT),
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


@router.get("/{contract_number}", response=ProjectDetailOut, summary="One grant project")
def project_detail_endpoint(request: HttpRequest, contract_number: str) -> dict[str, Any]:
    """One project the caller may see (404 otherwise: no hint that it exists) with its
    payments, reports and the people each report counts, as the project's page shows them."""
    visible = access.by_country_visible_to(
        request.user, GrantProject.objects.all(), field="application__country"
    )
    try:
        project = project_with_follow_up(visible, contract_number=contract_number)
    except GrantProject.DoesNotExist:
        raise Http404 from None
    application = project.application
    payments = list(project.payments.all())
    paid = totals_by_currency((payment.currency, payment.amount) for payment in payments).get(
        project.currency, Decimal(0)
    )
    return {
        **{name: getattr(project, name) for name in PLAIN_FIELDS},
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
        "remaining": project.amount - paid,
        "payments": [
            {name: getattr(payment, name) for name in PaymentOut.model_fields}
            for payment in payments
        ],
        "reports": _reports(request, project),
        "steps": _steps(request, project),
    }


def _reports(request: HttpRequest, project: GrantProject) -> list[dict[str, Any]]:
    """The reports with their people reached as the caller may see them: outside their reach
    a "1 victim of trafficking" is "fewer than 5" (null), as on the project's page."""
    today = timezone.localdate()
    country = project.application.country_id
    rows = []
    for report in project.reports.all():
        reached = getattr(report, "people_reached", None)
        rows.append(
            {
                **{name: getattr(report, name) for name in ("kind", "due_date", "received_on")},
                "note": report.note,
                "days_late": report.days_late(today),
                "people_reached": {
                    name: access.shown_count(request.user, getattr(reached, name), country=country)
                    for name in PEOPLE
                }
                if reached is not None
                else None,
            }
        )
    return rows


def _steps(request: HttpRequest, project: GrantProject) -> list[dict[str, Any]]:
    # Who moved a project is staff information: donors do not see it (as on the page).
    sees_who = access.may_view_history(request.user)
    return [
        {
            "from_status": step.from_status,
            "to_status": step.to_status,
            "date": step.date,
            "note": step.note,
            "by": (step.changed_by.get_full_name() or step.changed_by.get_username())
            if sees_who and step.changed_by
            else None,
        }
        for step in project.status_changes.all()
    ]
