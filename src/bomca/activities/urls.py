from __future__ import annotations

from django.urls import path

from bomca.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list_view, name="list"),
    path("new/", views.activity_create_view, name="create"),
    path("export/", views.activity_export_view, name="export"),
    path("<str:code>/", views.activity_detail_view, name="detail"),
    path("<str:code>/edit/", views.activity_edit_view, name="edit"),
    path("<str:code>/history/", views.activity_history_view, name="history"),
]
