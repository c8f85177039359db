"""Reading uploaded attendance sheets: bytes in, rows of plain cells out.

Coordinators upload whatever the venue produced: XLSX, XLS or ODS workbooks with title rows
above the header and merged cells, or CSV that Excel wrote in UTF-8, UTF-16 or Windows-1251.
``workbook_read`` turns any of them into ``Sheet`` objects whose cells are stripped strings,
ints, floats, bools, dates or ``None``. The rest of the module is what an importer needs next:
finding the header row under the title rows, suggesting which column holds which field, and
parsing what people type («Ж», "20-21 June 2023", "85%").

Cell ``rows[i][j]`` is the spreadsheet's row ``i + 1`` and column ``j + 1`` (leading blank rows
and columns are kept), so that a message can name the cell the person sees in Excel.

Safety, because the bytes come from outside: the kind of file is judged by its content, not its
name; a ZIP-based workbook is measured from its central directory before anything unpacks it
(ZIP bombs); and each sheet's extent is measured before calamine reads it, because calamine
holds a sheet as a dense rectangle from A1 to the farthest valued cell, so a 5 KB file with
one value in XFD1048576 would ask for hundreds of gigabytes and abort the process outright.

Nothing here touches the database, and per-cell work is kept to a type test and a dict lookup
or a precompiled regex, because a sheet can have 100,000 rows.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import math
import re
import time as clock
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Literal, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
)

from bomca.core.errors import ApplicationError
from bomca.core.names import name_key

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "NOTE_HEADERS",
    "PARTICIPANT_FIELDS",
    "Cell",
    "FileProblem",
    "Sheet",
    "ValueProblem",
    "columns_suggest",
    "header_row_detect",
    "normalise_header",
    "normalise_name",
    "parse_bool",
    "parse_date",
    "parse_date_range",
    "parse_int",
    "parse_role",
    "parse_satisfaction",
    "parse_score",
    "parse_sex",
    "parse_year_of_birth",
    "scores_are_fractions",
    "workbook_read",
]

Cell = str | int | float | bool | date | datetime | None
# ((top, left), (bottom, right)), 0-based and inclusive, as python-calamine reports merged cells.
Merge = tuple[tuple[int, int], tuple[int, int]]
Kind = Literal["xlsx", "xls", "ods", "csv"]

MAX_BYTES = 20 * 1024 * 1024  # the upload limit, also for the upload form
MAX_ROWS = 200_000  # all sheets together

# A 20 MB XLSX of plain text unpacks to roughly 150 MB; more than this is an attack or an accident.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Sheet XML compresses about 10 to 30 times; a run of zeros, about 1,000 times.
MAX_COMPRESSION_RATIO = 200
# Small members (styles, shared strings of repeated words) may compress well and cannot hurt.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# calamine keeps about 32 bytes per cell of the rectangle up to the farthest value: ~320 MB here.
MAX_CELLS = 10_000_000


@dataclass(frozen=True)
class Sheet:
    """One worksheet (a CSV file is one sheet): rows of cells, trailing blank rows and columns
    dropped, every row as long as the longest."""

    name: str
    rows: list[list[Cell]]


class FileProblem(ApplicationError):
    """An uploaded file that cannot be read at all; the message names the file and what to do."""


class ValueProblem(ValueError):
    """A value that does not fit its field, in one sentence that names it; the caller adds where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reading files -------------------------------------------------------------------------


def workbook_read(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[Sheet]:
    """Every worksheet of an uploaded XLSX, XLS, ODS or CSV file, as rows of plain cells.

    Formulas give the value Excel saved with them: nothing is evaluated and no external link is
    followed. Cells of a merged range all carry the range's value, so that an organisation merged
    over five participants belongs to each of them. ``max_rows`` counts all sheets together.
    """
    if not data:
        raise FileProblem(_("The file %(name)s is empty.") % {"name": filename})
    if len(data) > max_bytes:
        raise FileProblem(
            _("The file %(name)s is %(size)s MB; files up to %(limit)s MB can be imported.")
            % {"name": filename, "size": _megabytes(len(data)), "limit": _megabytes(max_bytes)}
        )
    kind = _kind_detect(data, filename)
    if kind == "csv":
        sheets = [_csv_sheet(data, filename, max_rows)]
    else:
        sheets = _workbook_sheets(data, filename, kind, max_rows)
    if not any(sheet.rows for sheet in sheets):
        raise FileProblem(_("The file %(name)s has no data in any sheet.") % {"name": filename})
    return sheets


def _megabytes(size: int) -> str:
    """``size`` in MB, rounded up to a tenth, so that a file just over the limit is not "20 MB"."""
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}".removesuffix(".0")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")  # 200 000: read the same in English and Russian


def _extension(filename: str) -> str:
    name = re.split(r"[\\/]", filename)[-1]
    return "." + name.rpartition(".")[2].lower() if "." in name else ""


def _not_a_spreadsheet(filename: str) -> FileProblem:
    return FileProblem(
        _(
            "The file %(name)s is not a spreadsheet; save it from Excel as .xlsx or .csv "
            "and upload it again."
        )
        % {"name": filename}
    )


def _damaged(filename: str) -> FileProblem:
    return FileProblem(
        _(
            "The file %(name)s is damaged and cannot be read; open it in Excel, save it "
            "again and upload the new copy."
        )
        % {"name": filename}
    )


def _encrypted(filename: str) -> FileProblem:
    return FileProblem(
        _(
            "The file %(name)s is protected by a password; remove the password in Excel "
            "(File, Info, Protect Workbook) and upload it again."
        )
        % {"name": filename}
    )


def _bomb(filename: str) -> FileProblem:
    return FileProblem(
        _(
            "The file %(name)s was refused because it would unpack to far more data than "
            "any spreadsheet of its size holds, as a ZIP bomb does."
        )
        % {"name": filename}
    )


