from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bomca.accounts.models import AuditEvent, Role, User
from bomca.accounts.services import two_factor_reset
from bomca.core.admin import ReadOnlyHistoryAdmin


@admin.register(User)
class UserAdmin(ReadOnlyHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "countries", "components"]
    filter_horizontal = ["countries", "components", "groups", "user_permissions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role and scope"),
            {"fields": ("role", "countries", "components", "language", "totp_confirmed_at")},
        ),
    )

    readonly_fields = ["totp_confirmed_at"]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            two_factor_reset(user=user)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The administration is for administrators only; the role decides, not a stray flag.
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMINISTRATOR
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The security log, read-only: it is append-only for everyone."""

    list_display = ["at", "kind", "username", "ip"]
    list_filter = ["kind"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
