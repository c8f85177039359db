"""Reporting periods: parse the selectors people type and do quarter arithmetic.

Accepted forms: ``2023Q2`` (a quarter), ``2023`` (a year), ``2023-04`` (a month),
``2023-04-15`` (a day) and ``A..B`` (from the start of A to the end of B, e.g.
``2021-04..2025-09`` or ``2023Q1..2023Q2``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from bomca.core.errors import ApplicationError

# Q, or the Cyrillic К of «квартал» that Russian speakers type (2023К2).
_QUARTER = re.compile(r"^(\d{4})[QqКк](\d+)$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class PeriodError(ApplicationError):
    """A period selector that cannot be understood."""


@dataclass(frozen=True, order=True)
class Period:
    """A closed interval of days, ``start`` to ``end`` inclusive, with the label it was asked by."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def is_quarter(self) -> bool:
        return _QUARTER.match(self.label) is not None


def quarter(year: int, number: int) -> Period:
    """The quarter ``number`` (1–4) of ``year``."""
    _check_year(year)
    if not 1 <= number <= 4:
        raise PeriodError(
            _("Quarter %(number)s does not exist: a year has quarters Q1 to Q4 (e.g. 2023Q2).")
            % {"number": number}
        )
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    return Period(
        start=date(year, first_month, 1),
        end=date(year, last_month, calendar.monthrange(year, last_month)[1]),
        label=f"{year}Q{number}",
    )


def quarter_of(day: date) -> Period:
    """The quarter that contains ``day``."""
    return quarter(day.year, (day.month - 1) // 3 + 1)


def next_quarter(period: Period) -> Period:
    """The quarter that starts the day after ``period`` ends."""
    end = period.end
    return quarter_of(
        date(end.year + 1, 1, 1) if end.month == 12 else date(end.year, end.month + 1, 1)
    )


def previous_quarter(period: Period) -> Period:
    """The quarter that ends the day before ``period`` starts."""
    start = period.start
    return quarter_of(
        date(start.year - 1, 12, 1) if start.month == 1 else date(start.year, start.month - 1, 1)
    )


def last_complete_quarter(today: date) -> Period:
    """The latest quarter that has ended before ``today``."""
    return previous_quarter(quarter_of(today))


def quarters_between(start: date, end: date) -> list[Period]:
    """Every quarter that overlaps the days from ``start`` to ``end``."""
    quarters: list[Period] = []
    current = quarter_of(start)
    while current.start <= end:
        quarters.append(current)
        current = next_quarter(current)
    return quarters


def parse_period(text: str) -> Period:
    """The period a selector names; a ``PeriodError`` in one sentence when it names none."""
    cleaned = text.strip()
    if ".." in cleaned:
        first, _sep, last = cleaned.partition("..")
        if not first.strip() or not last.strip():
            raise PeriodError(
                _("Period %(text)s needs a start and an end, e.g. 2021-04..2025-09.")
                % {"text": cleaned}
            )
        start, end = _parse_single(first.strip()), _parse_single(last.strip())
        if end.end < start.start:
            raise PeriodError(
                _("Period %(text)s ends before it starts; write the earlier end first.")
                % {"text": cleaned}
            )
        return Period(start=start.start, end=end.end, label=cleaned)
    return _parse_single(cleaned)


#: Years a typed period may name: wide enough for any programme, and far from the ends of the
#: calendar, so that the next quarter or a chart's axis of any such period is still a date.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _check_year(year: int) -> None:
    if year < 1:
        raise PeriodError(
            _("Year %(year)04d does not exist; years start at 0001.") % {"year": year}
        )


def _check_typed_year(year: int) -> None:
    _check_year(year)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _("Year %(year)s is out of range; periods run from %(first)s to %(last)s.")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )


def _parse_single(text: str) -> Period:
    if match := _YEAR.match(text) or _MONTH.match(text) or _DAY.match(text) or _QUARTER.match(text):
        _check_typed_year(int(match[1]))
    if match := _QUARTER.match(text):
        year, number = int(match[1]), int(match[2])
        if not 1 <= number <= 4:
            raise PeriodError(
                _("Period %(text)s does not exist: a year has quarters Q1 to Q4 (e.g. %(year)sQ2).")
                % {"text": text, "year": year}
            )
        return quarter(year, number)
    if match := _YEAR.match(text):
        year = int(match[1])
        return Period(start=date(year, 1, 1), end=date(year, 12, 31), label=text)
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(
                _("Period %(text)s does not exist: months run from 01 to 12.") % {"text": text}
            )
        last = calendar.monthrange(year, month)[1]
        return Period(start=date(year, month, 1), end=date(year, month, last), label=text)
    if match := _DAY.match(text):
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise PeriodError(
                _("Period %(text)s is not a calendar date.") % {"text": text}
            ) from None
        return Period(start=day, end=day, label=text)
    raise PeriodError(
        _(
            "Period %(text)r is not understood; use a quarter (2023Q2), a year (2023), "
            "a month (2023-04) or a range (2021-04..2025-09)."
        )
        % {"text": text}
    )


def period_label(start: date, end: date) -> str:
    """The shortest selector that names exactly ``start`` to ``end`` (2023Q2, 2023, 2023-04)."""
    if start.day == 1 and end == _month_end(end) and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}"
        if start.month == end.month:
            return f"{start.year}-{start.month:02d}"
        if end.month == start.month + 2 and start.month % 3 == 1:
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()}..{end.isoformat()}"


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
