"""No N+1 queries: every list page, API list and figure takes as many queries with more rows.

Each test counts the queries of a page, an API list or a figure on the reference data, adds
rows of the kind it shows (in Tajikistan and in the other countries, so that every reader's
scope grows), checks that the rows are shown, and counts again: the two counts must be equal.
An equality, not a maximum: a fixed number breaks on every harmless change, while a count that
grows with the rows is the N+1 itself.

Held to this elsewhere, and not repeated here: the register, the procurement list, the
overview and the dashboard of the programme manager, the logframe of a national coordinator,
the API tokens page, the paged API lists (activities, participants, attendance, procurement,
grants and their reports, by page size 1 and 30), key_figures and the figures it is made of,
procurement_figures and grants_figures without a reader, training results, late deliveries
and overdue reports, the logframe and an indicator's history (tests/<app>/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bomca.accounts.models import AuditEvent, AuditEventKind, User
from bomca.activities.models import Activity, ActivityType, DeliveredBy, Scope, Status
from bomca.api.services import token_create
from bomca.core.periods import quarter
from bomca.grants.models import (
    CallForProposals,
    GrantProject,
    Payment,
    PaymentKind,
    PeopleReached,
    ProjectStatus,
    Report,
    ReportKind,
)
from bomca.grants.models import StatusChange as GrantStatusChange
from bomca.grants.selectors import grants_figures
from bomca.grants.services import payment_record, people_reached_record, report_create
from bomca.people.models import AttendanceRole
from bomca.procurement.models import NeedStatus, ProcurementNeed, StatusChange
from bomca.procurement.selectors import procurement_figures
from bomca.reference.models import Country, Organisation, Programme
from bomca.reporting.models import Editorial, IssueStatus, NewsletterIssue, NewsletterPicture
from bomca.reporting.services import newsletter_issue_create
from bomca.results.computed import SELECTORS, Context
from bomca.results.models import Indicator, Result
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ParticipantCountFactory,
    ParticipantFactory,
    ProgrammeFactory,
    TrainerFactory,
    UserFactory,
)
from tests.grants.factories import ApplicationFactory, CallFactory, GrantProjectFactory, project_in
from tests.procurement.factories import ItemFactory, LotFactory, deliver, hand_over, need_at
from tests.results.factories import ActualFactory, IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db

ROLES = ("pm", "tjcoord", "donor")
#: An activity of the reference data with 30 named people of the five countries.
REGIONAL = "C1-RG-2023-007"
#: A need, a grant project and the call of the reference data, all in Tajikistan but the call.
TAJIK_NEED = "PR-TJ-2023-004"
TAJIK_PROJECT = "BOMCA10-CfP-1-G05"
CALL = "BOMCA10-CfP-1"
#: An indicator of the reference data reported by hand, and one computed.
MANUAL, COMPUTED = "OC1.1.1", "OO.2"


# --- more rows ------------------------------------------------------------------------------


def _countries(programme: Programme) -> list[Country]:
    return list(programme.countries.order_by("code"))


def more_activities(programme: Programme, count: int = 30) -> None:
    """``count`` activities implemented in 2023Q2 across components and countries, each with
    counts of two countries (one by organisation), beneficiaries, co-organisers and national
    trainers of the next country; and as many planned for 2023Q3."""
    countries = _countries(programme)
    components = list(programme.components.order_by("number"))
    organisations = list(Organisation.objects.filter(country__in=countries).order_by("code")[:6])
    for index in range(count):
        host, other = countries[index % 5], countries[(index + 1) % 5]
        activity = ActivityFactory(
            component=components[index % len(components)],
            host_country=host,
            scope=Scope.REGIONAL if index % 7 == 0 else Scope.NATIONAL,
            delivered_by=DeliveredBy.NATIONAL_TRAINERS,
            trainer_country=other,
            start_date=date(2023, 4 + index % 3, 1 + index % 28),
            end_date=date(2023, 4 + index % 3, 1 + index % 28),
        )
        activity.beneficiary_organisations.set(organisations[index % 3 : index % 3 + 2])
        activity.co_organisers.set(organisations[3:5])
        ParticipantCountFactory(activity=activity, country=host)
        ParticipantCountFactory(activity=activity, country=other, organisation=organisations[5])
        ActivityFactory(
            component=components[index % len(components)],
            host_country=host,
            status=Status.PLANNED,
            activity_type=ActivityType.MANAGEMENT_MEETING if index % 2 else ActivityType.TRAINING,
            start_date=date(2023, 8, 1 + index % 28),
            end_date=date(2023, 8, 1 + index % 28),
        )


def more_people(programme: Programme, count: int = 30) -> None:
    """``count`` named people of every country on ``REGIONAL``'s list (every third one a
    duplicate record of the one before), and national trainers who trained abroad."""
    countries = _countries(programme)
    target = Activity.objects.get(code=REGIONAL)
    abroad = Activity.objects.filter(programme=programme, status=Status.IMPLEMENTED)
    abroad = list(abroad.exclude(host_country=None).order_by("code")[:10])
    for index in range(count):
        twin = index - 1 if index % 3 == 2 else index
        country = countries[twin % 5]
        organisation = Organisation.objects.filter(country=country).first()
        person = ParticipantFactory(
            full_name=f"Synthetic Person {twin}", country=country, organisation=organisation
        )
        AttendanceFactory(participant=person, activity=target)
        if index % 3 == 0:
            TrainerFactory(participant=person)
            for other in abroad[index % 4 : index % 4 + 3]:
                if other.host_country_id != country.pk:
                    AttendanceFactory(
                        participant=person, activity=other, role=AttendanceRole.TRAINER
                    )


def more_needs(programme: Programme, count: int = 20) -> None:
    """``count`` needs at every status, of every country, each with two lots of two items (one
    late), deliveries, a hand-over and its steps."""
    countries = _countries(programme)
    statuses = [
        NeedStatus.IDENTIFIED,
        NeedStatus.CONTRACTED,
        NeedStatus.DELIVERED,
        NeedStatus.HANDED_OVER,
    ]
    for index in range(count):
        need = need_at(
            statuses[index % 4],
            programme=programme,
            country=countries[index % 5],
            reference=f"PR-SYN-2023-{index:03d}",
            component=programme.components.get(number=1 + index % 4),
            planned_delivery_date=date(2023, 8, 1 + index),
        )
        StatusChange.objects.create(
            need=need,
            from_status=NeedStatus.IDENTIFIED,
            to_status=need.status,
            date=date(2023, 5, 2),
        )
        late = ItemFactory(
            lot=LotFactory(need=need, number=2),
            planned_delivery_date=date(2023, 5, 1 + index),
            currency="USD" if index % 2 else "EUR",
        )
        deliver(late, 2, date(2023, 6, 1))
        hand_over(need, [(late, 1)], date(2023, 6, 2))


def more_grants(programme: Programme, count: int = 10) -> None:
    """``count`` ongoing grant projects of every country under a new call, each with a report
    received (and its people reached), one overdue, and a payment; and rejected applications."""
    countries = _countries(programme)
    call = CallFactory(programme=programme, countries=countries)
    for index in range(count):
        project = project_in(
            ProjectStatus.ONGOING,
            application__call=call,
            application__country=countries[index % 5],
        )
        received = report_create(
            project=project,
            data={
                "kind": ReportKind.INTERIM,
                "due_date": date(2023, 6, 30),
                "received_on": date(2023, 6, 20),
            },
        )
        people_reached_record(report=received, counts={"women": 3 + index, "men": 2})
        report_create(
            project=project, data={"kind": ReportKind.INTERIM, "due_date": date(2023, 9, 30)}
        )
        payment_record(
            project=project,
            kind=PaymentKind.PRE_FINANCING,
            paid_on=date(2023, 4, 10),
            amount=Decimal("10000.00"),
        )
        ApplicationFactory(call=call, country=countries[index % 5], decision="rejected")


def more_figures(programme: Programme) -> None:
    """Everything the key figures count: activities, people, needs and grant projects."""
    more_activities(programme)
    more_people(programme)
    more_needs(programme)
    more_grants(programme)


def more_indicators(programme: Programme) -> None:
    """An indicator of every computed selector, and as many by hand (with a disaggregation,
    targets and values of two quarters, half of them frozen), under the reference results;
    and more of the records the computed ones count."""
    results = list(Result.objects.filter(programme=programme).order_by("code"))
    for index, selector in enumerate(SELECTORS):
        result = results[index % len(results)]
        computed = IndicatorFactory(
            result=result, programme=programme, code=f"SYN.C{index}", selector=selector
        )
        TargetFactory(indicator=computed)
        manual = IndicatorFactory(
            result=result, programme=programme, code=f"SYN.M{index}", disaggregations=["sex"]
        )
        for period in (quarter(2023, 1), quarter(2023, 2)):
            TargetFactory(indicator=manual, period=period)
            ActualFactory(
                indicator=manual,
                period=period,
                frozen=bool(index % 2),
                disaggregation={"sex": {"female": "2", "male": "3"}},
            )
    more_activities(programme, 10)
    more_people(programme, 10)
    more_needs(programme, 5)
    more_grants(programme, 3)


def more_issues(programme: Programme, count: int = 5) -> None:
    """``count`` newsletter issues of earlier quarters, every other one published."""
    for index in range(count):
        issue = newsletter_issue_create(
            programme=programme,
            number=10 + index,
            period_code=f"2022Q{1 + index}" if index < 4 else "2023Q1",
            featured_title_en=f"Synthetic story {index}",
        )
        if index % 2 == 0:
            NewsletterIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.PUBLISHED)


def more_changes(programme: Programme, count: int = 10) -> None:
    """``count`` changes of activity ``REGIONAL`` and of its counts (fields, links to other
    records, many-to-many), and as many security events of several users."""
    activity = Activity.objects.get(code=REGIONAL)
    countries = _countries(programme)
    organisations = list(Organisation.objects.filter(country__in=countries).order_by("code"))
    for index in range(count):
        activity.title_en = f"Synthetic title {index}"
        activity.trainer_country = countries[index % 5]
        activity.save()
        activity.beneficiary_organisations.set(organisations[index : index + 2])
        for row in activity.participant_counts.all()[:2]:
            row.female += 1
            row.save()
        user = UserFactory()
        AuditEvent.objects.create(kind=AuditEventKind.LOGIN, user=user, username=user.username)


def more_reference(programme: Programme, count: int = 10) -> None:
    """``count`` organisations of every country, and a programme with components."""
    countries = _countries(programme)
    for index in range(count):
        OrganisationFactory(country=countries[index % 5])
        CountryFactory()
    other = ProgrammeFactory(countries=countries[:3])
    for number in (1, 2, 3):
        ComponentFactory(programme=other, number=number)


def more_of_a_need(programme: Programme) -> None:
    """Three more lots of three items of need ``TAJIK_NEED``, each delivered in two parts and
    handed over in two, and more steps made by several people."""
    need = ProcurementNeed.objects.get(reference=TAJIK_NEED)
    lots = [LotFactory(need=need, number=10 + number) for number in range(3)]
    items = [ItemFactory(lot=lot) for lot in lots for _ in range(3)]
    for item in items:
        deliver(item, 4, date(2023, 6, 1))
        deliver(item, 6, date(2023, 6, 8))
    for day in (10, 20):
        hand_over(need, [(item, 5) for item in items], date(2023, 6, day))
    for day in range(1, 6):
        StatusChange.objects.create(
            need=need,
            from_status=need.status,
            to_status=need.status,
            date=date(2023, 7, day),
            by=UserFactory(),
        )


def more_of_a_project(programme: Programme) -> None:
    """Six more reports of project ``TAJIK_PROJECT`` (every other one received, with the people
    it reached), as many payments, and steps made by several people."""
    project = GrantProject.objects.get(contract_number=TAJIK_PROJECT)
    for index in range(6):
        received = date(2023, 1 + index, 20) if index % 2 else None
        report = Report.objects.create(
            project=project,
            kind=ReportKind.INTERIM,
            due_date=date(2023, 1 + index, 15),
            received_on=received,
        )
        if received:
            PeopleReached.objects.create(report=report, women=index, men=index)
        Payment.objects.create(
            project=project,
            kind=PaymentKind.INSTALMENT,
            paid_on=date(2023, 1 + index, 5),
            amount=Decimal(10),
            currency=project.currency,
        )
        GrantStatusChange.objects.create(
            project=project,
            from_status=project.status,
            to_status=project.status,
            date=date(2023, 1 + index, 1),
            changed_by=UserFactory(),
        )


def more_applications(programme: Programme, count: int = 10) -> None:
    """``count`` applications to the reference call from every country, every other one
    selected and contracted."""
    call = CallForProposals.objects.get(reference=CALL)
    countries = _countries(programme)
    for index in range(count):
        application = ApplicationFactory(
            call=call,
            country=countries[index % 5],
            number=100 + index,
            decision="selected" if index % 2 else "rejected",
        )
        if index % 2:
            GrantProjectFactory(application=application)


def more_values(programme: Programme) -> None:
    """Targets and values by hand of indicator ``MANUAL`` in every quarter of 2021 and 2022,
    disaggregated by sex, every other one frozen."""
    indicator = Indicator.objects.get(programme=programme, code=MANUAL)
    for index, (year, number) in enumerate((y, q) for y in (2021, 2022) for q in (1, 2, 3, 4)):
        if date(year, 3 * number, 28) < programme.start_date:
            continue
        period = quarter(year, number)
        TargetFactory(indicator=indicator, period=period)
        ActualFactory(indicator=indicator, period=period, frozen=bool(index % 2))


def more_of_an_issue(programme: Programme) -> None:
    """Three more editorials and five pictures (placeholders) in issue 6, and everything its
    figures count."""
    issue = NewsletterIssue.objects.get(programme=programme, number=6)
    for order in range(3):
        Editorial.objects.create(
            issue=issue,
            order=10 + order,
            author=f"Synthetic Author {order}",
            role_en="Synthetic head of a border agency",
            text_en="<p>A synthetic editorial.</p>",
        )
    for order in range(5):
        NewsletterPicture.objects.create(
            issue=issue, order=10 + order, caption_en=f"Synthetic picture {order}"
        )
    more_figures(programme)


# --- counting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A page (or an API list), how to give it more rows, and who reads it."""

    path: str | Callable[[], str]
    more: Callable[[Programme], None]
    roles: tuple[str, ...] = ROLES
    params: dict[str, str] = field(default_factory=dict)
    #: Add rows before the first count too, where some role sees none in the reference data
    #: (an empty page rightly skips the queries of its rows' details).
    warm: bool = False

    def url(self) -> str:
        return self.path if isinstance(self.path, str) else self.path()