def _too_many_rows(filename: str, max_rows: int) -> FileProblem:
    return FileProblem(
        _("The file %(name)s has more than %(limit)s rows; split it into smaller files.")
        % {"name": filename, "limit": _thousands(max_rows)}
    )


# Errors the standard library and calamine raise on malformed archives and workbooks.
_UNREADABLE = (
    CalamineError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
)


@contextmanager
def _unreadable_as_problem(filename: str) -> Iterator[None]:
    """Turn the parsers' many error types into the one sentence a person can act on."""
    try:
        yield
    except PasswordError as error:
        raise _encrypted(filename) from error
    except _UNREADABLE as error:
        raise _damaged(filename) from error


# --- What kind of file ----------------------------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files uploaded by mistake that a text decoder would otherwise accept as CSV.
_OTHER_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
# OLE2 stream names are UTF-16: "Workbook" (Excel 97 and later) or "Book" (Excel 5) in an XLS,
# "EncryptedPackage" in an XLSX that Excel has encrypted with a password.
_OLE2_WORKBOOK = "Book".encode("utf-16-le")
_OLE2_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _kind_detect(data: bytes, filename: str) -> Kind:
    """The kind of file by its first bytes; the name only decides what the bytes leave open."""
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data, filename)
    if data.startswith(_OLE2_MAGIC):
        if _OLE2_ENCRYPTED in data:
            raise _encrypted(filename)
        if _OLE2_WORKBOOK in data or _extension(filename) == ".xls":
            return "xls"
        raise _not_a_spreadsheet(filename)  # a Word or PowerPoint file
    if data.startswith(_OTHER_MAGIC):
        raise _not_a_spreadsheet(filename)
    return "csv"


def _zip_kind(data: bytes, filename: str) -> Kind:
    """XLSX or ODS, after the archive's central directory has shown it is safe to unpack."""
    with _unreadable_as_problem(filename), zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        _zip_bomb_check(members, filename)
        if any(member.flag_bits & 0x1 for member in members):
            raise _encrypted(filename)
        names = {member.filename for member in members}
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        if "content.xml" in names and _ods_is(archive, names, filename):
            return "ods"
    raise _not_a_spreadsheet(filename)  # a Word document, a plain ZIP archive


def _zip_bomb_check(members: list[zipfile.ZipInfo], filename: str) -> None:
    """Refuse an archive that declares far more unpacked data than a sheet can hold.

    The sizes are those the central directory declares, read before anything is unpacked.
    """
    if len(members) > MAX_ZIP_MEMBERS:
        raise _bomb(filename)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise _bomb(filename)
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM_BYTES and member.file_size > (
            MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise _bomb(filename)


def _ods_is(archive: zipfile.ZipFile, names: set[str], filename: str) -> bool:
    """An OpenDocument spreadsheet (not a text document), refused early if it is encrypted."""
    if "mimetype" in names:
        if not archive.read("mimetype").strip().startswith(_ODS_MIMETYPE):
            return False
    elif _extension(filename) != ".ods":
        return False
    manifest = "META-INF/manifest.xml"
    if manifest in names and b"encryption-data" in archive.read(manifest):
        raise _encrypted(filename)
    return True


# --- Workbooks through calamine --------------------------------------------------------------


class _Extent(NamedTuple):
    """The rectangle from A1 to the farthest valued cells, and the names of the lowest and the
    rightmost of them (e.g. "A300000", "XFD1"), for the message."""

    rows: int
    columns: int
    lowest: str
    rightmost: str


def _workbook_sheets(data: bytes, filename: str, kind: Kind, max_rows: int) -> list[Sheet]:
    ods_merges: list[list[Merge]] | None = None
    with _unreadable_as_problem(filename):
        if kind == "xlsx":
            _xlsx_extent_check(data, filename, max_rows)
        elif kind == "ods":
            ods_merges = _ods_scan(data, filename, max_rows)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets: list[Sheet] = []
    with workbook:
        for index, metadata in enumerate(workbook.sheets_metadata):
            if metadata.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no rows
            with _unreadable_as_problem(filename):
                sheet = workbook.get_sheet_by_name(metadata.name)
            remaining = max_rows - sum(len(done.rows) for done in sheets)
            rows = _calamine_rows(sheet, filename, remaining, max_rows)
            # calamine reports merged ranges for XLSX and XLS only; ODS ranges come from our scan.
            merges = sheet.merged_cell_ranges
            if merges is None and ods_merges is not None and index < len(ods_merges):
                merges = ods_merges[index]
            sheets.append(Sheet(name=metadata.name, rows=_merges_fill(rows, merges or [])))
    return sheets


def _calamine_rows(
    sheet: CalamineSheet, filename: str, limit: int, max_rows: int
) -> list[list[Cell]]:
    end = sheet.end
    if end is None:
        return []
    far = _cell_name(*end)
    _extent_check(_Extent(end[0] + 1, end[1] + 1, far, far), filename, limit, max_rows)
    with _unreadable_as_problem(filename):
        # skip_empty_area=False keeps leading blank rows and columns, so indices are Excel's.
        raw = sheet.to_python(skip_empty_area=False)
    return _grid_tidy(
        [
            [(value.strip() or None) if type(value) is str else _plain(value) for value in row]
            for row in raw
        ]
    )


def _plain(value: object) -> Cell:
    """A non-text cell as the importer wants it: calamine gives every number as a float."""
    if type(value) is float:
        return int(value) if value.is_integer() else value
    if isinstance(value, bool | int | date):  # a datetime is a date
        return value
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    return str(value)  # a duration


def _extent_check(extent: _Extent, filename: str, limit: int, max_rows: int) -> None:
    if extent.rows > limit:
        raise FileProblem(
            _(
                "The file %(name)s has values down to cell %(cell)s, beyond the %(limit)s rows "
                "that can be imported; delete stray values below the table or split the file."
            )
            % {"name": filename, "cell": extent.lowest, "limit": _thousands(max_rows)}
        )
    if extent.rows * extent.columns > MAX_CELLS:
        raise FileProblem(
            _(
                "The file %(name)s has a value in cell %(cell)s, far outside any table; "
                "delete it in Excel and upload the file again."
            )
            % {"name": filename, "cell": extent.rightmost}
        )


def _cell_name(row: int, column: int) -> str:
    """The 0-based cell (``row``, ``column``) as Excel names it, e.g. (0, 16383) is XFD1."""
    letters = ""
    number = column + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row + 1}"


