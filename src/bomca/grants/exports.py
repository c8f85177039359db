"""The grant project list as a spreadsheet: the same rows, filters and access as the page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bomca.core.spreadsheets import Cell
from bomca.grants.models import GrantProject
from bomca.grants.selectors import projects_for_list

CENT = Decimal("0.01")


def project_export_header() -> list[str]:
    return [
        _("Contract number"),
        _("Call for proposals"),
        _("NGO"),
        _("Country"),
        _("Title"),
        _("Status"),
        _("Start date"),
        _("End date"),
        _("Duration (months)"),
        _("Amount"),
        _("Paid"),
        _("Currency"),
        _("Requested amount"),
        _("Requested currency"),
        _("Source"),
    ]


def project_export_rows(projects: QuerySet[GrantProject]) -> Iterator[Sequence[Cell]]:
    """One row per project; each amount sits next to its currency, never summed across them."""
    for project in projects_for_list(projects).iterator(chunk_size=500):
        application = project.application
        yield [
            project.contract_number,
            application.call.reference,
            application.organisation.name,
            application.country.name,
            application.title,
            project.get_status_display(),
            project.start_date,
            project.end_date,
            project.duration_months,
            project.amount,
            # SQLite sums decimals without their scale; every amount here has two places.
            project.paid.quantize(CENT),  # type: ignore[attr-defined]
            project.currency,
            application.requested_amount,
            application.currency,
            project.get_source_display(),
        ]
