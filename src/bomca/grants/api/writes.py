"""Writes of what follows a contract: reports, payments and the people reached, through the
same forms, access rules and services as the project's pages, with the version check of
``If-Match`` where the page's form carries the record's version.

A new report and a payment take no ``If-Match``: their pages' forms carry no version of the
project, since neither changes the project's row. A new report is a row of its own (the
database keeps one final report a project); a payment locks the project's row while it checks
the total paid against the contracted amount, so two payments at once cannot both pass it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header

from bomca.accounts import access
from bomca.api.concurrency import required_version, stale_names_if_match
from bomca.api.schemas import StrictSchema, form_data, form_valid
from bomca.core.models import VersionedModel
from bomca.core.records import StaleRecord
from bomca.grants.api.reads import (
    PEOPLE_REACHED,
    REPORT,
    PeopleReachedOut,
    ProjectDetailOut,
    ReportDetailOut,
    people_reached_response,
    project_response,
    report_response,
    router,
)
from bomca.grants.forms import PaymentForm, PeopleReachedForm, ReportForm
from bomca.grants.models import GrantProject, PaymentKind, PeopleReached, Report, ReportKind
from bomca.grants.services import (
    REPORT_FIELDS,
    payment_record,
    people_reached_record,
    report_create,
    report_update,
)

M = TypeVar("M", bound=VersionedModel)


class ReportNew(StrictSchema):
    """A report the NGO owes: the fields of the project page's form."""

    kind: ReportKind
    due_date: date
    received_on: date | None = Field(None, description="The day it came in; null until then.")
    note: str = ""


class ReportChange(StrictSchema):
    """A change of a report: the fields given change, the others keep their values."""

    kind: ReportKind | None = None
    due_date: date | None = None
    received_on: date | None = Field(None, description="The day it came in; null: not yet.")
    note: str | None = None


class PaymentNew(StrictSchema):
    kind: PaymentKind
    paid_on: date
    amount: Decimal = Field(description="In the contract's currency, to the cent.")
    note: str = ""


class PeopleReachedIn(StrictSchema):
    """Every count of the people a received report says the project reached: the children,
    victims of trafficking and people with disabilities are among the women and men."""

    women: int
    men: int
    children: int
    trafficking_victims: int
    with_disabilities: int


_IF_MATCH = "The ETag of the {} as read, e.g. {}."


@router.post(
    "/{contract_number}/reports",
    response={201: ReportDetailOut},
    summary="Schedule a report of a grant project",
)
def report_create_endpoint(
    request: HttpRequest, contract_number: str, payload: ReportNew
) -> HttpResponse:
    """Schedule a report the NGO owes (and, if it is in, when it came) as the project's page
    does (the same roles, checks and messages): 201 with the report, its ``ETag`` and its
    ``Location``."""
    project = _managed_project(request, contract_number)
    form = ReportForm(form_data(payload.dict()), project=project)
    form_valid(form)
    report = report_create(project=project, data=form.service_data())
    response = report_response(request, report.pk, status=201)
    response["Location"] = reverse("api:report_detail_endpoint", kwargs={"id": report.pk})
    return response


@router.patch("/reports/{id}", response=ReportDetailOut, summary="Change a report")
def report_change_endpoint(
    request: HttpRequest,
    id: int,
    payload: ReportChange,
    if_match: str | None = Header(
        None, alias="If-Match", description=_IF_MATCH.format("report", '"grant-report-12-v3"')
    ),
) -> HttpResponse:
    """Change the fields given, e.g. record that the report came in, as the report's page
    does. Needs ``If-Match``: 428 without it; 412, and nothing changed, when someone changed
    the report since the version it names."""
    report = _managed_report(request, id)
    read = required_version(if_match, kind=REPORT, key=str(id), noun=_("the report"))
    # The precondition first: a change made from an old copy is refused whatever it says.
    _check_current(report, read, noun=_("the report"))
    current = {name: getattr(report, name) for name in REPORT_FIELDS}
    form = ReportForm(
        form_data({**current, **payload.dict(exclude_unset=True)}),
        instance=report,
        project=report.project,
    )
    form_valid(form)
    with stale_names_if_match():
        report_update(report=report, data=form.service_data(), expected_version=read)
    return report_response(request, id)


