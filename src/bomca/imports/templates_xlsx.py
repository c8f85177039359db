"""Blank sheets to fill in (attendance at the venue, activities in the office): the headings
the importer knows, drop-down lists for the closed choices, and checks Excel applies while
people type."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bomca.activities.models import ActivityType, DeliveredBy, Format, Scope, Status
from bomca.core.money import Currency
from bomca.reference.models import Country, Programme

#: Rows prepared with drop-downs and checks.
ROWS = 500


def participants_template_xlsx() -> bytes:
    """The attendance sheet in English and Russian headings (the importer reads both)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Attendance"
    columns: list[tuple[str, str, int]] = []
    for key, width in (
        ("Full name", 32),
        ("Sex", 8),
        ("Year of birth", 10),
        ("Country", 16),
        ("Organisation", 32),
        ("Position or rank", 24),
        ("E-mail", 26),
        ("Phone", 16),
        ("Role", 14),
        ("Days attended", 10),
        ("Completed", 11),
        ("Pre-test score", 10),
        ("Post-test score", 10),
        ("Satisfaction (1–5)", 12),
    ):
        with translation.override("ru"):
            russian = _(key)
        columns.append((f"{key} / {russian}" if russian != key else key, key, width))
    sheet.append([_("Attendance sheet: fill one row per person; leave unknown cells empty.")])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([heading for heading, _key, _width in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE5EE")
    for index, (_heading, _key, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A3"
    first, last = 3, 2 + ROWS

    def validate(column: str, validation: DataValidation) -> None:
        validation.error = _("Choose a value from the list, or leave the cell empty.")
        validation.errorStyle = "stop"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{column}{first}:{column}{last}")

    validate("B", DataValidation(type="list", formula1='"F,M"', allow_blank=True))
    validate(
        "C",
        DataValidation(
            type="whole", operator="between", formula1="1930", formula2="2015", allow_blank=True
        ),
    )
    # The countries live on a hidden sheet: an inline list is capped at 255 characters by Excel.
    lists = workbook.create_sheet("Lists")
    names = list(Country.objects.order_by("name_en").values_list("name_en", flat=True))
    for name in names:
        lists.append([name])
    lists.sheet_state = "hidden"
    validate(
        "D",
        DataValidation(
            type="list", formula1=f"Lists!$A$1:$A${max(len(names), 1)}", allow_blank=True
        ),
    )
    validate(
        "I",
        DataValidation(
            type="list", formula1='"participant,trainer,speaker,interpreter"', allow_blank=True
        ),
    )
    validate(
        "J",
        DataValidation(
            type="whole", operator="between", formula1="1", formula2="60", allow_blank=True
        ),
    )
    validate("K", DataValidation(type="list", formula1='"yes,no"', allow_blank=True))
    for column in ("L", "M"):
        validate(
            column,
            DataValidation(
                type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
            ),
        )
    validate(
        "N",
        DataValidation(
            type="whole", operator="between", formula1="1", formula2="5", allow_blank=True
        ),
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def activities_template_xlsx(programme: Programme) -> bytes:
    """A sheet of activities to fill in (a work plan or a quarter's list), headings in English
    and Russian, drop-down lists in the reader's language (the importer reads either)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Activities"
    countries = list(programme.countries.order_by("name_en"))
    # Abroad means outside the programme's countries: the importer refuses one of them there.
    abroad = list(Country.objects.exclude(pk__in=programme.countries.all()).order_by("name_en"))
    lists: dict[str, list[str]] = {
        "component": [
            str(component.number) for component in programme.components.order_by("number")
        ],
        "activity_type": [str(label) for _value, label in ActivityType.choices],
        "scope": [str(label) for _value, label in Scope.choices],
        "format": [str(label) for _value, label in Format.choices],
        "host_country": [country.name for country in countries],
        "abroad_country": [country.name for country in abroad],
        "status": [str(label) for _value, label in Status.choices],
        "delivered_by": [str(label) for _value, label in DeliveredBy.choices],
    }
    lists["trainer_country"] = lists["host_country"]
    columns: tuple[tuple[str, str, int], ...] = (
        ("code", "Code", 16),
        ("component", "Component", 11),
        ("title_en", "Title (English)", 40),
        ("title_ru", "Title (Russian)", 40),
        ("thematic_area", "Thematic area", 24),
        ("activity_type", "Type", 18),
        ("scope", "Scope", 12),
        ("format", "Format", 12),
        ("host_country", "Host country", 16),
        ("city", "City", 14),
        ("abroad_country", "Held abroad in", 16),
        ("start_date", "Start date", 12),
        ("end_date", "End date", 12),
        ("status", "Status", 14),
        ("delivered_by", "Delivered by", 22),
        ("trainer_country", "National trainers from", 16),
        ("beneficiaries", "Beneficiary organisations", 32),
        ("female", "Women", 9),
        ("male", "Men", 9),
        ("unrecorded", "Sex not recorded", 10),
        ("outputs", "Outputs", 40),
    )
    headings = []
    for _name, key, _width in columns:
        with translation.override("ru"):
            russian = _(key)
        headings.append(f"{key} / {russian}" if russian != key else key)
    sheet.append(
        [
            _(
                "Activities of %(programme)s: one row per activity. Leave the code empty for a "
                "new activity; several organisations are separated by semicolons."
            )
            % {"programme": programme.acronym_en}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(headings)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE5EE")
    letters: dict[str, str] = {}
    for index, (name, _key, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
        letters[name] = cell.column_letter
    sheet.freeze_panes = "C3"
    first, last = 3, 2 + ROWS
    hidden = workbook.create_sheet("Lists")
    hidden.sheet_state = "hidden"

    def validate(name: str, validation: DataValidation, error: str) -> None:
        validation.error = error
        validation.errorStyle = "stop"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letters[name]}{first}:{letters[name]}{last}")

    for position, (name, values) in enumerate(lists.items(), start=1):
        column = hidden.cell(row=1, column=position).column_letter
        for row, value in enumerate(values or [""], start=1):
            hidden.cell(row=row, column=position, value=value)
        validate(
            name,
            DataValidation(
                type="list",
                formula1=f"Lists!${column}$1:${column}${max(len(values), 1)}",
                allow_blank=True,
            ),
            _("Choose a value from the list, or leave the cell empty."),
        )
    for name in ("start_date", "end_date"):
        validate(
            name,
            DataValidation(
                type="date",
                operator="between",
                formula1=f"DATE({programme.start_date:%Y},{programme.start_date.month},"
                f"{programme.start_date.day})",
                formula2=f"DATE({programme.end_date:%Y},{programme.end_date.month},"
                f"{programme.end_date.day})",
                allow_blank=True,
            ),
            _("Write a date within the programme, e.g. 20.06.2023."),
        )
        for row in range(first, last + 1):
            sheet[f"{letters[name]}{row}"].number_format = "DD.MM.YYYY"
    for name in ("female", "male", "unrecorded"):
        validate(
            name,
            DataValidation(
                type="whole", operator="between", formula1="0", formula2="10000", allow_blank=True
            ),
            _("Write a whole number of people, or leave the cell empty."),
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def items_template_xlsx(programme: Programme) -> bytes:
    """A blank specification of a need's items: one row per item, lots numbered from 1,
    amounts for the whole quantity, currencies from a drop-down list."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Items"
    columns: tuple[tuple[str, str, int], ...] = (
        ("lot", "Lot number", 8),
        ("lot_title", "Lot title", 24),
        ("description", "Description", 40),
        ("quantity", "Quantity", 10),
        ("unit", "Unit", 8),
        ("estimated_value", "Estimated value", 14),
        ("contracted_value", "Contracted value", 14),
        ("currency", "Currency", 10),
        ("planned_delivery_date", "Planned delivery date", 14),
    )
    headings = []
    for _name, key, _width in columns:
        with translation.override("ru"):
            russian = _(key)
        headings.append(f"{key} / {russian}" if russian != key else key)
    sheet.append(
        [
            _(
                "Items of a procurement need: one row per item; values for the whole quantity, "
                "not per unit."
            )
        ]
    )
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(headings)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE5EE")
    letters: dict[str, str] = {}
    for index, (name, _key, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
        letters[name] = cell.column_letter
    sheet.freeze_panes = "A3"
    first, last = 3, 2 + ROWS

    def validate(name: str, validation: DataValidation, error: str) -> None:
        validation.error = error
        validation.errorStyle = "stop"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letters[name]}{first}:{letters[name]}{last}")

    validate(
        "lot",
        DataValidation(
            type="whole", operator="between", formula1="1", formula2="99", allow_blank=True
        ),
        _("Write the lot's number, from 1."),
    )
    validate(
        "quantity",
        DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True),
        _("Write a quantity above zero."),
    )
    for name in ("estimated_value", "contracted_value"):
        validate(
            name,
            DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            ),
            _("Write an amount, e.g. 1234.50, for the whole quantity."),
        )
        for row in range(first, last + 1):
            sheet[f"{letters[name]}{row}"].number_format = "#,##0.00"
    validate(
        "currency",
        DataValidation(type="list", formula1=f'"{",".join(Currency.values)}"', allow_blank=True),
        _("Choose a value from the list, or leave the cell empty."),
    )
    validate(
        "planned_delivery_date",
        DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({programme.start_date.year},{programme.start_date.month},"
            f"{programme.start_date.day})",
            formula2=f"DATE({programme.end_date.year + 2},12,31)",
            allow_blank=True,
        ),
        _("Write a date, e.g. 20.06.2023."),
    )
    for row in range(first, last + 1):
        sheet[f"{letters['planned_delivery_date']}{row}"].number_format = "DD.MM.YYYY"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
