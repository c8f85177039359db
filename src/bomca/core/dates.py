"""Dates as people read them, in the active language: a month and year, a span of days."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language


def month_name(day: date) -> str:
    """The month's name in the nominative; lower case in Russian, as Russian writes it."""
    name = date_format(day, "F")
    language = get_language() or "en"
    return name.lower() if language.startswith("ru") else name


def month_year(day: date) -> str:
    """'April 2021' / 'апрель 2021'."""
    return f"{month_name(day)} {day.year}"


def day_span(start: date, end: date) -> str:
    """'20–21 June 2023', '30 May – 2 June 2023', or one day."""
    if start == end:
        return date_format(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end)}"
    if start.year == end.year:
        return f"{date_format(start, 'MONTH_DAY_FORMAT')} – {date_format(end)}"
    return f"{date_format(start)} – {date_format(end)}"
