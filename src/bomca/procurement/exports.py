"""The procurement list as a spreadsheet: one row per item, with the filters and access of the
page. No personal data: who made which step stays in the application."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from bomca.core.spreadsheets import Cell
from bomca.procurement.models import ProcurementItem, ProcurementLot, ProcurementNeed
from bomca.procurement.selectors import item_progress_annotated, quantity_of


def need_export_header() -> list[str]:
    return [
        _("Reference"),
        _("Title (English)"),
        _("Title (Russian)"),
        _("Country"),
        _("Beneficiary organisation"),
        _("Component"),
        _("Horizon"),
        _("Priority"),
        _("Procedure"),
        _("Status"),
        _("Status since"),
        _("Supplier"),
        _("Supplier's country"),
        _("Contract reference"),
        _("Contract date"),
        _("Lot"),
        _("Lot title"),
        _("Item"),
        _("Quantity"),
        _("Unit"),
        _("Currency"),
        _("Estimated value"),
        _("Contracted value"),
        _("Delivered"),
        _("Handed over"),
        _("Planned delivery date"),
        _("Source"),
    ]


def need_export_rows(needs: QuerySet[ProcurementNeed]) -> Iterator[Sequence[Cell]]:
    """One row per item (a need without items: one row with the item's cells empty); three
    queries whatever the number of needs."""
    items = item_progress_annotated(ProcurementItem.objects.order_by("pk"))
    lots = ProcurementLot.objects.order_by("number").prefetch_related(
        Prefetch("items", queryset=items)
    )
    rows = needs.select_related("country", "beneficiary", "component").prefetch_related(
        Prefetch("lots", queryset=lots)
    )
    for need in rows:
        lines: list[tuple[ProcurementLot | None, ProcurementItem | None]] = [
            (lot, item) for lot in need.lots.all() for item in lot.items.all()
        ]
        for lot, item in lines or [(None, None)]:
            yield [*_need_cells(need), *_item_cells(lot, item), need.get_source_display()]


def _need_cells(need: ProcurementNeed) -> list[Cell]:
    return [
        need.reference,
        need.title_en,
        need.title_ru,
        need.country.code,
        need.beneficiary.name_en,
        need.component.code if need.component else None,
        need.get_horizon_display(),
        need.get_priority_display(),
        need.get_procedure_display() if need.procedure else None,
        need.get_status_display(),
        need.status_date,
        need.supplier_name,
        need.supplier_country,
        need.contract_reference,
        need.contract_date,
    ]


def _item_cells(lot: ProcurementLot | None, item: ProcurementItem | None) -> list[Cell]:
    if lot is None or item is None:
        return [None] * 11
    return [
        lot.number,
        lot.title,
        item.description,
        item.quantity,
        item.unit,
        item.currency,
        item.estimated_value,
        item.contracted_value,
        quantity_of(item.delivered_total),  # type: ignore[attr-defined]
        quantity_of(item.handed_total),  # type: ignore[attr-defined]
        item.planned_delivery_date,
    ]
