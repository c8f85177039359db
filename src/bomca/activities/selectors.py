"""Reads of activities: the filtered register and the counts every report shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, OrderBy, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bomca.activities.models import (
    CAPACITY_BUILDING_TYPES,
    Activity,
    ActivityType,
    DeliveredBy,
    Format,
    Scope,
    Status,
)
from bomca.core.history import HistoryEntry, history_entries
from bomca.core.periods import Period
from bomca.people.models import ParticipantCount
from bomca.reference.models import Programme, _in_language

#: Key under which ``by_country`` counts activities that have no host country (online, regional).
NO_HOST_COUNTRY = "none"

#: Sort keys the register accepts, mapped to their ordering.
ACTIVITY_ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "start": ("start_date", "code"),
    "-start": ("-start_date", "-code"),
    "code": ("code",),
    "-code": ("-code",),
    "title": ("title_en", "code"),
    "-title": ("-title_en", "-code"),
    "component": ("component__number", "start_date", "code"),
    "-component": ("-component__number", "-start_date", "-code"),
    # Activities with no host country sort last ascending, first descending, on every database.
    "country": (F("host_country__name_en").asc(nulls_last=True), "start_date", "code"),
    "-country": (F("host_country__name_en").desc(nulls_first=True), "-start_date", "-code"),
    "participants": ("participants_total", "code"),
    "-participants": ("-participants_total", "code"),
}
DEFAULT_ORDERING = "-start"

#: Fields the register's free-text search looks in.
SEARCHED_FIELDS = (
    "code",
    "title_en",
    "title_ru",
    "thematic_area",
    "city",
    "narrative_en",
    "narrative_ru",
)


@dataclass(frozen=True)
class ActivityFilters:
    """What the register is narrowed to; empty values mean 'any'."""

    component: int | None = None
    country: str = ""
    activity_type: str = ""
    scope: str = ""
    status: str = ""
    period: Period | None = None
    text: str = ""


def activity_list(
    *,
    programme: Programme,
    filters: ActivityFilters | None = None,
    ordering: str = DEFAULT_ORDERING,
) -> QuerySet[Activity]:
    """The programme's activities that match ``filters``, with what the register shows."""
    filters = filters or ActivityFilters()
    activities = Activity.objects.filter(programme=programme)
    if filters.component is not None:
        activities = activities.filter(component__number=filters.component)
    if filters.country == NO_HOST_COUNTRY:
        activities = activities.filter(host_country__isnull=True)
    elif filters.country:
        activities = activities.filter(host_country__code=filters.country)
    if filters.activity_type:
        activities = activities.filter(activity_type=filters.activity_type)
    if filters.scope:
        activities = activities.filter(scope=filters.scope)
    if filters.status:
        activities = activities.filter(status=filters.status)
    if filters.period is not None:
        activities = activities.filter(
            start_date__gte=filters.period.start, start_date__lte=filters.period.end
        )
    if text := filters.text.strip().lower():
        # LOWER() on both sides: SQLite's own LIKE folds only ASCII, so Cyrillic would not match;
        # bomca.core.apps gives SQLite a Unicode-aware LOWER().
        matches = Q()
        for field in SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__lower__contains": text})
        activities = activities.filter(matches)
    return (
        activities.select_related("component", "host_country", "abroad_country")
        .annotate(participants_total=_participants_total())
        .order_by(*ACTIVITY_ORDERINGS.get(ordering, ACTIVITY_ORDERINGS[DEFAULT_ORDERING]))
    )


def activity_by_code(*, code: str) -> QuerySet[Activity]:
    """The activity with ``code`` (none or one), with what the register shows of it."""
    return (
        Activity.objects.filter(code=code)
        .select_related("component", "host_country", "abroad_country")
        .annotate(participants_total=_participants_total())
    )


def _participants_total() -> Coalesce:
    return Coalesce(
        Sum("participant_counts__female")
        + Sum("participant_counts__male")
        + Sum("participant_counts__unrecorded"),
        0,
    )


def implemented_in(*, programme: Programme, period: Period) -> QuerySet[Activity]:
    """Activities implemented in ``period``: status implemented, counted by their start date."""
    return Activity.objects.filter(
        programme=programme,
        status=Status.IMPLEMENTED,
        start_date__gte=period.start,
        start_date__lte=period.end,
    )


