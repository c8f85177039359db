"""Writes of needs, their lots and their items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from bomca.accounts.models import User
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.records import save_versioned
from bomca.procurement.models import (
    NeedStatus,
    ProcurementItem,
    ProcurementLot,
    ProcurementNeed,
    StatusChange,
)
from bomca.procurement.services.transitions import (
    check_not_future,
    data_problems,
    locked,
    quantity_text,
    status_label,
)
from bomca.reference.models import Country, Programme

S = NeedStatus

#: The fields a person edits; reference, programme, status and provenance are set here.
EDITABLE_FIELDS = (
    "country",
    "beneficiary",
    "component",
    "horizon",
    "priority",
    "title_en",
    "title_ru",
    "justification",
    "procedure",
    "supplier_name",
    "supplier_country",
    "contract_reference",
    "contract_date",
    "planned_delivery_date",
)


@dataclass(frozen=True)
class LotInput:
    number: int
    title: str


@dataclass(frozen=True)
class ItemInput:
    """One item as a form or a data file gives it; ``pk`` names an existing item to change."""

    lot: int
    description: str
    quantity: Decimal
    unit: str
    estimated_value: Decimal
    currency: str
    contracted_value: Decimal | None = None
    planned_delivery_date: date | None = None
    pk: int | None = None


_REFERENCE = re.compile(r"^PR-([A-Z]{2})-(\d{4})-(\d{3,})$")
REFERENCE_ATTEMPTS = 5


def need_reference_next(*, country: Country, year: int) -> str:
    """The next free reference of a need identified in ``year``, e.g. ``PR-KG-2023-004``;
    numbered across countries and programmes, as activity codes are."""
    references = ProcurementNeed.objects.filter(reference__contains=f"-{year}-").values_list(
        "reference", flat=True
    )
    numbers = [int(match[3]) for text in references if (match := _REFERENCE.match(text))]
    return f"PR-{country.code}-{year}-{max(numbers, default=0) + 1:03d}"


def _apply(need: ProcurementNeed, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable procurement need fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(need, name, "" if value is None and name in _TEXT_FIELDS else value)


_TEXT_FIELDS = {
    "procedure",
    "title_ru",
    "supplier_name",
    "supplier_country",
    "contract_reference",
}


@transaction.atomic
def need_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    lots: Sequence[LotInput] = (),
    items: Sequence[ItemInput] = (),
    identified_on: date,
    by: User | None = None,
    note: str = "",
    reference: str | None = None,
    source: str = Source.RECORDED,
    source_note: str = "",
) -> ProcurementNeed:
    """Record a new need at step *identified*, with its lots and items; assigns its reference."""
    need = ProcurementNeed(
        programme=programme,
        status=S.IDENTIFIED,
        status_date=identified_on,
        source=source,
        source_note=source_note,
    )
    _apply(need, data)
    check_not_future(identified_on, field="identified_on")
    need.full_clean(exclude=["reference", "version"])
    if reference is not None:
        need.reference = reference
        save_versioned(need, expected_version=None)
    else:
        _save_with_new_reference(need, year=identified_on.year)
    StatusChange.objects.create(
        need=need, from_status="", to_status=S.IDENTIFIED, date=identified_on, by=by, note=note
    )
    _lots_and_items_save(need, lots, items)
    return need


def _save_with_new_reference(need: ProcurementNeed, *, year: int) -> None:
    for attempt in range(1, REFERENCE_ATTEMPTS + 1):
        need.reference = need_reference_next(country=need.country, year=year)
        try:
            # A savepoint: when someone took the same number a moment earlier, only this try
            # is undone and the next one draws a fresh number.
            with transaction.atomic():
                save_versioned(need, expected_version=None)
                return
        except (IntegrityError, ValidationError):
            need.pk, need._state.adding = None, True
            taken = ProcurementNeed.objects.filter(reference=need.reference).exists()
            if attempt == REFERENCE_ATTEMPTS or not taken:
                raise


@transaction.atomic
def need_update(
    *,
    need: ProcurementNeed,
    data: Mapping[str, Any],
    lots: Sequence[LotInput] | None = None,
    items: Sequence[ItemInput] | None = None,
    expected_version: int | None,
) -> ProcurementNeed:
    """Change a need and (when given) its lots and items; refused for a closed need, and when
    the change would take away what a step it has passed needs."""
    current = locked(need)
    if current.is_closed:
        raise ApplicationError(
            _("%(reference)s is %(status)s and closed; it is no longer changed.")
            % {"reference": current.reference, "status": status_label(current.status)}
        )
    _apply(need, data)
    need.status, need.status_date, need.held_at = (
        current.status,
        current.status_date,
        current.held_at,
    )
    save_versioned(need, expected_version=expected_version)
    if lots is not None or items is not None:
        _lots_and_items_save(need, lots or (), items or ())
    reached = need.held_at if need.status == S.ON_HOLD else need.status
    if problems := data_problems(need, reached):
        raise ApplicationError(
            _("%(reference)s is %(status)s, so this change cannot be saved: %(problems)s")
            % {
                "reference": need.reference,
                "status": status_label(reached),
                "problems": " ".join(problems),
            }
        )
    return need


def _lots_and_items_save(
    need: ProcurementNeed, lots: Sequence[LotInput], items: Sequence[ItemInput]
) -> None:
    """Make the need's lots and items what ``lots`` and ``items`` say; never lose a delivery."""
    numbers = [lot.number for lot in lots]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("Two lots have the same number."))
    missing = {item.lot for item in items} - set(numbers)
    if missing:
        raise ValidationError(
            _("An item names lot %(number)s, which the need does not have.")
            % {"number": min(missing)}
        )
    existing_lots = {lot.number: lot for lot in need.lots.all()}
    existing_items = {item.pk: item for item in ProcurementItem.objects.filter(lot__need=need)}
    unknown = {item.pk for item in items if item.pk is not None} - set(existing_items)
    if unknown:
        raise ValidationError(_("An item of another need cannot be changed here."))
    kept = {item.pk for item in items if item.pk is not None}
    _items_delete(need, [item for pk, item in existing_items.items() if pk not in kept])
    saved_lots = {lot.number: _lot_save(need, existing_lots.get(lot.number), lot) for lot in lots}
    for row in items:
        _item_save(saved_lots[row.lot], existing_items.get(row.pk) if row.pk else None, row)
    for number, lot in existing_lots.items():
        if number not in saved_lots:
            lot.delete()


