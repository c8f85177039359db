from __future__ import annotations

from django.urls import path

from bomca.reporting import newsletter_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("overview/", views.programme_overview_view, name="overview"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path(
        "dashboard/charts/<slug:name>.<str:file_format>",
        views.chart_download_view,
        name="chart_download",
    ),
    path("late/", views.late_view, name="late"),
    path("newsletters/", newsletter_views.newsletter_list_view, name="newsletters"),
    path("newsletters/<int:pk>/", newsletter_views.newsletter_detail_view, name="newsletter"),
    path(
        "newsletters/<int:pk>/edit/", newsletter_views.newsletter_edit_view, name="newsletter_edit"
    ),
    path(
        "newsletters/<int:pk>/redraft/",
        newsletter_views.narratives_redraft_view,
        name="newsletter_redraft",
    ),
    path(
        "newsletters/<int:pk>/preview/<str:language>/",
        newsletter_views.newsletter_preview_view,
        name="newsletter_preview",
    ),
    path(
        "newsletters/<int:pk>/download/<str:language>.<str:file_format>",
        newsletter_views.newsletter_download_view,
        name="newsletter_download",
    ),
]
