"""Security events raised by Django and django-axes, written to the audit log.

These are the framework's own signals about logins; no domain rule lives here.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest
from django.utils import timezone

from bomca.accounts.models import AuditEventKind, User
from bomca.accounts.services import audit_event_record
from bomca.core.history import save_without_history


def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_event_record(kind=AuditEventKind.LOGIN, request=request, user=user)


def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    audit_event_record(kind=AuditEventKind.LOGOUT, request=request, user=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # ``credentials`` has the password scrubbed by Django; keep only the name typed.
    audit_event_record(
        kind=AuditEventKind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


def _locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    audit_event_record(
        kind=AuditEventKind.LOCKOUT, request=request, username=(username or "")[:150]
    )


def _update_last_login(sender: Any, user: User, **kwargs: Any) -> None:
    """Django's own handler, without the empty history row it would write at every login."""
    user.last_login = timezone.now()
    save_without_history(user, update_fields=["last_login"])


def connect() -> None:
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(_update_last_login, dispatch_uid="bomca-update-last-login")
    user_logged_in.connect(_logged_in, dispatch_uid="bomca-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="bomca-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="bomca-audit-login-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="bomca-audit-lockout")