def _column_number(letters: bytes) -> int:
    """The 1-based column that Excel letters name: A is 1, Z is 26, XFD is 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


_CHUNK = 1024 * 1024
# Only the rare far cells are looked at: a two- or three-letter column, or a six- or seven-digit
# row. Every other cell lies within A1:Z99999, which is small enough. The last group is "/" for
# a self-closing (styled but empty) cell, which calamine does not place in the rectangle.
# The patterns start with the literal r=" (not with whitespace) so that re can skip ahead fast.
_XLSX_WIDE_CELL = re.compile(rb'r="([A-Z]{2,3})([0-9]{1,7})"[^>]*?(/?)>')
_XLSX_FAR_CELL = re.compile(rb'r="([A-Z]{1,3})([0-9]{6,7})"[^>]*?(/?)>')
_XLSX_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="([0-9]{1,7})"')
_NARROW_COLUMNS = 26
_NEAR_ROWS = 99_999


def _xlsx_extent_check(data: bytes, filename: str, max_rows: int) -> None:
    """Refuse a worksheet whose farthest valued cell would make calamine's rectangle too big."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = member.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(member) as stream:
                    _extent_check(_xlsx_extent(stream), filename, max_rows, max_rows)


def _xlsx_extent(stream: IO[bytes]) -> _Extent:
    """The rectangle one sheet's XML asks for, streamed in 1 MB pieces (about 0.2 s a 100 MB)."""
    far_row = wide_row = wide_column = last_row_tag = 0
    far_cell = wide_cell = ""
    tail = b""
    while chunk := stream.read(_CHUNK):
        buffer = tail + chunk
        for letters, digits, empty in _XLSX_FAR_CELL.findall(buffer):
            if not empty and int(digits) > far_row:
                far_row, far_cell = int(digits), (letters + digits).decode()
        for letters, digits, empty in _XLSX_WIDE_CELL.findall(buffer):
            if not empty:
                wide_row = max(wide_row, int(digits))
                if _column_number(letters) > wide_column:
                    wide_column, wide_cell = _column_number(letters), (letters + digits).decode()
        # Rows come in order, so the last row tag of a piece bounds the rows of narrow cells.
        if row_tags := _XLSX_ROW.findall(buffer, max(0, len(buffer) - 65536)):
            last_row_tag = max(last_row_tag, int(row_tags[-1]))
        tail = buffer[-256:]  # a cell tag cut in two is found whole in the next buffer
    if not wide_column:
        return _Extent(far_row, _NARROW_COLUMNS, far_cell, far_cell)
    rows = max(far_row, wide_row, min(last_row_tag, _NEAR_ROWS))
    return _Extent(rows, wide_column, far_cell or wide_cell, wide_cell)


_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated="([0-9]+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="([0-9]+)"')
_ODS_ROWS_SPANNED = re.compile(rb'number-rows-spanned="([0-9]+)"')
_ODS_COLUMNS_SPANNED = re.compile(rb'number-columns-spanned="([0-9]+)"')


