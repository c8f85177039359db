"""The security log and the trail of changes, for administrators."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bomca.accounts import access, totp
from bomca.accounts.forms import AuditFilterForm, LanguageForm, TwoFactorCodeForm
from bomca.accounts.middleware import VERIFIED_SESSION_KEY, language_cookie_set
from bomca.accounts.models import User
from bomca.accounts.selectors import audit_event_list, record_change_list
from bomca.accounts.services import (
    two_factor_confirm,
    two_factor_locked,
    two_factor_secret_ensure,
    two_factor_verify,
    user_language_set,
)

#: Wrong codes in one session before it is ended (the password must be given again).
TWO_FACTOR_ATTEMPTS = 5

PAGE_SIZE = 50


def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not access.may_view_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    events = Paginator(audit_event_list(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    changes = [] if filters.kind else record_change_list(filters=filters, limit=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "events": events, "changes": changes, "query": query.urlencode()}
    return render(request, "accounts/audit_log.html", context)


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_not_required
@require_POST
def language_set_view(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: remembered on the user, and in a cookie for the browser."""
    form = LanguageForm(request.POST)
    target = _next_url(request)
    if not form.is_valid():
        return redirect(target)
    language = form.cleaned_data["language"]
    if isinstance(request.user, User) and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    translation.activate(language)
    response = redirect(target)
    language_cookie_set(response, language)
    return response


def _signed_in_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware let only users in
    return request.user


@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if not user.has_two_factor or request.session.get(VERIFIED_SESSION_KEY):
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid() and two_factor_locked(user=user):
        form.add_error("code", _("Too many wrong codes; try again later or ask an administrator."))
    elif form.is_valid():
        if two_factor_verify(user=user, code=form.cleaned_data["code"], request=request):
            request.session[VERIFIED_SESSION_KEY] = True
            return redirect(_next_url(request))
        failures = request.session.get("bomca_two_factor_failures", 0) + 1
        request.session["bomca_two_factor_failures"] = failures
        if failures >= TWO_FACTOR_ATTEMPTS:
            logout(request)
            return redirect("accounts:login")
        form.add_error("code", _("This code is not right, or was used already. Try the next one."))
    context = {"form": form, "next": _next_url(request)}
    return render(
        request, "accounts/two_factor_verify.html", context, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user.has_two_factor:
        return redirect(_next_url(request))
    secret = two_factor_secret_ensure(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        if two_factor_confirm(user=user, code=form.cleaned_data["code"], request=request):
            request.session[VERIFIED_SESSION_KEY] = True
            return redirect(_next_url(request))
        form.add_error("code", _("This code does not match; check the app's clock and try again."))
    context = {
        "form": form,
        "next": _next_url(request),
        "secret_groups": [secret[index : index + 4] for index in range(0, len(secret), 4)],
        "uri": totp.provisioning_uri(secret, account=user.get_username(), issuer="BOMCA PIS"),
    }
    return render(
        request, "accounts/two_factor_setup.html", context, status=422 if form.errors else 200
    )
