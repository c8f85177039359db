"""Writes of API tokens: made with a secret shown once, revoked, recognised by hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind, User
from bomca.accounts.services import audit_event_record
from bomca.api.models import ApiToken
from bomca.core.errors import ApplicationError

#: Tokens start with this, so that a leaked one is recognisable (and secret scanners find it).
TOKEN_PREFIX = "bomca_"  # noqa: S105 (a marker, not a secret)
#: The longest a token may live.
MAX_DAYS = 366


def token_hash(secret: str) -> str:
    """The stored form of a secret: SHA-256, enough for 256 random bits (no salt needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    days: int,
    read_only: bool = True,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret, which is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Name the token: what will use it?"), field="name")
    if not 1 <= days <= MAX_DAYS:
        raise ApplicationError(
            _("A token lives from 1 to %(days)s days.") % {"days": MAX_DAYS}, field="days"
        )
    if not read_only and not access.may_write_through_api(user):
        raise ApplicationError(
            _("Your role only reads, so your tokens are read-only."), field="read_only"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=token_hash(secret),
        read_only=read_only,
        expires_at=timezone.now() + timedelta(days=days),
    )
    _token_event(AuditEventKind.API_TOKEN_CREATED, token, request)
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, user: User, request: HttpRequest | None = None) -> ApiToken:
    """Stop a token from working, at once; kept, with when, for the record."""
    if token.user_id != user.pk:
        raise ApplicationError(_("Only its owner revokes a token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _token_event(AuditEventKind.API_TOKEN_REVOKED, token, request)
    return token


def _token_event(kind: str, token: ApiToken, request: HttpRequest | None) -> None:
    # The prefix names the token in the log; the secret is never written anywhere.
    audit_event_record(
        kind=kind,
        request=request,
        user=token.user,
        detail={"token": token.prefix, "name": token.name},
    )


def token_find(secret: str) -> ApiToken | None:
    """The active token of ``secret`` with its user, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    return token