@router.post(
    "/{contract_number}/payments",
    response={201: ProjectDetailOut},
    summary="Record a payment to a grant project",
)
def payment_record_endpoint(
    request: HttpRequest, contract_number: str, payload: PaymentNew
) -> HttpResponse:
    """Record a payment to the NGO as the project's page does (the total paid never goes
    above the contracted amount): 201 with the project, its payments, what is paid and what
    remains."""
    project = _managed_project(request, contract_number)
    form = PaymentForm(form_data(payload.dict()), project=project)
    form_valid(form)
    payment_record(project=project, **form.cleaned_data)
    return project_response(request, contract_number, status=201)


@router.put(
    "/reports/{id}/people-reached",
    response={200: PeopleReachedOut, 201: PeopleReachedOut},
    summary="Record the people a report reached",
)
def people_reached_endpoint(
    request: HttpRequest,
    id: int,
    payload: PeopleReachedIn,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description=_IF_MATCH.format("people reached", '"grant-people-reached-12-v1"')
        + " Only to correct people reached recorded before.",
    ),
) -> HttpResponse:
    """Record the people a received report says the project reached (201), or correct them
    (200), as the report's page does. A correction needs their ``ETag`` (from this answer, or
    built from the report's ``people_reached_version``) in ``If-Match``: 428 without it, 412
    when stale; a first record takes none (412 with one: there is no version to match)."""
    report = _managed_report(request, id)
    noun = _("the people reached")
    existing = PeopleReached.objects.filter(report=report).first()
    read = _people_reached_read(existing, if_match, report_id=id, noun=noun)
    form = PeopleReachedForm(form_data(payload.dict()), instance=existing, report=report)
    form_valid(form)
    with stale_names_if_match(), _recorded_meanwhile(noun):
        reached = people_reached_record(
            report=report, counts=form.service_data(), expected_version=read
        )
    country = report.project.application.country_id
    status = 201 if existing is None else 200
    return people_reached_response(request, reached, country=country, status=status)


def _people_reached_read(
    existing: PeopleReached | None, if_match: str | None, *, report_id: int, noun: str
) -> int:
    """The version of the people reached the caller read: 0 for "none recorded yet"."""
    if existing is not None:
        read = required_version(if_match, kind=PEOPLE_REACHED, key=str(report_id), noun=noun)
        _check_current(existing, read, noun=noun)
        return read
    if if_match:
        raise StaleRecord(
            _("No people reached are recorded for this report yet: record them without If-Match."),
            field="If-Match",
        )
    # Version 0 is "none": if someone records them meanwhile, the service refuses this record.
    return 0


def _managed_project(request: HttpRequest, contract_number: str) -> GrantProject:
    projects = GrantProject.objects.select_related("application")
    return _managed(
        request, projects, field="application__country", contract_number=contract_number
    )


def _managed_report(request: HttpRequest, report_id: int) -> Report:
    reports = Report.objects.select_related("project__application")
    return _managed(request, reports, field="project__application__country", pk=report_id)


def _managed(request: HttpRequest, records: QuerySet[M], *, field: str, **lookup: Any) -> M:
    """The record if the caller may see it (404 otherwise, no hint that it exists) and follow
    grants up (403), checked in the order of the web pages."""
    if not access.may_view_grants(request.user):
        raise PermissionDenied
    visible = access.by_country_visible_to(request.user, records, field=field)
    found = visible.filter(**lookup).first()
    if found is None:
        raise Http404
    if not access.may_manage_grants(request.user):
        raise PermissionDenied
    return found


def _check_current(record: VersionedModel, read: int, *, noun: str) -> None:
    if record.version != read:
        raise StaleRecord(
            _(
                "Someone changed %(noun)s since you read it: you have version %(read)s, it is "
                "now at version %(now)s. Read it again, check their change, then make yours."
            )
            % {"noun": noun, "read": read, "now": record.version},
            field="If-Match",
        )


@contextmanager
def _recorded_meanwhile(noun: str) -> Iterator[None]:
    """Two first records at once: one is kept, the other is told so (412). The service finds
    the other's record either as a row its own check sees ("report" is taken: a field the
    caller did not send) or, a moment later, as the database's refusal of a second row."""
    stale = StaleRecord(
        _("Someone recorded %(noun)s meanwhile: read them, then correct them.") % {"noun": noun},
        field="If-Match",
    )
    try:
        yield
    except IntegrityError:
        raise stale from None
    except ValidationError as error:
        if "report" in getattr(error, "error_dict", {}):
            raise stale from None
        raise
