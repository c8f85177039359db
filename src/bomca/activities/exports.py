"""The activity register as a spreadsheet: the same rows, filters and access as the page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.activities.models import Activity
from bomca.activities.selectors import activities_with_participants_by_sex
from bomca.core.spreadsheets import Cell


def activity_export_header() -> list[str]:
    return [
        _("Code"),
        _("Title (English)"),
        _("Title (Russian)"),
        _("Component"),
        _("Type"),
        _("Scope"),
        _("Format"),
        _("Host country"),
        _("City"),
        _("Held abroad in"),
        _("Start date"),
        _("End date"),
        _("Status"),
        _("Delivered by"),
        _("National trainers from"),
        _("Women"),
        _("Men"),
        _("Sex not recorded"),
        _("Participants"),
        _("Source"),
    ]


def activity_export_rows(
    *, user: AnyUser, activities: QuerySet[Activity]
) -> Iterator[Sequence[Cell]]:
    """One row per activity; counts of people shown as on the register (``access.shown_count``:
    they mix countries, so outside an exact viewer's reach they are rounded, and 1–4 read "<5")."""
    for activity in activities_with_participants_by_sex(activities).iterator(chunk_size=500):
        counts = [activity.female, activity.male, activity.unrecorded]  # type: ignore[attr-defined]
        shown = [access.shown_count(user, value) for value in [*counts, sum(counts)]]
        yield [
            activity.code,
            activity.title_en,
            activity.title_ru,
            activity.component.code,
            activity.get_activity_type_display(),
            activity.get_scope_display(),
            activity.get_format_display(),
            activity.host_country.name if activity.host_country else None,
            activity.city,
            activity.abroad_country.name if activity.abroad_country else None,
            activity.start_date,
            activity.end_date,
            activity.get_status_display(),
            activity.get_delivered_by_display(),
            activity.trainer_country.name if activity.trainer_country else None,
            *["<5" if value is None else value for value in shown],
            activity.get_source_display(),
        ]
