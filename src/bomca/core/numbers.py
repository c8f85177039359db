"""Decimals as people write them: no trailing zeros of the storage, never an exponent."""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without the zeros of its storage: 1.0000 is 1, 12.10 is 12.1, 2.5E+6 is
    2500000 (an integral value keeps no exponent)."""
    plain = value.normalize()
    return plain.quantize(Decimal(1)) if plain == plain.to_integral_value() else plain


def decimal_text(value: Decimal) -> str:
    """``value`` as exact text: 25, 29.04, 2500000."""
    return format(plain_decimal(value), "f")


_CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """An amount of money to the cent, as PostgreSQL sums it: 23200 is 23200.00 (SQLite's
    sums come back as floats, without the trailing zeros and with float noise past the cent)."""
    return value.quantize(_CENT)
