"""Writes of grant projects: contracting a selected application, changing the contract, and
moving the project along its statuses (one table of allowed steps, ``TRANSITIONS``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bomca.accounts.models import User
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.money import money_format
from bomca.core.records import save_versioned
from bomca.grants.models import (
    Application,
    Decision,
    GrantProject,
    ProjectStatus,
    ReportKind,
    StatusChange,
)
from bomca.grants.services.common import apply_fields, paid_total

# --- the status machine -------------------------------------------------------------------

#: Where a project may go from each status; nothing else is allowed. Closed and terminated are
#: final. "Final report received" needs the final report in (``project_move`` checks).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.CONTRACTED: (ProjectStatus.ONGOING, ProjectStatus.TERMINATED),
    ProjectStatus.ONGOING: (ProjectStatus.FINAL_REPORT_RECEIVED, ProjectStatus.TERMINATED),
    ProjectStatus.FINAL_REPORT_RECEIVED: (ProjectStatus.CLOSED,),
    ProjectStatus.CLOSED: (),
    ProjectStatus.TERMINATED: (),
}


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses a project in ``status`` may move to, in the order of the machine."""
    return TRANSITIONS.get(status, ())


def _label(status: str) -> str:
    return str(ProjectStatus(status).label)


def transition_refusal(project: GrantProject, to_status: str) -> str | None:
    """Why ``project`` may not move to ``to_status``, in one sentence; None when it may."""
    if to_status in allowed_transitions(project.status):
        return None
    names = {"contract": project.contract_number, "from": _label(project.status)}
    if to_status not in ProjectStatus.values:
        return _("“%(to)s” is not a project status.") % {"to": to_status}
    names["to"] = _label(to_status)
    allowed = allowed_transitions(project.status)
    if not allowed:
        return (
            _(
                "Project %(contract)s cannot move from “%(from)s” to “%(to)s”: “%(from)s” is "
                "the last status of a project."
            )
            % names
        )
    return _(
        "Project %(contract)s cannot move from “%(from)s” to “%(to)s”; from “%(from)s” it can "
        "move only to: %(allowed)s."
    ) % {**names, "allowed": ", ".join(f"“{_label(status)}”" for status in allowed)}


@transaction.atomic
def project_move(
    *,
    project: GrantProject,
    to_status: str,
    on: date,
    by: User | None,
    note: str = "",
    expected_version: int | None = None,
    source: str = Source.RECORDED,
    source_note: str = "",
) -> GrantProject:
    """Move a project one allowed step, on a day not in the future nor before the last step."""
    if refusal := transition_refusal(project, to_status):
        raise ApplicationError(refusal)
    _check_step_date(project, to_status, on)
    if to_status == ProjectStatus.TERMINATED and not note.strip():
        raise ApplicationError(
            _("Say in the note why project %(contract)s is terminated.")
            % {"contract": project.contract_number},
            field="note",
        )
    if to_status == ProjectStatus.FINAL_REPORT_RECEIVED:
        _check_final_report_in(project, on)
    if to_status == ProjectStatus.CLOSED:
        _check_nothing_outstanding(project)
    from_status = project.status
    project.status = to_status
    save_versioned(project, expected_version=expected_version)
    _step_record(project, from_status, to_status, on, by, note, source, source_note)
    return project


def _step_record(
    project: GrantProject,
    from_status: str,
    to_status: str,
    on: date,
    by: User | None,
    note: str,
    source: str,
    source_note: str,
) -> StatusChange:
    step = StatusChange(
        project=project,
        from_status=from_status,
        to_status=to_status,
        date=on,
        changed_by=by,
        note=note.strip(),
        source=source,
        source_note=source_note,
    )
    step.full_clean()
    step.save()
    return step


