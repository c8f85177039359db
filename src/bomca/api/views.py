"""The pages where a user makes and revokes their personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.api.forms import TokenForm
from bomca.api.models import ApiToken
from bomca.api.services import token_create, token_revoke
from bomca.core.errors import ApplicationError


def _signed_in_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # LoginRequiredMiddleware let only users in
    return request.user


def _token_form(request: HttpRequest, user: User) -> TokenForm:
    data = request.POST if request.method == "POST" else None
    return TokenForm(data, may_write=access.may_write_through_api(user))


def _list_page(request: HttpRequest, user: User, form: TokenForm) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
    context = {"tokens": tokens, "form": form, "may_write": access.may_write_through_api(user)}
    status = 422 if form.errors else 200
    return render(request, "api/token_list.html", context, status=status)


def _refusal_to(form: TokenForm, error: ApplicationError) -> None:
    """The service's refusal on its field, or on top when the field is hidden (a donor's
    "read only") and its error would not be seen."""
    field = form.fields.get(error.field) if error.field else None
    shown = field is not None and not field.widget.is_hidden
    form.add_error(error.field if shown else None, error.message)


@require_GET
def token_list_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    return _list_page(request, user, _token_form(request, user))


@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = _token_form(request, user)
    if not form.is_valid():
        return _list_page(request, user, form)
    try:
        token, secret = token_create(
            user=user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            read_only=form.cleaned_data["read_only"],
            request=request,
        )
    except ApplicationError as error:
        _refusal_to(form, error)
        return _list_page(request, user, form)
    # Rendered, not redirected: the secret exists only in this one response (never in the
    # session, a message or a URL), and no cache may keep it.
    response = render(request, "api/token_created.html", {"token": token, "secret": secret})
    add_never_cache_headers(response)
    return response


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _signed_in_user(request)
    # Another user's token is not found: no hint that it exists.
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    token_revoke(token=token, user=user, request=request)
    messages.success(
        request,
        _("The token “%(name)s” (%(prefix)s…) is revoked; it no longer works.")
        % {"name": token.name, "prefix": token.prefix},
    )
    return redirect("api_tokens:list")
