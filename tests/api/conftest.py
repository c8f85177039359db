"""Fixtures of the API tests: a token per persona, and a client that sends it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from bomca.accounts.models import User
from bomca.api.services import token_create


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