def _check_step_date(project: GrantProject, to_status: str, on: date) -> None:
    if on > timezone.localdate():
        raise ApplicationError(
            _("A status step cannot be dated in the future (%(date)s).")
            % {"date": date_format(on)},
            field="date",
        )
    last = project.status_changes.order_by("-date", "-pk").first()
    if last is not None and on < last.date:
        raise ApplicationError(
            _(
                "The step to “%(to)s” cannot be dated %(date)s, before the project's previous "
                "step (“%(previous)s”, %(previous_date)s)."
            )
            % {
                "to": _label(to_status),
                "date": date_format(on),
                "previous": _label(last.to_status),
                "previous_date": date_format(last.date),
            },
            field="date",
        )
    if to_status == ProjectStatus.ONGOING and on < project.start_date:
        raise ApplicationError(
            _("Project %(contract)s starts on %(start)s; it cannot be ongoing before that.")
            % {
                "contract": project.contract_number,
                "start": date_format(project.start_date),
            },
            field="date",
        )


def _check_final_report_in(project: GrantProject, on: date) -> None:
    final = project.reports.filter(kind=ReportKind.FINAL).first()
    if final is None or final.received_on is None or final.received_on > on:
        raise ApplicationError(
            _(
                "Project %(contract)s cannot move to “%(to)s” before its final report is recorded "
                "as received (on or before the step's date)."
            )
            % {
                "contract": project.contract_number,
                "to": _label(ProjectStatus.FINAL_REPORT_RECEIVED),
            }
        )


def _check_nothing_outstanding(project: GrantProject) -> None:
    outstanding = project.reports.filter(received_on__isnull=True).count()
    if outstanding:
        raise ApplicationError(
            _(
                "Project %(contract)s cannot be closed while %(count)s of its reports are not "
                "received; record their receipt first."
            )
            % {"contract": project.contract_number, "count": outstanding}
        )


# --- grant projects -----------------------------------------------------------------------

PROJECT_FIELDS = ("contract_number", "amount", "currency", "start_date", "end_date")


@transaction.atomic
def project_contract(
    *,
    application: Application,
    data: Mapping[str, Any],
    contracted_on: date,
    by: User | None,
    note: str = "",
    source: str = Source.RECORDED,
    source_note: str = "",
) -> GrantProject:
    """Contract a selected application: the project starts as "contracted" on that day."""
    if application.decision != Decision.SELECTED:
        raise ApplicationError(
            _("Application %(code)s is “%(decision)s”; only a selected application is contracted.")
            % {"code": application.code, "decision": application.get_decision_display()}
        )
    if GrantProject.objects.filter(application=application).exists():
        raise ApplicationError(
            _("Application %(code)s is contracted already.") % {"code": application.code}
        )
    if contracted_on > timezone.localdate():
        raise ValidationError({"contracted_on": _("A contract cannot be dated in the future.")})
    if application.decision_date and contracted_on < application.decision_date:
        raise ValidationError(
            {
                "contracted_on": _("The contract is dated before the selection (%(date)s).")
                % {"date": date_format(application.decision_date)}
            }
        )
    project = GrantProject(application=application, source=source, source_note=source_note)
    apply_fields(project, PROJECT_FIELDS, data)
    project.full_clean()
    project.save()
    _step_record(
        project, "", ProjectStatus.CONTRACTED, contracted_on, by, note, source, source_note
    )
    return project


@transaction.atomic
def project_update(
    *, project: GrantProject, data: Mapping[str, Any], expected_version: int | None
) -> GrantProject:
    """Change a project's contract: number, amount, dates (kept within the call's duration)."""
    locked = GrantProject.objects.select_for_update().get(pk=project.pk)
    if not locked.is_open:
        raise ApplicationError(
            _("Project %(contract)s is “%(status)s”; its contract is no longer changed.")
            % {"contract": locked.contract_number, "status": locked.get_status_display()}
        )
    apply_fields(project, PROJECT_FIELDS, data)
    paid = paid_total(project)
    if paid and project.currency != locked.currency:
        raise ValidationError(
            {
                "currency": _("Payments were made in %(currency)s; the currency stays.")
                % {"currency": locked.currency}
            }
        )
    if project.amount is not None and project.amount < paid:
        raise ValidationError(
            {
                "amount": _("%(paid)s is paid already; the amount cannot be less.")
                % {"paid": money_format(paid, project.currency)}
            }
        )
    return save_versioned(project, expected_version=expected_version)