def _countries_then_regional(counts: Counter[str]) -> dict[str, int]:
    regional = counts.pop(NO_HOST_COUNTRY)
    return {**dict(sorted(counts.items())), NO_HOST_COUNTRY: regional}


@dataclass(frozen=True)
class ActivityCounts:
    """How many activities, in total and broken down by stable codes."""

    total: int = 0
    by_component: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_scope: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    #: component code -> host country code (or ``none``) -> count, every cell present.
    by_component_and_country: dict[str, dict[str, int]] = field(default_factory=dict)
    #: who delivered them: EU experts, national trainers, both (``mixed``); every kind present.
    by_delivered_by: dict[str, int] = field(default_factory=dict)
    #: host country code -> city as recorded -> count; only activities with both.
    by_city: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def by_national_trainers(self) -> int:
        """Delivered by national trainers of the region, alone or with EU experts."""
        return self.by_delivered_by.get(
            DeliveredBy.NATIONAL_TRAINERS, 0
        ) + self.by_delivered_by.get(DeliveredBy.MIXED, 0)


def activities_implemented(*, programme: Programme, period: Period) -> ActivityCounts:
    """Activities implemented in the period, with every breakdown from one grouped query."""
    rows = (
        implemented_in(programme=programme, period=period)
        .values(
            "component__number",
            "host_country__code",
            "activity_type",
            "scope",
            "format",
            "delivered_by",
            "city",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    components = [f"C{number}" for number in programme.components.values_list("number", flat=True)]
    countries = [*sorted(programme.countries.values_list("code", flat=True)), NO_HOST_COUNTRY]
    by_component: Counter[str] = Counter(dict.fromkeys(components, 0))
    by_country: Counter[str] = Counter(dict.fromkeys(countries, 0))
    by_type: Counter[str] = Counter(dict.fromkeys(ActivityType.values, 0))
    by_scope: Counter[str] = Counter(dict.fromkeys(Scope.values, 0))
    by_format: Counter[str] = Counter(dict.fromkeys(Format.values, 0))
    by_delivered_by: Counter[str] = Counter(dict.fromkeys(DeliveredBy.values, 0))
    matrix = {component: dict.fromkeys(countries, 0) for component in components}
    by_city: dict[str, Counter[str]] = {}
    for row in rows:
        component = f"C{row['component__number']}"
        country = row["host_country__code"] or NO_HOST_COUNTRY
        by_component[component] += row["n"]
        by_country[country] += row["n"]
        by_type[row["activity_type"]] += row["n"]
        by_scope[row["scope"]] += row["n"]
        by_format[row["format"]] += row["n"]
        by_delivered_by[row["delivered_by"]] += row["n"]
        cells = matrix.setdefault(component, dict.fromkeys(countries, 0))
        cells[country] = cells.get(country, 0) + row["n"]
        if country != NO_HOST_COUNTRY and row["city"].strip():
            cities = by_city.setdefault(country, Counter())
            cities[row["city"].strip()] += row["n"]
    return ActivityCounts(
        total=sum(by_scope.values()),
        by_component=dict(sorted(by_component.items())),
        by_country=_countries_then_regional(by_country),
        by_type=dict(by_type),
        by_scope=dict(by_scope),
        by_format=dict(by_format),
        by_component_and_country=dict(sorted(matrix.items())),
        by_delivered_by=dict(by_delivered_by),
        by_city={code: dict(sorted(by_city[code].items())) for code in sorted(by_city)},
    )


@dataclass(frozen=True)
class TrainerExchange:
    """Activities that national trainers of one country delivered for another host."""

    trainer_country: str
    host_country: str  # a country code, or NO_HOST_COUNTRY for regional and online activities
    activities: int
    participants: int

    @property
    def across_borders(self) -> bool:
        return self.trainer_country != self.host_country


def training_cooperation(*, programme: Programme, period: Period) -> list[TrainerExchange]:
    """Who trained whom: national trainers' home country -> host country, with counts.

    Only activities whose national trainers' country is recorded count; an activity delivered
    by EU experts alone is no exchange. Ordered by trainer country, then host country.
    """
    delivered = implemented_in(programme=programme, period=period).filter(
        delivered_by__in=[DeliveredBy.NATIONAL_TRAINERS, DeliveredBy.MIXED],
        trainer_country__isnull=False,
    )
    activity_rows = (
        delivered.values("trainer_country__code", "host_country__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    people_rows = (
        ParticipantCount.objects.filter(activity__in=delivered)
        .values("activity__trainer_country__code", "activity__host_country__code")
        .annotate(n=Sum("female") + Sum("male") + Sum("unrecorded"))
        .order_by()
    )
    people = {
        (row["activity__trainer_country__code"], row["activity__host_country__code"]): row["n"]
        for row in people_rows
    }
    exchanges = [
        TrainerExchange(
            trainer_country=row["trainer_country__code"],
            host_country=row["host_country__code"] or NO_HOST_COUNTRY,
            activities=row["n"],
            participants=people.get((row["trainer_country__code"], row["host_country__code"]), 0),
        )
        for row in activity_rows
    ]
    return sorted(exchanges, key=lambda row: (row.trainer_country, row.host_country))


@dataclass(frozen=True)
class UpcomingActivity:
    code: str
    component: str
    title_en: str
    title_ru: str
    activity_type: str
    status: str
    host_country: str  # code, or NO_HOST_COUNTRY
    abroad_country: str
    city: str
    format: str
    start_date: date
    end_date: date

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class UpcomingActivities:
    """What is planned or confirmed to start in a period, as the newsletter groups it."""

    capacity_building: list[UpcomingActivity] = field(default_factory=list)
    management: list[UpcomingActivity] = field(default_factory=list)


def activities_upcoming(*, programme: Programme, period: Period) -> UpcomingActivities:
    """Planned, confirmed or postponed activities starting in ``period``, by start date."""
    rows = (
        Activity.objects.filter(
            programme=programme,
            status__in=[Status.PLANNED, Status.CONFIRMED, Status.POSTPONED],
            start_date__gte=period.start,
            start_date__lte=period.end,
        )
        .select_related("component", "host_country", "abroad_country")
        .order_by("start_date", "code")
    )
    upcoming = UpcomingActivities()
    for activity in rows:
        item = UpcomingActivity(
            code=activity.code,
            component=activity.component.code,
            title_en=activity.title_en,
            title_ru=activity.title_ru,
            activity_type=activity.activity_type,
            status=activity.status,
            host_country=activity.host_country.code if activity.host_country else NO_HOST_COUNTRY,
            abroad_country=activity.abroad_country.code if activity.abroad_country else "",
            city=activity.city,
            format=activity.format,
            start_date=activity.start_date,
            end_date=activity.end_date,
        )
        if activity.activity_type in CAPACITY_BUILDING_TYPES:
            upcoming.capacity_building.append(item)
        else:
            upcoming.management.append(item)
    return upcoming


def activity_history(*, activity: Activity, with_counts: bool = True) -> list[HistoryEntry]:
    """Every change of the activity and of its participant counts, oldest first.

    ``with_counts=False`` leaves out the numbers of the participant-count changes (who changed
    them and when stays): for users who see counts of people rounded.
    """
    # The linked records read with the rows: a diff names an old and a new country without a
    # query of its own for each change.
    own = activity.history.select_related(
        "history_user",
        "programme",
        "component",
        "host_country",
        "abroad_country",
        "trainer_country",
    )
    counts = ParticipantCount.history.filter(activity_id=activity.pk).select_related(
        "history_user", "country", "organisation"
    )
    entries = history_entries(own, subject=lambda record: str(_("Activity")))
    entries += history_entries(
        counts,
        with_changes=with_counts,
        subject=lambda record: str(
            _("Participants from %(country)s") % {"country": record.country}
        ),
    )
    return sorted(entries, key=lambda entry: entry.at)


def activities_with_participants_by_sex(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """``activities`` with ``female``, ``male`` and ``unrecorded`` sums, in one query."""
    return activities.select_related(
        "component", "host_country", "abroad_country", "trainer_country"
    ).annotate(
        female=Coalesce(Sum("participant_counts__female"), 0),
        male=Coalesce(Sum("participant_counts__male"), 0),
        unrecorded=Coalesce(Sum("participant_counts__unrecorded"), 0),
    )
