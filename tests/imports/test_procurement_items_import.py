"""The items of a procurement need from a specification: read in English or Russian, amounts
exact, merged by lot and description, idempotent, all or nothing, under the need's own rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bomca.imports.procurement_items import items_import, parse_amount, parse_currency, parse_lot
from bomca.imports.reading import ValueProblem
from bomca.imports.services import ImportResult
from bomca.procurement.models import (
    ProcurementItem,
    ProcurementLot,
    ProcurementNeed,
    StatusChange,
)
from tests.imports.sheets import Row, csv_bytes, xlsx
from tests.procurement.factories import need_at

EVALUATED = "PR-KG-2023-002"  # one lot «Thermal imaging», 12 binoculars, no contract yet
CONTRACTED = "PR-TM-2023-001"  # two lots, every item with its contracted value
DELIVERING = "PR-KZ-2023-006"  # contracted, in USD: 6 of the 15 laptops delivered
HANDED_OVER = "PR-KG-2023-003"
RUSSIAN = ["Лот", "Наименование", "Кол-во", "Ед. изм.", "Стоимость", "Валюта", "Срок поставки"]
CONTRACT_HEADINGS = ["Lot", "Description", "Quantity", "Estimated value", "Contracted value"]
NOVEMBER = date(2023, 11, 15)
ENGLISH = ["Lot", "Description", "Quantity", "Unit", "Estimated value", "Currency"]

#: A beneficiary's specification: a title row, then one row per item, amounts as people type
#: them and as Excel keeps them.
SPECIFICATION: list[Row] = [
    ["Техническая спецификация: оборудование для пограничной службы Кыргызстана"],
    [],
    RUSSIAN,
    [1, "Тепловизионный монокуляр", 4, "шт.", "12 500,00", "евро", "15.11.2023"],
    [1, "Штатив для тепловизора", 4, "шт.", "1,234.50", "€", "15.11.2023"],
    [2, "Рация портативная", 20, "шт.", "1.234,50", "$", "01.12.2023"],
    [2, "Аккумулятор для рации", 40, "шт.", 4500.1, "USD", None],
    [2, "Зарядное устройство", 0.5 + 1.5, "компл.", 0.1 + 0.2, "USD", None],
]


def need(reference: str = EVALUATED) -> ProcurementNeed:
    return ProcurementNeed.objects.get(reference=reference)


def run(target: ProcurementNeed, rows: list[Row], **options: Any) -> ImportResult:
    """Import ``rows`` as an XLSX (unless ``data`` is given), for real unless told otherwise."""
    options.setdefault("dry_run", False)
    data = options.pop("data", None) or xlsx(rows)
    return items_import(
        data=data, filename=options.pop("filename", "specification.xlsx"), need=target, **options
    )


def problems(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.message) for problem in result.problems]


def items(target: ProcurementNeed) -> list[tuple[Any, ...]]:
    """The need's items as (lot, description, quantity, unit, estimated, contracted, currency,
    planned delivery), in lot order."""
    return list(
        ProcurementItem.objects.filter(lot__need=target)
        .order_by("lot__number", "pk")
        .values_list(
            "lot__number",
            "description",
            "quantity",
            "unit",
            "estimated_value",
            "contracted_value",
            "currency",
            "planned_delivery_date",
        )
    )


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for base in (ProcurementNeed, ProcurementLot, ProcurementItem)
        for model in (base, base.history.model)
    } | {"status changes": StatusChange.objects.count()}


def snapshot(target: ProcurementNeed) -> tuple[Any, ...]:
    """Everything an import could touch: row counts, the need's version and its items."""
    target.refresh_from_db()
    return table_sizes(), target.version, items(target)


# Reading


