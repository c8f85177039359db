"""Writes of user accounts."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from bomca.accounts.models import AuditEvent, Role, User
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
