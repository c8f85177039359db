"""The items of a procurement need from a spreadsheet: the specification a beneficiary sends.

Each row is one item of one lot. A row is matched to an existing item of the need by lot
number and description (written any case, with any spacing), so importing a file twice changes
nothing the second time; items of the need that the file does not list are kept. Rows are
checked cell by cell here, then the need is saved by ``procurement.services.need_update`` with
the same rules as its form (a contracted need needs a contracted value on every item, a
delivered quantity cannot shrink, a closed need is not changed), in one transaction: one
problem and nothing is saved. Amounts are read as exact decimals, never through floats.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bomca.core.errors import ApplicationError
from bomca.core.money import Currency
from bomca.core.names import name_key
from bomca.imports import reading
from bomca.imports.models import ImportTemplate
from bomca.imports.services import (
    ImportResult,
    Problem,
    _add_problems,
    _DryRun,
    _RowReader,
    _text,
    sheet_read,
)
from bomca.procurement.models import ProcurementItem, ProcurementNeed
from bomca.procurement.services import ItemInput, LotInput, need_update

#: Fields an item sheet can fill, in the order the mapping form shows them.
ITEM_FIELD_LABELS: dict[str, str] = {
    "lot": gettext_noop("Lot number"),
    "lot_title": gettext_noop("Lot title"),
    "description": gettext_noop("Description"),
    "quantity": gettext_noop("Quantity"),
    "unit": gettext_noop("Unit"),
    "estimated_value": gettext_noop("Estimated value"),
    "contracted_value": gettext_noop("Contracted value"),
    "currency": gettext_noop("Currency"),
    "planned_delivery_date": gettext_noop("Planned delivery date"),
}

# fmt: off
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "lot": ("Lot", "Lot number", "Lot No", "Лот", "Номер лота", "№ лота"),
    "lot_title": ("Lot title", "Lot name", "Название лота", "Наименование лота"),
    "description": (
        "Description", "Item", "Item description", "Equipment", "Наименование",
        "Наименование товара", "Описание", "Оборудование", "Товар",
    ),
    "quantity": ("Quantity", "Qty", "Количество", "Кол-во", "Кол."),
    "unit": ("Unit", "Unit of measure", "UoM", "Ед. изм.", "Единица измерения", "Ед."),
    "estimated_value": (
        "Estimated value", "Estimated cost", "Estimate", "Budget", "Сметная стоимость",
        "Оценочная стоимость", "Ориентировочная стоимость", "Стоимость",
    ),
    "contracted_value": (
        "Contracted value", "Contract value", "Contract price", "Стоимость по контракту",
        "Сумма контракта",
    ),
    "currency": ("Currency", "Валюта"),
    "planned_delivery_date": (
        "Planned delivery", "Planned delivery date", "Delivery date", "Delivery",
        "Срок поставки", "Дата поставки", "Плановая дата поставки",
    ),
}
# fmt: on

_CURRENCY_WORDS: dict[str, str] = {
    **{name_key(code): code for code in Currency.values},
    **dict.fromkeys(("€", "euro", "euros", "евро"), "EUR"),
    **dict.fromkeys(("$", "us$", "dollar", "dollars", "доллар", "долл", "дол"), "USD"),
    **dict.fromkeys(("тенге", "tenge", "₸"), "KZT"),
    **dict.fromkeys(("сом", "som", "сомов"), "KGS"),
    **dict.fromkeys(("сомони", "somoni"), "TJS"),
    **dict.fromkeys(("манат", "manat"), "TMT"),
    **dict.fromkeys(("сум", "sum", "сумов", "so'm"), "UZS"),
}
_AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_AMOUNT = re.compile(r"^\d+(?:[.,]\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,234,567.50
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234.567,50
_CURRENCY_MARKS = re.compile(r"(€|\$|₸|\b[A-Z]{3}\b)")


@dataclass
class ItemsReport:
    """What an item import does (or would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lots_created: int = 0
    lots_renamed: int = 0
    descriptions_updated: list[str] = field(default_factory=list)


@dataclass
class _ItemRow:
    number: int
    lot: int
    lot_title: str | None
    values: dict[str, Any]


def parse_amount(value: reading.Cell) -> Decimal:
    """An amount of money, exactly: 1234.5, "1 234,50", "1,234.50", "1.234,50" or "€ 1 200".

    A number cell arrives as a float from the reader; it is rounded to cents through its
    shortest decimal text, so 0.1 + 0.2 never becomes 0.30000000000000004.
    """
    amount = _signed_amount(value)
    if amount < 0:
        raise reading.ValueProblem(_("An amount cannot be negative."))
    return amount


def parse_quantity(value: reading.Cell) -> Decimal:
    # Read as an amount is, but a negative quantity is told as a quantity, not as money.
    quantity = _signed_amount(value)
    if quantity <= 0:
        raise reading.ValueProblem(_("The quantity must be more than zero."))
    return quantity


def _signed_amount(value: reading.Cell) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise reading.ValueProblem(_("The cell is empty, but a value is needed here."))
    if isinstance(value, bool):
        raise reading.ValueProblem(_("“%(value)s” is not an amount.") % {"value": value})
    if isinstance(value, int | float):
        text = repr(value)
    else:
        text = _AMOUNT_SPACES.sub("", _CURRENCY_MARKS.sub("", str(value)))
        # "-100" or "−100" (Excel's minus sign) is a negative amount, not a word.
        text = "-" + text[1:] if text[:1] == "\u2212" else text
        unsigned = text.removeprefix("-")
        if _THOUSANDS_COMMA.match(unsigned):
            text = text.replace(",", "")
        elif _THOUSANDS_DOT.match(unsigned):
            text = text.replace(".", "").replace(",", ".")
        elif _AMOUNT.match(unsigned):
            text = text.replace(",", ".")
        else:
            text = ""
    try:
        # quantize also refuses what is too long to be money (1e30) and infinity.
        amount = Decimal(text).quantize(Decimal("0.01"))
        if amount.is_nan():
            raise InvalidOperation
        return amount
    except InvalidOperation:
        raise reading.ValueProblem(
            _("“%(value)s” is not an amount; write it as 1234.50.") % {"value": str(value)[:60]}
        ) from None


def parse_currency(value: reading.Cell) -> str:
    text = _text(value)
    code = _CURRENCY_WORDS.get(name_key(text)) or _CURRENCY_WORDS.get(text.strip().lower())
    if code is None:
        raise reading.ValueProblem(
            _("“%(value)s” is not a currency the system knows; write one of %(codes)s.")
            % {"value": text[:60], "codes": ", ".join(Currency.values)}
        )
    return code


def parse_lot(value: reading.Cell) -> int:
    text = _text(value).casefold().removeprefix("lot").removeprefix("лот").strip(" №#.")
    try:
        number = reading.parse_int(text if text else value)
    except ValueError:
        raise reading.ValueProblem(
            _("“%(value)s” is not a lot number; write 1, 2, …") % {"value": _text(value)[:60]}
        ) from None
    if number < 1:
        raise reading.ValueProblem(_("Lots are numbered from 1."))
    return number


def items_import(
    *,
    data: bytes,
    filename: str,
    need: ProcurementNeed,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[int, str] | None = None,
    template: ImportTemplate | None = None,
    dry_run: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read, check and (unless ``dry_run``) add or update the items of ``need``."""
    result, rows, header_index = sheet_read(
        data=data,
        filename=filename,
        sheet=sheet,
        header_row=header_row,
        mapping=mapping,
        template=template,
        fields=ITEM_FIELDS,
        labels=ITEM_FIELD_LABELS,
        check=_check_item_mapping,
        missing_headings=_(
            "No row of headings was found (such as “Description”, “Quantity”, “Estimated "
            "value” or «Наименование», «Количество», «Стоимость»); say which row holds them."
        ),
    )
    if result.problems or header_index is None:
        return result
    parsed = _item_rows(rows, header_index, result, need=need, progress=progress)
    result.rows = len(parsed)
    if not parsed and not result.problems:
        result.problems.append(
            Problem(
                row=header_index + 2, column="", message=_("There are no rows under the headings.")
            )
        )
    if result.problems:
        return result
    report = ItemsReport()
    try:
        with transaction.atomic():
            _items_save(parsed, need=need, report=report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except (ValidationError, ApplicationError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [error.message]
        result.problems.extend(Problem(row=0, column="", message=text) for text in messages)
        return result
    result.items = report
    result.imported = not dry_run
    return result


def _check_item_mapping(result: ImportResult) -> None:
    fields = set(result.mapping.values())
    missing = [
        _(ITEM_FIELD_LABELS[name])
        for name in ("description", "quantity", "estimated_value")
        if name not in fields
    ]
    if missing:
        result.problems.append(
            Problem(
                row=result.header_row or 1,
                column="",
                message=_("No column is mapped to %(fields)s.")
                % {"fields": ", ".join(f"“{name}”" for name in missing)},
            )
        )


def _item_rows(
    rows: Sequence[Sequence[reading.Cell]],
    header_index: int,
    result: ImportResult,
    *,
    need: ProcurementNeed,
    progress: Callable[[int, int], None] | None,
) -> list[_ItemRow]:
    columns = {name: index for index, name in result.mapping.items()}
    headings = result.headers
    parsed: list[_ItemRow] = []
    first: dict[tuple[int, str], int] = {}
    total = len(rows) - header_index - 1
    for offset, row in enumerate(rows[header_index + 1 :], start=1):
        number = header_index + 1 + offset
        if progress is not None and offset % 100 == 0:
            progress(offset, total)
        if not any(_text(cell) for cell in row):
            continue
        problems: list[Problem] = []
        reader = _RowReader(row, number, columns, headings, problems)
        description = " ".join(_text(reader.cell("description")).split())[:255]
        if not description:
            problems.append(
                Problem(
                    row=number,
                    column=headings[columns["description"]],
                    message=_("The description is empty."),
                )
            )
        # Only what the file says: an existing item keeps what an absent or empty cell
        # does not give (a new one takes the defaults below).
        values: dict[str, Any] = {
            "description": description,
            "quantity": reader.parse("quantity", parse_quantity),
            "estimated_value": reader.parse("estimated_value", parse_amount),
        }
        optional: dict[str, Any] = {
            "unit": _text(reader.cell("unit"))[:30] or None,
            "contracted_value": reader.parse("contracted_value", parse_amount),
            "currency": reader.parse("currency", parse_currency),
            "planned_delivery_date": reader.parse("planned_delivery_date", reading.parse_date),
        }
        values.update({name: value for name, value in optional.items() if value is not None})
        for name in ("quantity", "estimated_value"):
            if values[name] is None and _text(reader.cell(name)) == "":
                problems.append(
                    Problem(
                        row=number,
                        column=headings[columns[name]],
                        message=_("The cell is empty, but a value is needed here."),
                    )
                )
        lot = reader.parse("lot", parse_lot) or 1
        lot_title = _text(reader.cell("lot_title"))[:255] if "lot_title" in columns else None
        key = (lot, name_key(description))
        if description and key in first:
            problems.append(
                Problem(
                    row=number,
                    column="",
                    message=_("The same item as row %(row)s (same lot and description).")
                    % {"row": first[key]},
                )
            )
        elif description:
            first[key] = number
        if problems:
            _add_problems(result, problems)
            continue
        parsed.append(_ItemRow(number=number, lot=lot, lot_title=lot_title, values=values))
    return parsed


def _items_save(parsed: Sequence[_ItemRow], *, need: ProcurementNeed, report: ItemsReport) -> None:
    """The need's lots and items with the file's rows merged in, saved by the need's service
    only when something changes (so a second import writes nothing, not even a version)."""
    recorded = {lot.number: lot.title for lot in need.lots.all()}
    lots = dict(recorded)
    existing = list(ProcurementItem.objects.filter(lot__need=need).select_related("lot"))
    by_key = {(item.lot.number, name_key(item.description)): item for item in existing}
    inputs = {
        item.pk: ItemInput(
            lot=item.lot.number,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            estimated_value=item.estimated_value,
            currency=item.currency,
            contracted_value=item.contracted_value,
            planned_delivery_date=item.planned_delivery_date,
            pk=item.pk,
        )
        for item in existing
    }
    new_items: list[ItemInput] = []
    for row in parsed:
        if row.lot_title:
            lots[row.lot] = row.lot_title  # the last title a row gives wins
        elif row.lot not in lots:
            lots[row.lot] = _("Lot %(number)s") % {"number": row.lot}
        item = by_key.get((row.lot, name_key(row.values["description"])))
        if item is None:
            candidate = ItemInput(
                lot=row.lot,
                **{
                    "unit": "pcs",
                    "currency": need.programme.currency,
                    **row.values,
                },
            )
        else:
            candidate = dataclasses.replace(inputs[item.pk], lot=row.lot, **row.values)
        if item is None:
            new_items.append(candidate)
            report.created += 1
        elif candidate != inputs[item.pk]:
            inputs[item.pk] = candidate
            report.updated += 1
            report.descriptions_updated.append(item.description)
        else:
            report.unchanged += 1
    # Counted against what is recorded, not row by row: a lot titled twice in the file is
    # one new lot (or one renamed), and a file that changes nothing saves nothing.
    report.lots_created = len(lots.keys() - recorded.keys())
    report.lots_renamed = sum(1 for number, title in recorded.items() if lots[number] != title)
    if not (report.created or report.updated or report.lots_created or report.lots_renamed):
        return
    need_update(
        need=need,
        data={},
        lots=[LotInput(number=number, title=title) for number, title in sorted(lots.items())],
        items=[*inputs.values(), *new_items],
        expected_version=None,
    )
