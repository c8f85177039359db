"""Django's admin app, with the site that only administrators may enter."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class BomcaAdminConfig(AdminConfig):
    default_site = "bomca.accounts.admin_site.BomcaAdminSite"
