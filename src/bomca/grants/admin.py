"""Grants in the admin: to read and trace, not to write around the services' rules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.grants.models import (
    Application,
    CallForProposals,
    GrantProject,
    Payment,
    PeopleReached,
    Report,
    StatusChange,
)


class ServicesOnlyAdmin(ReadOnlyHistoryAdmin):
    """Listed and readable with their history; records are made and changed on the grants
    pages, where the call's rules, the status machine and the payment ceiling are checked."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ("date", "from_status", "to_status", "changed_by", "note")


@admin.register(CallForProposals)
class CallForProposalsAdmin(ServicesOnlyAdmin):
    list_display = [
        "reference",
        "title_en",
        "opens_on",
        "closes_on",
        "max_grant_amount",
        "currency",
    ]
    list_filter = ["programme", "source"]
    search_fields = ["reference", "title_en", "title_ru"]


@admin.register(Application)
class ApplicationAdmin(ServicesOnlyAdmin):
    list_display = ["__str__", "organisation", "country", "score", "decision", "decision_date"]
    list_filter = ["call", "country", "decision", "source"]
    search_fields = ["title_en", "title_ru", "organisation__name_en"]
    list_select_related = ["call", "organisation", "country"]


@admin.register(GrantProject)
class GrantProjectAdmin(ServicesOnlyAdmin):
    list_display = ["contract_number", "status", "amount", "currency", "start_date", "end_date"]
    list_filter = ["status", "currency", "application__country", "source"]
    search_fields = ["contract_number", "application__title_en"]
    inlines = [StatusChangeInline]


@admin.register(Report)
class ReportAdmin(ServicesOnlyAdmin):
    list_display = ["project", "kind", "due_date", "received_on"]
    list_filter = ["kind", "source"]
    list_select_related = ["project__application"]


@admin.register(Payment)
class PaymentAdmin(ServicesOnlyAdmin):
    list_display = ["project", "kind", "paid_on", "amount", "currency"]
    list_filter = ["kind", "currency", "source"]
    list_select_related = ["project__application"]


@admin.register(PeopleReached)
class PeopleReachedAdmin(ServicesOnlyAdmin):
    list_display = [
        "report",
        "women",
        "men",
        "children",
        "trafficking_victims",
        "with_disabilities",
    ]
    list_select_related = ["report__project__application"]
