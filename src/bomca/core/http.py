"""Request types the views rely on."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that has passed through django-htmx's middleware."""

    htmx: HtmxDetails
