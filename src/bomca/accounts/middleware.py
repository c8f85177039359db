"""Two-factor sign-in (a session is not fully signed in until the authenticator code is given),
and the interface language a signed-in user chose."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

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
                reverse("accounts:language"),
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


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """Django's language cookie, read by ``LocaleMiddleware`` when nobody is signed in."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """Speak the language a signed-in user chose, in any browser they sign in from.

    ``LocaleMiddleware`` (before this) picks the language from the cookie or the browser; the
    user's saved choice wins over both. The cookie is brought in line, so the pages after
    logging out stay in the same language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        chosen = None
        if isinstance(user, User) and user.is_authenticated and user.language in self.languages:
            chosen = user.language
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if chosen and request.COOKIES.get(cookie) != chosen and cookie not in response.cookies:
            language_cookie_set(response, chosen)
        return response
