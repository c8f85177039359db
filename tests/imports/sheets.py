"""Attendance sheets made in the test, as the venue's Excel or a text editor would save them."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Border, Side

Row = Sequence[object]

#: The headings a Russian-speaking venue types, with a numbering column and a signature column.
RUSSIAN_HEADINGS = ["№", "ФИО", "Ж/М", "Дата рождения", "Организация", "Должность", "Дата", "Дни"]

#: English headings for the fields most lists have.
ENGLISH_HEADINGS = ["Full name", "Sex", "Year of birth", "Organisation", "Position"]


def xlsx(
    rows: Iterable[Row],
    *,
    sheet: str = "Sheet1",
    merges: Iterable[str] = (),
    blank_rows_after: int = 0,
    other_sheets: dict[str, Iterable[Row]] | None = None,
) -> bytes:
    """An XLSX workbook whose first sheet holds ``rows`` from A1 down.

    ``merges`` are ranges such as "A1:H1"; ``blank_rows_after`` adds rows that look empty but
    are not absent (cells of spaces, and bordered cells with no value), as a sheet prepared for
    more people and never filled ends.
    """
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    rows = [list(row) for row in rows]
    for row in rows:
        worksheet.append(row)
    width = max((len(row) for row in rows), default=1)
    thin = Side(style="thin")
    for offset in range(blank_rows_after):
        number = len(rows) + offset + 1
        worksheet.cell(row=number, column=1, value="   ")
        for column in range(2, width + 1):
            worksheet.cell(row=number, column=column).border = Border(top=thin, bottom=thin)
    for cells in merges:
        worksheet.merge_cells(cells)
    for name, other_rows in (other_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in other_rows:
            other.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xls(
    rows: Iterable[Row], *, sheet: str = "Лист1", merges: Iterable[tuple[int, int, int, int]] = ()
) -> bytes:
    """A legacy Excel 97–2003 (BIFF8) workbook, as older offices still save attendance sheets.

    ``merges`` are (first row, last row, first column, last column), 0-based, and hold the
    value of their first cell, as Excel writes them. Dates are written as real date cells.
    """
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    merged = {(top, left): (bottom, right) for top, bottom, left, right in merges}
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            if (row_index, column_index) in merged:
                bottom, right = merged[(row_index, column_index)]
                worksheet.write_merge(row_index, bottom, column_index, right, value)
            elif isinstance(value, datetime.date):
                worksheet.write(row_index, column_index, value, date_style)
            elif value is not None:
                worksheet.write(row_index, column_index, value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: Iterable[Row], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """CSV text as Excel writes it: every row, every cell as text."""
    output = io.StringIO(newline="")
    writer = csv.writer(output, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return output.getvalue().encode(encoding)


def english_list(people: Iterable[Row]) -> bytes:
    """An XLSX with the English headings on row 1 and one person per row below."""
    return xlsx([ENGLISH_HEADINGS, *people])


#: Bytes of a PDF document: what arrives when someone renames report.pdf to list.xlsx.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
