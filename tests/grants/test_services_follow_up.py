"""Calls and applications, and what follows a contract: reports, payments, people reached."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bomca.core.errors import ApplicationError
from bomca.core.records import StaleRecord
from bomca.grants.models import (
    Application,
    CallForProposals,
    Decision,
    Payment,
    PaymentKind,
    PeopleReached,
    ProjectStatus,
    ReportKind,
)
from bomca.grants.services import (
    application_create,
    application_update,
    call_create,
    call_update,
    payment_record,
    people_reached_record,
    project_update,
    report_create,
    report_update,
)
from bomca.reference.models import OrganisationKind
from tests.factories import CountryFactory, ProgrammeFactory
from tests.grants.factories import (
    ApplicationFactory,
    CallFactory,
    GrantProjectFactory,
    NgoFactory,
    project_in,
)

# Calls


def _call_data(**changes):
    return {
        "reference": "SYN-CfP-9",
        "title_en": "Synthetic call",
        "budget_ceiling": Decimal("100000.00"),
        "currency": "EUR",
        "max_grant_amount": Decimal("20000.00"),
        "opens_on": date(2023, 1, 1),
        "closes_on": date(2023, 2, 1),
        "min_duration_months": 6,
        "max_duration_months": 12,
        **changes,
    }


def test_a_call_opens_in_some_of_the_programme_s_countries(db):
    programme = ProgrammeFactory(countries=[CountryFactory(), CountryFactory()])
    first = programme.countries.first()

    call = call_create(programme=programme, data=_call_data(), countries=[first])

    assert list(call.countries.all()) == [first]
    assert call.version == 1


def test_a_call_outside_the_programme_s_countries_is_refused(db):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError) as refused:
        call_create(programme=programme, data=_call_data(), countries=[CountryFactory()])

    assert refused.value.message_dict["countries"] == [
        "A call is open only in the programme's countries."
    ]
    assert not CallForProposals.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_on": date(2022, 12, 31)}, "The call closes before it opens."),
        ({"max_duration_months": 5}, "The maximum project duration is shorter than the minimum."),
        ({"max_grant_amount": Decimal("100000.01")}, "above the call's budget ceiling"),
    ],
)
def test_a_call_with_rules_that_contradict_each_other_is_refused(db, changes, message):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError, match=message):
        call_create(
            programme=programme, data=_call_data(**changes), countries=programme.countries.all()
        )


def test_narrowing_a_call_s_durations_under_its_projects_is_refused_and_changes_nothing(db):
    project = GrantProjectFactory()  # 12 months
    call = project.application.call

    with pytest.raises(ValidationError) as refused:
        call_update(
            call=call,
            data={"max_duration_months": 9},
            countries=call.countries.all(),
            expected_version=1,
        )

    assert refused.value.message_dict["max_duration_months"] == [
        f"Projects {project.contract_number} would break this rule."
    ]
    call = CallForProposals.objects.get(pk=call.pk)
    assert (call.max_duration_months, call.version) == (12, 1)


def test_removing_a_country_that_has_applications_is_refused(db):
    first, second = CountryFactory(), CountryFactory()
    call = CallFactory(programme=ProgrammeFactory(countries=[first, second]))
    application = ApplicationFactory(call=call, country=first)

    with pytest.raises(ValidationError) as refused:
        call_update(call=call, data={}, countries=[second], expected_version=1)

    assert application.code in refused.value.message_dict["countries"][0]
    assert set(call.countries.all()) == {first, second}


def test_a_call_edited_from_a_stale_copy_is_refused(db):
    call = CallFactory()
    call_update(
        call=call, data={"title_en": "First"}, countries=call.countries.all(), expected_version=1
    )

    with pytest.raises(StaleRecord):
        call_update(
            call=CallForProposals.objects.get(pk=call.pk),
            data={"title_en": "Second"},
            countries=call.countries.all(),
            expected_version=1,
        )

    assert CallForProposals.objects.get(pk=call.pk).title_en == "First"


# Applications


def _application_data(call, **changes):
    country = call.countries.first()
    return {
        "organisation": NgoFactory(country=country),
        "country": country,
        "title_en": "Synthetic action",
        "submitted_on": date(2022, 11, 1),
        "requested_amount": Decimal("30000.00"),
        "currency": "EUR",
        "score": None,
        "decision": Decision.PENDING,
        "decision_date": None,
        **changes,
    }


def test_applications_get_the_call_s_running_numbers(db):
    call = CallFactory()

    first = application_create(call=call, data=_application_data(call))
    second = application_create(call=call, data=_application_data(call))

    assert (first.number, second.number) == (1, 2)
    assert second.code == f"{call.reference}/02"


def test_an_application_from_a_country_outside_the_call_is_refused(db):
    call = CallFactory()
    elsewhere = CountryFactory()

    with pytest.raises(ValidationError) as refused:
        application_create(
            call=call,
            data=_application_data(
                call, country=elsewhere, organisation=NgoFactory(country=elsewhere)
            ),
        )

    assert refused.value.message_dict["country"][0].startswith(
        f"Call {call.reference} is open to NGOs of "
    )


@pytest.mark.parametrize("submitted", [date(2022, 9, 30), date(2023, 1, 1)])
def test_an_application_submitted_outside_the_call_s_dates_is_refused(db, submitted):
    call = CallFactory()

    with pytest.raises(ValidationError) as refused:
        application_create(call=call, data=_application_data(call, submitted_on=submitted))

    assert refused.value.message_dict["submitted_on"] == [
        f"Call {call.reference} took applications from 1 October 2022 to 31 December 2022."
    ]


def test_grants_go_to_ngos_only(db):
    call = CallFactory()
    agency = NgoFactory(country=call.countries.first(), kind=OrganisationKind.BORDER)

    with pytest.raises(ValidationError) as refused:
        application_create(call=call, data=_application_data(call, organisation=agency))

    assert "organisation" in refused.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"score": Decimal("100.01")}, "score"),
        ({"score": Decimal("-1")}, "score"),
        ({"decision": Decision.SELECTED, "decision_date": date(2023, 3, 1)}, "score"),
        ({"decision": Decision.REJECTED}, "decision_date"),
        ({"decision_date": date(2023, 3, 1)}, "decision_date"),
        ({"decision": Decision.REJECTED, "decision_date": date(2022, 10, 1)}, "decision_date"),
    ],
)
def test_scores_and_decisions_follow_their_rules(db, changes, field):
    call = CallFactory()

    with pytest.raises(ValidationError) as refused:
        application_create(call=call, data=_application_data(call, **changes))

    assert field in refused.value.message_dict


def test_a_decision_in_the_future_is_refused(db):
    call = CallFactory()
    data = _application_data(
        call,
        score=Decimal("50"),
        decision=Decision.REJECTED,
        decision_date=timezone.localdate() + timedelta(days=1),
    )

    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        application_create(call=call, data=data)


def test_a_contracted_application_keeps_its_decision(db):
    project = GrantProjectFactory()
    application = project.application

    with pytest.raises(ValidationError) as refused:
        application_update(
            application=application, data={"decision": Decision.REJECTED}, expected_version=1
        )

    assert "is under contract" in refused.value.message_dict["decision"][0]
    assert Application.objects.get(pk=application.pk).decision == Decision.SELECTED


# Payments: never more than the contracted amount


def test_payments_add_up_to_the_amount_and_not_a_cent_more(db):
    project = project_in(ProjectStatus.ONGOING)  # 50 000 EUR
    payment_record(
        project=project,
        kind=PaymentKind.PRE_FINANCING,
        paid_on=date(2023, 4, 5),
        amount=Decimal("30000"),
    )
    payment_record(
        project=project,
        kind=PaymentKind.INSTALMENT,
        paid_on=date(2023, 10, 5),
        amount=Decimal("20000"),
    )

    with pytest.raises(ValidationError) as refused:
        payment_record(
            project=project,
            kind=PaymentKind.INSTALMENT,
            paid_on=date(2023, 10, 6),
            amount=Decimal("0.01"),
        )

    assert refused.value.message_dict["amount"] == [
        "50,000.00 EUR is paid already; 0.01 EUR more would bring the total to 50,000.01 EUR, "
        "above the contracted 50,000.00 EUR."
    ]
    assert Payment.objects.filter(project=project).count() == 2


def test_a_payment_is_in_the_contract_s_currency(db):
    project = project_in(ProjectStatus.ONGOING, currency="USD")

    payment = payment_record(
        project=project,
        kind=PaymentKind.PRE_FINANCING,
        paid_on=date(2023, 4, 5),
        amount=Decimal("100"),
    )

    assert payment.currency == "USD"


def test_a_contract_cannot_be_cut_below_what_is_paid(db):
    project = project_in(ProjectStatus.ONGOING)
    payment_record(
        project=project,
        kind=PaymentKind.PRE_FINANCING,
        paid_on=date(2023, 4, 5),
        amount=Decimal("20000"),
    )
    with pytest.raises(ValidationError, match="is paid already; the amount cannot be less"):
        project_update(project=project, data={"amount": Decimal("19999.99")}, expected_version=None)


@pytest.mark.parametrize("status", [ProjectStatus.CONTRACTED, ProjectStatus.ONGOING])
def test_the_final_payment_waits_for_the_final_report(db, status):
    project = project_in(status)

    with pytest.raises(ValidationError, match="The final payment follows the final report"):
        payment_record(
            project=project, kind=PaymentKind.FINAL, paid_on=date(2024, 5, 1), amount=Decimal("1")
        )


def test_there_is_one_final_payment(db):
    project = project_in(ProjectStatus.FINAL_REPORT_RECEIVED)
    payment_record(
        project=project, kind=PaymentKind.FINAL, paid_on=date(2024, 5, 1), amount=Decimal("1")
    )

    with pytest.raises(ValidationError, match="final payment is recorded already"):
        payment_record(
            project=project, kind=PaymentKind.FINAL, paid_on=date(2024, 5, 2), amount=Decimal("1")
        )


def test_a_closed_project_gets_no_payment(db):
    project = project_in(ProjectStatus.CLOSED)

    with pytest.raises(ApplicationError, match="is closed; no more payments"):
        payment_record(
            project=project,
            kind=PaymentKind.INSTALMENT,
            paid_on=date(2024, 5, 1),
            amount=Decimal("1"),
        )


@pytest.mark.parametrize("paid_on", [date(2023, 3, 19), "tomorrow"])
def test_a_payment_before_the_contract_or_in_the_future_is_refused(db, paid_on):
    # "Tomorrow" is taken when the test runs, not when it is collected: a run across midnight
    # (in the programme's time zone) would otherwise pay "tomorrow" today.
    if paid_on == "tomorrow":
        paid_on = timezone.localdate() + timedelta(days=1)
    project = project_in(ProjectStatus.CONTRACTED)

    with pytest.raises(ValidationError) as refused:
        payment_record(
            project=project, kind=PaymentKind.PRE_FINANCING, paid_on=paid_on, amount=Decimal("1")
        )

    assert "paid_on" in refused.value.message_dict


# Reports


def test_a_report_due_before_the_project_starts_is_refused(db):
    project = GrantProjectFactory()

    with pytest.raises(ValidationError) as refused:
        report_create(
            project=project, data={"kind": ReportKind.INTERIM, "due_date": date(2023, 3, 31)}
        )

    assert refused.value.message_dict["due_date"] == [
        "The project starts on 1 April 2023; no report is due before."
    ]


def test_a_project_has_one_final_report(db):
    project = project_in(ProjectStatus.ONGOING)  # has its final report

    with pytest.raises(ValidationError, match="has a final report already"):
        report_create(
            project=project, data={"kind": ReportKind.FINAL, "due_date": date(2024, 5, 30)}
        )


def test_the_final_report_s_receipt_stays_once_the_project_moved_on_it(db):
    project = project_in(ProjectStatus.FINAL_REPORT_RECEIVED)
    final = project.reports.get(kind=ReportKind.FINAL)

    with pytest.raises(ValidationError) as refused:
        report_update(report=final, data={"received_on": None}, expected_version=1)

    assert "its kind and receipt stay" in refused.value.message_dict["received_on"][0]


def test_a_report_received_in_the_future_is_refused(db):
    project = GrantProjectFactory()
    report = report_create(
        project=project, data={"kind": ReportKind.INTERIM, "due_date": date(2023, 7, 1)}
    )

    with pytest.raises(ValidationError, match="cannot be received in the future"):
        report_update(
            report=report,
            data={"received_on": timezone.localdate() + timedelta(days=1)},
            expected_version=1,
        )


# People reached: the vulnerable groups are "of whom"


def _received_report():
    project = GrantProjectFactory()
    return report_create(
        project=project,
        data={
            "kind": ReportKind.INTERIM,
            "due_date": date(2023, 7, 1),
            "received_on": date(2023, 7, 3),
        },
    )


COUNTS = {"women": 60, "men": 40, "children": 0, "trafficking_victims": 0, "with_disabilities": 0}


@pytest.mark.parametrize("group", ["children", "trafficking_victims", "with_disabilities"])
def test_a_group_as_large_as_everyone_reached_is_accepted(db, group):
    record = people_reached_record(report=_received_report(), counts={**COUNTS, group: 100})

    assert (record.total, getattr(record, group)) == (100, 100)


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("children", "101 children are more than the 100 people reached."),
        ("trafficking_victims", "101 victims of trafficking are more than the 100 people reached."),
        ("with_disabilities", "101 people with disabilities are more than the 100 people reached."),
    ],
)
def test_a_group_larger_than_everyone_reached_is_refused(db, group, message):
    report = _received_report()

    with pytest.raises(ValidationError) as refused:
        people_reached_record(report=report, counts={**COUNTS, group: 101})

    assert refused.value.message_dict[group] == [message]
    assert not PeopleReached.objects.exists()


def test_people_reached_come_from_a_received_report(db):
    report = report_create(
        project=GrantProjectFactory(),
        data={"kind": ReportKind.INTERIM, "due_date": date(2023, 7, 1)},
    )

    with pytest.raises(ApplicationError, match="from a received report"):
        people_reached_record(report=report, counts=COUNTS)


def test_a_correction_of_people_reached_from_a_stale_copy_is_refused(db):
    report = _received_report()
    people_reached_record(report=report, counts=COUNTS)
    people_reached_record(report=report, counts={**COUNTS, "women": 61}, expected_version=1)

    with pytest.raises(StaleRecord):
        people_reached_record(report=report, counts={**COUNTS, "women": 62}, expected_version=1)

    assert PeopleReached.objects.get(report=report).women == 61
