"""IATI 2.03 activity XML of programmes, streamed to a file.

One small function per IATI element, put in the schema's order by ``ACTIVITY_ELEMENTS``; each
yields finished elements that are written and forgotten at once, so the memory the export uses
does not grow with the number of transactions or result periods. Figures come from the same
selectors as the logframe and the dashboard. Nothing personal is written: organisations, not
people, and counts of people only as the public (a reader without a role) may see them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from bomca.core.errors import ApplicationError
from bomca.iati.export.base import IATI_VERSION, Activity, iso_datetime
from bomca.iati.export.elements import ACTIVITY_ELEMENTS, activity_status
from bomca.iati.export.results import framework_of
from bomca.iati.models import Publication
from bomca.reference.models import Programme
from bomca.results.computed import Context

__all__ = ["ACTIVITY_ELEMENTS", "ExportReport", "activity_status", "iati_export", "publication_of"]


@dataclass
class ExportReport:
    activities: int = 0
    transactions: int = 0
    results: int = 0
    indicator_periods: int = 0


def iati_export(
    *,
    programmes: Iterable[Programme],
    out: IO[bytes] | Path,
    today: date | None = None,
    now: datetime | None = None,
    advance: Callable[[Programme], None] | None = None,
) -> ExportReport:
    """Write the programmes (and their components) as one IATI activities file.

    ``now`` stamps the file (generated and last-updated) and ``today`` dates what depends on
    the day (status, actual dates, periods to date): both the clock's unless given, as a test
    gives them to stay true on any day it runs.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    report = ExportReport()
    # The file's default language is English (xml:lang="en"): texts made here, such as the
    # kinds of payments, must not follow the language of the person who asked for it.
    with translation.override("en"):
        _write_file(programmes, out, today, now, advance, report)
    return report


def _write_file(
    programmes: Iterable[Programme],
    out: IO[bytes] | Path,
    today: date,
    now: datetime,
    advance: Callable[[Programme], None] | None,
    report: ExportReport,
) -> None:
    generated = iso_datetime(now)
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(
            "iati-activities", {"version": IATI_VERSION, "generated-datetime": generated}
        ):
            for programme in programmes:
                for activity in _activities_of(programme, today):
                    _write_activity(xf, activity, report, generated)
                    report.activities += 1
                if advance is not None:
                    advance(programme)


def _activities_of(programme: Programme, today: date) -> Iterator[Activity]:
    publication = publication_of(programme)
    context = Context(programme)
    framework = framework_of(programme, today)
    yield Activity(programme, publication, publication.identifier, today, context, framework)
    if publication.publish_components:
        for component in programme.components.order_by("number"):
            yield Activity(
                programme,
                publication,
                f"{publication.identifier}-{component.code}",
                today,
                context,
                framework,
                component,
            )


def publication_of(programme: Programme) -> Publication:
    """The programme's IATI settings; an ``ApplicationError`` saying what is missing."""
    publication = (
        Publication.objects.select_related("reporting_org").filter(programme=programme).first()
    )
    if publication is None:
        raise ApplicationError(
            _(
                "%(code)s has no IATI publication settings: record the reporting organisation, "
                "identifier, sectors and recipient countries first."
            )
            % {"code": programme.code}
        )
    return publication


def _write_activity(xf: etree.xmlfile, activity: Activity, report: ExportReport, now: str) -> None:
    # xmlfile would bind the xml namespace to a made-up prefix; the literal name is written as is.
    attributes = {
        "xml:lang": "en",
        "default-currency": activity.currency,
        "last-updated-datetime": now,
        "hierarchy": "1" if activity.component is None else "2",
    }
    with xf.element("iati-activity", attributes):
        for element_of in ACTIVITY_ELEMENTS:
            for element in element_of(activity):
                xf.write(element)
                if element.tag == "transaction":
                    report.transactions += 1
                elif element.tag == "result":
                    report.results += 1
                    report.indicator_periods += len(element.findall("indicator/period"))
        xf.flush()
