"""Reads of grants: the project list and its totals, calls and their applications, late reports,
and the grants figures of a period that the dashboard and the newsletter show.

Money is summed per currency, in the database, never across currencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.core.money import MAX_DIGITS, Totals, totals_by_currency_query
from bomca.core.periods import Period, next_quarter, quarter_of
from bomca.grants.models import (
    VULNERABLE_GROUPS,
    Application,
    CallForProposals,
    Decision,
    GrantProject,
    Payment,
    PeopleReached,
    ProjectStatus,
    Report,
    ReportKind,
    StatusChange,
)
from bomca.reference.models import Programme

# --- projects -----------------------------------------------------------------------------

#: Fields the project list's free-text search looks in.
SEARCHED_FIELDS = (
    "contract_number",
    "application__title_en",
    "application__title_ru",
    "application__organisation__name_en",
    "application__organisation__name_ru",
)


@dataclass(frozen=True)
class ProjectFilters:
    """What the project list is narrowed to; empty values mean 'any'."""

    call: str = ""  # a call's reference
    country: str = ""  # an ISO code
    status: str = ""
    text: str = ""


def projects_matching(
    *, programme: Programme, filters: ProjectFilters | None = None
) -> QuerySet[GrantProject]:
    """The programme's grant projects that match ``filters`` (no joins added for display)."""
    filters = filters or ProjectFilters()
    projects = GrantProject.objects.filter(application__call__programme=programme)
    if filters.call:
        projects = projects.filter(application__call__reference=filters.call)
    if filters.country:
        projects = projects.filter(application__country__code=filters.country)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if text := filters.text.strip().lower():
        # LOWER() on both sides, as in the activity register: SQLite folds ASCII only.
        matches = Q()
        for field in SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__lower__contains": text})
        projects = projects.filter(matches)
    return projects


def projects_for_list(projects: QuerySet[GrantProject]) -> QuerySet[GrantProject]:
    """``projects`` with what the list and the export show: NGO, country, call, amount paid."""
    return (
        projects.select_related(
            "application__call", "application__organisation", "application__country"
        )
        .annotate(
            paid=Coalesce(
                Sum("payments__amount"),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=MAX_DIGITS, decimal_places=2),
            )
        )
        .order_by("contract_number")
    )


@dataclass(frozen=True)
class MoneyTotals:
    """Totals of a set of projects, each per currency."""

    requested: Totals
    contracted: Totals
    paid: Totals


def project_totals(projects: QuerySet[GrantProject]) -> MoneyTotals:
    """What the projects' applications asked for, what was contracted and what was paid (three
    grouped queries; ``projects`` may be narrowed by filters and access but not annotated)."""
    ids = projects.order_by().values("pk")
    return MoneyTotals(
        requested=totals_by_currency_query(
            Application.objects.filter(project__in=ids), amount="requested_amount"
        ),
        contracted=totals_by_currency_query(
            GrantProject.objects.filter(pk__in=ids), amount="amount"
        ),
        paid=totals_by_currency_query(Payment.objects.filter(project__in=ids), amount="amount"),
    )


def project_with_follow_up(projects: QuerySet[GrantProject], **lookup: Any) -> GrantProject:
    """One project (``lookup``) with its reports and people reached, payments and timeline."""
    return (
        projects.select_related(
            "application__call", "application__organisation", "application__country"
        )
        .prefetch_related(
            Prefetch("reports", Report.objects.select_related("people_reached")),
            "payments",
            Prefetch("status_changes", StatusChange.objects.select_related("changed_by")),
        )
        .get(**lookup)
    )


# --- calls and applications ---------------------------------------------------------------


@dataclass(frozen=True)
class CallRow:
    call: CallForProposals
    applications: int
    selected: int
    projects: int


def call_list(*, programme: Programme, user: AnyUser) -> list[CallRow]:
    """The programme's calls, newest first, with the counts of applications the user may see."""
    calls = list(
        CallForProposals.objects.filter(programme=programme).order_by("-opens_on", "reference")
    )
    visible = access.by_country_visible_to(
        user, Application.objects.filter(call__programme=programme)
    )
    counts = {
        row["call"]: row
        for row in visible.order_by()
        .values("call")
        .annotate(
            n=Count("pk"),
            selected=Count("pk", filter=Q(decision=Decision.SELECTED)),
            projects=Count("project"),
        )
    }
    empty = {"n": 0, "selected": 0, "projects": 0}
    return [
        CallRow(
            call=call,
            applications=counts.get(call.pk, empty)["n"],
            selected=counts.get(call.pk, empty)["selected"],
            projects=counts.get(call.pk, empty)["projects"],
        )
        for call in calls
    ]