def _ods_number(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    match = pattern.search(attributes)
    return int(match[1]) if match else 1


@dataclass
class _OdsTable:
    """What one pass over an ODS table learns: its merged ranges and its valued extent."""

    merges: list[Merge] = field(default_factory=list)
    row: int = 0
    row_repeat: int = 1
    row_valued: bool = False
    column: int = 0
    rows: int = 0
    columns: int = 0


def _ods_scan(data: bytes, filename: str, max_rows: int) -> list[list[Merge]]:
    """Each ODS table's merged ranges, after checking that its valued extent is sane.

    ODS cells and rows say how often they repeat, so 800 bytes can describe a billion valued
    cells, which calamine would expand; and python-calamine reports no merged ranges for ODS.
    One pass over content.xml, by regex rather than an XML parser, answers both.
    """
    tables: list[_OdsTable] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            cut = len(buffer) if cut == -1 else cut
            for closing, name, attributes, empty in _ODS_TAG.findall(buffer, 0, cut):
                if name == b"table":
                    if not closing:
                        tables.append(_OdsTable())
                elif tables and _ods_tag(tables[-1], name, bool(closing), attributes, bool(empty)):
                    _ods_extent_check(tables[-1], filename, max_rows)
            tail = buffer[cut:]
    return [table.merges for table in tables]


def _ods_extent_check(table: _OdsTable, filename: str, max_rows: int) -> None:
    if table.rows > max_rows or table.rows * table.columns > MAX_CELLS:  # cheap, once a row
        lowest = _cell_name(table.rows - 1, 0)
        rightmost = _cell_name(0, table.columns - 1)
        _extent_check(
            _Extent(table.rows, table.columns, lowest, rightmost), filename, max_rows, max_rows
        )


def _ods_tag(table: _OdsTable, name: bytes, closing: bool, attributes: bytes, empty: bool) -> bool:
    """Follow one tag of ``table``; whether it ended a row (when the extent is worth checking)."""
    if name == b"table-row":
        if not closing:
            table.row_repeat = _ods_number(_ODS_ROWS_REPEATED, attributes)
            table.row_valued = False
            table.column = 0
        if closing or empty:
            if table.row_valued:
                table.rows = max(table.rows, table.row + table.row_repeat)
            table.row += table.row_repeat
            return True
        return False
    if closing:
        return False
    repeat = _ods_number(_ODS_COLUMNS_REPEATED, attributes)
    if name == b"table-cell":
        if not empty or b"value-type" in attributes:
            table.row_valued = True
            table.columns = max(table.columns, table.column + repeat)
        if b"spanned" in attributes:
            down = _ods_number(_ODS_ROWS_SPANNED, attributes)
            across = _ods_number(_ODS_COLUMNS_SPANNED, attributes)
            if down > 1 or across > 1:
                top, left = table.row, table.column
                table.merges.append(((top, left), (top + down - 1, left + across - 1)))
    table.column += repeat
    return False


# --- Grids ----------------------------------------------------------------------------------


def _grid_tidy(rows: list[list[Cell]]) -> list[list[Cell]]:
    """``rows`` without trailing blank rows and columns, every row as wide as the widest."""
    width = height = 0
    for index, row in enumerate(rows):
        last = len(row)
        while last and row[last - 1] is None:
            last -= 1
        if last:
            height = index + 1
            width = max(width, last)
    del rows[height:]
    for row in rows:
        if len(row) > width:
            del row[width:]
        elif len(row) < width:
            row.extend([None] * (width - len(row)))
    return rows


def _merges_fill(rows: list[list[Cell]], merges: Iterable[Merge]) -> list[list[Cell]]:
    """Every cell of a merged range given the range's value (its top-left cell's).

    Ranges are clipped to the data, and the work to the size of the grid: Excel never overlaps
    merged ranges, but a crafted file could repeat a huge one thousands of times.
    """
    height = len(rows)
    width = len(rows[0]) if rows else 0
    budget = height * width
    for (top, left), (bottom, right) in merges:
        if top >= height or left >= width or (value := rows[top][left]) is None:
            continue
        columns = range(left, min(right, width - 1) + 1)
        for row in rows[top : min(bottom, height - 1) + 1]:
            budget -= len(columns)
            if budget < 0:
                return rows
            for column in columns:
                row[column] = value
    return rows


# --- CSV ------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),  # Excel's "Unicode text", tab-separated
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = ",;\t|"
_SEP_DIRECTIVE = re.compile(r"^sep=(.)$")  # a first line Excel reads as "the delimiter is ..."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z]")


def _csv_sheet(data: bytes, filename: str, max_rows: int) -> Sheet:
    text = _text_decode(data, filename)
    if not _text_is_table(text):
        raise _not_a_spreadsheet(filename)
    delimiter, directive = _delimiter_detect(text, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    try:
        if directive:
            next(reader, None)
        for record in reader:
            row: list[Cell] = [value.strip() or None for value in record]
            if len(rows) >= max_rows:
                if any(cell is not None for cell in row):
                    raise _too_many_rows(filename, max_rows)
                continue
            rows.append(row)
    except csv.Error as error:
        raise _damaged(filename) from error
    name = re.split(r"[\\/]", filename)[-1]
    return Sheet(name=name.rpartition(".")[0] or name, rows=_grid_tidy(rows))


def _text_decode(data: bytes, filename: str) -> str:
    """The text of a CSV in whichever encoding Excel wrote it.

    A byte-order mark settles it; otherwise strict UTF-8 (which 8-bit text almost never passes
    by chance), then Windows-1251 if the text reads as Russian, else Windows-1252.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise FileProblem(
                    _(
                        "The file %(name)s is not text in a known encoding; save it from Excel "
                        "as .xlsx or as CSV UTF-8 and upload it again."
                    )
                    % {"name": filename}
                ) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    cyrillic = data.decode("cp1251", errors="replace")
    if _reads_as_cyrillic(cyrillic[:65536]):
        return cyrillic
    return data.decode("cp1252", errors="replace")


def _reads_as_cyrillic(text: str) -> bool:
    """Whether 8-bit text decoded as Windows-1251 gives Russian words rather than mojibake.

    Accented Latin letters (é, ü, ñ) decoded as 1251 become single Cyrillic letters inside Latin
    words ("Mьller"); real Russian gives whole Cyrillic words.
    """
    whole = mixed = 0
    for word in _WORD.findall(text):
        if _CYRILLIC.search(word):
            if _LATIN.search(word):
                mixed += 1
            else:
                whole += 1
    return whole > 0 and whole >= 2 * mixed


def _text_is_table(text: str) -> bool:
    """False for binary data that happened to decode, and for HTML or XML saved as .xls."""
    head = text[:4096]
    if head.lstrip()[:1] == "<" or head.startswith("{\\rtf"):
        return False
    return "\x00" not in head and len(_CONTROL.findall(head)) * 100 <= len(head)


def _delimiter_detect(text: str, filename: str) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's "sep=" directive to skip.

    Excel writes the same number of delimiters on every line, so the delimiter that splits the
    first lines into the most consistent number of fields wins; csv.Sniffer's guess, then the
    file name (.tsv, .txt), break ties.
    """
    first = text[:64].partition("\n")[0].rstrip("\r")
    if directive := _SEP_DIRECTIVE.match(first):
        return directive[1], True
    lines = text[:65536].splitlines()
    if len(text) > 65536 and len(lines) > 1:
        lines.pop()  # cut off in the middle
    lines = lines[:50]
    try:
        # A small sample: the Sniffer's regexes can take quadratic time on long text.
        sample = "\n".join(lines[:20])[:8192]
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    preferred = "\t" if _extension(filename) in (".tsv", ".tab", ".txt") else ","
    return max(
        _DELIMITERS,
        key=lambda mark: (_delimiter_score(lines, mark), mark == sniffed, mark == preferred),
    ), False


def _delimiter_score(lines: list[str], delimiter: str) -> tuple[float, int]:
    """(share of lines with the most common field count, that count); (0, 0) for one field."""
    try:
        widths = [
            len(record)
            for record in csv.reader(lines, delimiter=delimiter)
            if record  # a row of empty fields counts: Excel writes every delimiter
        ]
    except csv.Error:
        return 0.0, 0
    if not widths:
        return 0.0, 0
    width, count = Counter(widths).most_common(1)[0]
    return (round(count / len(widths), 2), width) if width > 1 else (0.0, 0)


# --- Headers --------------------------------------------------------------------------------

# fmt: off
PARTICIPANT_FIELDS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "ФИО", "Ф.И.О.", "Фамилия, имя, отчество", "Фамилия Имя Отчество", "Фамилия, имя",
        "Фамилия и имя", "Full name", "Name", "Name and surname", "Surname and name",
        "Participant", "Participant name", "Name of participant", "Участник",
    ),
    "last_name": ("Фамилия", "Surname", "Last name", "Family name"),
    "first_name": ("Имя", "First name", "Given name"),
    "sex": ("Пол", "Ж/М", "М/Ж", "Sex", "Gender", "F/M", "M/F"),
    "year_of_birth": (
        "Год рождения", "Дата рождения", "Г.р.", "Year of birth", "Birth year", "YOB",
        "Date of birth", "DOB",
    ),
    "organisation": (
        "Организация", "Ведомство", "Учреждение", "Место работы", "Наименование организации",
        "Organisation", "Organization", "Agency", "Institution", "Employer",
    ),
    "position": (
        "Должность", "Звание", "Должность/звание", "Position", "Rank", "Title", "Job title",
    ),
    "country": ("Страна", "Country"),
    "email": ("E-mail", "Эл. почта", "Электронная почта", "Email", "E-mail address"),
    "phone": (
        "Телефон", "Тел.", "Номер телефона", "Phone", "Telephone", "Mobile", "Phone number",
    ),
    "role": ("Роль", "Role"),
    "days_attended": (
        "Дни", "Кол-во дней", "Количество дней", "Days", "Days attended", "Number of days",
    ),
    "completed": ("Завершил", "Завершил обучение", "Сертификат", "Completed", "Certificate"),
    "pre_test": (
        "Пре-тест", "Входной тест", "Предварительный тест", "Pre-test", "Pre test", "Pretest",
    ),
    "post_test": (
        "Пост-тест", "Итоговый тест", "Заключительный тест", "Post-test", "Post test",
        "Posttest",
    ),
    "satisfaction": (
        "Удовлетворенность", "Оценка", "Оценка мероприятия", "Satisfaction", "Rating",
    ),
}
# fmt: on

