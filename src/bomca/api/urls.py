"""The web pages of personal API tokens (the API itself is routed in ``bomca.api.api``)."""

from __future__ import annotations

from django.urls import path

from bomca.api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.token_list_view, name="list"),
    path("new/", views.token_create_view, name="create"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
]
