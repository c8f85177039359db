"""Writes of what follows a contract: reports, payments and the people reached."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.money import money_format
from bomca.core.records import save_versioned
from bomca.grants.models import (
    GrantProject,
    Payment,
    PaymentKind,
    PeopleReached,
    ProjectStatus,
    Report,
    ReportKind,
)
from bomca.grants.services.common import (
    apply_fields,
    check_not_future,
    contracted_on,
    paid_total,
)

# --- reports ------------------------------------------------------------------------------

REPORT_FIELDS = ("kind", "due_date", "received_on", "note")


def _check_report(report: Report, project: GrantProject) -> None:
    check_not_future(report, {"received_on": _("A report cannot be received in the future.")})
    errors: dict[str, str] = {}
    start = date_format(project.start_date)
    if report.due_date and report.due_date < project.start_date:
        errors["due_date"] = _("The project starts on %(start)s; no report is due before.") % {
            "start": start
        }
    if report.received_on and report.received_on < project.start_date:
        errors["received_on"] = _(
            "The project starts on %(start)s; no report is received before."
        ) % {"start": start}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_create(
    *,
    project: GrantProject,
    data: Mapping[str, Any],
    source: str = Source.RECORDED,
    source_note: str = "",
) -> Report:
    """Schedule a report the NGO owes (and, if it is in, when it came)."""
    if project.status == ProjectStatus.CLOSED:
        raise ApplicationError(
            _("Project %(contract)s is closed; it owes no more reports.")
            % {"contract": project.contract_number}
        )
    report = Report(project=project, source=source, source_note=source_note)
    apply_fields(report, REPORT_FIELDS, data)
    _check_report(report, project)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_update(
    *, report: Report, data: Mapping[str, Any], expected_version: int | None
) -> Report:
    """Change a report's dates or note, e.g. record that it came in."""
    project = report.project
    was_final = report.kind == ReportKind.FINAL
    apply_fields(report, REPORT_FIELDS, data)
    if was_final and project.status in (
        ProjectStatus.FINAL_REPORT_RECEIVED,
        ProjectStatus.CLOSED,
    ):
        step = project.status_changes.filter(to_status=ProjectStatus.FINAL_REPORT_RECEIVED)
        step_date = step.values_list("date", flat=True).first()
        if (
            report.kind != ReportKind.FINAL
            or report.received_on is None
            or (step_date is not None and report.received_on > step_date)
        ):
            raise ValidationError(
                {
                    "received_on": _(
                        "Project %(contract)s is “%(status)s” because this report was received "
                        "by then; its kind and receipt stay."
                    )
                    % {"contract": project.contract_number, "status": project.get_status_display()}
                }
            )
    if report.received_on is None and PeopleReached.objects.filter(report=report).exists():
        raise ValidationError(
            {"received_on": _("The people reached come from this report; it stays received.")}
        )
    _check_report(report, project)
    return save_versioned(report, expected_version=expected_version)


# --- payments -----------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    project: GrantProject,
    kind: str,
    paid_on: date,
    amount: Decimal,
    note: str = "",
    source: str = Source.RECORDED,
    source_note: str = "",
) -> Payment:
    """Record a payment to the NGO; the total paid never goes above the contracted amount."""
    # Locked, so that two payments recorded at once cannot both fit under the amount.
    project = GrantProject.objects.select_for_update().get(pk=project.pk)
    if project.status == ProjectStatus.CLOSED:
        raise ApplicationError(
            _("Project %(contract)s is closed; no more payments are made.")
            % {"contract": project.contract_number}
        )
    if kind == PaymentKind.FINAL:
        _check_final_payment(project)
    signed = contracted_on(project)
    if signed and paid_on < signed:
        raise ValidationError(
            {
                "paid_on": _("The contract was signed on %(date)s; nothing is paid before.")
                % {"date": date_format(signed)}
            }
        )
    paid = paid_total(project)
    if amount is not None and paid + amount > project.amount:
        raise ValidationError(
            {
                "amount": _(
                    "%(paid)s is paid already; %(amount)s more would bring the total to "
                    "%(total)s, above the contracted %(contracted)s."
                )
                % {
                    "paid": money_format(paid, project.currency),
                    "amount": money_format(amount, project.currency),
                    "total": money_format(paid + amount, project.currency),
                    "contracted": money_format(project.amount, project.currency),
                }
            }
        )
    payment = Payment(
        project=project,
        kind=kind,
        paid_on=paid_on,
        amount=amount,
        currency=project.currency,
        note=note,
        source=source,
        source_note=source_note,
    )
    check_not_future(payment, {"paid_on": _("A payment cannot be dated in the future.")})
    payment.full_clean()
    payment.save()
    return payment


def _check_final_payment(project: GrantProject) -> None:
    if project.status not in (ProjectStatus.FINAL_REPORT_RECEIVED, ProjectStatus.TERMINATED):
        raise ValidationError(
            {
                "kind": _(
                    "The final payment follows the final report: project %(contract)s is "
                    "“%(status)s”."
                )
                % {"contract": project.contract_number, "status": project.get_status_display()}
            }
        )
    if project.payments.filter(kind=PaymentKind.FINAL).exists():
        raise ValidationError({"kind": _("The project's final payment is recorded already.")})


# --- people reached -----------------------------------------------------------------------

PEOPLE_FIELDS = ("women", "men", "children", "trafficking_victims", "with_disabilities")


@transaction.atomic
def people_reached_record(
    *, report: Report, counts: Mapping[str, int], expected_version: int | None = None
) -> PeopleReached:
    """Record (or correct) how many people a received report says the project reached.

    The report is locked first: of two first records at once, the second waits and then
    corrects the first's (with its version checked), rather than failing on the unique row."""
    if report.received_on is None:
        raise ApplicationError(
            _("People reached are recorded from a received report; record its receipt first.")
        )
    with transaction.atomic():
        list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk"))
        record = PeopleReached.objects.filter(report=report).first() or PeopleReached(report=report)
        apply_fields(record, PEOPLE_FIELDS, counts)
        return save_versioned(record, expected_version=expected_version)
