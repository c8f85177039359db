"""Money keeps its currency: totals per currency, never one sum across currencies."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bomca.core.money import Currency, money_format, totals_by_currency, totals_format


def test_totals_are_kept_per_currency_in_the_currencies_order():
    totals = totals_by_currency(
        [
            ("USD", Decimal("10.50")),
            ("EUR", Decimal("1000")),
            ("USD", Decimal("0.50")),
            ("EUR", None),
            ("KGS", Decimal("250000")),
        ]
    )
    assert totals == {"EUR": Decimal("1000"), "USD": Decimal("11.00"), "KGS": Decimal("250000")}
    assert list(totals) == ["EUR", "USD", "KGS"]


def test_no_amount_gives_no_total():
    assert totals_by_currency([]) == {}
    assert totals_by_currency([("EUR", None)]) == {}
    assert totals_format({}) == ""


def test_amounts_are_shown_with_their_currency_and_grouped_digits():
    with translation.override("en"):
        assert money_format(Decimal("1234567.5"), "EUR") == "1,234,567.50 EUR"
        assert money_format(None, "EUR") == ""
        assert (
            totals_format({"EUR": Decimal("12000"), "USD": Decimal("5000")})
            == "12,000.00 EUR; 5,000.00 USD"
        )
    with translation.override("ru"):
        shown = money_format(Decimal("1234567.5"), "EUR")
        assert shown.endswith(" EUR")
        assert "1" in shown
        assert "567,50" in shown


@given(
    st.lists(
        st.tuples(
            st.sampled_from(Currency.values),
            st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
        ),
        max_size=30,
    )
)
def test_each_currency_total_is_the_sum_of_its_own_amounts(pairs):
    totals = totals_by_currency(pairs)
    for code in Currency.values:
        own = [amount for currency, amount in pairs if currency == code]
        if own:
            assert totals[code] == sum(own, Decimal(0))
        else:
            assert code not in totals
