"""Writes of activities. Every entry point (forms, imports, API, CLI) creates and edits here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bomca.activities.models import Activity
from bomca.core.models import Source
from bomca.core.records import StaleRecord, save_versioned
from bomca.people.services import ParticipantCountInput, participant_counts_replace
from bomca.reference.models import Component, Country, Programme

#: The fields a person edits; code, programme and provenance are set by the services.
EDITABLE_FIELDS = (
    "component",
    "title_en",
    "title_ru",
    "thematic_area",
    "activity_type",
    "scope",
    "format",
    "host_country",
    "city",
    "abroad_country",
    "start_date",
    "end_date",
    "status",
    "delivered_by",
    "trainer_country",
    "outputs",
    "narrative_en",
    "narrative_ru",
)
RELATION_FIELDS = ("beneficiary_organisations", "co_organisers")

CODE_PATTERN = re.compile(r"^C(\d+)-([A-Z]{2})-(\d{4})-(\d{3,})$")
REGIONAL_CODE = "RG"
CODE_ATTEMPTS = 5


def activity_code_for(
    *, component: Component, host_country: Country | None, year: int, number: int
) -> str:
    """The human-readable code, e.g. ``C1-TM-2023-014``; ``RG`` when there is no host country."""
    country = host_country.code if host_country else REGIONAL_CODE
    return f"C{component.number}-{country}-{year}-{number:03d}"


def activity_next_number(*, year: int) -> int:
    """The next running number of activities starting in ``year``, across all programmes."""
    codes = Activity.objects.filter(code__contains=f"-{year}-").values_list("code", flat=True)
    numbers = [int(match[4]) for code in codes if (match := CODE_PATTERN.match(code))]
    return max(numbers, default=0) + 1


def _apply(activity: Activity, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE_FIELDS) - set(RELATION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable activity fields: {sorted(unknown)}")
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(activity, field, data[field])
    return {field: data[field] for field in RELATION_FIELDS if field in data}


def _save(
    activity: Activity,
    relations: Mapping[str, Any],
    participant_counts: Sequence[ParticipantCountInput] | None,
    *,
    expected_version: int | None = None,
) -> Activity:
    save_versioned(activity, expected_version=expected_version)
    for field, values in relations.items():
        getattr(activity, field).set(values)
    if participant_counts is not None:
        participant_counts_replace(activity=activity, rows=participant_counts)
    return activity


@transaction.atomic
def activity_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    participant_counts: Sequence[ParticipantCountInput] = (),
    code: str | None = None,
    source: str = Source.RECORDED,
    source_note: str = "",
) -> Activity:
    """Record a new activity with its participant counts; assigns its code unless one is given."""
    activity = Activity(programme=programme, source=source, source_note=source_note)
    relations = _apply(activity, data)
    if code is not None:
        if Activity.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": _("An activity with code %(code)s exists.") % {"code": code}}
            )
        activity.code = code
        return _save(activity, relations, participant_counts)
    activity.full_clean(exclude=["code"])
    for attempt in range(1, CODE_ATTEMPTS + 1):
        year = activity.start_date.year
        activity.code = activity_code_for(
            component=activity.component,
            host_country=activity.host_country,
            year=year,
            number=activity_next_number(year=year),
        )
        try:
            # A savepoint: when someone saved the same number a moment earlier, only this try
            # is undone and the next one draws a fresh number.
            with transaction.atomic():
                return _save(activity, relations, participant_counts)
        except (IntegrityError, ValidationError):
            # Validation sees a number taken a moment ago as a duplicate code; the database
            # sees one taken at the same moment as a broken unique constraint.
            activity.pk, activity._state.adding = None, True
            taken = Activity.objects.filter(code=activity.code).exists()
            if attempt == CODE_ATTEMPTS or not taken:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    data: Mapping[str, Any],
    participant_counts: Sequence[ParticipantCountInput] | None = None,
    expected_version: int | None = None,
) -> Activity:
    """Change an activity; its code never changes. Counts are replaced only when given.

    ``expected_version`` is the version the person read (the form's hidden field, the API's
    ``If-Match``); when someone saved the activity since, nothing is changed and ``StaleRecord``
    says so. None skips the check (importers and the command line read and write in one step).
    """
    activity_version_check(activity=activity, expected_version=expected_version)
    relations = _apply(activity, data)
    try:
        return _save(activity, relations, participant_counts, expected_version=expected_version)
    except StaleRecord:
        raise _stale(activity, expected_version) from None


def activity_version_check(*, activity: Activity, expected_version: int | None) -> None:
    """Refuse (``StaleRecord``) a change made from another version than ``activity``'s.

    ``activity_update`` saves every field of ``activity`` as it was read: read at another
    version than the person's copy, it would undo the change made in between, even though the
    database row is still at the version the person names.
    """
    if expected_version is not None and activity.version != expected_version:
        raise _stale(activity, expected_version)


def _stale(activity: Activity, read: int | None) -> StaleRecord:
    now = Activity.objects.filter(pk=activity.pk).values_list("version", flat=True).first()
    return StaleRecord(
        _(
            "Someone changed this activity since you opened it: you have version %(read)s, "
            "it is now at version %(now)s. Reload it, check their change, then make yours again."
        )
        % {"read": read, "now": now},
        field="version",
    )
