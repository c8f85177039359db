"""The results framework in the admin: where an administrator builds the tree and defines
indicators. Values are recorded and frozen on the results pages, where their rules are checked."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.results.models import Actual, Indicator, Result, Target


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "title_en", "method", "selector", "position"]
    show_change_link = True


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["period_start", "period_end", "value", "text", "comment", "source"]


@admin.register(Result)
class ResultAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "level", "component", "title_en", "source"]
    list_filter = ["programme", "level", "component", "source"]
    search_fields = ["code", "title_en", "title_ru"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "title_en", "indicator_type", "method", "selector", "source"]
    list_filter = ["programme", "method", "indicator_type", "source"]
    search_fields = ["code", "title_en", "title_ru"]
    inlines = [TargetInline]


@admin.register(Actual)
class ActualAdmin(ReadOnlyHistoryAdmin):
    """Readable with its history; values are recorded, frozen and unfrozen on the results
    pages, which keep a frozen value from being changed."""

    list_display = ["indicator", "period_start", "period_end", "value", "frozen", "frozen_by"]
    list_filter = ["frozen", "indicator__programme", "source"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
