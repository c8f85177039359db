"""Reading uploaded attendance sheets: files of every shape, headers in two languages, values."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bomca.imports import reading
from bomca.imports.reading import (
    FileProblem,
    ValueProblem,
    columns_suggest,
    header_row_detect,
    normalise_header,
    normalise_name,
    parse_bool,
    parse_date,
    parse_date_range,
    parse_int,
    parse_role,
    parse_satisfaction,
    parse_score,
    parse_sex,
    parse_year_of_birth,
    scores_are_fractions,
    workbook_read,
)

untimed = settings(deadline=None)


def is_one_sentence(message: str) -> bool:
    """One line, ending in a full stop, with no sentence break inside."""
    return "\n" not in message and message.endswith(".") and not re.search(r"[.!?]\s", message)


def xlsx(build) -> bytes:
    workbook = Workbook()
    build(workbook.active)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_cells(values: dict[str, object]) -> bytes:
    def fill(sheet) -> None:
        for name, value in values.items():
            sheet[name] = value

    return xlsx(fill)


def attendance_sheet(sheet) -> None:
    """A sheet as venues fill them: a merged title, a blank row, then the header and people."""
    sheet.title = "Участники"
    sheet["B1"] = "Список участников тренинга «Анализ рисков»"
    sheet.merge_cells("B1:G1")
    sheet.append([])
    sheet.append([None, "№", "Ф.И.О.", "Пол (Ж/М)", "Дата рождения", "Организация", "Даты"])
    sheet.append([None, 1, "Иванова Мария", "Ж", "15.03.1985", "Таможня", "20-21 June 2023"])
    sheet.append([None, 2, "Petrov Ivan", "М", date(1979, 1, 2), None, datetime(2023, 6, 20)])
    sheet.merge_cells("F4:F5")  # one organisation for both people
    sheet.append([None, 3.0, "  ", None, None, None, 2.5])
    sheet["B9"] = "   "  # blank trailing rows, one with spaces only


def ods(body: str, *, manifest_extra: str = "") -> bytes:
    """A minimal OpenDocument spreadsheet of one table, written by hand."""
    namespaces = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Лист1">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{manifest_extra}</manifest:file-entry></manifest:manifest>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def ods_row(*cells: str, repeat: int = 1) -> str:
    return (
        f'<table:table-row table:number-rows-repeated="{repeat}">{"".join(cells)}</table:table-row>'
    )


def ods_cell(value: str | int, *, across: int = 1, down: int = 1, repeat: int = 1) -> str:
    kind = f'"float" office:value="{value}"' if isinstance(value, int) else '"string"'
    return (
        f"<table:table-cell office:value-type={kind} "
        f'table:number-columns-spanned="{across}" table:number-rows-spanned="{down}" '
        f'table:number-columns-repeated="{repeat}"><text:p>{value}</text:p></table:table-cell>'
    )


def ods_blank(repeat: int = 1, *, covered: bool = False) -> str:
    name = "covered-table-cell" if covered else "table-cell"
    return f'<table:{name} table:number-columns-repeated="{repeat}"/>'


def problem_of(data: bytes, filename: str = "list.xlsx", **limits) -> str:
    with pytest.raises(FileProblem) as raised:
        workbook_read(data, filename=filename, **limits)
    message = raised.value.message
    assert filename in message
    assert is_one_sentence(message), message
    return message


# --- Workbooks -------------------------------------------------------------------------------


def test_an_xlsx_keeps_excels_rows_and_columns_and_fills_merged_cells():
    (sheet,) = workbook_read(xlsx(attendance_sheet), filename="list.xlsx")

    title = "Список участников тренинга «Анализ рисков»"
    assert sheet.name == "Участники"
    assert sheet.rows == [
        [None, title, title, title, title, title, title],
        [None] * 7,
        [None, "№", "Ф.И.О.", "Пол (Ж/М)", "Дата рождения", "Организация", "Даты"],
        [None, 1, "Иванова Мария", "Ж", "15.03.1985", "Таможня", "20-21 June 2023"],
        [None, 2, "Petrov Ivan", "М", date(1979, 1, 2), "Таможня", date(2023, 6, 20)],
        [None, 3, None, None, None, None, 2.5],
    ]
    assert type(sheet.rows[5][1]) is int  # calamine reads every number as a float


def test_the_header_is_found_under_the_title_and_its_columns_suggested():
    (sheet,) = workbook_read(xlsx(attendance_sheet), filename="list.xlsx")

    header = header_row_detect(sheet.rows)

    assert header == 2
    assert columns_suggest(sheet.rows[header]) == {
        2: "full_name",
        3: "sex",
        4: "year_of_birth",
        5: "organisation",
    }


def test_a_formula_gives_the_value_saved_with_it():
    data = xlsx(lambda sheet: sheet.append([2, 3]))
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<c r="B1"[^>]*>.*?</c>',
                    b'<c r="B1"><f>A1*2+[1]Other!A1</f><v>4</v></c>',
                    content,
                )
            archive.writestr(name, content)

    (sheet,) = workbook_read(output.getvalue(), filename="formula.xlsx")

    assert sheet.rows == [[2, 4]]


def test_every_sheet_is_read_in_order():
    def two_sheets(sheet) -> None:
        sheet.title = "First"
        sheet["A1"] = "one"
        sheet.parent.create_sheet("Second")["A1"] = "two"

    sheets = workbook_read(xlsx(two_sheets), filename="two.xlsx")

    assert [(sheet.name, sheet.rows) for sheet in sheets] == [
        ("First", [["one"]]),
        ("Second", [["two"]]),
    ]


def test_an_ods_is_read_with_its_merged_cells_filled():
    body = "".join(
        [
            ods_row(ods_cell("Attendance", across=3), ods_blank(2, covered=True)),
            ods_row(ods_cell("Name"), ods_cell("Sex"), ods_cell("Agency")),
            ods_row(ods_cell("Ivanova"), ods_cell("F"), ods_cell("Customs", down=2), ods_blank(99)),
            ods_row(ods_cell("Petrov"), ods_cell(1), ods_blank(covered=True)),
            ods_row(ods_blank(1024), repeat=1048570),  # how LibreOffice writes the empty rest
        ]
    )

    (sheet,) = workbook_read(ods(body), filename="list.ods")

    assert sheet.rows == [
        ["Attendance", "Attendance", "Attendance"],
        ["Name", "Sex", "Agency"],
        ["Ivanova", "F", "Customs"],
        ["Petrov", 1, "Customs"],
    ]


# --- CSV -------------------------------------------------------------------------------------

RUSSIAN_CSV = "Список участников;;;\r\nФИО;Пол;Год рождения;Организация\r\n"
RUSSIAN_CSV += "Иванова, Мария;Ж;1985;Таможенная служба\r\nПетров Пётр;М;1979;\r\n;;;\r\n"
RUSSIAN_ROWS = [
    ["Список участников", None, None, None],
    ["ФИО", "Пол", "Год рождения", "Организация"],
    ["Иванова, Мария", "Ж", "1985", "Таможенная служба"],
    ["Петров Пётр", "М", "1979", None],
]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(RUSSIAN_CSV.encode("cp1251"), id="cp1251 with semicolons"),
        pytest.param(codecs.BOM_UTF8 + RUSSIAN_CSV.encode(), id="utf-8 with a BOM"),
        pytest.param(RUSSIAN_CSV.encode(), id="utf-8 without a BOM"),
        pytest.param(RUSSIAN_CSV.replace(";", "\t").encode("utf-16"), id="utf-16 with tabs"),
        pytest.param(("sep=;\r\n" + RUSSIAN_CSV).encode("cp1251"), id="Excel's sep= line"),
        pytest.param(
            RUSSIAN_CSV.replace(";", ",").replace("Иванова, Мария", '"Иванова, Мария"').encode(),
            id="commas with a quoted comma",
        ),
    ],
)
def test_a_csv_from_excel_is_decoded_and_split(data):
    (sheet,) = workbook_read(data, filename="участники.csv")

    assert sheet.name == "участники"
    assert sheet.rows == RUSSIAN_ROWS


def test_western_8_bit_text_is_read_as_windows_1252():
    data = "Name;Agency\nMüller;Société Générale\nAñón;Zoll\n".encode("cp1252")

    (sheet,) = workbook_read(data, filename="list.csv")

    assert sheet.rows[1:] == [["Müller", "Société Générale"], ["Añón", "Zoll"]]


def test_short_rows_of_a_csv_are_padded_to_the_widest():
    (sheet,) = workbook_read(b"a,b,c\n1\n2,3\n", filename="list.csv")

    assert sheet.rows == [["a", "b", "c"], ["1", None, None], ["2", "3", None]]


# --- Files that cannot be read ---------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert "empty" in problem_of(b"")


def test_a_file_over_the_size_limit_is_refused():
    assert "1 MB" in problem_of(b"a;b\n" * 400_000, "big.csv", max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>>", "list.xlsx", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "list.xlsx", id="png"),
        pytest.param(b"<html><body><table><tr><td>1</td></tr></table>", "list.xls", id="html"),
        pytest.param(b"\0\x01\x02\x03binary\0\0\0" * 50, "list.csv", id="binary"),
        pytest.param(reading._OLE2_MAGIC + "WordDocument".encode("utf-16-le"), "a.doc", id="doc"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(data, filename):
    assert "not a spreadsheet" in problem_of(data, filename)


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert "not a spreadsheet" in problem_of(output.getvalue(), "list.xlsx")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(xlsx(attendance_sheet)[:3000], id="truncated xlsx"),
        pytest.param(reading._OLE2_MAGIC + b"\0" * 600, id="xls without a workbook"),
    ],
)
def test_a_damaged_workbook_is_refused(data):
    assert "damaged" in problem_of(data, "list.xls")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    output = io.BytesIO()
    with (
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _megabyte in range(10):
            member.write(bytes(1024 * 1024))  # zeros compress about 1,000 times
    assert len(output.getvalue()) < 100_000

    assert "ZIP bomb" in problem_of(output.getvalue(), "bomb.xlsx")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)

    assert "ZIP bomb" in problem_of(xlsx(attendance_sheet))


def test_one_value_far_away_is_refused_before_the_reader_allocates_the_rectangle():
    # calamine would need 1,048,576 × 16,384 cells and abort the process.
    message = problem_of(xlsx_cells({"A1": "x", "XFD1048576": "y"}))

    assert "XFD1048576" in message


def test_a_value_in_a_far_column_is_named():
    message = problem_of(xlsx_cells({"A50000": "x", "XFD1": "y"}))

    assert "XFD1" in message
    assert "far outside" in message


def test_a_far_column_within_a_small_sheet_is_read():
    (sheet,) = workbook_read(xlsx_cells({"A1": "x", "XFD3": "y"}), filename="wide.xlsx")

    assert len(sheet.rows) == 3
    assert sheet.rows[2][16383] == "y"


def test_an_ods_whose_repeats_describe_a_huge_sheet_is_refused():
    body = ods_row(ods_cell("x", repeat=1000), repeat=100_000)  # 800 bytes, 10⁸ cells

    assert "far outside" in problem_of(ods(body), "bomb.ods")


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(b"a;b\n" * 11, "list.csv", id="csv"),
        pytest.param(xlsx(lambda sheet: [sheet.append([n]) for n in range(11)]), "list.xlsx"),
    ],
)
def test_more_rows_than_the_limit_are_refused(data, filename):
    assert "10" in problem_of(data, filename, max_rows=10)


def test_blank_rows_past_the_limit_do_not_count():
    (sheet,) = workbook_read(b"a;b\n" * 10 + b";\n" * 50, filename="list.csv", max_rows=10)

    assert len(sheet.rows) == 10


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            reading._OLE2_MAGIC + "EncryptedPackage".encode("utf-16-le"), id="encrypted xlsx"
        ),
        pytest.param(ods("", manifest_extra="<manifest:encryption-data/>"), id="encrypted ods"),
    ],
)
def test_a_workbook_protected_by_a_password_is_refused(data):
    assert "password" in problem_of(data)


def test_a_zip_with_encrypted_members_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("xl/workbook.xml", b"secret")
    data = bytearray(output.getvalue())
    central = data.index(b"PK\x01\x02")
    data[6] |= 0x1  # the "encrypted" flag, in the local header and in the central directory
    data[central + 8] |= 0x1

    assert "password" in problem_of(bytes(data))


def test_a_file_with_no_values_is_refused():
    assert "no data" in problem_of(b" ; \n;;\n", "list.csv")


# --- Headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Ф.И.О.", "ф и о"),
        ("  1. Фамилия,  имя,\nотчество ", "фамилия имя отчество"),
        ("2) Sex (F/M)", "sex f m"),
        ("Учёт", "учет"),
        ("№", ""),
        (None, ""),
        (2023, "2023"),
    ],
)
def test_normalise_header(text, normal):
    assert normalise_header(text) == normal


@pytest.mark.parametrize(
    ("header", "suggestion"),
    [
        (["№", "ФИО", "Пол", "Год рождения"], {1: "full_name", 2: "sex", 3: "year_of_birth"}),
        (["Фамилия", "Имя", "Ж/М"], {0: "last_name", 1: "first_name", 2: "sex"}),
        (["Фамилия, имя, отчество", "Место работы"], {0: "full_name", 1: "organisation"}),
        (["Ф. И. О. участника", "E mail"], {0: "full_name", 1: "email"}),
        (["No.", "Full name", "Gender", "Agency"], {1: "full_name", 2: "sex", 3: "organisation"}),
        (["Job title", "Post test (%)", "Signature"], {0: "position", 1: "post_test"}),
        (["Pre-test", "Rating", "Тел."], {0: "pre_test", 1: "satisfaction", 2: "phone"}),
        (["Participant", "Name of organisation"], {0: "full_name", 1: "organisation"}),
        ([None, "", 12, "Remarks"], {}),
    ],
)
def test_columns_suggest_maps_headers_in_english_and_russian(header, suggestion):
    assert columns_suggest(header) == suggestion


def test_no_field_gets_two_columns_and_the_better_match_wins():
    assert columns_suggest(["Name of the trainer", "Name"]) == {1: "full_name"}


def test_columns_suggest_takes_other_fields():
    assert columns_suggest(["Venue", "Город"], {"city": ("Город", "Venue")}) == {0: "city"}


def test_no_header_row_is_found_where_no_row_names_two_fields():
    rows = [["Attendance list"], ["Ivanova", "F"], ["Name"]]

    assert header_row_detect(rows) is None


def test_the_header_row_is_looked_for_only_in_the_first_rows():
    rows = [["Title"]] * 5 + [["ФИО", "Пол"]]

    assert header_row_detect(rows, scan=5) is None
    assert header_row_detect(rows) == 5


# --- Values ----------------------------------------------------------------------------------


def message_of(parse, value) -> str:
    with pytest.raises(ValueProblem) as raised:
        parse(value)
    message = raised.value.message
    assert is_one_sentence(message), message
    return message


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        *[(text, "female") for text in ("F", "f", "Ж", "ж", "жен.", "Женский", "female", "w")],
        *[(text, "female") for text in ("Woman", "women", " Ж ")],
        *[(text, "male") for text in ("M", "М", "м", "муж.", "Мужской", "male", "Man", "men")],
        ("мyж", "male"),  # a Latin y in a Cyrillic word
        ("mаlе", "male"),  # Cyrillic а and е in a Latin word
    ],
)
def test_parse_sex(value, sex):
    assert parse_sex(value) == sex


@pytest.mark.parametrize("value", ["X", "Ж/М", "unknown", 1])
def test_parse_sex_names_what_it_cannot_read(value):
    assert str(value) in message_of(parse_sex, value)


def test_an_empty_cell_is_a_problem_for_every_parser():
    for parse in (parse_sex, parse_date, parse_date_range, parse_int, parse_bool, parse_role):
        assert "empty" in message_of(parse, "  ")
        assert "empty" in message_of(parse, None)


JUNE_20 = ["20.06.2023", "20/06/2023", "20-06-2023", "2023-06-20", "2023-06-20 00:00:00"]
JUNE_20 += ["20.06.23", "06/20/2023", "20 June 2023", "20-Jun-2023", "June 20, 2023"]
JUNE_20 += ["20 июня 2023", "20 июня 2023 г.", "20 июн. 2023 года", 45097, 45097.75]


@pytest.mark.parametrize("value", [*JUNE_20, date(2023, 6, 20), datetime(2023, 6, 20, 9, 30)])
def test_parse_date_reads_a_day_written_in_any_usual_way(value):
    assert parse_date(value) == date(2023, 6, 20)


@pytest.mark.parametrize(
    "value", ["31.02.2023", "20 Juni 2023", "tomorrow", 2023, True, "1.1.1850"]
)
def test_parse_date_names_what_it_cannot_read(value):
    assert str(value) in message_of(parse_date, value)


@untimed
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_written_day_first_is_read_back(day):
    assert parse_date(day.strftime("%d.%m.%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_date(day.isoformat()) == day


@untimed
@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2100, 12, 31)))
def test_any_excel_serial_number_is_its_date(day):
    assert parse_date((day - date(1899, 12, 30)).days) == day


JUNE_20_21 = ["20-21 June 2023", "June 20–21, 2023", "20–21 июня 2023 г.", "20-21.06.2023"]
JUNE_20_21 += ["с 20 по 21 июня 2023 года", "20.06.2023 – 21.06.2023", "20.06.2023-21.06.2023"]
JUNE_20_21 += ["20.06-21.06.2023", "2023-06-20 - 2023-06-21", "20 June – 21 June 2023"]


@pytest.mark.parametrize("value", JUNE_20_21)
def test_parse_date_range_reads_a_period_written_in_any_usual_way(value):
    assert parse_date_range(value) == (date(2023, 6, 20), date(2023, 6, 21))


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("30 May – 2 June 2023", date(2023, 5, 30), date(2023, 6, 2)),
        ("28 декабря – 3 января 2024", date(2023, 12, 28), date(2024, 1, 3)),
        *[(day, date(2023, 6, 20), date(2023, 6, 20)) for day in JUNE_20],
    ],
)
def test_parse_date_range_completes_the_start_from_the_end(value, start, end):
    assert parse_date_range(value) == (start, end)


def test_a_period_that_ends_before_it_starts_is_a_problem():
    assert "ends before it starts" in message_of(parse_date_range, "21.06.2023 – 20.06.2023")


@pytest.mark.parametrize("value", ["20 – June", "spring 2023", "32-33 June 2023"])
def test_parse_date_range_names_what_it_cannot_read(value):
    assert value in message_of(parse_date_range, value)


@untimed
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_any_period_written_as_two_dates_is_read_back(start, length):
    end = min(start + timedelta(days=length), date(2100, 12, 31))

    assert parse_date_range(f"{start:%d.%m.%Y} – {end:%d.%m.%Y}") == (start, end)
    if start.month == end.month:
        assert parse_date_range(f"{start.day}-{end.day} {end:%B %Y}") == (start, end)


@pytest.mark.parametrize(
    ("value", "year"),
    [
        (1985, 1985),
        (1985.0, 1985),
        ("1985", 1985),
        ("1985 г.", 1985),
        ("15.03.1985", 1985),
        (date(1985, 3, 15), 1985),
        (31121, 1985),
    ],
)
def test_parse_year_of_birth(value, year):
    assert parse_year_of_birth(value) == year


def test_parse_year_of_birth_refuses_years_before_1930_and_after_this_one():
    next_year = timezone.localdate().year + 1

    assert "1929" in message_of(parse_year_of_birth, 1929)
    assert str(next_year) in message_of(parse_year_of_birth, next_year)
    assert "eighty" in message_of(parse_year_of_birth, "eighty-five")


@pytest.mark.parametrize(
    ("value", "number"), [(3, 3), (3.0, 3), ("3", 3), (" 3,0 ", 3), ("1 200", 1200), ("-2", -2)]
)
def test_parse_int(value, number):
    assert parse_int(value) == number


@pytest.mark.parametrize("value", [2.5, "2.5", "1,000", "three", True])
def test_parse_int_names_what_it_cannot_read(value):
    assert str(value) in message_of(parse_int, value)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (85, 85.0),
        (85.5, 85.5),
        ("85%", 85.0),
        ("85,5", 85.5),
        ("85 %", 85.0),
        ("0", 0.0),
        (0.85, 85.0),  # a cell typed as 85%
        ("17/20", 85.0),
        ("17 из 20", 85.0),
        (100, 100.0),
    ],
)
def test_parse_score(value, score):
    assert parse_score(value) == score


@pytest.mark.parametrize("value", ["101", -1, "85 points", "1/0", True])
def test_parse_score_names_what_it_cannot_read(value):
    assert str(value) in message_of(parse_score, value)


def test_a_column_typed_as_percentages_is_read_as_fractions():
    column = [0.85, 1, None, "absent", 0.5]

    assert scores_are_fractions(column)
    assert [parse_score(value, fraction=True) for value in (0.85, 1)] == [85.0, 100.0]
    assert not scores_are_fractions([85, 1, 0.5])
    assert not scores_are_fractions([1, 0])


@given(st.integers(min_value=0, max_value=99), st.sampled_from(["", "%", " %", ",0", ".5", ",5%"]))
def test_any_score_typed_as_text_is_read(number, suffix):
    assert parse_score(f"{number}{suffix}") == number + (0.5 if "5" in suffix else 0)


@pytest.mark.parametrize(
    ("value", "rating"), [(4, 4), (4.0, 4), ("4", 4), ("4/5", 4), ("4 из 5", 4), ("5 out of 5", 5)]
)
def test_parse_satisfaction(value, rating):
    assert parse_satisfaction(value) == rating


@pytest.mark.parametrize("value", [0, 6, 4.5, "4/10", "good"])
def test_parse_satisfaction_names_what_it_cannot_read(value):
    assert str(value) in message_of(parse_satisfaction, value)


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        *[(text, True) for text in ("yes", "Да", "1", 1, "true", "+", "x", "Х", "ИСТИНА", True)],
        *[(text, False) for text in ("no", "Нет", "0", 0, "false", "-", "–", "ЛОЖЬ", False)],
    ],
)
def test_parse_bool(value, answer):
    assert parse_bool(value) is answer


def test_parse_bool_names_what_it_cannot_read():
    assert "maybe" in message_of(parse_bool, "maybe")


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Participant", "participant"),
        ("участник", "participant"),
        ("Участница", "participant"),
        ("Trainer", "trainer"),
        ("тренер", "trainer"),
        ("Speaker", "speaker"),
        ("спикер", "speaker"),
        ("Докладчик", "speaker"),
        ("interpreter", "interpreter"),
        ("Переводчик", "interpreter"),
    ],
)
def test_parse_role(value, role):
    assert parse_role(value) == role


def test_parse_role_names_what_it_cannot_read():
    assert "observer" in message_of(parse_role, "observer")


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (["Иванов Пётр", "ИВАНОВ  петр", " иванов петр "], "иванов петр"),
        (["Иванoв Петр", "Ивaнов Пeтр"], "иванов петр"),  # Latin o, a and e
        (["Ivanov Petr", "Ivаnov Pеtr"], "ivanov petr"),  # Cyrillic а and е
        (["Ivanov P.P.", "Ivanov P. P."], "ivanov p p"),
        (["G'ulomov", "Gʻulomov", "G’ulomov"], "g'ulomov"),
    ],
)
def test_normalise_name_makes_spellings_of_one_name_equal(names, key):
    assert {normalise_name(name) for name in names} == {key}


@given(
    st.text(alphabet="АБВГДЕЁЖЗИЙКЛМНОПабвгдеёжзийклмноABCDEHKMOPTXYabcehkmopxy .-", max_size=30)
)
def test_normalise_name_is_idempotent(name):
    key = normalise_name(name)

    assert normalise_name(key) == key
    assert normalise_name(name.upper()) == key
