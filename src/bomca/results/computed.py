"""Indicators computed from the records, each by a named selector.

Every selector here is a thin reading of a selector that the dashboard and the newsletter call
too (``activities_implemented``, ``participants_of_implemented``, ``procurement_figures``, ...),
so an indicator and the figure in the newsletter are one answer, never two. An indicator names
its selector in ``Indicator.selector``; ``SELECTORS`` is the list an M&E officer chooses from.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bomca.accounts.access import SMALL_COUNT
from bomca.activities.models import Status as ActivityStatus
from bomca.activities.selectors import (
    ActivityCounts,
    TrainerExchange,
    activities_implemented,
    training_cooperation,
)
from bomca.core.periods import Period
from bomca.grants.models import ProjectStatus
from bomca.grants.selectors import grants_figures
from bomca.people.selectors import (
    ParticipantTotals,
    TrainingResults,
    participants_of_implemented,
    training_results_of_period,
)
from bomca.procurement.selectors import procurement_figures
from bomca.reference.models import Programme
from bomca.results.models import Accumulation, Dimension, IndicatorType

T = TypeVar("T")
_TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Measurement:
    """A value and its disaggregations (dimension -> key -> value)."""

    value: Decimal | None
    by: dict[str, dict[str, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class Records:
    """Where the records behind a value are listed: a URL name and its query."""

    url_name: str
    query: dict[str, str]


class Context:
    """One programme's reads, each made once however many indicators use it."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self._memo: dict[Hashable, Any] = {}

    def once(self, key: Hashable, read: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]  # type: ignore[no-any-return,unused-ignore]

    def activities(self, period: Period) -> ActivityCounts:
        return self.once(
            ("activities", period),
            lambda: activities_implemented(programme=self.programme, period=period),
        )

    def participants(self, period: Period) -> ParticipantTotals:
        return self.once(
            ("participants", period),
            lambda: participants_of_implemented(programme=self.programme, period=period),
        )

    def cooperation(self, period: Period) -> list[TrainerExchange]:
        return self.once(
            ("cooperation", period),
            lambda: training_cooperation(programme=self.programme, period=period),
        )

    def training(self, period: Period) -> TrainingResults:
        return self.once(
            ("training", period),
            lambda: training_results_of_period(programme=self.programme, period=period),
        )

    def procurement(self, period: Period) -> dict[str, Any]:
        return self.once(
            ("procurement", period),
            lambda: procurement_figures(programme=self.programme, period=period),
        )

    def grants(self, period: Period) -> dict[str, Any]:
        return self.once(
            ("grants", period), lambda: grants_figures(programme=self.programme, period=period)
        )


@dataclass(frozen=True)
class ComputedIndicator:
    """A named selector: what it measures, how, and where its records are listed."""

    name: str
    description: str | Promise
    indicator_type: str
    accumulation: str
    dimensions: tuple[str, ...]
    compute: Callable[[Context, Period], Measurement]
    records: Callable[[Period], Records] | None = None
    #: Values are counts of people (shown rounded outside a user's scope).
    counts_people: bool = False
    #: Under a result of one component, counts that component's records only.
    by_component: Callable[[Context, Period, int], Measurement] | None = None


def _decimals(counts: dict[str, int]) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in counts.items()}


def _share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, two places; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(_TWO_PLACES, ROUND_HALF_UP)


def _activity_records(period: Period) -> Records:
    return Records(
        "activities:list", {"period": period.label, "status": ActivityStatus.IMPLEMENTED}
    )


def _activities_implemented(context: Context, period: Period) -> Measurement:
    counts = context.activities(period)
    return Measurement(
        Decimal(counts.total),
        {
            Dimension.COUNTRY: _decimals(counts.by_country),
        },
    )


def _activities_of_component(context: Context, period: Period, number: int) -> Measurement:
    return Measurement(Decimal(context.activities(period).by_component.get(f"C{number}", 0)))


