"""Reads of grants: the project list and its totals per currency, late reports, and the grants
figures of a period, each in a fixed number of queries."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bomca.accounts.models import Role
from bomca.core.periods import parse_period
from bomca.grants.models import PaymentKind, ProjectStatus, ReportKind
from bomca.grants.selectors import (
    ProjectFilters,
    grants_figures,
    overdue_reports,
    project_totals,
    projects_for_list,
    projects_matching,
)
from bomca.grants.services import (
    payment_record,
    people_reached_record,
    project_move,
    report_create,
    report_update,
)
from tests.factories import CountryFactory, PersonaFactory, ProgrammeFactory
from tests.grants.factories import ApplicationFactory, CallFactory, GrantProjectFactory

TODAY = date(2024, 1, 15)


@pytest.fixture
def mixed(db):
    """Three projects in two countries, contracted in EUR and USD, asked for in EUR and KGS."""
    aa, bb = CountryFactory(code="AA"), CountryFactory(code="BB")
    call = CallFactory(programme=ProgrammeFactory(countries=[aa, bb]))
    projects = {
        "eur": GrantProjectFactory(
            application=ApplicationFactory(call=call, country=aa), amount=Decimal("50000.00")
        ),
        "usd": GrantProjectFactory(
            application=ApplicationFactory(call=call, country=bb),
            amount=Decimal("40000.00"),
            currency="USD",
        ),
        "eur2": GrantProjectFactory(
            application=ApplicationFactory(
                call=call, country=aa, requested_amount=Decimal("2000000.00"), currency="KGS"
            ),
            amount=Decimal("30000.00"),
        ),
    }
    for project in projects.values():
        project_move(project=project, to_status=ProjectStatus.ONGOING, on=date(2023, 4, 1), by=None)
    pay = {"kind": PaymentKind.PRE_FINANCING, "paid_on": date(2023, 4, 10)}
    payment_record(project=projects["eur"], amount=Decimal("20000.00"), **pay)
    payment_record(project=projects["usd"], amount=Decimal("10000.00"), **pay)
    payment_record(
        project=projects["eur"],
        kind=PaymentKind.INSTALMENT,
        paid_on=date(2023, 7, 10),
        amount=Decimal("5000.00"),
    )
    return call.programme, projects


# The list and its totals


def test_totals_are_per_currency_and_never_summed_across_currencies(mixed):
    programme, _projects = mixed

    totals = project_totals(projects_matching(programme=programme))

    assert totals.contracted == {"EUR": Decimal("80000.00"), "USD": Decimal("40000.00")}
    assert totals.paid == {"EUR": Decimal("25000.00"), "USD": Decimal("10000.00")}
    assert totals.requested == {"EUR": Decimal("100000.00"), "KGS": Decimal("2000000.00")}


def test_the_list_shows_each_project_s_payments_in_its_own_currency(mixed):
    programme, projects = mixed

    rows = {
        project.contract_number: (project.paid, project.currency)
        for project in projects_for_list(projects_matching(programme=programme))
    }

    assert rows == {
        projects["eur"].contract_number: (Decimal("25000.00"), "EUR"),
        projects["usd"].contract_number: (Decimal("10000.00"), "USD"),
        projects["eur2"].contract_number: (Decimal("0.00"), "EUR"),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ProjectFilters(country="BB"), {"usd"}),
        (ProjectFilters(status="ongoing"), {"eur", "usd", "eur2"}),
        (ProjectFilters(status="contracted"), set()),
        (ProjectFilters(text="SYNTHETIC NGO"), {"eur", "usd", "eur2"}),
    ],
)
def test_the_list_filters_by_country_status_and_text(mixed, filters, expected):
    programme, projects = mixed
    names = {project.pk: name for name, project in projects.items()}

    found = projects_matching(programme=programme, filters=filters)

    assert {names[pk] for pk in found.values_list("pk", flat=True)} == expected


def test_the_list_and_its_totals_take_four_queries(mixed, django_assert_num_queries):
    programme, _projects = mixed
    projects = projects_matching(programme=programme)

    with django_assert_num_queries(4):
        rows = [
            (p.application.organisation.name, p.application.country.code, p.paid)
            for p in projects_for_list(projects)
        ]
        project_totals(projects)

    assert len(rows) == 3


# Late reports


def test_a_report_past_its_due_date_and_not_received_is_late(mixed):
    _programme, projects = mixed
    late = report_create(
        project=projects["usd"], data={"kind": ReportKind.INTERIM, "due_date": date(2023, 7, 1)}
    )
    report_create(
        project=projects["eur"],
        data={
            "kind": ReportKind.INTERIM,
            "due_date": date(2023, 7, 1),
            "received_on": date(2023, 7, 2),
        },
    )
    report_create(project=projects["eur2"], data={"kind": ReportKind.INTERIM, "due_date": TODAY})
    pm = PersonaFactory(role=Role.PROGRAMME_MANAGER)

    rows = overdue_reports(user=pm, today=TODAY)

    assert [(row.report_id, row.contract_number, row.country, row.days_late) for row in rows] == [
        (late.pk, projects["usd"].contract_number, "BB", 198)
    ]
    assert rows[0].kind_label == "Interim report"


def test_a_terminated_project_s_reports_are_not_late(mixed):
    _programme, projects = mixed
    report_create(
        project=projects["usd"], data={"kind": ReportKind.INTERIM, "due_date": date(2023, 7, 1)}
    )
    project_move(
        project=projects["usd"],
        to_status=ProjectStatus.TERMINATED,
        on=date(2023, 8, 1),
        by=None,
        note="Synthetic.",
    )

    assert overdue_reports(user=PersonaFactory(role=Role.DONOR_VIEWER), today=TODAY) == []


def test_a_national_coordinator_sees_the_late_reports_of_their_countries_only(mixed):
    _programme, projects = mixed
    for project in projects.values():
        report_create(
            project=project, data={"kind": ReportKind.INTERIM, "due_date": date(2023, 7, 1)}
        )
    coordinator = PersonaFactory(
        role=Role.NATIONAL_COORDINATOR, countries=[projects["usd"].application.country]
    )

    rows = overdue_reports(user=coordinator, today=TODAY)

    assert [row.contract_number for row in rows] == [projects["usd"].contract_number]


def test_late_reports_take_one_query(mixed, django_assert_num_queries):
    _programme, projects = mixed
    for project in projects.values():
        report_create(
            project=project, data={"kind": ReportKind.INTERIM, "due_date": date(2023, 7, 1)}
        )
    pm = PersonaFactory(role=Role.PROGRAMME_MANAGER)

    with django_assert_num_queries(1):
        rows = overdue_reports(user=pm, today=TODAY)

    assert len(rows) == 3


# The figures of a period


def test_the_figures_count_money_per_currency_as_of_the_period_s_end(mixed):
    programme, _projects = mixed

    money = grants_figures(programme=programme, period=parse_period("2023Q2"))["money"]

    assert money == {
        "committed": {"EUR": "80000.00", "USD": "40000.00"},
        "paid": {"EUR": "20000.00", "USD": "10000.00"},  # the July instalment comes later
        "by_currency": [
            {"currency": "EUR", "committed": "80000.00", "paid": "20000.00"},
            {"currency": "USD", "committed": "40000.00", "paid": "10000.00"},
        ],
    }


def test_the_figures_agree_with_the_list_s_totals(mixed):
    programme, _projects = mixed
    totals = project_totals(projects_matching(programme=programme))

    money = grants_figures(programme=programme, period=parse_period("2023"))["money"]

    assert money["committed"] == {
        code: f"{amount:.2f}" for code, amount in totals.contracted.items()
    }
    assert money["paid"] == {code: f"{amount:.2f}" for code, amount in totals.paid.items()}


def test_the_figures_count_projects_with_the_status_they_had_at_the_period_s_end(mixed):
    programme, projects = mixed
    project_move(
        project=projects["usd"],
        to_status=ProjectStatus.TERMINATED,
        on=date(2023, 8, 1),
        by=None,
        note="Synthetic.",
    )

    q1 = grants_figures(programme=programme, period=parse_period("2023Q1"))["projects"]
    q2 = grants_figures(programme=programme, period=parse_period("2023Q2"))["projects"]
    q3 = grants_figures(programme=programme, period=parse_period("2023Q3"))["projects"]

    assert q1["by_status"] == {
        "contracted": 3,
        "ongoing": 0,
        "final_report": 0,
        "closed": 0,
        "terminated": 0,
    }
    assert q2["by_status"]["ongoing"] == 3
    assert (q3["by_status"]["ongoing"], q3["by_status"]["terminated"]) == (2, 1)
    assert q3["by_country"] == {"AA": 2, "BB": 1}
    assert q3["by_country_and_status"]["BB"]["terminated"] == 1
    assert (
        grants_figures(programme=programme, period=parse_period("2022Q4"))["projects"]["total"] == 0
    )


def test_the_figures_count_people_reached_from_the_reports_received_by_the_period_s_end(mixed):
    programme, projects = mixed
    counts = {
        "women": 30,
        "men": 20,
        "children": 10,
        "trafficking_victims": 2,
        "with_disabilities": 4,
    }
    for project, received in (
        (projects["eur"], date(2023, 6, 30)),
        (projects["usd"], date(2023, 7, 1)),
    ):
        report = report_create(
            project=project,
            data={
                "kind": ReportKind.INTERIM,
                "due_date": date(2023, 6, 30),
                "received_on": received,
            },
        )
        people_reached_record(report=report, counts=counts)

    q2 = grants_figures(programme=programme, period=parse_period("2023Q2"))["people_reached"]
    q3 = grants_figures(programme=programme, period=parse_period("2023Q3"))["people_reached"]

    assert q2["reports"] == 1
    assert q2["total"] == 50
    assert q3["by_sex"] == {"women": 60, "men": 40}
    assert q3["by_group"] == {"children": 20, "trafficking_victims": 4, "with_disabilities": 8}
    assert q3["by_country"]["BB"] == {**counts, "total": 50}


def test_the_figures_count_calls_applications_and_decisions(mixed):
    programme, _projects = mixed
    ApplicationFactory(
        call=_projects["eur"].application.call, decision="rejected", decision_date=date(2023, 5, 1)
    )

    q1 = grants_figures(programme=programme, period=parse_period("2023Q1"))
    q2 = grants_figures(programme=programme, period=parse_period("2023Q2"))

    assert q1["calls"] == {"total": 1}
    assert q1["applications"] == {
        "total": 4,
        "by_decision": {"pending": 1, "selected": 3, "reserve": 0, "rejected": 0},
    }
    assert q2["applications"]["by_decision"]["rejected"] == 1
    assert q2["selected"] == 3


def test_the_figures_say_what_is_due_in_the_next_quarter(mixed):
    programme, projects = mixed
    report_create(
        project=projects["eur"], data={"kind": ReportKind.INTERIM, "due_date": date(2023, 8, 1)}
    )
    received = report_create(
        project=projects["usd"], data={"kind": ReportKind.INTERIM, "due_date": date(2023, 8, 1)}
    )
    report_update(report=received, data={"received_on": date(2023, 6, 20)}, expected_version=1)

    due = grants_figures(programme=programme, period=parse_period("2023Q2"))["due_next_quarter"]

    assert due["period"] == {"label": "2023Q3", "start": "2023-07-01", "end": "2023-09-30"}
    assert [(row["contract_number"], row["due_date"]) for row in due["reports"]] == [
        (projects["eur"].contract_number, "2023-08-01")
    ]
    ending = grants_figures(programme=programme, period=parse_period("2023Q4"))["due_next_quarter"]
    assert len(ending["projects_ending"]) == 3  # the factory projects end on 31 March 2024


def test_the_figures_are_json_ready(mixed):
    programme, _projects = mixed

    figures = grants_figures(programme=programme, period=parse_period("2023Q2"))

    assert json.loads(json.dumps(figures)) == figures


def test_with_a_user_the_figures_count_only_the_countries_they_see(mixed):
    programme, projects = mixed
    coordinator = PersonaFactory(
        role=Role.NATIONAL_COORDINATOR, countries=[projects["usd"].application.country]
    )

    figures = grants_figures(programme=programme, period=parse_period("2023Q2"), user=coordinator)

    assert figures["projects"]["total"] == 1
    assert figures["money"]["committed"] == {"USD": "40000.00"}
    assert figures["applications"]["total"] == 1


def _more_projects(programme, count: int) -> None:
    call = programme.calls_for_proposals.get()
    for _index in range(count):
        project = GrantProjectFactory(application=ApplicationFactory(call=call))
        payment_record(
            project=project,
            kind=PaymentKind.PRE_FINANCING,
            paid_on=date(2023, 4, 1),
            amount=Decimal(1),
        )
        report = report_create(
            project=project,
            data={
                "kind": ReportKind.INTERIM,
                "due_date": date(2023, 8, 1),
                "received_on": date(2023, 6, 1),
            },
        )
        people_reached_record(report=report, counts={"women": 1, "men": 1})


@pytest.mark.parametrize("extra", [0, 5])
def test_the_figures_take_nine_queries_however_many_projects(
    mixed, django_assert_num_queries, extra
):
    programme, _projects = mixed
    _more_projects(programme, extra)

    with django_assert_num_queries(9):
        grants_figures(programme=programme, period=parse_period("2023Q2"))
