"""What every page needs to know about the user: their role and what the menu may offer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bomca.accounts import access


def user_access(request: HttpRequest) -> dict[str, Any]:
    return {
        "user_role": access.role_of(request.user),
        "may_use_admin": access.may_use_admin(request.user),
        "counts_rounded": access.counts_rounded_for(request.user),
    }
