from __future__ import annotations

from django.contrib import admin

from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.reference.models import (
    Component,
    Country,
    Milestone,
    Organisation,
    Programme,
    ReportingPeriod,
)


class ComponentInline(admin.StackedInline):
    model = Component
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name_en", "start_date", "end_date", "budget", "currency", "source"]
    filter_horizontal = ["co_funders", "implementing_partners", "countries"]
    inlines = [ComponentInline, MilestoneInline]


@admin.register(Country)
class CountryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "iso3", "name_en", "name_ru", "source"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name_en", "kind", "country", "iati_type", "iati_ref", "source"]
    list_filter = ["kind", "country", "source"]
    search_fields = ["code", "name_en", "name_ru", "acronym"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "programme", "start_date", "end_date"]
    list_filter = ["programme"]
