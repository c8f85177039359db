from __future__ import annotations

from django.urls import path

from bomca.results.views import changes, pages

app_name = "results"
urlpatterns = [
    path("", pages.logframe_view, name="logframe"),
    path("export.xlsx", pages.export_view, name="export"),
    path("freeze/", changes.period_freeze_view, name="freeze"),
    path("indicators/<str:code>/", pages.indicator_view, name="indicator"),
    path("indicators/<str:code>/edit/", changes.indicator_edit_view, name="indicator_edit"),
    path(
        "indicators/<str:code>/values/<str:period>/",
        changes.actual_record_view,
        name="actual_record",
    ),
    path(
        "indicators/<str:code>/values/<str:period>/unfreeze/",
        changes.actual_unfreeze_view,
        name="actual_unfreeze",
    ),
    path(
        "indicators/<str:code>/targets/<str:period>/",
        changes.target_set_view,
        name="target_set",
    ),
]