# Columns recognised as belonging to the header but holding nothing to import. They count
# towards finding the header row and are never suggested as a field. A header of numbering
# signs only ("№", "#") counts too.
# fmt: off
NOTE_HEADERS: tuple[str, ...] = (
    "№", "No.", "No", "Nr", "N", "#", "№ п/п", "п/п", "Подпись", "Signature", "Примечание",
    "Примечания", "Комментарий", "Note", "Notes", "Remarks", "Comments",
)
# fmt: on

_HEADER_NUMBERING = re.compile(r"^\s*\d{1,3}\s*[.)]\s*(?=\D)")  # "1. ФИО", "2) Sex"
_HEADER_PUNCTUATION = re.compile(r"[\W_]+")
_NUMBERING_SIGNS = re.compile(r"^\s*[№#]+[\s.]*$")

# (field, ((synonym, synonym without spaces), ...)) for every field
_SynonymIndex = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def normalise_header(text: Cell) -> str:
    """``text`` as headers are compared: lower case, ё as е, no numbering, punctuation or
    extra spaces ("1. Ф.И.О." gives "ф и о")."""
    if text is None:
        return ""
    cleaned = _HEADER_NUMBERING.sub("", str(text).lower().replace("ё", "е"))
    return " ".join(_HEADER_PUNCTUATION.sub(" ", cleaned).split())


_NOTE_KEYS = frozenset(normalise_header(header) for header in NOTE_HEADERS) - {""}


def columns_suggest(
    header: Sequence[Cell], fields: Mapping[str, Sequence[str]] = PARTICIPANT_FIELDS
) -> dict[int, str]:
    """Column index → field for the columns of ``header`` whose text names a field.

    Exact matches score highest, then a header that starts with a synonym ("ФИО участника"),
    then one that contains it as whole words; a longer synonym beats a shorter one. The best
    pairs are taken first and no field gets two columns.
    """
    return _columns_match(header, _synonym_index(fields))


def header_row_detect(
    rows: Sequence[Sequence[Cell]],
    fields: Mapping[str, Sequence[str]] = PARTICIPANT_FIELDS,
    scan: int = 20,
) -> int | None:
    """The index of the header row among the first ``scan`` rows, past any title rows.

    It is the row that names the most fields (at least two); the earliest wins a tie, because
    data rows come after the header. ``None`` when no row qualifies.
    """
    index = _synonym_index(fields)
    best, best_count = None, 1
    for number, row in enumerate(rows[:scan]):
        notes = sum(1 for cell in row if _is_note_header(cell))
        count = len(_columns_match(row, index)) + notes
        if count > best_count:
            best, best_count = number, count
    return best


def _synonym_index(fields: Mapping[str, Sequence[str]]) -> _SynonymIndex:
    index = []
    for name, synonyms in fields.items():
        normalised = (normalise_header(synonym) for synonym in synonyms)
        pairs = tuple(dict.fromkeys((text, text.replace(" ", "")) for text in normalised if text))
        index.append((name, pairs))
    return tuple(index)


def _is_note_header(cell: Cell) -> bool:
    text = normalise_header(cell)
    if text:
        return text in _NOTE_KEYS
    # "№" or "#" alone; not any punctuation, or a row of dashes would look like a header
    return isinstance(cell, str) and _NUMBERING_SIGNS.match(cell) is not None


