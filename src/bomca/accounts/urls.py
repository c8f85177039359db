from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from bomca.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set_view, name="language"),
    path("audit/", views.audit_log_view, name="audit"),
    path("two-factor/", views.two_factor_verify_view, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup_view, name="two_factor_setup"),
]
