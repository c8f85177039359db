from __future__ import annotations

from django.urls import path

from bomca.iati import views

app_name = "iati"
urlpatterns = [
    path("export.xml", views.iati_export_view, name="export"),
]
