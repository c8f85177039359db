from __future__ import annotations

from django.urls import path

from bomca.people import views

app_name = "people"
urlpatterns = [
    path("", views.participant_list_view, name="list"),
    path("duplicates/", views.duplicates_view, name="duplicates"),
    path("export.<str:file_format>", views.participant_export_view, name="export"),
    path("trainers/", views.trainer_list_view, name="trainers"),
]
