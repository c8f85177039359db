"""URL routes of the whole product."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from bomca.api.api import api_urls
from bomca.core.views import glossary_view

handler404 = "bomca.reference.views.not_found_view"

urlpatterns = [
    path("accounts/", include("bomca.accounts.urls")),
    path("activities/", include("bomca.activities.urls")),
    path("admin/", admin.site.urls),
    path("api/tokens/", include("bomca.api.urls")),
    path("api/v1/", api_urls()),
    path("glossary/", glossary_view, name="glossary"),
    path("grants/", include("bomca.grants.urls")),
    path("iati/", include("bomca.iati.urls")),
    path("imports/", include("bomca.imports.urls")),
    path("people/", include("bomca.people.urls")),
    path("procurement/", include("bomca.procurement.urls")),
    path("results/", include("bomca.results.urls")),
    path("", include("bomca.reporting.urls")),
]
