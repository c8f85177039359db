"""Writes of participation records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bomca.activities.models import Activity
from bomca.core.history import bulk_create_audited
from bomca.core.models import Source
from bomca.people.models import ParticipantCount
from bomca.reference.models import Country, Organisation


@dataclass(frozen=True)
class ParticipantCountInput:
    """One row of aggregate participation: a country (and organisation) with counts by sex."""

    country: Country
    organisation: Organisation | None = None
    female: int = 0
    male: int = 0
    unrecorded: int = 0
    source: str = Source.RECORDED
    source_note: str = ""


@transaction.atomic
def participant_counts_replace(
    *, activity: Activity, rows: Sequence[ParticipantCountInput]
) -> list[ParticipantCount]:
    """Make the activity's participant counts exactly ``rows``; all rows valid or none saved.

    Rows are matched to the existing ones by country and organisation: a row that did not
    change is not written (so its history stays quiet), a changed one is updated, a new one
    created and a missing one deleted.
    """
    existing = {
        (record.country_id, record.organisation_id): record
        for record in activity.participant_counts.all()
    }
    seen: set[tuple[int, int | None]] = set()
    kept: list[ParticipantCount] = []
    created: list[ParticipantCount] = []
    for index, row in enumerate(rows, start=1):
        key = (row.country.pk, row.organisation.pk if row.organisation else None)
        if key in seen:
            raise ValidationError(
                _("Row %(row)s repeats the country and organisation of an earlier row.")
                % {"row": index}
            )
        seen.add(key)
        record = existing.get(key) or ParticipantCount(
            activity=activity, country=row.country, organisation=row.organisation
        )
        values = {
            "female": row.female,
            "male": row.male,
            "unrecorded": row.unrecorded,
            "source": row.source,
            "source_note": row.source_note,
        }
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, values[name])
        record.full_clean()
        if record.pk is None:
            created.append(record)
        elif changed:
            record.save(update_fields=[*changed, "updated_at"])
        kept.append(record)
    for key, record in existing.items():
        if key not in seen:
            record.delete()
    bulk_create_audited(ParticipantCount, created)
    return kept
