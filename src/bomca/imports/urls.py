from __future__ import annotations

from django.urls import path

from bomca.imports import views

app_name = "imports"
urlpatterns = [
    path(
        "participants/<str:code>/",
        views.participants_upload_view,
        name="participants_upload",
    ),
    path("activities/", views.activities_upload_view, name="activities_upload"),
    path("procurement/<str:reference>/", views.items_upload_view, name="items_upload"),
    path("<int:pk>/", views.participants_preview_view, name="preview"),
    path(
        "templates/attendance-sheet.xlsx",
        views.participants_template_view,
        name="participants_template",
    ),
    path(
        "templates/procurement-items.xlsx",
        views.items_template_view,
        name="items_template",
    ),
    path(
        "templates/activities.xlsx",
        views.activities_template_view,
        name="activities_template",
    ),
]
