"""Who is calling the API: a personal token (``Authorization: Bearer bomca_…``) or the
browser's session (the interactive docs), with the same roles and scope as the web UI."""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from bomca.accounts import access
from bomca.api.models import ApiCallCount, ApiToken
from bomca.api.services import token_find
from bomca.core.history import VIA_API

#: Methods a read-only token may use.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Write down when a token was last used at most this often (seconds): not one write per call.
LAST_USED_EVERY = 60


class RateLimited(Exception):
    """Too many calls with one token in the current window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class ReadOnlyToken(Exception):
    """A read-only token asked to change something."""


def rate_limit_check(token: ApiToken) -> None:
    """Count the call in the token's window of ``BOMCA_API_RATE_WINDOW`` seconds; over
    ``BOMCA_API_RATE_LIMIT`` calls, refuse with the seconds until the window ends.

    The count is one row per token in the database, raised by a conditional ``UPDATE`` in a
    transaction: every server process sees the same count, and of two calls at once each
    sees its own number (on SQLite and PostgreSQL alike).
    """
    limit, window = settings.BOMCA_API_RATE_LIMIT, settings.BOMCA_API_RATE_WINDOW
    now = time.time()
    slot = int(now // window)
    with transaction.atomic():
        counts = ApiCallCount.objects.filter(token=token, window=slot)
        if not counts.update(calls=F("calls") + 1):
            _window_open(token, slot)
        calls = counts.values_list("calls", flat=True).get()
    if calls > limit:
        raise RateLimited(retry_after=max(1, math.ceil((slot + 1) * window - now)))


def _window_open(token: ApiToken, slot: int) -> None:
    """The token's first call of window ``slot``: its row, the earlier windows' gone."""
    ApiCallCount.objects.filter(token=token, window__lt=slot).delete()
    try:
        with transaction.atomic():
            ApiCallCount.objects.create(token=token, window=slot, calls=1)
    except IntegrityError:  # another process opened it first
        ApiCallCount.objects.filter(token=token, window=slot).update(calls=F("calls") + 1)


class TokenAuth(HttpBearer):
    """A personal API token; read-only tokens only read."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_find(token)
        if found is None:
            return None
        rate_limit_check(found)
        if request.method not in SAFE_METHODS and (
            found.read_only or not access.may_write_through_api(found.user)
        ):
            # Read-only by the token, or by the role the user has today (a user made donor
            # after making a read-write token).
            raise ReadOnlyToken
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > (
            LAST_USED_EVERY
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        request.history_via = VIA_API  # type: ignore[attr-defined]
        return found.user


class BrowserSession(SessionAuth):
    """The signed-in user of the web UI (the interactive docs); writes need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        request.history_via = VIA_API  # type: ignore[attr-defined]
        return user
