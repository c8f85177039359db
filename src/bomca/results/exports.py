"""The logframe of a period as an XLSX workbook: the page's columns on a sheet "Logframe", the
disaggregations on a sheet "Disaggregations". Numbers stay numbers; counts of people read as
the page shows them to the same user (``views.shown.Reader``)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bomca.core.spreadsheets import Cell, sheet_title, xlsx_cell
from bomca.results.selectors import Logframe, Value
from bomca.results.views.shown import Reader, breakdowns, line, status_label

#: Column titles and widths (in characters) of the sheet "Logframe".
LOGFRAME_COLUMNS: list[tuple[Promise, int]] = [
    (gettext_lazy("Level"), 18),
    (gettext_lazy("Result code"), 11),
    (gettext_lazy("Result statement"), 50),
    (gettext_lazy("Indicator code"), 13),
    (gettext_lazy("Indicator"), 50),
    (gettext_lazy("Unit"), 14),
    (gettext_lazy("Baseline"), 10),
    (gettext_lazy("Baseline date"), 12),
    (gettext_lazy("Period target"), 12),
    (gettext_lazy("End target"), 12),
    (gettext_lazy("Actual"), 12),
    (gettext_lazy("Value to date"), 12),
    (gettext_lazy("Progress (%)"), 11),
    (gettext_lazy("Status"), 12),
    (gettext_lazy("Origin"), 20),
    (gettext_lazy("Source of the data"), 30),
    (gettext_lazy("Means of verification"), 40),
    (gettext_lazy("Provenance"), 14),
]
DISAGGREGATION_COLUMNS: list[tuple[Promise, int]] = [
    (gettext_lazy("Indicator code"), 13),
    (gettext_lazy("Indicator"), 50),
    (gettext_lazy("Dimension"), 18),
    (gettext_lazy("Key"), 30),
    (gettext_lazy("Value in the period"), 14),
    (gettext_lazy("Value to date"), 14),
]


def _titles(columns: list[tuple[Promise, int]]) -> list[str]:
    return [str(title) for title, _width in columns]


def logframe_rows(frame: Logframe, reader: Reader) -> Iterator[Sequence[Cell]]:
    """One row per indicator, under the result it measures, in logframe order."""
    for node in frame.nodes:
        result = node.result
        for row in node.rows:
            item = line(reader, row, programme=frame.programme)
            indicator = item.indicator
            yield [
                result.get_level_display(),
                result.code,
                result.title,
                indicator.code,
                indicator.title,
                indicator.unit,
                item.baseline.cell,
                indicator.baseline_date,
                item.period_target.cell,
                item.end_target.cell,
                item.actual.cell,
                item.to_date.cell,
                row.progress_percent,
                status_label(row.status),
                _origin(row.actual),
                row.actual.source,
                indicator.means_of_verification,
                indicator.get_source_display(),
            ]


def _origin(value: Value) -> str:
    """computed, frozen (a computed value kept), by hand (and whether it is frozen)."""
    if value.origin == "manual":
        return _("by hand, frozen") if value.frozen_at else _("by hand")
    return {"computed": _("computed"), "frozen": _("frozen")}.get(value.origin, "")


def disaggregation_rows(frame: Logframe, reader: Reader) -> Iterator[Sequence[Cell]]:
    """One row per indicator, dimension and key."""
    for row in frame.rows:
        for table in breakdowns(reader, row):
            for cells in table.rows:
                yield [
                    row.indicator.code,
                    row.indicator.title,
                    table.label,
                    cells.label,
                    cells.actual.cell,
                    cells.to_date.cell,
                ]


def logframe_xlsx(frame: Logframe, reader: Reader) -> bytes:
    """The workbook: each sheet with a bold, frozen header row and set column widths."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("Logframe"), LOGFRAME_COLUMNS, logframe_rows(frame, reader))
    _sheet(
        workbook,
        _("Disaggregations"),
        DISAGGREGATION_COLUMNS,
        disaggregation_rows(frame, reader),
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet(
    workbook: Workbook,
    title: str,
    columns: list[tuple[Promise, int]],
    rows: Iterator[Sequence[Cell]],
) -> None:
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for name in _titles(columns):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])


def logframe_filename(frame: Logframe) -> str:
    """logframe-BOMCA10-2023Q2.xlsx (a range by its first and last day)."""
    period = frame.period
    label = period.label
    if ".." in label:
        label = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return f"logframe-{frame.programme.code}-{label}.xlsx"
