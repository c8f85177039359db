"""Django's admin, for administrators only: it bypasses the scope rules of ``access``."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bomca.accounts.access import may_use_admin


class BomcaAdminSite(admin.AdminSite):
    site_header = "BOMCA PIS administration"
    site_title = "BOMCA PIS"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)
