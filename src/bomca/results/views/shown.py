"""The results as one reader sees them: values written per indicator type, counts of people as
the access rules let the reader see them, disaggregation keys as words. The pages and the
spreadsheet export both read through here, so that they never show two different numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.activities.selectors import NO_HOST_COUNTRY
from bomca.core.numbers import plain_decimal
from bomca.core.spreadsheets import Cell
from bomca.people.models import Sex
from bomca.people.selectors import UNKNOWN_ORGANISATION
from bomca.reference.models import Country, OrganisationKind, Programme
from bomca.results.computed import SELECTORS
from bomca.results.models import Dimension, Indicator, IndicatorType
from bomca.results.selectors import IndicatorRow, Progress, Value
from bomca.results.services import dimension_keys

#: How a row's status reads, next to its colour (never the colour alone).
STATUS_LABELS = {
    Progress.ACHIEVED: gettext_lazy("Achieved"),
    Progress.ON_TRACK: gettext_lazy("On track"),
    Progress.AT_RISK: gettext_lazy("At risk"),
    Progress.OFF_TRACK: gettext_lazy("Off track"),
    Progress.NO_TARGET: gettext_lazy("No target"),
    Progress.NO_DATA: gettext_lazy("No data"),
}


def status_label(status: Progress) -> str:
    return str(STATUS_LABELS[status])


@dataclass(frozen=True)
class Shown:
    """One value as the reader sees it: ``text`` on a page, ``cell`` in a spreadsheet (a number
    stays a number), ``hidden`` when a count of people shows as "<5"."""

    text: str
    cell: Cell
    hidden: bool = False

    @property
    def is_empty(self) -> bool:
        return self.cell is None


EMPTY = Shown("—", None)
FEWER_THAN_FIVE = "<5"


plain = plain_decimal


def number_text(value: int | Decimal) -> str:
    """A number with the reader's thousands separator and decimal mark."""
    return number_format(value, use_l10n=True, force_grouping=True)


def format_value(indicator_type: str, value: Decimal | None, text: str = "") -> Shown:
    """``value`` written as its type wants it: 25, 1,234.5, 29.04%, Yes."""
    if value is None:
        return Shown(text, text) if text else EMPTY
    if indicator_type == IndicatorType.YES_NO:
        word = _("Yes") if value else _("No")
        return Shown(word, word)
    number = plain(value)
    if indicator_type == IndicatorType.PERCENTAGE:
        return Shown(f"{number_text(number)}%", number)
    return Shown(number_text(number), number)


class Reader:
    """How the results read for one user: counts of people narrowed by ``access.shown_count``,
    countries by name in the reader's language."""

    def __init__(self, user: AnyUser, countries: dict[str, Country]) -> None:
        self.user = user
        self.countries = countries
        #: Who froze a value is staff information, as every "who changed what" is.
        self.sees_who = access.may_view_history(user)

    @classmethod
    def of(cls, user: AnyUser) -> Reader:
        return cls(user, {country.code: country for country in Country.objects.all()})

    def counts_people(self, indicator: Indicator) -> bool:
        spec = SELECTORS.get(indicator.selector) if indicator.is_computed else None
        return spec is not None and spec.counts_people

    def value(
        self, indicator: Indicator, value: Decimal | None, text: str = "", *, country: str = ""
    ) -> Shown:
        """``value`` of ``indicator``; a count of people as the user may see it (of ``country``,
        a code, for a country's cell; of no country for a total)."""
        if value is None or not self.counts_people(indicator):
            return format_value(indicator.indicator_type, value, text)
        place = self.countries.get(country) if country else None
        shown = access.shown_count(self.user, int(value), country=place)
        if shown is None:
            return Shown(FEWER_THAN_FIVE, FEWER_THAN_FIVE, hidden=True)
        return format_value(indicator.indicator_type, Decimal(shown))

    def rounded(self, indicator: Indicator) -> bool:
        """Whether some counts of ``indicator`` are rounded for this reader (to say so)."""
        return self.counts_people(indicator) and access.counts_rounded_for(self.user)

    def key_label(self, dimension: str, key: str) -> str:
        """A disaggregation key as a word: a country's name, "Women", "Border service"."""
        if dimension == Dimension.COUNTRY:
            if key == NO_HOST_COUNTRY:
                return _("No host country (regional, online)")
            country = self.countries.get(key)
            return country.name if country is not None else key
        if dimension == Dimension.SEX:
            return str(Sex(key).label) if key in Sex.values else key
        if dimension == Dimension.ORGANISATION_KIND:
            if key == UNKNOWN_ORGANISATION:
                return _("Organisation not recorded")
            return str(OrganisationKind(key).label) if key in OrganisationKind.values else key
        return key

    def expected_keys(self, dimension: str, programme: Programme) -> dict[str, str]:
        """The keys a value entered by hand is asked for, with their labels: those the service
        accepts (``dimension_keys``), no more, no fewer."""
        if dimension not in Dimension.values:
            return {}
        keys = dimension_keys(programme=programme, dimension=dimension)
        return {key: self.key_label(dimension, key) for key in keys}


