"""Reads of procurement: ``needs`` (the list, its totals, late deliveries, one need's items
and timeline) and ``figures`` (the dashboard's and newsletter's ``procurement_figures``)."""

from __future__ import annotations

from bomca.procurement.selectors.figures import procurement_figures
from bomca.procurement.selectors.needs import (
    SEARCHED_FIELDS,
    ItemProgress,
    LateDelivery,
    NeedFilters,
    NeedTotals,
    NeedValues,
    item_progress_annotated,
    late_deliveries,
    late_items,
    need_items,
    need_list,
    need_timeline,
    need_totals,
    need_values,
    quantity_of,
)

__all__ = [
    "SEARCHED_FIELDS",
    "ItemProgress",
    "LateDelivery",
    "NeedFilters",
    "NeedTotals",
    "NeedValues",
    "item_progress_annotated",
    "late_deliveries",
    "late_items",
    "need_items",
    "need_list",
    "need_timeline",
    "need_totals",
    "need_values",
    "procurement_figures",
    "quantity_of",
]
