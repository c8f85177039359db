"""Two-factor sign-in: a session is not fully signed in until the authenticator code is given."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from bomca.accounts import access
from bomca.accounts.models import Role, User

#: Session flag set once the second factor has been given (or set up) in this session.
VERIFIED_SESSION_KEY = "bomca_two_factor_verified"


def two_factor_required(user: User) -> bool:
    """Administrators must use a second factor (unless ADMIN_TWO_FACTOR is off)."""
    return settings.BOMCA_ADMIN_TWO_FACTOR and access.role_of(user) == Role.ADMINISTRATOR


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and user.is_authenticated
            and not request.session.get(VERIFIED_SESSION_KEY)
        ):
            exempt = {
                reverse("accounts:two_factor_verify"),
                reverse("accounts:two_factor_setup"),
                reverse("accounts:logout"),
                reverse("accounts:login"),
            }
            if request.path not in exempt:
                if user.has_two_factor:
                    return self._to("accounts:two_factor_verify", request)
                if two_factor_required(user):
                    return self._to("accounts:two_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _to(name: str, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(
            f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        )