def test_a_russian_specification_under_a_title_row_adds_its_items_to_the_right_lots(bomca10):
    target = need()

    result = run(target, SPECIFICATION)

    assert problems(result) == []
    assert (result.header_row, result.rows, result.imported) == (3, 5, True)
    report = result.items
    assert (report.created, report.updated, report.unchanged, report.lots_created) == (5, 0, 0, 1)
    assert items(target) == [
        (1, "Thermal imaging binoculars", 12, "pcs", 102000, None, "EUR", None),
        (1, "Тепловизионный монокуляр", 4, "шт.", 12500, None, "EUR", NOVEMBER),
        (1, "Штатив для тепловизора", 4, "шт.", Decimal("1234.50"), None, "EUR", NOVEMBER),
        (2, "Рация портативная", 20, "шт.", Decimal("1234.50"), None, "USD", date(2023, 12, 1)),
        (2, "Аккумулятор для рации", 40, "шт.", Decimal("4500.10"), None, "USD", None),
        (2, "Зарядное устройство", 2, "компл.", Decimal("0.30"), None, "USD", None),
    ]
    assert list(target.lots.values_list("number", "title")) == [
        (1, "Thermal imaging"),
        (2, "Lot 2"),
    ]


def test_amounts_are_stored_to_the_cent_with_no_float_noise(bomca10):
    target = need()

    run(target, SPECIFICATION)

    stored = ProcurementItem.objects.filter(lot__need=target, lot__number=2).order_by("pk")
    assert [str(value) for value in stored.values_list("estimated_value", flat=True)] == [
        "1234.50",
        "4500.10",
        "0.30",
    ]


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("12 500,00", "12500.00"),
        ("12\u00a0500,00", "12500.00"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1 234 567,5", "1234567.50"),
        ("€ 1 200", "1200.00"),
        ("1200 EUR", "1200.00"),
        (4500.1, "4500.10"),
        (0.1 + 0.2, "0.30"),
        (1e6, "1000000.00"),
        (7, "7.00"),
    ],
)
def test_an_amount_is_read_exactly_however_it_is_written(cell, amount):
    assert str(parse_amount(cell)) == amount


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "“abc” is not an amount; write it as 1234.50."),
        ("12,5,0", "“12,5,0” is not an amount; write it as 1234.50."),
        (1e30, "“1e+30” is not an amount; write it as 1234.50."),
        (-5, "An amount cannot be negative."),
        ("-1 200,00", "An amount cannot be negative."),
        ("\u22121 200,00", "An amount cannot be negative."),
        ("  ", "The cell is empty, but a value is needed here."),
        (True, "“True” is not an amount."),
        (float("nan"), "“nan” is not an amount; write it as 1234.50."),
    ],
)
def test_what_is_no_amount_is_refused_with_a_reason(cell, message):
    with pytest.raises(ValueProblem) as refused:
        parse_amount(cell)

    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("cell", "code"),
    [("евро", "EUR"), ("€", "EUR"), ("EUR", "EUR"), ("$", "USD"), ("usd", "USD"), ("сом", "KGS")],
)
def test_a_currency_is_understood_as_a_code_a_word_or_a_sign(cell, code):
    assert parse_currency(cell) == code


@pytest.mark.parametrize(
    ("cell", "number"), [(2, 2), ("Лот 3", 3), ("Lot 4", 4), ("Лот № 5", 5), ("6.", 6)]
)
def test_a_lot_is_its_number_however_it_is_written(cell, number):
    assert parse_lot(cell) == number


@pytest.mark.parametrize("cell", ["first", 0])
def test_a_lot_that_is_no_number_from_1_is_refused(cell):
    with pytest.raises(ValueProblem):
        parse_lot(cell)


def test_english_headings_with_a_lot_title_work(bomca10):
    target = need()
    rows: list[Row] = [
        [*ENGLISH, "Contracted value", "Lot title", "Planned delivery"],
        [3, "Synthetic night vision goggles", 6, "pairs", 18000, "EUR", 17500, "Night vision", ""],
    ]

    result = run(target, rows)

    assert problems(result) == []
    assert items(target)[-1] == (
        3,
        "Synthetic night vision goggles",
        6,
        "pairs",
        18000,
        17500,
        "EUR",
        None,
    )
    assert target.lots.get(number=3).title == "Night vision"


