"""The loader of needs from a dataset file (``bomca init``), through the same services."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from bomca.procurement.models import ProcurementNeed
from bomca.procurement.services.handovers import (
    HandOverLineInput,
    delivery_record,
    hand_over_record,
)
from bomca.procurement.services.needs import EDITABLE_FIELDS, ItemInput, LotInput, need_create
from bomca.procurement.services.transitions import need_move
from bomca.reference.models import Country, Organisation, Programme


@transaction.atomic
def need_ensure(*, programme: Programme, record: Mapping[str, Any]) -> tuple[ProcurementNeed, bool]:
    """The need with the record's reference; created from the record, through the same steps,
    deliveries and hand-overs as the forms, if missing. An existing need is never changed.

    The record gives ``steps`` (each ``to``, ``date``, ``note``), then each item's
    ``deliveries``, then ``hand_overs`` with ``lines`` naming items by lot number and their
    place in the lot (1-based); the status reached must be the record's ``status``.
    """
    existing = ProcurementNeed.objects.filter(reference=record["reference"]).first()
    if existing is not None:
        return existing, False
    source, note = record["source"], record.get("source_note", "")
    component = record.get("component")
    looked_up = {
        "country": Country.objects.get(code=record["country"]),
        "beneficiary": Organisation.objects.get(code=record["beneficiary"]),
        "component": programme.components.get(number=component) if component else None,
        "contract_date": _optional_date(record.get("contract_date")),
        "planned_delivery_date": _optional_date(record.get("planned_delivery_date")),
    }
    data = {name: looked_up.get(name, record.get(name, "")) for name in EDITABLE_FIELDS}
    lots = [LotInput(number=lot["number"], title=lot["title"]) for lot in record["lots"]]
    items = [
        ItemInput(
            lot=lot["number"],
            description=item["description"],
            quantity=Decimal(item["quantity"]),
            unit=item.get("unit", "pcs"),
            estimated_value=Decimal(item["estimated_value"]),
            currency=item.get("currency", "EUR"),
            contracted_value=_optional_decimal(item.get("contracted_value")),
            planned_delivery_date=_optional_date(item.get("planned_delivery_date")),
        )
        for lot in record["lots"]
        for item in lot["items"]
    ]
    need = need_create(
        programme=programme,
        data=data,
        lots=lots,
        items=items,
        identified_on=date.fromisoformat(record["identified_on"]),
        reference=record["reference"],
        source=source,
        source_note=note,
    )
    _record_history(need, record, source=source, source_note=note)
    need.refresh_from_db()
    if need.status != record["status"]:
        raise ValueError(
            f"the steps, deliveries and hand-overs leave the need {need.status}, "
            f"not {record['status']}"
        )
    return need, True


def _record_history(
    need: ProcurementNeed, record: Mapping[str, Any], *, source: str, source_note: str
) -> None:
    for step in record.get("steps", []):
        need = need_move(
            need=need, to=step["to"], on=date.fromisoformat(step["date"]), note=step.get("note", "")
        )
    by_place = {
        (lot.number, place): item
        for lot in need.lots.all()
        for place, item in enumerate(lot.items.order_by("pk"), start=1)
    }
    for lot in record["lots"]:
        for place, row in enumerate(lot["items"], start=1):
            for delivery in row.get("deliveries", []):
                delivery_record(
                    item=by_place[(lot["number"], place)],
                    quantity=Decimal(delivery["quantity"]),
                    on=date.fromisoformat(delivery["date"]),
                    note=delivery.get("note", ""),
                    source=source,
                    source_note=source_note,
                )
    for hand_over in record.get("hand_overs", []):
        hand_over_record(
            need=need,
            receiving_organisation=Organisation.objects.get(code=hand_over["organisation"]),
            place=hand_over["place"],
            on=date.fromisoformat(hand_over["date"]),
            lines=[
                HandOverLineInput(
                    item=by_place[(line["lot"], line["item"])], quantity=Decimal(line["quantity"])
                )
                for line in hand_over["lines"]
            ],
            note=hand_over.get("note", ""),
            source=source,
            source_note=source_note,
        )


def _optional_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _optional_decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None