def _items_delete(need: ProcurementNeed, items: Iterable[ProcurementItem]) -> None:
    for item in items:
        if item.deliveries.exists() or item.hand_over_lines.exists():
            raise ValidationError(
                _("%(item)s has deliveries or hand-overs and cannot be removed.")
                % {"item": item.description}
            )
        item.delete()


def _lot_save(need: ProcurementNeed, lot: ProcurementLot | None, row: LotInput) -> ProcurementLot:
    if lot is None:
        lot = ProcurementLot(need=need, number=row.number)
    elif lot.title == row.title:
        return lot
    lot.title = row.title
    lot.full_clean()
    lot.save()
    return lot


_ITEM_FIELDS = (
    "description",
    "quantity",
    "unit",
    "estimated_value",
    "currency",
    "contracted_value",
    "planned_delivery_date",
)


def _item_save(lot: ProcurementLot, item: ProcurementItem | None, row: ItemInput) -> None:
    if item is None:
        item = ProcurementItem(lot=lot)
    elif item.lot_id == lot.pk and all(
        getattr(item, name) == getattr(row, name) for name in _ITEM_FIELDS
    ):
        return  # unchanged: no history row
    else:
        delivered = item.deliveries.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
        if row.quantity < delivered:
            raise ValidationError(
                {
                    "quantity": _(
                        "%(item)s: %(delivered)s already delivered; the quantity cannot be less."
                    )
                    % {"item": row.description, "delivered": quantity_text(delivered)}
                }
            )
    item.lot = lot
    for name in _ITEM_FIELDS:
        setattr(item, name, getattr(row, name))
    item.full_clean()
    item.save()
