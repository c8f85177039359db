"""The status machine of a procurement need: one table of moves, one function that makes them.

The steps (``TRANSITIONS``, the one table of what may follow what)::

    identified → specified → tendered → evaluated → contracted → delivered → handed_over

- A need moves one step forward at a time; skipping a step or going back is refused.
- ``on_hold`` and ``cancelled`` can be reached from every open step (identified to delivered).
  A need on hold goes back only to the step it was held at (to cancel it, resume it first:
  the cancellation then names the step it was cancelled from).
- ``handed_over`` and ``cancelled`` are closed: nothing moves a closed need, and it is no
  longer edited.
- Every step has a date (not in the future, not before the date of the step before), who made
  it (``None``: the system, e.g. the command line or the data load) and a note; putting a need
  on hold or cancelling it needs a note that says why.

What a step needs of the record (checked on every move, and again when a need is edited, so
that an edit cannot undo what a step it has passed relied on):

- specified: at least one item (lot, description, quantity, unit, estimated value);
- tendered: the procedure;
- contracted: the supplier, the contract reference and date (not after the step), and a
  contracted value for every item;
- delivered: every item delivered in full;
- handed_over: every item handed over in full.

Deliveries are recorded for a contracted need, never more than an item's quantity in all and
never before the need was contracted. Hand-overs are recorded for a contracted or delivered
need, never more of an item than had been delivered by the hand-over's date. When a delivery
completes every item, the need moves to *delivered* (dated by the last delivery); when a
hand-over completes every item, it moves to *handed over* (dated by the last hand-over). Both
moves go through ``need_move``'s checks, as a person's move would.

Writes to a need are made with ``save_versioned``: a form saved from an older version is
refused (``StaleRecord``) and changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bomca.accounts.models import User
from bomca.core.errors import ApplicationError
from bomca.core.records import save_versioned
from bomca.procurement.models import (
    CLOSED,
    FLOW,
    Delivery,
    HandOverLine,
    NeedStatus,
    ProcurementItem,
    ProcurementNeed,
    StatusChange,
)

S = NeedStatus

#: What may follow each status. On hold, only the step it was held at (``held_at``) is open.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.IDENTIFIED: frozenset({S.SPECIFIED, S.ON_HOLD, S.CANCELLED}),
    S.SPECIFIED: frozenset({S.TENDERED, S.ON_HOLD, S.CANCELLED}),
    S.TENDERED: frozenset({S.EVALUATED, S.ON_HOLD, S.CANCELLED}),
    S.EVALUATED: frozenset({S.CONTRACTED, S.ON_HOLD, S.CANCELLED}),
    S.CONTRACTED: frozenset({S.DELIVERED, S.ON_HOLD, S.CANCELLED}),
    S.DELIVERED: frozenset({S.HANDED_OVER, S.ON_HOLD, S.CANCELLED}),
    S.ON_HOLD: frozenset(
        {S.IDENTIFIED, S.SPECIFIED, S.TENDERED, S.EVALUATED, S.CONTRACTED, S.DELIVERED}
    ),
    S.HANDED_OVER: frozenset(),
    S.CANCELLED: frozenset(),
}
#: Moves that must say why.
NOTE_REQUIRED = frozenset({S.ON_HOLD, S.CANCELLED})


class TransitionRefused(ApplicationError):
    """A move the table or the record's data does not allow; the record is left unchanged."""


def status_label(status: str) -> str:
    return str(NeedStatus(status).label) if status in NeedStatus.values else status


def quantity_text(quantity: Decimal) -> str:
    """``10`` rather than ``10.00``, ``2.5`` rather than ``2.50``."""
    return f"{quantity.normalize():f}"


def transitions_from(need: ProcurementNeed) -> list[str]:
    """The statuses the table allows ``need`` to move to now, in the order of the procedure."""
    if need.status == S.ON_HOLD:
        return [need.held_at]
    allowed = TRANSITIONS[need.status]
    return [status for status in NeedStatus.values if status in allowed]


# --- the transition function ----------------------------------------------------------------


def _refused(need: ProcurementNeed, to: str, reason: str) -> TransitionRefused:
    return TransitionRefused(
        _("Cannot move %(reference)s from %(from)s to %(to)s: %(reason)s")
        % {
            "reference": need.reference,
            "from": status_label(need.status),
            "to": status_label(to),
            "reason": reason,
        }
    )


def _table_reason(need: ProcurementNeed, to: str) -> str | None:
    """Why the table refuses the move, or None when it allows it."""
    current = need.status
    if to not in NeedStatus.values:
        return _("there is no such status.")
    if to == current:
        return _("it is already at that status.")
    if current in CLOSED:
        return _("a need that is handed over or cancelled is closed; nothing moves it any more.")
    if current == S.ON_HOLD:
        if to == need.held_at:
            return None
        return _("a need on hold goes back only to the step it was held at (%(step)s).") % {
            "step": status_label(need.held_at)
        }
    if to in TRANSITIONS[current]:
        return None
    if FLOW.index(to) < FLOW.index(current):
        return _("a need never goes back a step.")
    return _("steps cannot be skipped; the next step is %(next)s.") % {
        "next": status_label(FLOW[FLOW.index(current) + 1])
    }


def _date_reason(need: ProcurementNeed, on: date) -> str | None:
    if on > timezone.localdate():
        return _("the date %(date)s is in the future.") % {"date": day_text(on)}
    if on < need.status_date:
        return _("the date %(date)s is before the step before it (%(previous)s).") % {
            "date": day_text(on),
            "previous": day_text(need.status_date),
        }
    return None