def _count(get: Callable[[], Any]) -> tuple[int, bytes]:
    """The queries of one request, and its body (read inside: an export queries as it streams)."""
    with CaptureQueriesContext(connection) as queries:
        response = get()
        assert response.status_code == 200, response
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries), body


def _same_with_more_rows(get: Callable[[], Any], case: Case, programme: Programme) -> None:
    """Check that ``get`` shows the rows ``case`` adds with the queries it took without them."""
    if case.warm:
        case.more(programme)
    get()  # the first request reads the session and the user's scope into caches
    before, shown = _count(get)
    case.more(programme)
    after, shown_after = _count(get)
    assert len(shown_after) > len(shown), f"{case.url()}: the rows added are not shown"
    assert after == before, f"{case.url()}: {before} queries, then {after} with more rows"


@pytest.fixture
def whole_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row on the first page: more rows must mean more rows drawn, not a second page."""
    paginate = Paginator.__init__

    def one_page(self: Paginator, object_list: Any, per_page: int, *args: Any, **kw: Any) -> None:
        paginate(self, object_list, 1000, *args, **kw)

    monkeypatch.setattr(Paginator, "__init__", one_page)


def _issue(page: str = "") -> Callable[[], str]:
    return lambda: f"/newsletters/{NewsletterIssue.objects.get(number=6).pk}/{page}"


PAGES = {
    "activity register": Case("/activities/", more_activities, ("tjcoord", "donor")),
    "activity export": Case("/activities/export/", more_activities, params={"format": "csv"}),
    "activity page": Case(f"/activities/{REGIONAL}/", more_people),
    "activity history": Case(f"/activities/{REGIONAL}/history/", more_changes, ("pm", "tjcoord")),
    "participants": Case("/people/", more_people, ("pm", "tjcoord")),
    "participant export": Case("/people/export.csv", more_people, ("pm", "tjcoord")),
    "duplicates": Case("/people/duplicates/", more_people, ("pm",)),
    "trainers": Case("/people/trainers/", more_people, ("pm", "tjcoord"), warm=True),
    "procurement": Case("/procurement/", more_needs, ("tjcoord", "donor")),
    "procurement export": Case("/procurement/export/", more_needs, params={"format": "csv"}),
    "need page": Case(f"/procurement/{TAJIK_NEED}/", more_of_a_need),
    "grant projects": Case("/grants/", more_grants),
    "grant export": Case("/grants/export/", more_grants, params={"format": "csv"}),
    "project page": Case(f"/grants/{TAJIK_PROJECT}/", more_of_a_project),
    "calls": Case("/grants/calls/", more_grants),
    "call page": Case(f"/grants/calls/{CALL}/", more_applications),
    "logframe": Case("/results/", more_indicators, ("pm", "donor")),
    "logframe export": Case("/results/export.xlsx", more_indicators),
    "manual indicator": Case(f"/results/indicators/{MANUAL}/", more_values),
    "computed indicator": Case(f"/results/indicators/{COMPUTED}/", more_activities),
    "overview": Case("/overview/", more_figures, ("tjcoord", "donor")),
    "dashboard": Case("/dashboard/", more_figures, ("tjcoord", "donor")),
    "late": Case("/late/", more_figures, ("pm", "tjcoord")),
    "newsletters": Case("/newsletters/", more_issues, ("pm", "donor")),
    "newsletter preview": Case(_issue("preview/en/"), more_of_an_issue, ("pm", "donor")),
    "security log": Case("/accounts/audit/", more_changes, ("admin",)),
    "IATI file": Case("/iati/export.xml", more_figures, ("pm", "donor")),
}


def _cases(table: dict[str, Case]) -> list[Any]:
    return [
        pytest.param(case, role, id=f"{name}-{role}")
        for name, case in table.items()
        for role in case.roles
    ]


@pytest.mark.usefixtures("whole_pages")
@pytest.mark.parametrize(("case", "role"), _cases(PAGES))
def test_a_page_takes_the_same_queries_with_more_rows(
    client: Client, personas: dict[str, User], bomca10: Programme, case: Case, role: str
):
    client.force_login(personas[role])
    _same_with_more_rows(lambda: client.get(case.url(), case.params), case, bomca10)


API = {
    "programmes": Case("/api/v1/programmes", more_reference),
    "countries": Case("/api/v1/countries", more_reference),
    "organisations": Case("/api/v1/organisations", more_reference),
    "indicators": Case("/api/v1/indicators", more_indicators),
    "figures": Case("/api/v1/figures", more_figures),
    "newsletters": Case("/api/v1/newsletters", more_issues, ("pm", "donor")),
    "IATI file": Case("/api/v1/iati.xml", more_figures, ("pm", "donor")),
}


@pytest.mark.parametrize(("case", "role"), _cases(API))
def test_an_api_list_takes_the_same_queries_with_more_rows(
    client: Client, personas: dict[str, User], bomca10: Programme, settings, case: Case, role: str
):
    # One rate-limit window for the whole test: a new one costs four queries more.
    settings.BOMCA_API_RATE_WINDOW = 10**9
    _token, secret = token_create(user=personas[role], name="counting", days=30)
    params = {"page_size": "500", **case.params}

    def get() -> Any:
        return client.get(case.url(), params, HTTP_AUTHORIZATION=f"Bearer {secret}")

    _same_with_more_rows(get, case, bomca10)


# --- figures ---------------------------------------------------------------------------------

Q2 = quarter(2023, 2)


def _selector_queries(read: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        value = read()
    return len(queries), value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("figures", [procurement_figures, grants_figures], ids=lambda f: f.__name__)
def test_the_pillar_figures_of_a_reader_take_the_same_queries_with_more_rows(
    personas: dict[str, User], bomca10: Programme, figures: Callable[..., Any], role: str
):
    user = personas[role]
    _selector_queries(lambda: figures(programme=bomca10, period=Q2, user=user))
    before, shown = _selector_queries(lambda: figures(programme=bomca10, period=Q2, user=user))
    more_needs(bomca10)
    more_grants(bomca10)
    after, shown_after = _selector_queries(lambda: figures(programme=bomca10, period=Q2, user=user))

    assert shown_after != shown
    assert after == before


@pytest.mark.parametrize("name", list(SELECTORS))
def test_a_computed_indicator_takes_the_same_queries_with_more_rows(bomca10: Programme, name):
    spec = SELECTORS[name]

    def measure() -> Any:
        return spec.compute(Context(bomca10), Q2)

    before, value = _selector_queries(measure)
    more_activities(bomca10)
    more_people(bomca10)
    more_needs(bomca10)
    more_grants(bomca10)
    after, value_after = _selector_queries(measure)

    assert value_after != value
    assert after == before