def call_applications(*, call: CallForProposals, user: AnyUser) -> QuerySet[Application]:
    """The call's applications the user may see, best score first, with NGO, country, project."""
    applications = Application.objects.filter(call=call).select_related(
        "call", "organisation", "country", "project"
    )
    return access.by_country_visible_to(user, applications).order_by(
        Coalesce("score", Value(Decimal(-1))).desc(), "number"
    )


# --- late reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueReport:
    """A report past its due date and not received, of a project still running."""

    report_id: int
    project_id: int
    contract_number: str
    project_title: str
    organisation: str
    country: str  # ISO code
    kind: str
    due_date: date
    days_late: int

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)


def overdue_reports(
    *, user: AnyUser, today: date, programme: Programme | None = None
) -> list[OverdueReport]:
    """Reports due before ``today`` and not received, of projects neither closed nor terminated,
    that the user may see; the latest first by days late (one query)."""
    reports = Report.objects.filter(due_date__lt=today, received_on__isnull=True).exclude(
        project__status__in=[ProjectStatus.CLOSED, ProjectStatus.TERMINATED]
    )
    if programme is not None:
        reports = reports.filter(project__application__call__programme=programme)
    reports = access.by_country_visible_to(user, reports, field="project__application__country")
    rows = reports.select_related(
        "project__application__organisation", "project__application__country"
    ).order_by("due_date", "project__contract_number", "pk")
    return [
        OverdueReport(
            report_id=report.pk,
            project_id=report.project_id,
            contract_number=report.project.contract_number,
            project_title=report.project.application.title,
            organisation=report.project.application.organisation.name,
            country=report.project.application.country.code,
            kind=report.kind,
            due_date=report.due_date,
            days_late=report.days_late(today),
        )
        for report in rows
    ]


# --- figures ------------------------------------------------------------------------------


def _status_on(day: date, project: str = "pk") -> Subquery:
    """The status a project had at the end of ``day``: its last step up to then."""
    steps = StatusChange.objects.filter(project=OuterRef(project), date__lte=day)
    return Subquery(steps.order_by("-date", "-pk").values("to_status")[:1])


def _money(totals: Totals) -> dict[str, str]:
    return {currency: f"{amount:.2f}" for currency, amount in totals.items()}


def _period(period: Period) -> dict[str, str]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}


class _Scope:
    """The programme's records, narrowed to what ``user`` may see (all, without a user)."""

    def __init__(self, programme: Programme, user: AnyUser | None) -> None:
        self.programme, self.user = programme, user

    def __call__(self, records: QuerySet[Any], *, country: str, programme: str) -> QuerySet[Any]:
        records = records.filter(**{programme: self.programme})
        if self.user is None:
            return records
        return access.by_country_visible_to(self.user, records, field=country)


def grants_figures(
    *, programme: Programme, period: Period, user: AnyUser | None = None
) -> dict[str, Any]:
    """The grants figures as of the end of ``period``, JSON-ready (amounts are strings).

    Projects count with the status they had on the period's last day; money committed is the
    contracts signed by then, money paid the payments made by then (per currency); people
    reached come from the reports received by then. ``due_next_quarter`` looks at the quarter
    after the one the period ends in. With ``user``, only the countries the user may see count.
    """
    end = period.end
    scope = _Scope(programme, user)
    countries = sorted(programme.countries.values_list("code", flat=True))
    return {
        "period": _period(period),
        **_calls_and_applications(scope, end),
        "projects": _projects_by_status(scope, end, countries),
        "money": _money_figures(scope, end),
        "people_reached": _people_reached(scope, end, countries),
        "due_next_quarter": _due_next_quarter(scope, end),
    }


def _calls_and_applications(scope: _Scope, end: date) -> dict[str, Any]:
    calls = CallForProposals.objects.filter(programme=scope.programme, opens_on__lte=end).count()
    applications = scope(
        Application.objects.filter(submitted_on__lte=end),
        country="country",
        programme="call__programme",
    )
    decided = (Decision.SELECTED.value, Decision.RESERVE.value, Decision.REJECTED.value)
    counts = applications.aggregate(
        total=Count("pk"),
        **{
            decision: Count("pk", filter=Q(decision=decision, decision_date__lte=end))
            for decision in decided
        },
    )
    # An application decided after the period's end was still pending at its end.
    by_decision = {
        Decision.PENDING.value: counts["total"] - sum(counts[decision] for decision in decided),
        **{decision: counts[decision] for decision in decided},
    }
    return {
        "calls": {"total": calls},
        "applications": {"total": counts["total"], "by_decision": by_decision},
        "selected": by_decision[Decision.SELECTED],
    }


