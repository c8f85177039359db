"""Middleware of the product's own."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """Send the whole page to the login form when an htmx request finds the session ended.

    A plain redirect is followed inside the XHR, and the login page would land inside the
    fragment being swapped (a table cell, the figures); htmx's HX-Redirect reloads the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code != 302:
            return response
        login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
        if urlsplit(response["Location"]).path != login_path:
            return response
        current = request.headers.get("HX-Current-URL", "")
        if current:
            page = urlsplit(current)
            target = page.path + (f"?{page.query}" if page.query else "")
            location = f"{login_path}?next={target}" if target else login_path
        else:
            location = response["Location"]
        return HttpResponseClientRedirect(location)