def test_a_semicolon_csv_saved_in_windows_1251_works(bomca10):
    target = need()
    data = csv_bytes(
        [RUSSIAN, ["1", "Тепловизионный монокуляр", "4", "шт.", "12 500,00", "евро", "15.11.2023"]],
        delimiter=";",
        encoding="cp1251",
    )

    result = run(target, [], data=data, filename="specification.csv")

    assert problems(result) == []
    assert items(target)[-1] == (
        1,
        "Тепловизионный монокуляр",
        4,
        "шт.",
        12500,
        None,
        "EUR",
        NOVEMBER,
    )


def test_without_a_currency_column_a_new_item_is_in_the_programmes_currency(bomca10):
    target = need()

    result = run(target, [["Description", "Quantity", "Budget"], ["Synthetic tripod", 2, "300"]])

    assert problems(result) == []
    assert items(target)[-1] == (1, "Synthetic tripod", 2, "pcs", 300, None, "EUR", None)


def test_a_preview_says_what_it_would_do_and_writes_nothing(bomca10):
    target = need()
    before = snapshot(target)

    result = run(target, SPECIFICATION, dry_run=True)

    assert (result.problems, result.imported) == ([], False)
    assert (result.items.created, result.items.lots_created) == (5, 1)
    assert snapshot(target) == before


# Idempotency


def test_importing_the_same_file_twice_changes_nothing_the_second_time(bomca10):
    target = need()
    run(target, SPECIFICATION)
    after_first = snapshot(target)
    history = target.history.count()

    result = run(target, SPECIFICATION)

    assert problems(result) == []
    report = result.items
    assert (report.created, report.updated, report.unchanged, report.lots_created) == (0, 0, 5, 0)
    assert snapshot(target) == after_first
    assert target.history.count() == history


def test_a_changed_amount_updates_exactly_that_item(bomca10):
    target = need()
    run(target, SPECIFICATION)
    changed = [list(row) for row in SPECIFICATION]
    changed[5][4] = "1 300,00"
    before = table_sizes()

    result = run(target, changed)

    report = result.items
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert report.descriptions_updated == ["Рация портативная"]
    radio = ProcurementItem.objects.get(lot__need=target, description="Рация портативная")
    assert (radio.estimated_value, radio.history.count()) == (Decimal("1300.00"), 2)
    assert table_sizes() == before | {
        "procurement.HistoricalProcurementItem": before["procurement.HistoricalProcurementItem"]
        + 1,
        "procurement.HistoricalProcurementNeed": before["procurement.HistoricalProcurementNeed"]
        + 1,
    }


def test_a_row_names_an_existing_item_by_lot_and_description_in_any_case_and_spacing(bomca10):
    target = need()
    before = table_sizes()

    result = run(
        target,
        [
            ["Лот", "Наименование", "Кол-во", "Стоимость"],
            ["1", "  thermal IMAGING   binoculars ", 14, 102000],
        ],
    )

    assert (result.items.created, result.items.updated) == (0, 1)
    assert items(target) == [
        (1, "thermal IMAGING binoculars", 14, "pcs", 102000, None, "EUR", None)
    ]
    assert table_sizes()["procurement.ProcurementItem"] == before["procurement.ProcurementItem"]


def test_the_needs_items_the_file_does_not_list_are_kept(bomca10):
    target = need(CONTRACTED)
    before = items(target)

    result = run(target, [CONTRACT_HEADINGS, [2, "Synthetic UV torch", 10, 500, 450]])

    assert problems(result) == []
    assert items(target) == [
        *before,
        (2, "Synthetic UV torch", 10, "pcs", 500, 450, "EUR", None),
    ]