def dimension_label(dimension: str) -> str:
    return str(Dimension(dimension).label) if dimension in Dimension.values else dimension


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    actual: Shown
    to_date: Shown


@dataclass(frozen=True)
class Breakdown:
    """One disaggregation of an indicator: dimension -> key -> value, in the period and to
    date."""

    dimension: str
    label: str
    rows: list[BreakdownRow]


def breakdowns(reader: Reader, row: IndicatorRow) -> list[Breakdown]:
    """The disaggregation tables of ``row`` (a dimension with no value in either column is
    left out)."""
    indicator = row.indicator
    dimensions = [*indicator.disaggregations]
    dimensions += [name for name in (*row.actual.by, *row.to_date.by) if name not in dimensions]
    tables = []
    for dimension in dimensions:
        period_cells = row.actual.by.get(dimension, {})
        to_date_cells = row.to_date.by.get(dimension, {})
        keys = [*period_cells, *(key for key in to_date_cells if key not in period_cells)]
        if not keys:
            continue
        # A country's cell is rounded as that country's count; any other as a total's.
        place = {key: key if dimension == Dimension.COUNTRY else "" for key in keys}
        lines = [
            BreakdownRow(
                label=reader.key_label(dimension, key),
                actual=reader.value(indicator, period_cells.get(key), country=place[key]),
                to_date=reader.value(indicator, to_date_cells.get(key), country=place[key]),
            )
            for key in keys
        ]
        tables.append(Breakdown(dimension, dimension_label(dimension), lines))
    return tables


@dataclass(frozen=True)
class Line:
    """One indicator of the logframe as the reader sees it."""

    row: IndicatorRow
    baseline: Shown
    end_target: Shown
    period_target: Shown
    actual: Shown
    to_date: Shown
    #: For a frozen value: what the records give today, when it differs.
    live: Shown | None
    records_url: str
    rounded: bool
    frozen_note: str

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def expected_mark(self) -> int | None:
        """Where the bar marks the progress expected by now: only when it is measured against
        the end target and the share of the programme's time gone."""
        row = self.row
        if row.progress is None or row.period_target is not None:
            return None
        if row.indicator.indicator_type == IndicatorType.YES_NO:
            return None
        return max(0, min(100, round(row.expected * 100)))

    @property
    def status_label(self) -> str:
        return status_label(self.row.status)


def frozen_note(value: Value, *, with_name: bool) -> str:
    """When a value was frozen and by whom; without the name for the readers who may not see
    who changed what (donors)."""
    if value.frozen_at is None:
        return ""
    when = _day(value.frozen_at)
    if with_name and value.frozen_by:
        return _("Frozen on %(date)s by %(name)s") % {"date": when, "name": value.frozen_by}
    return _("Frozen on %(date)s") % {"date": when}


def _day(moment: datetime) -> str:
    return date_format(localtime(moment))


def line(reader: Reader, row: IndicatorRow, *, programme: Programme) -> Line:
    indicator = row.indicator
    target = row.period_target
    live = None
    if row.actual.origin == "frozen" and row.actual.live_value is not None:
        live = reader.value(indicator, row.actual.live_value)
    return Line(
        row=row,
        baseline=format_value(indicator.indicator_type, indicator.baseline_value),
        end_target=format_value(
            indicator.indicator_type, indicator.target_value, indicator.target_text
        ),
        period_target=(
            format_value(indicator.indicator_type, target.value, target.text) if target else EMPTY
        ),
        actual=reader.value(indicator, row.actual.value, row.actual.text),
        to_date=reader.value(indicator, row.to_date.value, row.to_date.text),
        live=live,
        records_url=records_url(row, programme=programme),
        rounded=reader.rounded(indicator),
        frozen_note=frozen_note(row.actual, with_name=reader.sees_who),
    )


def records_url(row: IndicatorRow, *, programme: Programme) -> str:
    """Where the records behind the row's value are listed; for a value entered by hand, the
    indicator's own page."""
    if row.records is None:
        page = reverse("results:indicator", args=[row.indicator.code])
        return f"{page}?{urlencode({'period': row.period.label})}"
    query = {"programme": programme.code, **row.records.query}
    return f"{reverse(row.records.url_name)}?{urlencode(query)}"
