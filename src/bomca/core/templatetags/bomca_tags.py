"""Template helpers shared by every app."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template
from django.http import QueryDict

from bomca.core.money import Totals, money_format, totals_format

register = template.Library()


@register.simple_tag
def query_with(query: str, **changes: object) -> str:
    """The URL-encoded ``query`` with ``changes`` applied and the page reset."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = str(value)
    return params.urlencode()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes, rounded up (0 for none)."""
    if value is None:
        return 0
    return max(0, -(-int(value.total_seconds()) // 60))


@register.filter
def people(value: int | None) -> str:
    """A count of people as shown: ``None`` (suppressed by the access rules) is "<5"."""
    if value is None:
        return "<5"
    return str(value)


@register.simple_tag
def money(amount: Decimal | None, currency: str) -> str:
    """An amount with its currency: ``{% money item.value item.currency %}``."""
    return money_format(amount, currency)


@register.filter
def currency_totals(totals: Totals | None) -> str:
    """Totals per currency on one line, never one sum across currencies."""
    return totals_format(totals or {})
