"""Writes of user accounts."""

from __future__ import annotations

import secrets

from django.db import transaction

from bomca.accounts.models import User


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
        is_staff=True,
        is_superuser=True,
    )
    return user, password
