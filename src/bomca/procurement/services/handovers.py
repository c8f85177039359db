"""Writes of deliveries and hand-overs, and the check of signed certificates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from bomca.accounts.models import User
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.procurement.models import (
    Delivery,
    HandOver,
    HandOverLine,
    NeedStatus,
    ProcurementItem,
    ProcurementNeed,
)
from bomca.procurement.services.transitions import (
    advance_when_complete,
    check_not_future,
    day_text,
    locked,
    quantity_text,
    status_label,
)
from bomca.reference.models import Organisation

S = NeedStatus


@transaction.atomic
def delivery_record(
    *,
    item: ProcurementItem,
    quantity: Decimal,
    on: date,
    note: str = "",
    by: User | None = None,
    source: str = Source.RECORDED,
    source_note: str = "",
) -> Delivery:
    """Record part or all of an item arriving; the need moves to *delivered* when it is all in."""
    need = locked(item.lot.need_id)
    if need.status != S.CONTRACTED:
        raise ApplicationError(
            _("Deliveries are recorded for a contracted need; %(reference)s is %(status)s.")
            % {"reference": need.reference, "status": status_label(need.status)}
        )
    check_not_future(on, field="date")
    if on < need.status_date:
        raise ValidationError(
            {
                "date": _("The date %(date)s is before the need was contracted (%(since)s).")
                % {"date": day_text(on), "since": day_text(need.status_date)}
            }
        )
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    delivered = item.deliveries.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    if delivered + quantity > item.quantity:
        raise ValidationError(
            {
                "quantity": _(
                    "%(remaining)s %(unit)s of %(item)s remain to be delivered; "
                    "%(quantity)s is more than that."
                )
                % {
                    "remaining": quantity_text(item.quantity - delivered),
                    "unit": item.unit,
                    "item": item.description,
                    "quantity": quantity_text(quantity),
                }
            }
        )
    delivery = Delivery(
        item=item, quantity=quantity, date=on, note=note, source=source, source_note=source_note
    )
    delivery.full_clean()
    delivery.save()
    advance_when_complete(need, to=S.DELIVERED, by=by)
    return delivery


@dataclass(frozen=True)
class HandOverLineInput:
    item: ProcurementItem
    quantity: Decimal


#: Signed certificates: scans or PDFs, told apart by their first bytes, not by their names.
CERTIFICATE_SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}
CERTIFICATE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024


def certificate_check(upload: UploadedFile) -> str:
    """The certificate's real type's suffix; a ``ValidationError`` naming what is wrong.

    The content decides, not the name: a spreadsheet renamed .pdf is refused.
    """
    if upload.size is not None and upload.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError(
            {
                "certificate": _(
                    "The certificate is larger than 10 MB; scan it at a lower resolution."
                )
            }
        )
    head = upload.read(16)
    upload.seek(0)
    for signature, suffix in CERTIFICATE_SIGNATURES.items():
        if head.startswith(signature):
            return suffix
    raise ValidationError(
        {
            "certificate": _(
                "The certificate must be a PDF, JPEG or PNG file; this file is none of them."
            )
        }
    )


@transaction.atomic
def hand_over_record(
    *,
    need: ProcurementNeed,
    receiving_organisation: Organisation,
    place: str,
    on: date,
    lines: Sequence[HandOverLineInput],
    certificate: UploadedFile | None = None,
    note: str = "",
    by: User | None = None,
    source: str = Source.RECORDED,
    source_note: str = "",
) -> HandOver:
    """Record equipment handed over to an agency, with its signed certificate; the need moves to
    *handed over* when everything is."""
    need = locked(need)
    if need.status not in (S.CONTRACTED, S.DELIVERED):
        raise ApplicationError(
            _(
                "Hand-overs are recorded for a contracted or delivered need; "
                "%(reference)s is %(status)s."
            )
            % {"reference": need.reference, "status": status_label(need.status)}
        )
    if receiving_organisation.country_id != need.country_id:
        raise ValidationError(
            {
                "receiving_organisation": _(
                    "The receiving organisation must be of the need's country."
                )
            }
        )
    # Not before the delivery of what it hands over: checked per line, by date.
    check_not_future(on, field="date")
    _check_lines(need, on, lines)
    suffix = certificate_check(certificate) if certificate is not None else ""
    hand_over = HandOver(
        need=need,
        receiving_organisation=receiving_organisation,
        place=place,
        date=on,
        note=note,
        source=source,
        source_note=source_note,
        certificate_name=certificate.name[:255]
        if certificate is not None and certificate.name
        else "",
    )
    hand_over.full_clean()
    written = ""
    try:
        if certificate is not None:
            # Named by the type its content proved, whatever the name it came with.
            hand_over.certificate.save(f"certificate{suffix}", certificate, save=False)
            written = hand_over.certificate.name or ""
        hand_over.save()
        for line in lines:
            HandOverLine.objects.create(hand_over=hand_over, item=line.item, quantity=line.quantity)
        advance_when_complete(need, to=S.HANDED_OVER, by=by)
    except BaseException:
        # The database undoes its part; the file is ours to remove.
        if written:
            default_storage.delete(written)
        raise
    return hand_over


def _check_lines(need: ProcurementNeed, on: date, lines: Sequence[HandOverLineInput]) -> None:
    """Each line hands over no more than had been delivered by ``on``, counting every other
    hand-over of the item, on that day and on each later hand-over's day."""
    if not lines:
        raise ValidationError(_("A hand-over hands over at least one item."))
    items = [line.item.pk for line in lines]
    if len(set(items)) != len(items):
        raise ValidationError(_("Each item is named once per hand-over."))
    if ProcurementItem.objects.filter(pk__in=items).exclude(lot__need=need).exists():
        raise ValidationError(_("An item of another need cannot be handed over here."))
    deliveries: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for item, day, quantity in Delivery.objects.filter(item__in=items).values_list(
        "item", "date", "quantity"
    ):
        deliveries[item].append((day, quantity))
    handed: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for item, day, quantity in HandOverLine.objects.filter(item__in=items).values_list(
        "item", "hand_over__date", "quantity"
    ):
        handed[item].append((day, quantity))
    for line in lines:
        if line.quantity <= 0:
            raise ValidationError(_("A quantity handed over must be more than zero."))
        checkpoints = {on} | {day for day, _quantity in handed[line.item.pk] if day > on}
        for day in sorted(checkpoints):
            arrived = sum((q for d, q in deliveries[line.item.pk] if d <= day), Decimal(0))
            given = sum((q for d, q in handed[line.item.pk] if d <= day), Decimal(0))
            if given + line.quantity > arrived:
                raise ValidationError(
                    _(
                        "%(item)s: %(available)s %(unit)s delivered and not yet handed over by "
                        "%(date)s; %(quantity)s is more than that."
                    )
                    % {
                        "item": line.item.description,
                        "available": quantity_text(max(arrived - given, Decimal(0))),
                        "unit": line.item.unit,
                        "date": day_text(day),
                        "quantity": quantity_text(line.quantity),
                    }
                )
