"""Contracting a selected application and changing the contract: the call's duration and
maximum, the order of the steps, and saves made from a stale copy."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bomca.core.errors import ApplicationError
from bomca.core.records import StaleRecord
from bomca.grants.models import Decision, GrantProject, ProjectStatus, ReportKind, months_after
from bomca.grants.services import project_contract, project_move, project_update, report_create
from tests.grants.factories import (
    ApplicationFactory,
    CallFactory,
    GrantProjectFactory,
    project_in,
)

START = date(2023, 4, 1)


def _contract(application, *, months: int | None = None, **changes):
    end = months_after(START, months) - timedelta(days=1) if months else date(2024, 3, 31)
    data = {
        "contract_number": "SYN-CONTRACT-1",
        "amount": Decimal("50000.00"),
        "currency": "EUR",
        "start_date": START,
        "end_date": end,
        **changes,
    }
    return project_contract(
        application=application, data=data, contracted_on=date(2023, 3, 20), by=None
    )


# Duration: the call's minimum and maximum in months


@pytest.mark.parametrize("months", [6, 12])
def test_a_project_of_6_or_12_months_is_contracted_under_a_6_to_12_month_call(db, months):
    project = _contract(ApplicationFactory(), months=months)

    assert project.duration_months == months
    assert project.status == ProjectStatus.CONTRACTED
    step = project.status_changes.get()
    assert (step.from_status, step.to_status, step.date) == ("", "contracted", date(2023, 3, 20))


@pytest.mark.parametrize("months", [5, 13])
def test_a_project_of_5_or_13_months_is_refused_and_nothing_is_saved(db, months):
    with pytest.raises(ValidationError) as refused:
        _contract(ApplicationFactory(), months=months)

    message = refused.value.message_dict["end_date"][0]
    assert "last 6 to 12 months" in message
    assert "must end between 30 September 2023 and 31 March 2024" in message
    assert not GrantProject.objects.exists()


@pytest.mark.parametrize(("months", "accepted"), [(2, False), (3, True), (4, True), (5, False)])
def test_the_duration_follows_the_call_s_own_rules(db, months, accepted):
    call = CallFactory(min_duration_months=3, max_duration_months=4)
    application = ApplicationFactory(call=call)

    if accepted:
        assert _contract(application, months=months).duration_months == months
    else:
        with pytest.raises(ValidationError, match="last 3 to 4 months"):
            _contract(application, months=months)


def test_a_project_a_day_short_of_6_months_is_refused(db):
    with pytest.raises(ValidationError):
        _contract(ApplicationFactory(), end_date=date(2023, 9, 29))


def test_moving_the_end_date_beyond_the_maximum_is_refused_and_the_project_keeps_its_dates(db):
    project = GrantProjectFactory()
    version = project.version

    with pytest.raises(ValidationError, match="last 6 to 12 months"):
        project_update(
            project=project, data={"end_date": date(2024, 4, 30)}, expected_version=version
        )

    project = GrantProject.objects.get(pk=project.pk)
    assert (project.end_date, project.version) == (date(2024, 3, 31), version)


def test_moving_the_start_date_keeps_the_duration_rule(db):
    project = GrantProjectFactory()

    with pytest.raises(ValidationError, match="last 6 to 12 months"):
        project_update(project=project, data={"start_date": date(2023, 10, 2)}, expected_version=1)

    saved = project_update(
        project=GrantProject.objects.get(pk=project.pk),
        data={"start_date": date(2023, 9, 1), "end_date": date(2024, 2, 29)},
        expected_version=1,
    )
    assert (saved.duration_months, saved.version) == (6, 2)


# Amount: at most the call's maximum grant, when in the call's currency


def test_an_amount_above_the_call_s_maximum_is_refused(db):
    application = ApplicationFactory()

    with pytest.raises(ValidationError) as refused:
        _contract(application, amount=Decimal("60000.01"))

    assert refused.value.message_dict["amount"] == [
        f"Call {application.call.reference} grants at most 60,000.00 EUR."
    ]


def test_the_maximum_itself_is_accepted(db):
    assert _contract(ApplicationFactory(), amount=Decimal("60000.00")).amount == Decimal("60000.00")


def test_an_amount_in_another_currency_than_the_call_s_is_not_compared_with_its_maximum(db):
    project = _contract(ApplicationFactory(), amount=Decimal("70000.00"), currency="USD")

    assert (project.amount, project.currency) == (Decimal("70000.00"), "USD")


# Contracting


@pytest.mark.parametrize("decision", [Decision.PENDING, Decision.RESERVE, Decision.REJECTED])
def test_only_a_selected_application_is_contracted(db, decision):
    decided = {"decision_date": None} if decision == Decision.PENDING else {}
    application = ApplicationFactory(decision=decision, **decided)

    with pytest.raises(ApplicationError, match="only a selected application is contracted"):
        _contract(application)

    assert not GrantProject.objects.exists()


def test_an_application_is_contracted_once(db):
    application = ApplicationFactory()
    _contract(application)

    with pytest.raises(ApplicationError, match="is contracted already"):
        _contract(application, contract_number="SYN-CONTRACT-2")


def test_a_contract_before_the_selection_is_refused(db):
    application = ApplicationFactory(decision_date=date(2023, 3, 25))

    with pytest.raises(ValidationError, match="before the selection"):
        _contract(application)


def test_a_contract_number_is_unique(db):
    _contract(ApplicationFactory())

    with pytest.raises(ValidationError) as refused:
        _contract(ApplicationFactory())

    assert "contract_number" in refused.value.message_dict


@pytest.mark.parametrize("number", ["calls", "G 1", "G/1", ""])
def test_a_contract_number_that_would_not_fit_in_a_link_is_refused(db, number):
    with pytest.raises(ValidationError) as refused:
        _contract(ApplicationFactory(), contract_number=number)

    assert "contract_number" in refused.value.message_dict


# The order and dates of the steps


def test_a_step_dated_in_the_future_is_refused(db):
    project = project_in(ProjectStatus.CONTRACTED)

    with pytest.raises(ApplicationError, match="cannot be dated in the future"):
        project_move(
            project=project,
            to_status=ProjectStatus.ONGOING,
            on=timezone.localdate() + timedelta(days=1),
            by=None,
        )

    assert GrantProject.objects.get(pk=project.pk).status == ProjectStatus.CONTRACTED


def test_a_step_dated_before_the_previous_one_is_refused(db):
    project = project_in(ProjectStatus.ONGOING)

    with pytest.raises(ApplicationError) as refused:
        project_move(
            project=project,
            to_status=ProjectStatus.TERMINATED,
            on=date(2023, 3, 31),
            by=None,
            note="Synthetic.",
        )

    assert refused.value.message == (
        "The step to “Terminated” cannot be dated 31 March 2023, before the project's previous "
        "step (“Ongoing”, 1 April 2023)."
    )
    assert refused.value.field == "date"


def test_a_project_is_not_ongoing_before_it_starts(db):
    project = GrantProjectFactory(start_date=date(2023, 5, 2), end_date=date(2024, 5, 1))

    with pytest.raises(ApplicationError, match="starts on 2 May 2023"):
        project_move(project=project, to_status=ProjectStatus.ONGOING, on=date(2023, 5, 1), by=None)


def test_a_termination_needs_a_note(db):
    project = project_in(ProjectStatus.ONGOING)

    with pytest.raises(ApplicationError, match=r"why project .* is terminated"):
        project_move(project=project, to_status=ProjectStatus.TERMINATED, on=START, by=None)

    assert GrantProject.objects.get(pk=project.pk).status == ProjectStatus.ONGOING


def test_final_report_received_needs_the_final_report_received(db):
    project = GrantProjectFactory()
    project_move(project=project, to_status=ProjectStatus.ONGOING, on=START, by=None)
    report_create(project=project, data={"kind": ReportKind.FINAL, "due_date": date(2024, 4, 30)})

    with pytest.raises(ApplicationError, match="before its final report is recorded as received"):
        project_move(
            project=project,
            to_status=ProjectStatus.FINAL_REPORT_RECEIVED,
            on=date(2024, 5, 2),
            by=None,
        )

    assert GrantProject.objects.get(pk=project.pk).status == ProjectStatus.ONGOING


def test_a_project_is_closed_only_when_every_report_is_in(db):
    project = project_in(ProjectStatus.FINAL_REPORT_RECEIVED)
    report_create(project=project, data={"kind": ReportKind.INTERIM, "due_date": date(2023, 10, 1)})

    with pytest.raises(ApplicationError, match="while 1 of its reports are not received"):
        project_move(project=project, to_status=ProjectStatus.CLOSED, on=date(2024, 5, 1), by=None)


# Saves made from a stale copy


def test_a_save_from_a_stale_copy_is_refused_and_the_first_save_stands(db):
    project = GrantProjectFactory()
    first = GrantProject.objects.get(pk=project.pk)
    second = GrantProject.objects.get(pk=project.pk)
    project_update(project=first, data={"amount": Decimal("45000.00")}, expected_version=1)

    with pytest.raises(StaleRecord) as refused:
        project_update(project=second, data={"amount": Decimal("40000.00")}, expected_version=1)

    assert "your copy is version 1, the record is now at version 2" in refused.value.message
    saved = GrantProject.objects.get(pk=project.pk)
    assert (saved.amount, saved.version) == (Decimal("45000.00"), 2)


def test_a_step_from_a_stale_copy_is_refused_and_leaves_no_step(db):
    project = GrantProjectFactory()
    project_update(
        project=GrantProject.objects.get(pk=project.pk),
        data={"amount": Decimal("45000.00")},
        expected_version=1,
    )

    with pytest.raises(StaleRecord):
        project_move(
            project=project, to_status=ProjectStatus.ONGOING, on=START, by=None, expected_version=1
        )

    assert GrantProject.objects.get(pk=project.pk).status == ProjectStatus.CONTRACTED
    assert project.status_changes.count() == 1


def test_a_closed_project_s_contract_is_not_changed(db):
    project = project_in(ProjectStatus.CLOSED)

    with pytest.raises(ApplicationError, match="is “Closed”; its contract is no longer changed"):
        project_update(project=project, data={"amount": Decimal("1.00")}, expected_version=None)