def _regional_activities(context: Context, period: Period) -> Measurement:
    counts = context.activities(period)
    return Measurement(Decimal(counts.by_scope.get("regional", 0)))


def _participants(context: Context, period: Period) -> Measurement:
    totals = context.participants(period)
    return Measurement(
        Decimal(totals.total),
        {
            Dimension.SEX: _decimals(totals.by_sex),
            Dimension.COUNTRY: _decimals(totals.by_country),
            Dimension.ORGANISATION_KIND: _decimals(totals.by_organisation_kind),
        },
    )


def _women_share(context: Context, period: Period) -> Measurement:
    # Of all participants, as the dashboard and the newsletter give it ("28% of them women"):
    # one answer, so people whose sex is not recorded count in the whole here too.
    totals = context.participants(period)
    by_country = {
        code: share
        for code, cells in totals.by_country_and_sex.items()
        if (share := _share(cells.get("female", 0), sum(cells.values()))) is not None
    }
    return Measurement(
        _share(totals.by_sex.get("female", 0), totals.total), {Dimension.COUNTRY: by_country}
    )


def _national_trainers_share(context: Context, period: Period) -> Measurement:
    # Every activity national trainers delivered, alone or with EU experts, whether or not
    # their home country is recorded (the exchanges of trainers need it; this share does not).
    counts = context.activities(period)
    return Measurement(_share(counts.by_national_trainers, counts.total))


def _exchanges_across_borders(context: Context, period: Period) -> Measurement:
    rows = [row for row in context.cooperation(period) if row.across_borders]
    by_country: dict[str, Decimal] = {}
    for row in rows:
        by_country[row.trainer_country] = by_country.get(row.trainer_country, Decimal(0)) + (
            row.activities
        )
    return Measurement(
        Decimal(sum(row.activities for row in rows)), {Dimension.COUNTRY: by_country}
    )


def _gain(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_TWO_PLACES, ROUND_HALF_UP)


def _knowledge_gain(context: Context, period: Period) -> Measurement:
    # A group of fewer than 5 tested people is left out: its mean would tell one person's
    # result (the dashboard's rule for training results too).
    results = context.training(period)
    by_sex = {
        sex: gain
        for sex, figures in results.by_sex.items()
        if figures.tested >= SMALL_COUNT and (gain := _gain(figures.gain_mean)) is not None
    }
    by_country = {
        code: gain
        for code, figures in results.by_country.items()
        if figures.tested >= SMALL_COUNT and (gain := _gain(figures.gain_mean)) is not None
    }
    return Measurement(
        _gain(results.overall.gain_mean), {Dimension.SEX: by_sex, Dimension.COUNTRY: by_country}
    )


def _equipment_handed_over(context: Context, period: Period) -> Measurement:
    values = context.procurement(period)["handed_over"]["value"]
    amount = values.get(context.programme.currency)
    return Measurement(Decimal(amount) if amount is not None else Decimal(0))


def _needs_handed_over(context: Context, period: Period) -> Measurement:
    funnel = {row["status"]: row["needs"] for row in context.procurement(period)["funnel"]}
    return Measurement(Decimal(funnel.get("handed_over", 0)))


def _ngo_projects_ongoing(context: Context, period: Period) -> Measurement:
    projects = context.grants(period)["projects"]
    return Measurement(
        Decimal(projects["by_status"].get(ProjectStatus.ONGOING, 0)),
        {
            Dimension.COUNTRY: {
                code: Decimal(cells.get(ProjectStatus.ONGOING, 0))
                for code, cells in projects["by_country_and_status"].items()
            }
        },
    )


def _people_reached(context: Context, period: Period) -> Measurement:
    reached = context.grants(period)["people_reached"]
    return Measurement(
        Decimal(reached["total"]),
        {
            Dimension.SEX: {
                "female": Decimal(reached["by_sex"]["women"]),
                "male": Decimal(reached["by_sex"]["men"]),
            },
            Dimension.COUNTRY: {
                code: Decimal(cells["total"]) for code, cells in reached["by_country"].items()
            },
        },
    )


