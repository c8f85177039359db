"""Bench-only URLconf of bench/api.py: the product's URLs, plus the same rows served by plain
Django views (``JsonResponse`` over ``.values()``), the ceiling the API is measured against.

Loaded only by bench/api.py (it sets ``ROOT_URLCONF`` to this module in the server it starts);
it is not in the package and never served by the product.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.activities.api.reads import LIST_FIELDS
from bomca.activities.selectors import activity_list
from bomca.core.periods import parse_period
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_get
from bomca.reporting.selectors import key_figures
from bomca.results.api import shown_indicator_rows
from bomca.results.selectors import logframe

#: The user whose scope the plain views apply (the API's token belongs to the same user).
BENCH_USER = "bench-manager"


@cache
def _user() -> User:
    return User.objects.get(username=BENCH_USER)


@cache
def _programme() -> Programme:
    return programme_get(code=None)


@login_not_required
def plain_activities(request: HttpRequest) -> JsonResponse:
    """The first 100 activities of the API's list, its count and its columns, as they come."""
    rows = access.activities_visible_to(_user(), activity_list(programme=_programme()))
    return JsonResponse({"count": rows.count(), "results": list(rows.values(*LIST_FIELDS)[:100])})


@login_not_required
def plain_figures(request: HttpRequest) -> JsonResponse:
    """The key figures of a period and its indicators, as the selectors give them (what the
    API's figures answer holds for a manager, who sees every count exactly)."""
    period = parse_period(request.GET["period"])
    figures = key_figures(programme=_programme(), period=period).as_dict()
    figures["indicators"] = shown_indicator_rows(
        _user(), logframe(programme=_programme(), period=period)
    )
    return JsonResponse(figures, encoder=DjangoJSONEncoder)


urlpatterns = [
    path("bench/plain/activities", plain_activities),
    path("bench/plain/figures", plain_figures),
    path("", include("bomca.urls")),
]
