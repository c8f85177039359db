"""The key figures of a programme for a period: one answer for the CLI, dashboard and newsletter."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bomca.activities.models import Activity, Status
from bomca.activities.selectors import ActivityCounts, activities_implemented
from bomca.core.periods import Period, last_complete_quarter, quarter_of
from bomca.people.selectors import ParticipantTotals, participants_of_implemented
from bomca.reference.models import Programme

#: Version of the JSON contract of ``KeyFigures.as_dict``; keys are added, never renamed.
FIGURES_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class KeyFigures:
    programme: Programme
    period: Period
    activities: ActivityCounts
    participants: ParticipantTotals

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON contract (docs/figures.md)."""
        return {
            "schema_version": FIGURES_SCHEMA_VERSION,
            "programme": {
                "code": self.programme.code,
                "name": self.programme.name_en,
                "acronym": self.programme.acronym_en,
            },
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "activities": {"implemented": asdict(self.activities)},
            "participants": asdict(self.participants),
        }


def key_figures(*, programme: Programme, period: Period) -> KeyFigures:
    """The period's activities implemented and participants, with their breakdowns."""
    return KeyFigures(
        programme=programme,
        period=period,
        activities=activities_implemented(programme=programme, period=period),
        participants=participants_of_implemented(programme=programme, period=period),
    )


def default_period(*, programme: Programme, today: date) -> Period:
    """The last complete quarter that has implemented activities, else the last complete one."""
    latest = last_complete_quarter(today)
    last_start = (
        Activity.objects.filter(
            programme=programme, status=Status.IMPLEMENTED, start_date__lte=latest.end
        )
        .order_by("-start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return quarter_of(last_start) if last_start else latest
