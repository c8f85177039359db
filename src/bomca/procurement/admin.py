"""Procurement in the admin: to read, with its history.

Procurement is written by its services, which keep the steps' rules, the limits of deliveries
and hand-overs and the version of a need that two people may edit at once; an admin form would
bypass all three. A need that is not pursued is cancelled with a note, never deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.procurement.models import (
    Delivery,
    HandOver,
    HandOverLine,
    ProcurementItem,
    ProcurementLot,
    ProcurementNeed,
    StatusChange,
)


class ViewOnly:
    """Nothing is added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LotInline(ViewOnly, admin.TabularInline):
    model = ProcurementLot
    extra = 0


class StatusChangeInline(ViewOnly, admin.TabularInline):
    model = StatusChange
    extra = 0


class HandOverLineInline(ViewOnly, admin.TabularInline):
    model = HandOverLine
    extra = 0


@admin.register(ProcurementNeed)
class ProcurementNeedAdmin(ViewOnly, ReadOnlyHistoryAdmin):
    list_display = ["reference", "title_en", "country", "horizon", "status", "status_date"]
    list_filter = ["programme", "status", "horizon", "procedure", "country", "source"]
    search_fields = ["reference", "title_en", "title_ru", "supplier_name"]
    list_select_related = ["country"]
    inlines = [LotInline, StatusChangeInline]


@admin.register(ProcurementItem)
class ProcurementItemAdmin(ViewOnly, ReadOnlyHistoryAdmin):
    list_display = ["description", "lot", "quantity", "unit", "estimated_value", "currency"]
    list_filter = ["currency"]
    search_fields = ["description", "lot__need__reference"]
    list_select_related = ["lot__need"]


@admin.register(Delivery)
class DeliveryAdmin(ViewOnly, ReadOnlyHistoryAdmin):
    list_display = ["item", "quantity", "date", "source"]
    search_fields = ["item__description", "item__lot__need__reference"]
    list_select_related = ["item"]


@admin.register(HandOver)
class HandOverAdmin(ViewOnly, ReadOnlyHistoryAdmin):
    list_display = ["need", "date", "place", "receiving_organisation", "source"]
    search_fields = ["need__reference", "place"]
    list_select_related = ["need", "receiving_organisation"]
    # The certificate is downloaded from the need's page, which checks who may have it.
    exclude = ["certificate"]
    inlines = [HandOverLineInline]
