"""One answer in every place: with items in three currencies, the list, the CSV and XLSX
exports and the figures give the same totals per currency, and never a sum across them."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from bomca.core.periods import parse_period
from bomca.procurement.selectors import procurement_figures
from bomca.reference.models import Programme
from tests.pages import page
from tests.procurement.factories import ItemFactory, LotFactory, NeedFactory, two_countries

ESTIMATED = {"EUR": Decimal("1333.44"), "USD": Decimal("2599.99"), "KGS": Decimal("150000.00")}
CONTRACTED = {"EUR": Decimal("1233.38"), "KGS": Decimal("149000.00")}


@pytest.fixture
def mixed(db) -> Programme:
    programme, first, second = two_countries()
    one = NeedFactory(programme=programme, country=first)
    two = NeedFactory(programme=programme, country=second)
    for need, rows in [
        (
            one,
            [("EUR", "1000.10", "900.05"), ("USD", "2500.00", None), ("KGS", "150000", "149000")],
        ),
        (two, [("EUR", "333.33", "333.33"), ("EUR", "0.01", None), ("USD", "99.99", None)]),
    ]:
        lot = LotFactory(need=need)
        for currency, estimated, contracted in rows:
            ItemFactory(
                lot=lot,
                currency=currency,
                estimated_value=Decimal(estimated),
                contracted_value=Decimal(contracted) if contracted else None,
            )
    return programme


def _sums(rows: list[dict[str, object]], column: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row[column] not in (None, ""):
            totals[str(row["Currency"])] += Decimal(str(row[column]))
    return dict(totals)


def _money(totals: dict[str, Decimal]) -> dict[str, str]:
    return {code: f"{amount:.2f}" for code, amount in totals.items()}


def test_the_list_shows_a_total_per_currency(alice_client: Client, mixed: Programme):
    totals = page(alice_client.get("/procurement/", {"programme": mixed.code})).by_id("need-totals")

    assert totals.text == (
        "Estimated value 1,333.44 EUR; 2,599.99 USD; 150,000.00 KGS "
        "Contracted value 1,233.38 EUR; 149,000.00 KGS"
    )


def test_the_csv_export_adds_up_to_the_same_totals(alice_client: Client, mixed: Programme):
    response = alice_client.get("/procurement/export/", {"programme": mixed.code, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert _sums(rows, "Estimated value") == ESTIMATED
    assert _sums(rows, "Contracted value") == CONTRACTED


def test_the_xlsx_export_adds_up_to_the_same_totals(alice_client: Client, mixed: Programme):
    response = alice_client.get("/procurement/export/", {"programme": mixed.code, "format": "xlsx"})
    header, *values = list(load_workbook(io.BytesIO(response.content)).active.values)
    rows = [dict(zip(header, row, strict=True)) for row in values]

    assert _sums(rows, "Estimated value") == ESTIMATED
    assert _sums(rows, "Contracted value") == CONTRACTED


def test_the_figures_give_the_same_totals(mixed: Programme):
    figures = procurement_figures(programme=mixed, period=parse_period("2023Q2"))

    assert figures["totals"]["estimated"] == _money(ESTIMATED)
    assert figures["totals"]["contracted"] == _money(CONTRACTED)
    by_country = defaultdict(Decimal)
    for cell in figures["by_country"].values():
        for code, amount in cell["estimated"].items():
            by_country[code] += Decimal(amount)
    assert dict(by_country) == ESTIMATED


def test_no_total_anywhere_mixes_currencies(alice_client: Client, mixed: Programme):
    figures = procurement_figures(programme=mixed, period=parse_period("2023Q2"))
    html = page(alice_client.get("/procurement/", {"programme": mixed.code}))

    mixed_sum = sum(ESTIMATED.values())
    assert f"{mixed_sum:,.2f}" not in html.text
    assert str(mixed_sum) not in str(figures)