def _projects_by_status(scope: _Scope, end: date, countries: list[str]) -> dict[str, Any]:
    projects = scope(
        GrantProject.objects.annotate(status_then=_status_on(end)).filter(
            status_then__isnull=False
        ),
        country="application__country",
        programme="application__call__programme",
    )
    rows = projects.order_by().values("status_then", "application__country__code")
    rows = rows.annotate(n=Count("pk"))
    by_status = dict.fromkeys(ProjectStatus.values, 0)
    matrix = {code: dict.fromkeys(ProjectStatus.values, 0) for code in countries}
    for row in rows:
        by_status[row["status_then"]] += row["n"]
        cells = matrix.setdefault(
            row["application__country__code"], dict.fromkeys(ProjectStatus.values, 0)
        )
        cells[row["status_then"]] += row["n"]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_country": {code: sum(cells.values()) for code, cells in sorted(matrix.items())},
        "by_country_and_status": dict(sorted(matrix.items())),
    }


def _money_figures(scope: _Scope, end: date) -> dict[str, Any]:
    signed = StatusChange.objects.filter(to_status=ProjectStatus.CONTRACTED, date__lte=end).values(
        "project"
    )
    committed = totals_by_currency_query(
        scope(
            GrantProject.objects.filter(pk__in=signed),
            country="application__country",
            programme="application__call__programme",
        ),
        amount="amount",
    )
    paid = totals_by_currency_query(
        scope(
            Payment.objects.filter(paid_on__lte=end),
            country="project__application__country",
            programme="project__application__call__programme",
        ),
        amount="amount",
    )
    currencies = list(dict.fromkeys([*committed, *paid]))
    return {
        "committed": _money(committed),
        "paid": _money(paid),
        "by_currency": [
            {
                "currency": currency,
                "committed": f"{committed.get(currency, Decimal(0)):.2f}",
                "paid": f"{paid.get(currency, Decimal(0)):.2f}",
            }
            for currency in currencies
        ],
    }


_PEOPLE = ("women", "men", *VULNERABLE_GROUPS)


def _people_reached(scope: _Scope, end: date, countries: list[str]) -> dict[str, Any]:
    rows = (
        scope(
            PeopleReached.objects.filter(report__received_on__lte=end),
            country="report__project__application__country",
            programme="report__project__application__call__programme",
        )
        .order_by()
        .values("report__project__application__country__code")
        .annotate(reports=Count("pk"), **{field: Sum(field) for field in _PEOPLE})
    )
    by_country = {code: dict.fromkeys((*_PEOPLE, "total"), 0) for code in countries}
    reports = 0
    for row in rows:
        cells = by_country.setdefault(
            row["report__project__application__country__code"],
            dict.fromkeys((*_PEOPLE, "total"), 0),
        )
        for field in _PEOPLE:
            cells[field] += row[field] or 0
        cells["total"] = cells["women"] + cells["men"]
        reports += row["reports"]
    sums = {field: sum(cells[field] for cells in by_country.values()) for field in _PEOPLE}
    return {
        "reports": reports,
        "total": sums["women"] + sums["men"],
        "by_sex": {"women": sums["women"], "men": sums["men"]},
        "by_group": {group: sums[group] for group in VULNERABLE_GROUPS},
        "by_country": dict(sorted(by_country.items())),
    }


_RUNNING = (ProjectStatus.CONTRACTED, ProjectStatus.ONGOING)


def _due_next_quarter(scope: _Scope, end: date) -> dict[str, Any]:
    quarter = next_quarter(quarter_of(end))
    reports = scope(
        Report.objects.filter(due_date__gte=quarter.start, due_date__lte=quarter.end)
        .filter(Q(received_on__isnull=True) | Q(received_on__gt=end))
        .annotate(status_then=_status_on(end, "project"))
        .filter(status_then__in=_RUNNING),
        country="project__application__country",
        programme="project__application__call__programme",
    ).select_related("project__application__organisation", "project__application__country")
    ending = scope(
        GrantProject.objects.filter(end_date__gte=quarter.start, end_date__lte=quarter.end)
        .annotate(status_then=_status_on(end))
        .filter(status_then__in=_RUNNING),
        country="application__country",
        programme="application__call__programme",
    ).select_related("application__organisation", "application__country")
    return {
        "period": _period(quarter),
        "reports": [
            {
                "contract_number": report.project.contract_number,
                "kind": report.kind,
                "due_date": report.due_date.isoformat(),
                "country": report.project.application.country.code,
                "organisation": report.project.application.organisation.name_en,
                "organisation_ru": report.project.application.organisation.name_ru,
            }
            for report in reports.order_by("due_date", "project__contract_number", "pk")
        ],
        "projects_ending": [
            {
                "contract_number": project.contract_number,
                "end_date": project.end_date.isoformat(),
                "country": project.application.country.code,
                "organisation": project.application.organisation.name_en,
                "organisation_ru": project.application.organisation.name_ru,
                "status": project.status_then,
            }
            for project in ending.order_by("end_date", "contract_number")
        ],
    }