def _projects_records(period: Period) -> Records:
    return Records("grants:list", {})


def _procurement_records(period: Period) -> Records:
    return Records("procurement:list", {"status": "handed_over"})


_SELECTORS = [
    ComputedIndicator(
        "activities_implemented",
        _(
            "Activities implemented in the period (the dashboard's count); under a component's "
            "result, that component's activities."
        ),
        IndicatorType.NUMBER,
        Accumulation.SUM,
        (Dimension.COUNTRY,),
        _activities_implemented,
        _activity_records,
        by_component=_activities_of_component,
    ),
    ComputedIndicator(
        "regional_activities",
        _("Regional activities implemented (several countries together)."),
        IndicatorType.NUMBER,
        Accumulation.SUM,
        (),
        _regional_activities,
        lambda period: Records(
            "activities:list",
            {"period": period.label, "status": ActivityStatus.IMPLEMENTED, "scope": "regional"},
        ),
    ),
    ComputedIndicator(
        "officers_trained",
        _("Participants of the activities implemented, by sex, country and organisation type."),
        IndicatorType.NUMBER,
        Accumulation.SUM,
        (Dimension.SEX, Dimension.COUNTRY, Dimension.ORGANISATION_KIND),
        _participants,
        _activity_records,
        counts_people=True,
    ),
    ComputedIndicator(
        "women_share",
        _("Share of women among the participants, in per cent (as the dashboard gives it)."),
        IndicatorType.PERCENTAGE,
        Accumulation.LEVEL,
        (Dimension.COUNTRY,),
        _women_share,
        _activity_records,
    ),
    ComputedIndicator(
        "national_trainers_share",
        _("Share of the activities implemented that national trainers of the region delivered."),
        IndicatorType.PERCENTAGE,
        Accumulation.LEVEL,
        (),
        _national_trainers_share,
        _activity_records,
    ),
    ComputedIndicator(
        "exchanges_across_borders",
        _("Activities that national trainers delivered in another country of the region."),
        IndicatorType.NUMBER,
        Accumulation.SUM,
        (Dimension.COUNTRY,),
        _exchanges_across_borders,
        _activity_records,
    ),
    ComputedIndicator(
        "knowledge_gain",
        _("Mean gain from pre-test to post-test, in percentage points."),
        IndicatorType.NUMBER,
        Accumulation.LEVEL,
        (Dimension.SEX, Dimension.COUNTRY),
        _knowledge_gain,
        _activity_records,
    ),
    ComputedIndicator(
        "equipment_value_handed_over",
        _("Value of the equipment handed over, in the programme's currency."),
        IndicatorType.NUMBER,
        Accumulation.SUM,
        (),
        _equipment_handed_over,
        _procurement_records,
    ),
    ComputedIndicator(
        "needs_handed_over",
        _("Procurement needs whose equipment has been handed over, by the period's end."),
        IndicatorType.NUMBER,
        Accumulation.LEVEL,
        (),
        _needs_handed_over,
        _procurement_records,
    ),
    ComputedIndicator(
        "ngo_projects_ongoing",
        _("NGO grant projects ongoing at the period's end."),
        IndicatorType.NUMBER,
        Accumulation.LEVEL,
        (Dimension.COUNTRY,),
        _ngo_projects_ongoing,
        lambda period: Records("grants:list", {"status": ProjectStatus.ONGOING}),
    ),
    ComputedIndicator(
        "people_reached_by_grants",
        _("People reached by the NGO projects, from the reports received by the period's end."),
        IndicatorType.NUMBER,
        Accumulation.LEVEL,
        (Dimension.SEX, Dimension.COUNTRY),
        _people_reached,
        _projects_records,
        counts_people=True,
    ),
]

#: Every computed indicator by name.
SELECTORS: dict[str, ComputedIndicator] = {spec.name: spec for spec in _SELECTORS}
