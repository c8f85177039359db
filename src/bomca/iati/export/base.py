"""What the parts of the IATI export share: the activity being written, the programme's
results framework read once, and small XML helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from bomca.iati.models import Publication
from bomca.reference.models import Component, Organisation, Programme
from bomca.results.computed import Context
from bomca.results.models import Indicator, IndicatorType, Level, Result

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Our result levels as IATI ResultType codes: 1 output, 2 outcome, 3 impact.
RESULT_TYPE: dict[str, str] = {
    Level.OVERALL_OBJECTIVE: "3",
    Level.SPECIFIC_OBJECTIVE: "2",
    Level.OUTCOME: "2",
    Level.OUTPUT: "1",
}
#: Our indicator types as IATI IndicatorMeasure codes: 1 unit, 2 percentage, 3 nominal,
#: 5 qualitative.
MEASURE: dict[str, str] = {
    IndicatorType.NUMBER: "1",
    IndicatorType.PERCENTAGE: "2",
    IndicatorType.YES_NO: "3",
    IndicatorType.QUALITATIVE: "5",
}
#: IATI OrganisationRole codes.
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"


@dataclass(frozen=True)
class Framework:
    """The programme's results framework, read once for all of its IATI activities."""

    tree: list[tuple[Result, int]] = field(default_factory=list)
    indicators: dict[int, list[Indicator]] = field(default_factory=dict)
    #: The last day a result period may end: the last complete quarter, or the programme's end.
    last_day: date | None = None


@dataclass(frozen=True)
class Activity:
    """What the element functions need to write one IATI activity."""

    programme: Programme
    publication: Publication
    identifier: str
    today: date
    context: Context
    framework: Framework
    #: None for the programme itself, else the component published as a child activity.
    component: Component | None = None

    @property
    def currency(self) -> str:
        return self.programme.currency


def iso_datetime(moment: datetime) -> str:
    """A moment to the second, with its offset, as IATI writes datetimes."""
    return moment.replace(microsecond=0).isoformat()


def el(
    tag: str, attributes: dict[str, str] | None = None, text: str | None = None
) -> etree._Element:
    """An element with the attributes that have a value (IATI has no empty attributes)."""
    made = etree.Element(tag, {key: value for key, value in (attributes or {}).items() if value})
    if text is not None:
        made.text = text
    return made


def narratives(parent: etree._Element, english: str, russian: str = "") -> etree._Element:
    """English (the activity's language) and, when there is one, the Russian text."""
    etree.SubElement(parent, "narrative").text = english
    if russian:
        etree.SubElement(parent, "narrative", {XML_LANG: "ru"}).text = russian
    return parent


def org(tag: str, organisation: Organisation, role: str = "") -> etree._Element:
    made = el(tag, {"ref": organisation.iati_ref, "type": organisation.iati_type, "role": role})
    return narratives(made, organisation.name_en, organisation.name_ru)
