from __future__ import annotations

from django.contrib import admin

from bomca.core.admin import ReadOnlyHistoryAdmin
from bomca.people.models import Attendance, Participant, Trainer


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyHistoryAdmin):
    list_display = ["full_name", "sex", "country", "organisation", "source"]
    list_filter = ["country", "sex", "source"]
    search_fields = ["full_name", "name_key"]
    readonly_fields = ["name_key"]


@admin.register(Trainer)
class TrainerAdmin(ReadOnlyHistoryAdmin):
    list_display = ["participant", "home_country", "topics", "active"]
    list_filter = ["home_country", "active"]
    autocomplete_fields = ["participant"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["activity", "participant", "role", "pre_test", "post_test", "satisfaction"]
    list_filter = ["role"]
    raw_id_fields = ["participant", "activity"]
