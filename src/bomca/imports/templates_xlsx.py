"""Blank attendance sheets to fill in at the venue: the headings the importer knows, drop-down
lists for the closed choices, and checks Excel applies while people type."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bomca.reference.models import Country

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
