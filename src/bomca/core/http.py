"""Request helpers the views and the audit trail rely on."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that has passed through django-htmx's middleware."""

    htmx: HtmxDetails


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies say they saw.

    With ``PROXY_COUNT`` reverse proxies in front (settings.BOMCA_PROXY_COUNT), the client is
    that many entries from the right of X-Forwarded-For; anything further left could be forged.
    """
    proxies = settings.BOMCA_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
