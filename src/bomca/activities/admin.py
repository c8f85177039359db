from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bomca.activities.models import Activity
from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.people.models import ParticipantCount


class ParticipantCountInline(admin.TabularInline):
    model = ParticipantCount
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "title_en", "component", "host_country", "start_date", "status"]
    list_filter = ["programme", "component", "status", "scope", "activity_type", "source"]
    search_fields = ["code", "title_en", "title_ru"]
    readonly_fields = ["code"]
    filter_horizontal = ["beneficiary_organisations", "co_organisers"]
    list_select_related = ["component", "host_country"]
    inlines = [ParticipantCountInline]

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        # An activity that did not happen is cancelled, not deleted: its counts stay explained.
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New activities get their code from the service; the register's form is the way in.
        return False