def _columns_match(header: Sequence[Cell], index: _SynonymIndex) -> dict[int, str]:
    candidates: list[tuple[int, int, str]] = []
    for column, cell in enumerate(header):
        text = normalise_header(cell)
        if text and text not in _NOTE_KEYS:
            candidates.extend((score, column, name) for score, name in _header_scores(text, index))
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1]))
    suggestion: dict[int, str] = {}
    for _score, column, name in candidates:
        if column not in suggestion and name not in suggestion.values():
            suggestion[column] = name
    return dict(sorted(suggestion.items()))


def _header_scores(text: str, index: _SynonymIndex) -> Iterator[tuple[int, str]]:
    """(score, field) for each field one of whose synonyms matches the normalised ``text``."""
    compact = text.replace(" ", "")
    padded = f" {text} "
    for name, synonyms in index:
        best = 0
        for synonym, synonym_compact in synonyms:
            if text == synonym:
                score = 1000
            elif compact == synonym_compact:
                score = 900  # "Ф. И. О." and "ФИО", "E-mail" and "Email"
            elif text.startswith(synonym + " "):
                score = 500 + len(synonym)
            elif f" {synonym} " in padded:
                score = 300 + len(synonym)
            else:
                continue
            best = max(best, score)
        if best:
            yield best, name


# --- Values ---------------------------------------------------------------------------------

# Latin and Cyrillic letters that look alike, in upper case or lower: A/А, B/В, C/С, E/Е, H/Н,
# K/К, M/М, O/О, P/Р, T/Т, X/Х, Y/У. Keyboards switch layout in the middle of a word.
_LATIN_TO_CYRILLIC = str.maketrans("abcehkmoptxy", "авсенкмортху")
_CYRILLIC_TO_LATIN = str.maketrans("авсенкмортху", "abcehkmoptxy")
_APOSTROPHES = str.maketrans("’‘ʻʼ`´", "''''''")  # Uzbek Latin: G'ulom, Gʻulom, G’ulom

# fmt: off
_SEXES: dict[str, str] = {
    **dict.fromkeys(
        ("f", "female", "woman", "women", "w", "ж", "жен", "женский", "женщина",
         "ayol", "аял", "әйел", "зан"),  # Uzbek, Kyrgyz, Kazakh, Tajik
        "female",
    ),
    **dict.fromkeys(
        ("m", "male", "man", "men", "м", "муж", "мужской", "мужчина",
         "erkak", "эркек", "ер", "мард"),
        "male",
    ),
}
# fmt: on
_BOOLEANS: dict[str, bool] = {
    **dict.fromkeys(
        ("yes", "y", "да", "д", "true", "истина", "1", "+", "x", "х", "v", "✓", "✔", "☑"), True
    ),
    **dict.fromkeys(("no", "n", "нет", "н", "false", "ложь", "0", "-", "–", "—"), False),
}
_ROLES: dict[str, str] = {
    **dict.fromkeys(
        ("participant", "trainee", "участник", "участница", "слушатель"), "participant"
    ),
    **dict.fromkeys(
        ("trainer", "instructor", "facilitator", "тренер", "инструктор", "фасилитатор"),
        "trainer",
    ),
    **dict.fromkeys(
        ("speaker", "presenter", "lecturer", "спикер", "докладчик", "докладчица", "лектор"),
        "speaker",
    ),
    **dict.fromkeys(("interpreter", "translator", "переводчик", "переводчица"), "interpreter"),
}


def _key(value: Cell) -> str:
    """``value`` as a lookup key: case-folded, ё as е, single spaces, no final full stop."""
    return " ".join(str(value).casefold().replace("ё", "е").split()).rstrip(".").rstrip()


