"""The key figures of a programme for a period: one answer for the CLI, dashboard and newsletter."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from bomca.activities.selectors import (
    ActivityCounts,
    TrainerExchange,
    UpcomingActivities,
    activities_implemented,
    activities_upcoming,
    training_cooperation,
)
from bomca.core.periods import (
    Period,
    next_quarter,
    parse_period,
)
from bomca.core.versions import data_version
from bomca.grants.models import CallForProposals
from bomca.grants.selectors import grants_figures
from bomca.people.selectors import (
    ParticipantTotals,
    TrainingResults,
    participants_of_implemented,
    training_results_of_period,
)
from bomca.procurement.models import ProcurementNeed
from bomca.procurement.selectors import procurement_figures
from bomca.reference.models import Programme
from bomca.reporting.models import NewsletterIssue

#: Version of the JSON contract of ``KeyFigures.as_dict``; keys are added, never renamed.
FIGURES_SCHEMA_VERSION = 6


@dataclass(frozen=True)
class MilestoneRow:
    date: date
    title_en: str
    title_ru: str
    expected: bool


@dataclass(frozen=True)
class Timeline:
    """The programme's span, the reported period within it, and its milestones."""

    start: date
    end: date
    period_start: date
    period_end: date
    #: Share of the programme's days that have passed at the end of the period, 0 to 1.
    elapsed: float
    milestones: list[MilestoneRow] = field(default_factory=list)


def timeline(*, programme: Programme, period: Period) -> Timeline:
    total_days = (programme.end_date - programme.start_date).days + 1
    passed_days = (min(period.end, programme.end_date) - programme.start_date).days + 1
    return Timeline(
        start=programme.start_date,
        end=programme.end_date,
        period_start=period.start,
        period_end=period.end,
        elapsed=round(min(max(passed_days / total_days, 0.0), 1.0), 3),
        milestones=[
            MilestoneRow(
                date=milestone.date,
                title_en=milestone.title_en,
                title_ru=milestone.title_ru,
                expected=milestone.expected,
            )
            for milestone in programme.milestones.order_by("date", "pk")
        ],
    )


@dataclass(frozen=True)
class KeyFigures:
    """Every figure of a programme for a period; the one source of the dashboard, newsletter
    and ``bomca figures``. ``procurement`` and ``grants`` are ``None`` while the programme has
    no procurement need, respectively no call for proposals, recorded."""

    programme: Programme
    period: Period
    activities: ActivityCounts
    participants: ParticipantTotals
    cooperation: list[TrainerExchange] = field(default_factory=list)
    timeline: Timeline | None = None
    next_period: Period | None = None
    upcoming: UpcomingActivities = field(default_factory=UpcomingActivities)
    procurement: dict[str, Any] | None = None
    grants: dict[str, Any] | None = None
    training: TrainingResults = field(default_factory=TrainingResults)

    @property
    def is_empty(self) -> bool:
        """Nothing was implemented in the period."""
        return self.activities.total == 0

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON contract (docs/figures.md)."""
        return {
            "schema_version": FIGURES_SCHEMA_VERSION,
            "programme": {
                "code": self.programme.code,
                "name": self.programme.name_en,
                "acronym": self.programme.acronym_en,
            },
            "period": _period_dict(self.period),
            "activities": {"implemented": asdict(self.activities)},
            "participants": asdict(self.participants),
            "training_cooperation": [
                {**asdict(row), "across_borders": row.across_borders} for row in self.cooperation
            ],
            "timeline": _jsonable(asdict(self.timeline)) if self.timeline else None,
            "upcoming": {
                "period": _period_dict(self.next_period) if self.next_period else None,
                **_jsonable(asdict(self.upcoming)),
            },
            "procurement": self.procurement,
            "grants": self.grants,
            "training_results": asdict(self.training),
        }


def _period_dict(period: Period) -> dict[str, str]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings, recursively."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


#: How long computed figures are kept at most; a change of any record retires them at once.
FIGURES_CACHE_SECONDS = 3600


def key_figures_cached(*, programme: Programme, period: Period) -> KeyFigures:
    """``key_figures``, kept in the cache under the data version (one query to read it): the
    dashboard, its charts, the API and the newsletter ask for the same period's figures many
    times between two changes of the records, and each change retires every kept figure."""
    if not settings.BOMCA_FIGURES_CACHE:
        return key_figures(programme=programme, period=period)
    # The schema version in the key: figures kept by an older release lack the newer fields.
    key = (
        f"key-figures:{FIGURES_SCHEMA_VERSION}:{programme.pk}:{period.start}:{period.end}:"
        f"{data_version()}"
    )
    figures: KeyFigures | None = cache.get(key)
    if figures is None:
        figures = key_figures(programme=programme, period=period)
        cache.set(key, figures, timeout=FIGURES_CACHE_SECONDS)
    return figures


def key_figures(*, programme: Programme, period: Period) -> KeyFigures:
    """The period's activities, participants, exchanges of trainers, timeline and what is next."""
    upcoming_period = next_quarter(period) if period.is_quarter else None
    return KeyFigures(
        programme=programme,
        period=period,
        activities=activities_implemented(programme=programme, period=period),
        participants=participants_of_implemented(programme=programme, period=period),
        cooperation=training_cooperation(programme=programme, period=period),
        timeline=timeline(programme=programme, period=period),
        next_period=upcoming_period,
        upcoming=(
            activities_upcoming(programme=programme, period=upcoming_period)
            if upcoming_period
            else UpcomingActivities()
        ),
        training=training_results_of_period(programme=programme, period=period),
        procurement=(
            procurement_figures(programme=programme, period=period)
            if ProcurementNeed.objects.filter(programme=programme).exists()
            else None
        ),
        grants=(
            grants_figures(programme=programme, period=period)
            if CallForProposals.objects.filter(programme=programme).exists()
            else None
        ),
    )


def newsletter_issue_for_period(
    *, programme: Programme, period_code: str
) -> NewsletterIssue | None:
    """The programme's issue for the quarter ``period_code`` (2023Q2 or 2023К2), if any."""
    period = parse_period(period_code)
    return (
        NewsletterIssue.objects.select_related("programme")
        .filter(programme=programme, period_start=period.start, period_end=period.end)
        .first()
    )


def newsletter_issue_list(*, programme: Programme) -> QuerySet[NewsletterIssue]:
    return NewsletterIssue.objects.filter(programme=programme).order_by("-period_start", "-number")