def check_not_future(on: date, *, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError(
            {field: _("The date %(date)s is in the future.") % {"date": day_text(on)}}
        )


def day_text(day: date) -> str:
    return date_format(day)


def _item_rows(need: ProcurementNeed) -> list[dict[str, Any]]:
    """Each item of the need with how much of it was delivered and handed over (three queries)."""
    items: list[dict[str, Any]] = [
        dict(row)
        for row in ProcurementItem.objects.filter(lot__need=need)
        .order_by("lot__number", "pk")
        .values("pk", "description", "quantity", "contracted_value")
    ]
    delivered = _sums(Delivery.objects.filter(item__lot__need=need))
    handed = _sums(HandOverLine.objects.filter(item__lot__need=need))
    for item in items:
        item["delivered"] = delivered.get(item["pk"], Decimal(0))
        item["handed_over"] = handed.get(item["pk"], Decimal(0))
    return items


def _sums(rows: Any) -> dict[int, Decimal]:
    return dict(
        rows.order_by().values("item").annotate(total=Sum("quantity")).values_list("item", "total")
    )


def data_problems(need: ProcurementNeed, step: str, *, on: date | None = None) -> list[str]:
    """What the record lacks for ``step`` (empty when it has everything)."""
    items = _item_rows(need) if step in FLOW else []
    problems: list[str] = []
    if step in FLOW[FLOW.index(S.SPECIFIED) :] and not items:
        problems.append(_("it has no items yet; add the lots and items on the edit page."))
    if step in FLOW[FLOW.index(S.TENDERED) :] and not need.procedure:
        problems.append(_("the procedure is not recorded."))
    if step in FLOW[FLOW.index(S.CONTRACTED) :]:
        problems += _contract_problems(need, items, on=on)
    if step in (S.DELIVERED, S.HANDED_OVER):
        short = [item["description"] for item in items if item["delivered"] < item["quantity"]]
        if short:
            problems.append(_("not delivered in full: %(items)s.") % {"items": "; ".join(short)})
    if step == S.HANDED_OVER:
        short = [item["description"] for item in items if item["handed_over"] < item["quantity"]]
        if short:
            problems.append(_("not handed over in full: %(items)s.") % {"items": "; ".join(short)})
    return problems


def _contract_problems(
    need: ProcurementNeed, items: list[dict[str, Any]], *, on: date | None
) -> list[str]:
    problems = []
    if not need.supplier_name:
        problems.append(_("the supplier is not recorded."))
    if not need.contract_reference or need.contract_date is None:
        problems.append(_("the contract reference and date are not recorded."))
    elif on is not None and need.contract_date > on:
        problems.append(
            _("the contract date %(contract)s is after the date of the step.")
            % {"contract": day_text(need.contract_date)}
        )
    missing = [item["description"] for item in items if item["contracted_value"] is None]
    if missing:
        problems.append(_("no contracted value for: %(items)s.") % {"items": "; ".join(missing)})
    return problems


def _check_move(need: ProcurementNeed, to: str, on: date, note: str) -> None:
    """Raise ``TransitionRefused`` naming both statuses when ``need`` may not move to ``to``."""
    reason = _table_reason(need, to) or _date_reason(need, on)
    if reason is None and to in NOTE_REQUIRED and not note.strip():
        reason = _("a note saying why is required.")
    if reason is None and need.status != S.ON_HOLD:
        reason = " ".join(data_problems(need, to, on=on)) or None
    if reason is not None:
        raise _refused(need, to, reason)


def _apply_move(
    need: ProcurementNeed,
    to: str,
    *,
    on: date,
    by: User | None,
    note: str,
    expected_version: int | None,
) -> ProcurementNeed:
    previous = need.status
    need.held_at = previous if to == S.ON_HOLD else ""
    need.status, need.status_date = to, on
    save_versioned(need, expected_version=expected_version)
    StatusChange.objects.create(
        need=need, from_status=previous, to_status=to, date=on, by=by, note=note.strip()
    )
    return need


def locked(need: ProcurementNeed | int) -> ProcurementNeed:
    """The need as it is now, its row locked until the transaction ends (call inside one)."""
    pk = need if isinstance(need, int) else need.pk
    return ProcurementNeed.objects.select_for_update().select_related("programme").get(pk=pk)


@transaction.atomic
def need_move(
    *,
    need: ProcurementNeed,
    to: str,
    on: date,
    by: User | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> ProcurementNeed:
    """Move a need one step (or on hold, back from hold, cancelled); refused with the reason."""
    current = locked(need)
    _check_move(current, to, on, note)
    return _apply_move(current, to, on=on, by=by, note=note, expected_version=expected_version)


#: The moves made by themselves, and the step each is made from.
_BEFORE_AUTOMATIC: dict[str, str] = {S.DELIVERED: S.CONTRACTED, S.HANDED_OVER: S.DELIVERED}


def advance_when_complete(need: ProcurementNeed, *, to: str, by: User | None) -> None:
    """Move to ``to`` when every item is now delivered (handed over) in full; dated by the last
    delivery (hand-over), through the same checks as any move."""
    previous = _BEFORE_AUTOMATIC[to]
    if need.status != previous or data_problems(need, to):
        return
    # Stored in English, as the catalogue's key: the history shows it in the reader's language.
    if to == S.DELIVERED:
        last = Delivery.objects.filter(item__lot__need=need).latest("date").date
        note = gettext_noop("Every item delivered in full.")
    else:
        last = need.hand_overs.latest("date").date
        note = gettext_noop("Every item handed over in full.")
    _check_move(need, to, last, note)
    _apply_move(need, to, on=last, by=by, note=note, expected_version=None)
