"""IATI publication settings in the admin: identifiers, default codes, shares, budgets and the
transactions recorded by hand (grant commitments and payments come from the grants pages)."""

from __future__ import annotations

from django.contrib import admin

from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.iati.models import Budget, CountryShare, Publication, SectorShare, Transaction


class SectorShareInline(admin.TabularInline):
    model = SectorShare
    extra = 0


class CountryShareInline(admin.TabularInline):
    model = CountryShare
    extra = 0


@admin.register(Publication)
class PublicationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["identifier", "programme", "reporting_org", "publish_components", "source"]
    inlines = [SectorShareInline, CountryShareInline]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["programme", "period_start", "period_end", "value", "currency", "status"]
    list_filter = ["programme", "budget_type", "status"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["programme", "transaction_type", "date", "value", "currency", "provider"]
    list_filter = ["programme", "transaction_type"]
