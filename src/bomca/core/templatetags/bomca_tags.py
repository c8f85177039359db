"""Template helpers shared by every app."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def query_with(query: str, **changes: object) -> str:
    """The URL-encoded ``query`` with ``changes`` applied and the page reset."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = str(value)
    return params.urlencode()