def _shown(value: Cell) -> str:
    """``value`` as a message quotes it: on one line and at most 60 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


def _required(value: Cell) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueProblem(_("The cell is empty, but a value is needed here."))


def parse_sex(value: Cell) -> str:
    """The sex as "female" or "male", from F/M, Ж/М, женский, woman, муж. and the like."""
    _required(value)
    key = _key(value)
    sex = (
        _SEXES.get(key)
        or _SEXES.get(key.translate(_LATIN_TO_CYRILLIC))
        or _SEXES.get(key.translate(_CYRILLIC_TO_LATIN))
    )
    if sex is None:
        raise ValueProblem(
            _('Sex "%(value)s" is not understood; write F or M (Ж or М).')
            % {"value": _shown(value)}
        )
    return sex


def parse_bool(value: Cell) -> bool:
    """A yes or a no: yes/no, да/нет, 1/0, true/false, +/-, or a cross for yes."""
    _required(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    answer = _BOOLEANS.get(_key(value))
    if answer is None:
        raise ValueProblem(
            _('"%(value)s" is neither yes nor no; write yes or no (да or нет).')
            % {"value": _shown(value)}
        )
    return answer


def parse_role(value: Cell) -> str:
    """participant, trainer, speaker or interpreter, from English or Russian."""
    _required(value)
    role = _ROLES.get(_key(value))
    if role is None:
        raise ValueProblem(
            _('Role "%(value)s" is not known; write participant, trainer, speaker or interpreter.')
            % {"value": _shown(value)}
        )
    return role


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Decimal zeros allowed ("3,0"), but not three of them: "1,000" could be a thousand.
_INTEGER = re.compile(r"^[+-]?\d+(?:[.,]0{1,2})?$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_POINTS = re.compile(r"^(\d+(?:[.,]\d+)?) ?(?:/|из|out of|of) ?(\d+(?:[.,]\d+)?)$")
_SATISFACTION = re.compile(r"^([1-5])(?:[.,]0{1,2})?(?: ?(?:/|из|out of|of) ?5)?$")


def parse_int(value: Cell) -> int:
    """A whole number, from a number cell or text such as "3", "3,0" or "1 200"."""
    _required(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = _SPACES.sub("", value)
        if _INTEGER.match(text):
            return int(re.split(r"[.,]", text)[0])
    raise ValueProblem(_('"%(value)s" is not a whole number.') % {"value": _shown(value)})


def parse_score(value: Cell, *, fraction: bool = False) -> float:
    """A test score from 0 to 100, from 85, "85%", "85,5" or "17/20".

    Excel stores a cell typed as 85% as 0.85, so a number strictly between 0 and 1 is read as a
    fraction. A cell typed as 100% is stored as 1 and cannot be told from a score of 1 by
    itself: pass ``fraction=True`` for a column that ``scores_are_fractions`` recognises.
    """
    _required(value)
    score = _score(value, fraction=fraction)
    if score is None:
        raise ValueProblem(
            _('"%(value)s" is not a score; write a number from 0 to 100, such as 85 or 85%%.')
            % {"value": _shown(value)}
        )
    if not 0 <= score <= 100:
        raise ValueProblem(
            _('Score "%(value)s" is not between 0 and 100.') % {"value": _shown(value)}
        )
    return score


def scores_are_fractions(values: Iterable[Cell]) -> bool:
    """Whether a column of scores was typed as percentages: every number within 0 to 1 and at
    least one strictly between."""
    numbers = [
        value for value in values if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    return (
        bool(numbers)
        and all(0 <= number <= 1 for number in numbers)
        and any(0 < number < 1 for number in numbers)
    )


def _score(value: Cell, *, fraction: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return round(number * 100, 2) if fraction or 0 < number < 1 else number
    if not isinstance(value, str):
        return None
    text = " ".join(value.casefold().split()).removesuffix("%").rstrip()
    if _DECIMAL.match(text):
        return float(text.replace(",", "."))
    if points := _POINTS.match(text):
        scored, total = (float(number.replace(",", ".")) for number in points.groups())
        return round(scored / total * 100, 2) if total else None
    return None


def parse_satisfaction(value: Cell) -> int:
    """A satisfaction rating from 1 to 5, from 4, "4", "4/5" or "4 из 5"."""
    _required(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value in (1, 2, 3, 4, 5):
            return int(value)
    elif isinstance(value, str) and (rating := _SATISFACTION.match(_key(value))):
        return int(rating[1])
    raise ValueProblem(
        _('Satisfaction "%(value)s" is not a whole number from 1 to 5.') % {"value": _shown(value)}
    )


_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "январь", "января", "янв"),
            ("february", "feb", "февраль", "февраля", "фев", "февр"),
            ("march", "mar", "март", "марта", "мар"),
            ("april", "apr", "апрель", "апреля", "апр"),
            ("may", "май", "мая"),
            ("june", "jun", "июнь", "июня", "июн"),
            ("july", "jul", "июль", "июля", "июл"),
            ("august", "aug", "август", "августа", "авг"),
            ("september", "sep", "sept", "сентябрь", "сентября", "сен", "сент"),
            ("october", "oct", "октябрь", "октября", "окт"),
            ("november", "nov", "ноябрь", "ноября", "ноя", "нояб"),
            ("december", "dec", "декабрь", "декабря", "дек"),
        ),
        start=1,
    )
    for name in names
}
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's fictional 29 Feb 1900 aside)
# Serial numbers read as dates only from 1920 to 2100, so that 2023 or 45 is not a date of 1905.
_SERIAL_FIRST = (date(1920, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_LAST = (date(2100, 12, 31) - _EXCEL_EPOCH).days
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
_FIRST_BIRTH_YEAR = 1930

_DATE_PUNCTUATION = str.maketrans({"–": "-", "—": "-", "−": "-", "‒": "-", ",": " "})
_YEAR_WORD = re.compile(r"(\d{4}) ?(?:гг|г|года|год)\b\.?")  # «2023 г.», «2023 года»
_DATE_FILLER = re.compile(r"^(?:с|from) |\bof\b")  # «с 20 по 21 июня», "1st of June"
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-zа-я]+)\.?[ -](\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-zа-я]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$")
_MONTH_DAYS_YEAR = re.compile(r"^([a-zа-я]+)\.? (\d{1,2}) ?- ?(\d{1,2}) (\d{4})$")
_DAY = re.compile(r"^(\d{1,2})\.?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})[./](\d{1,2})\.?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? ([a-zа-я]+)\.?$")
_MONTH_NAME_DAY = re.compile(r"^([a-zа-я]+)\.? (\d{1,2})(?:st|nd|rd|th)?$")
_RANGE_SEPARATOR = re.compile(r" ?(?:-|\.\.|\b(?:по|до|to|till|until)\b) ?")
_YEAR_TEXT = re.compile(r"^(\d{4})(?: ?(?:гг|г|года|год|y|yr))?$")


def parse_date(value: Cell) -> date:
    """A date from a date cell, an Excel serial number, or text such as 20.06.2023, 2023-06-20,
    "20 June 2023" or «20 июня 2023 г.» (day first; 06/20/2023 only when the day is over 12)."""
    _required(value)
    if isinstance(value, datetime):
        return _plausible(value.date(), value)
    if isinstance(value, date):
        return _plausible(value, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _excel_serial(value)
    else:
        day = _date_text(str(value))
    if day is None:
        raise ValueProblem(
            _('"%(value)s" is not a date; write it as 20.06.2023.') % {"value": _shown(value)}
        )
    return _plausible(day, value)


def parse_date_range(value: Cell) -> tuple[date, date]:
    """The first and last day of a period such as "20-21 June 2023", "30 May – 2 June 2023",
    «20–21 июня 2023 г.» or "20.06.2023 – 21.06.2023"; a single date is a one-day period."""
    _required(value)
    if not isinstance(value, str):
        day = parse_date(value)
        return day, day
    period = _period_text(value)
    if period is None:
        raise ValueProblem(
            _('"%(value)s" is not a date or a period; write it as 20.06.2023 or 20–21.06.2023.')
            % {"value": _shown(value)}
        )
    start, end = _plausible(period[0], value), _plausible(period[1], value)
    if end < start:
        raise ValueProblem(
            _('The period "%(value)s" ends before it starts.') % {"value": _shown(value)}
        )
    return start, end


def parse_year_of_birth(value: Cell) -> int:
    """A year of birth from 1930 to this year, from a year (1985, "1985 г.") or a date of birth."""
    _required(value)
    year = _birth_year(value)
    if year is None:
        raise ValueProblem(
            _('"%(value)s" is not a year of birth; write a year such as 1985.')
            % {"value": _shown(value)}
        )
    this_year = _this_year()
    if not _FIRST_BIRTH_YEAR <= year <= this_year:
        raise ValueProblem(
            _('Year of birth "%(value)s" is not between %(first)s and %(last)s.')
            % {"value": _shown(value), "first": _FIRST_BIRTH_YEAR, "last": this_year}
        )
    return year


def _birth_year(value: Cell) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, date):
        return value.year
    if isinstance(value, int | float):
        if float(value).is_integer() and 1000 <= value <= 9999:
            return int(value)
        day = _excel_serial(value)
        return day.year if day else None
    if year := _YEAR_TEXT.match(_key(value)):
        return int(year[1])
    day = _date_text(str(value))
    return day.year if day else None


def _plausible(day: date, value: Cell) -> date:
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise ValueProblem(
            _('"%(value)s" is not a date between %(first)s and %(last)s.')
            % {"value": _shown(value), "first": _FIRST_YEAR, "last": _LAST_YEAR}
        )
    return day


def _excel_serial(number: float) -> date | None:
    if not _SERIAL_FIRST <= number <= _SERIAL_LAST:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _two_digit_year(year: int) -> int:
    """A year written with two digits: in this century unless that is over ten years ahead."""
    full = 2000 + year
    return full if full <= _this_year() + 10 else full - 100


def _this_year() -> int:
    """The current year in the programme's time zone, asked of Django at most once an hour."""
    return _year_in_hour(int(clock.time()) // 3600)


@functools.lru_cache(maxsize=1)
def _year_in_hour(hour: int) -> int:  # the hour is the cache key
    return timezone.localdate().year


@functools.lru_cache(maxsize=4096)
def _date_normalise(text: str) -> str:
    """Date text made regular: lower case, one kind of dash, no «г.», "of", "from" or commas."""
    cleaned = " ".join(text.casefold().replace("ё", "е").translate(_DATE_PUNCTUATION).split())
    cleaned = _DATE_FILLER.sub("", _YEAR_WORD.sub(r"\1", cleaned))
    return " ".join(cleaned.split()).rstrip(".")


@functools.lru_cache(maxsize=4096)
def _date_text(text: str) -> date | None:
    # Cached: a column of attendance often repeats the same few dates thousands of times.
    return _date_single(_date_normalise(text))


def _date_single(text: str) -> date | None:
    if numeric := _NUMERIC_DATE.match(text):
        first, _separator, second, third = numeric.groups()
        if len(first) == 4 and len(third) <= 2:
            year, month, day = int(first), int(second), int(third)
        elif len(first) <= 2 and len(third) in (2, 4):
            day, month, year = int(first), int(second), int(third)
            year = _two_digit_year(year) if len(third) == 2 else year
        else:
            return None
        if month > 12 >= day:
            day, month = month, day  # 06/20/2023, from an Excel set to American dates
        return _date_or_none(year, month, day)
    if named := _DAY_MONTH_YEAR.match(text):
        named_month = _MONTHS.get(named[2])
        return _date_or_none(int(named[3]), named_month, int(named[1])) if named_month else None
    if named := _MONTH_DAY_YEAR.match(text):
        named_month = _MONTHS.get(named[1])
        return _date_or_none(int(named[3]), named_month, int(named[2])) if named_month else None
    return None


@functools.lru_cache(maxsize=4096)
def _period_text(text: str) -> tuple[date, date] | None:
    """The period some text names: one date, or a start and an end around a dash or «по»,
    where the start may leave out the year and month that the end gives."""
    cleaned = _date_normalise(text)
    if (day := _date_single(cleaned)) is not None:
        return day, day
    if american := _MONTH_DAYS_YEAR.match(cleaned):  # June 20-21, 2023
        month, year = _MONTHS.get(american[1]), int(american[4])
        start = _date_or_none(year, month, int(american[2])) if month else None
        end = _date_or_none(year, month, int(american[3])) if month else None
        return (start, end) if start and end else None
    for separator in _RANGE_SEPARATOR.finditer(cleaned):
        end = _date_single(cleaned[separator.end() :].strip())
        if end is None:
            continue
        start = _date_partial(cleaned[: separator.start()].strip(), end)
        if start is not None:
            return start, end
    return None


def _date_partial(text: str, end: date) -> date | None:
    """The start of a period, completed from its ``end`` when it gives only a day or a month."""
    if (day := _date_single(text)) is not None:
        return day
    if alone := _DAY.match(text):
        return _date_or_none(end.year, end.month, int(alone[1]))
    if numeric := _DAY_MONTH.match(text):
        return _date_before(end, int(numeric[2]), int(numeric[1]))
    if named := _DAY_MONTH_NAME.match(text):
        month = _MONTHS.get(named[2])
        return _date_before(end, month, int(named[1])) if month else None
    if named := _MONTH_NAME_DAY.match(text):
        month = _MONTHS.get(named[1])
        return _date_before(end, month, int(named[2])) if month else None
    return None


def _date_before(end: date, month: int, day: int) -> date | None:
    """``day``.``month`` in the year of ``end``, or the year before (28 December – 3 January)."""
    start = _date_or_none(end.year, month, day)
    if start is not None and start > end:
        return _date_or_none(end.year - 1, month, day)
    return start


def normalise_name(text: str) -> str:
    """A person's name as duplicates are compared: ``core.names.name_key``, the one rule."""
    return name_key(text)
