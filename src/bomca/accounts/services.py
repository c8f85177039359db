"""Writes of user accounts."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bomca.accounts import totp
from bomca.accounts.models import AuditEvent, AuditEventKind, Role, User
from bomca.core.errors import ApplicationError
from bomca.core.history import save_without_history
from bomca.core.http import client_ip

logger = logging.getLogger("bomca.audit")


@transaction.atomic
def demo_user_ensure(*, username: str) -> tuple[User, str | None]:
    """Create the demo user with a fresh random password; an existing user is left untouched.

    Returns the user and the new password, or ``None`` as password when the user existed.
    """
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name="Demo",
        last_name="User (synthetic)",
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )
    return user, password


def audit_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the security log (and to the application log, without details)."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    event = AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip=client_ip(request) if request is not None else None,
        detail=dict(detail or {}),
    )
    # The application log gets no names or addresses; the audit table has them, for admins.
    logger.info("audit event %s id=%s user_id=%s", kind, event.pk, user.pk if user else None)
    return event


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language ``user`` chose for the interface (a change in the user's history)."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language: %(language)s.") % {"language": language})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- two-factor sign-in -------------------------------------------------------------------


def two_factor_secret_ensure(*, user: User) -> str:
    """The secret to show while setting up two-factor sign-in (kept until it is confirmed)."""
    if not user.totp_secret:
        user.totp_secret = totp.secret_new()
        save_without_history(user, update_fields=["totp_secret"])
    return user.totp_secret


def two_factor_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> bool:
    """Turn two-factor sign-in on when ``code`` proves the app holds the secret."""
    step = totp.matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is None:
        return False
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = step
    user.save(update_fields=["totp_confirmed_at", "totp_last_step"])
    audit_event_record(kind=AuditEventKind.TWO_FACTOR_ENABLED, request=request, user=user)
    return True


def two_factor_locked(*, user: User) -> bool:
    """Too many wrong codes lately: the same limit and lock time as for passwords."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AuditEvent.objects.filter(
        kind=AuditEventKind.TWO_FACTOR_FAILED, user=user, at__gte=since
    ).count()
    return failures >= settings.AXES_FAILURE_LIMIT


@transaction.atomic
def two_factor_verify(*, user: User, code: str, request: HttpRequest | None = None) -> bool:
    """Check a code at sign-in; each code is good once (a replayed code is refused)."""
    # Lock the row: two requests with the same code at once must not both get in.
    locked = User.objects.select_for_update().get(pk=user.pk)
    step = totp.matching_step(locked.totp_secret, code) if locked.has_two_factor else None
    if step is None or step <= locked.totp_last_step:
        audit_event_record(kind=AuditEventKind.TWO_FACTOR_FAILED, request=request, user=user)
        return False
    user.totp_last_step = locked.totp_last_step = step
    save_without_history(locked, update_fields=["totp_last_step"])
    return True


def two_factor_reset(*, user: User) -> None:
    """Forget the user's authenticator (lost phone); they set it up again at next sign-in."""
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
