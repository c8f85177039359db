"""Money: an amount is a ``Decimal`` with its currency, and sums never cross currencies.

Models keep an amount in a ``DecimalField`` made by ``amount_field`` and its currency in a
field made by ``currency_field``; totals are ``{currency: Decimal}`` from ``totals_by_currency``
(in Python) or ``totals_by_currency_query`` (in the database). Nothing here converts between
currencies: a programme reports what it spent in the currency it spent it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 14
DECIMAL_PLACES = 2


class Currency(models.TextChoices):
    """The currencies a Central Asian EU programme pays in (ISO 4217)."""

    EUR = "EUR", _("euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    KZT = "KZT", _("Kazakhstani tenge (KZT)")
    KGS = "KGS", _("Kyrgyzstani som (KGS)")
    TJS = "TJS", _("Tajikistani somoni (TJS)")
    TMT = "TMT", _("Turkmenistan manat (TMT)")
    UZS = "UZS", _("Uzbekistani sum (UZS)")


def amount_field(verbose_name: Any, **options: Any) -> models.DecimalField:
    options.setdefault("max_digits", MAX_DIGITS)
    options.setdefault("decimal_places", DECIMAL_PLACES)
    return models.DecimalField(verbose_name, **options)


def currency_field(verbose_name: Any = None, **options: Any) -> models.CharField:
    options.setdefault("max_length", 3)
    options.setdefault("choices", Currency.choices)
    options.setdefault("default", Currency.EUR)
    return models.CharField(verbose_name or _("currency"), **options)


Totals = dict[str, Decimal]


def totals_by_currency(pairs: Iterable[tuple[str, Decimal | None]]) -> Totals:
    """Sum ``(currency, amount)`` pairs per currency, in the order currencies first appear;
    a missing amount adds nothing."""
    totals: Totals = {}
    for currency, amount in pairs:
        if amount is None:
            continue
        totals[currency] = totals.get(currency, Decimal(0)) + Decimal(amount)
    return dict(sorted(totals.items(), key=lambda item: _currency_order(item[0])))


def totals_by_currency_query(
    records: QuerySet[Any], *, amount: str, currency: str = "currency"
) -> Totals:
    """The database sums ``amount`` per ``currency`` over ``records`` (one query)."""
    rows = (
        records.order_by()
        .values(currency)
        .annotate(total=Sum(amount))
        .values_list(currency, "total")
    )
    return totals_by_currency(rows)


def _currency_order(code: str) -> tuple[int, str]:
    order = list(Currency.values)
    return (order.index(code) if code in order else len(order), code)


def money_format(amount: Decimal | None, currency: str, *, decimals: int = 2) -> str:
    """``1 234 567.50 EUR`` in the active language's number format; "" for no amount."""
    if amount is None:
        return ""
    return f"{number_format(amount, decimal_pos=decimals, force_grouping=True)} {currency}"


def totals_format(totals: Totals, *, decimals: int = 2) -> str:
    """``12 000.00 EUR; 5 000.00 USD``: one figure per currency, never one sum of them."""
    return "; ".join(
        money_format(amount, code, decimals=decimals) for code, amount in totals.items()
    )