def test_without_unit_or_currency_columns_an_existing_item_keeps_its_own(bomca10):
    target = need(DELIVERING)
    laptop = ProcurementItem.objects.get(lot__need=target, description="Laptop")
    assert (laptop.unit, laptop.currency) == ("pcs", "USD")
    ProcurementItem.objects.filter(pk=laptop.pk).update(unit="units")

    result = run(target, [CONTRACT_HEADINGS, [1, "Laptop", 16, 21000, 21000]])

    assert problems(result) == []
    laptop.refresh_from_db()
    assert (laptop.quantity, laptop.unit, laptop.currency) == (16, "units", "USD")
    assert (laptop.estimated_value, laptop.contracted_value) == (21000, 21000)


def test_empty_unit_and_currency_cells_keep_what_the_item_has(bomca10):
    target = need(DELIVERING)

    result = run(
        target,
        [
            [*ENGLISH, "Contracted value"],
            [1, "Document scanner", 15, "", 7000, None, 6450],
        ],
    )

    assert problems(result) == []
    scanner = ProcurementItem.objects.get(lot__need=target, description="Document scanner")
    assert (scanner.unit, scanner.currency, scanner.estimated_value) == ("pcs", "USD", 7000)


# Bad rows


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_saved(bomca10):
    target = need()
    rows: list[Row] = [
        RUSSIAN,
        [1, "Синтетический монокуляр", 4, "шт.", "12 500,00", "евро", "15.11.2023"],
        [1, "Отрицательное количество", -3, "шт.", "100", "евро", None],
        [1, "Нулевое количество", 0, "шт.", "100", "евро", None],
        [1, "Сумма буквами", 2, "шт.", "abc", "евро", None],
        [1, "Рубли", 2, "шт.", "100", "рубль", None],
        [1, "Когда-нибудь", 2, "шт.", "100", "евро", "когда-нибудь"],
        [1, None, 2, "шт.", "100", "евро", None],
        [2, "Синтетический штатив", 2, "шт.", "100", "евро", None],
        [2, "синтетический  ШТАТИВ", 3, "шт.", "150", "евро", None],
        [1, "Синтетический штатив", 2, "шт.", "100", "евро", None],
    ]
    before = snapshot(target)

    result = run(target, rows)

    currencies = "EUR, USD, KZT, KGS, TJS, TMT, UZS"
    assert problems(result) == [
        (3, "Кол-во", "The quantity must be more than zero."),
        (4, "Кол-во", "The quantity must be more than zero."),
        (5, "Стоимость", "“abc” is not an amount; write it as 1234.50."),
        (6, "Валюта", f"“рубль” is not a currency the system knows; write one of {currencies}."),
        (7, "Срок поставки", '"когда-нибудь" is not a date; write it as 20.06.2023.'),
        (8, "Наименование", "The description is empty."),
        (10, "", "The same item as row 9 (same lot and description)."),
    ]
    assert (result.imported, result.items) == (False, None)
    assert snapshot(target) == before


def test_a_negative_quantity_typed_as_text_is_told_as_a_quantity(bomca10):
    data = csv_bytes([["Description", "Quantity", "Estimated value"], ["Synthetic", "-3", "10"]])

    result = run(need(), [], data=data, filename="items.csv")

    assert problems(result) == [(2, "Quantity", "The quantity must be more than zero.")]


def test_blank_rows_are_skipped_and_an_empty_quantity_or_value_is_named(bomca10):
    target = need()
    before = snapshot(target)
    rows: list[Row] = [
        ENGLISH,
        [1, "Synthetic lamp", 2, "pcs", 10, "EUR"],
        [None, "  ", None, "", None, None],
        [1, "Synthetic case", None, "pcs", 10, "EUR"],
        [1, "Synthetic strap", 3, "pcs", "", "EUR"],
    ]

    result = run(target, rows)

    assert problems(result) == [
        (4, "Quantity", "The cell is empty, but a value is needed here."),
        (5, "Estimated value", "The cell is empty, but a value is needed here."),
    ]
    assert snapshot(target) == before


def test_a_long_file_reports_its_progress_every_hundred_rows(bomca10):
    rows: list[Row] = [
        ENGLISH,
        *([1, f"Synthetic part {n}", 1, "pcs", 1, "EUR"] for n in range(250)),
    ]
    calls: list[tuple[int, int]] = []

    result = run(
        need(), rows, dry_run=True, progress=lambda done, total: calls.append((done, total))
    )

    assert (problems(result), result.items.created) == ([], 250)
    assert calls == [(100, 250), (200, 250)]


