"""Fixtures of the API tests: a token per persona, and a client that sends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bomca.accounts.models import User
from bomca.api.models import ApiToken
from bomca.api.services import TOKEN_PREFIX, token_create, token_hash


@pytest.fixture
def bearer(client: Client) -> Callable[..., Any]:
    """``bearer(user, read_only=True)`` -> a function ``(method, path, **kwargs)`` calling the
    API with a fresh token of ``user``."""

    def make(user: User, *, read_only: bool = True) -> Callable[..., Any]:
        _token, secret = token_create(user=user, name="tests", days=30, read_only=read_only)

        def call(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
            return getattr(client, method)(
                path, *args, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs
            )

        return call

    return make


def token_in_database(user: User, *, read_only: bool) -> str:
    """The secret of a token made straight in the database: the worst case, whatever the token
    page allows (a donor's tokens are read-only there)."""
    secret = f"{TOKEN_PREFIX}synthetic-{user.username}-{read_only}"
    ApiToken.objects.create(
        user=user,
        name="tests",
        prefix=secret[:12],
        key_hash=token_hash(secret),
        read_only=read_only,
        expires_at=timezone.now() + timedelta(days=1),
    )
    return secret
