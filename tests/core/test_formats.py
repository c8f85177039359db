"""Dates, numbers and money as each language writes them (bomca/core/formats)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from bomca.core.money import money_format

DAY = date(2026, 11, 27)
NBSP = "\u00a0"


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [("en", "27 November 2026", "27 Nov 2026"), ("ru", "27 ноября 2026 г.", "27.11.2026")],
)
def test_a_date_is_written_as_the_language_writes_it(language: str, long: str, short: str):
    with translation.override(language):
        assert date_format(DAY) == long
        assert _render("{{ day|date }}", day=DAY) == long
        assert _render('{{ day|date:"DATE_FORMAT" }}', day=DAY) == long
        assert _render('{{ day|date:"SHORT_DATE_FORMAT" }}', day=DAY) == short


def test_a_russian_day_and_month_take_the_genitive():
    with translation.override("ru"):
        assert date_format(DAY, "MONTH_DAY_FORMAT") == "27 ноября"


def test_a_moment_keeps_its_time_in_both_languages():
    moment = datetime(2026, 11, 27, 14, 5)

    with translation.override("en"):
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "27 Nov 2026 14:05"
    with translation.override("ru"):
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "27.11.2026 14:05"


@pytest.mark.parametrize(
    ("language", "money", "number"),
    [("en", "1,234.50 EUR", "1,234.50"), ("ru", f"1{NBSP}234,50 EUR", f"1{NBSP}234,50")],
)
def test_money_and_numbers_are_grouped_and_pointed_per_language(
    language: str, money: str, number: str
):
    with translation.override(language):
        assert money_format(Decimal("1234.5"), "EUR") == money
        assert _render('{{ value|floatformat:"2g" }}', value=Decimal("1234.5")) == number


def test_plain_integers_stay_ungrouped_so_years_and_keys_read_as_typed():
    with translation.override("ru"):
        assert _render("{{ year }}", year=2026) == "2026"