def test_a_file_with_only_headings_is_a_problem(bomca10):
    result = run(need(), [ENGLISH])

    assert problems(result) == [(2, "", "There are no rows under the headings.")]


def test_a_file_without_a_quantity_column_is_refused_before_any_row(bomca10):
    result = run(need(), [["Description", "Estimated value"], ["Synthetic", 10]])

    assert problems(result) == [(1, "", "No column is mapped to “Quantity”.")]


# The need's rules


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("handed_over", "{reference} is Handed over and closed; it is no longer changed."),
        ("cancelled", "{reference} is Cancelled and closed; it is no longer changed."),
    ],
)
def test_a_closed_need_refuses_the_import_with_the_services_reason(bomca10, status, message):
    target = (
        need(HANDED_OVER)
        if status == "handed_over"
        else need_at(status, programme=bomca10, complete=False)
    )
    before = snapshot(target)

    result = run(target, [ENGLISH, [1, "Synthetic spare lamp", 5, "pcs", 50, "EUR"]])

    assert problems(result) == [(0, "", message.format(reference=target.reference))]
    assert (result.imported, result.items) == (False, None)
    assert snapshot(target) == before


def test_a_contracted_need_refuses_an_item_without_a_contracted_value(bomca10):
    target = need(CONTRACTED)
    before = snapshot(target)

    result = run(target, [ENGLISH, [2, "Synthetic UV torch", 10, "pcs", 500, "EUR"]])

    assert problems(result) == [
        (
            0,
            "",
            "PR-TM-2023-001 is Contracted, so this change cannot be saved: no contracted value "
            "for: Synthetic UV torch.",
        )
    ]
    assert snapshot(target) == before


def test_a_quantity_below_what_was_delivered_is_refused(bomca10):
    target = need(DELIVERING)
    before = snapshot(target)

    result = run(target, [CONTRACT_HEADINGS, [1, "Laptop", 5, 7000, 6650]])

    assert problems(result) == [
        (0, "", "Laptop: 6 already delivered; the quantity cannot be less.")
    ]
    assert snapshot(target) == before


def test_a_quantity_down_to_what_was_delivered_is_accepted(bomca10):
    target = need(DELIVERING)

    result = run(target, [CONTRACT_HEADINGS, [1, "Laptop", 6, 8000, 7980]])

    assert problems(result) == []
    assert ProcurementItem.objects.get(lot__need=target, description="Laptop").quantity == 6


def test_a_lot_titled_differently_on_two_rows_still_imports_once(bomca10):
    target = need()
    rows: list[Row] = [
        ["Lot", "Lot title", "Description", "Quantity", "Estimated value"],
        [2, "Radios", "Synthetic radio", 20, 1000],
        [2, "Radio sets", "Synthetic battery", 40, 400],
    ]
    first = run(target, rows)
    assert (first.items.lots_created, first.items.lots_renamed) == (1, 0)
    after_first = snapshot(target)

    second = run(target, rows)

    assert (second.items.lots_created, second.items.lots_renamed, second.items.unchanged) == (
        0,
        0,
        2,
    )
    assert snapshot(target) == after_first
    assert target.lots.get(number=2).title == "Radio sets"


def test_a_new_lot_title_renames_the_recorded_lot_and_nothing_else(bomca10):
    target = need()
    before = items(target)

    result = run(
        target,
        [
            ["Lot", "Lot title", "Description", "Quantity", "Estimated value"],
            [1, "Thermal imaging devices", "Thermal imaging binoculars", 12, 102000],
        ],
    )

    report = result.items
    assert (report.lots_renamed, report.updated, report.unchanged) == (1, 0, 1)
    assert list(target.lots.values_list("number", "title")) == [(1, "Thermal imaging devices")]
    assert items(target) == before
