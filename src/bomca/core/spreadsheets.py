"""Tabular exports (CSV and XLSX) that are safe to open in Excel.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
read by a spreadsheet as a formula ("formula injection"). In CSV such text gets a leading
apostrophe, which the spreadsheet shows as literal text; in XLSX the cell is typed as text.
Numbers and dates pass unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | date | datetime | None


def safe_cell(value: Cell) -> Cell:
    """``value``, with text that a spreadsheet would run as a formula made literal."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_cell(sheet: object, value: Cell) -> object:
    """In XLSX a text cell is typed as text, so "=..." stays text without an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        return cell
    return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """CSV text, row by row (UTF-8 with a byte-order mark so that Excel reads Cyrillic)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """``title`` as Excel allows a sheet to be named: no []:*?/\\, at most 31 characters."""
    cleaned = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'")
    return " ".join(cleaned.split())[:31].strip() or "Sheet"


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """An XLSX workbook of one sheet, written in openpyxl's constant-memory mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    bold = Font(bold=True)
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([xlsx_cell(sheet, cell) for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


#: The content type of each download format.
SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_response(
    *,
    file_format: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    filename: str,
) -> HttpResponseBase:
    """A download of ``rows``: CSV streamed as the rows are read, or an XLSX sheet ``title``."""
    response: HttpResponseBase
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_stream(header, rows), content_type=SPREADSHEET_TYPES["csv"]
        )
    else:
        response = HttpResponse(
            xlsx_bytes(title, header, rows), content_type=SPREADSHEET_TYPES["xlsx"]
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
