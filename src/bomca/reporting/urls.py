from __future__ import annotations

from django.urls import path

from bomca.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("overview/", views.programme_overview_view, name="overview"),
]
