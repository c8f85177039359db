"""A programme's activities, quarter by quarter, with whom each one is for."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps

from bomca.activities.models import (
    Activity,
    ActivityType,
    DeliveredBy,
    Format,
    Scope,
    Status,
)
from bomca.activities.services import activity_code_for
from bomca.generate import shapes
from bomca.generate.common import Run
from bomca.generate.reference import ProgrammePlan
from bomca.reference.models import Country, Organisation

T = ActivityType


@dataclass
class Cell:
    """People of one country and organisation (None: of no organisation) in an activity."""

    country: Country
    organisation: Organisation | None
    kind: str | None
    people: int


@dataclass
class Planned:
    """A generated activity and who takes part in it."""

    activity: Activity
    area: str
    cells: list[Cell] = field(default_factory=list)
    listed: bool = False

    @property
    def days(self) -> int:
        return (self.activity.end_date - self.activity.start_date).days + 1


def activities_plan(run: Run, plan: ProgrammePlan) -> list[Planned]:
    """The programme's activities, numbered in the order they start, not yet written."""
    rng = run.rng(plan.number, "activities")
    weights = [profile.weight * rng.uniform(0.8, 1.2) for profile in plan.profiles]
    planned: list[Planned] = []
    for period in plan.quarters:
        season = shapes.SEASON[(period.start_date.month - 1) // 3 + 1]
        count = round(shapes.ACTIVITIES_PER_QUARTER * season * rng.uniform(0.8, 1.2))
        for _index in range(count):
            planned.append(_activity(run, plan, rng, weights, period.start_date, period.end_date))
    planned.sort(key=lambda row: row.activity.start_date)
    for row in planned:
        activity = row.activity
        year = activity.start_date.year
        activity.code = activity_code_for(
            component=activity.component,
            host_country=activity.host_country,
            year=year,
            number=run.activities.next(year),
        )
    return planned


def activities_write(run: Run, planned: list[Planned]) -> None:
    """Insert the activities and their beneficiary organisations, with their history."""
    run.insert(Activity, [row.activity for row in planned])
    through = Activity.beneficiary_organisations.through
    links = [
        through(activity_id=row.activity.pk, organisation_id=organisation_id)
        for row in planned
        for organisation_id in sorted(
            {cell.organisation.pk for cell in row.cells if cell.organisation is not None}
        )
    ]
    through.objects.bulk_create(links, batch_size=2000)
    run.rows[through._meta.label] += len(links)
    # The history row of each activity lists its organisations, as a save followed by a
    # change of the organisations would.
    history = Activity.history.model
    keys = [row.activity.pk for row in planned]
    history_ids = dict(
        history.objects.filter(id__gte=min(keys), id__lte=max(keys), history_type="+").values_list(
            "id", "history_id"
        )
    )
    m2m_history = apps.get_model("activities", "HistoricalActivity_beneficiary_organisations")
    m2m_history.objects.bulk_create(
        [
            m2m_history(
                history_id=history_ids[link.activity_id],
                id=link.pk,
                activity_id=link.activity_id,
                organisation_id=link.organisation_id,
            )
            for link in links
        ],
        batch_size=2000,
    )


def _activity(
    run: Run,
    plan: ProgrammePlan,
    rng: random.Random,
    weights: list[float],
    first: date,
    last: date,
) -> Planned:
    (index,) = rng.choices(range(len(plan.components)), weights)
    component, profile = plan.components[index], plan.profiles[index]
    kind = rng.choices(list(shapes.ACTIVITY_TYPES), list(shapes.ACTIVITY_TYPES.values()))[0]
    area = "programme management" if kind == T.MANAGEMENT_MEETING else rng.choice(profile.areas)
    scope = _scope(rng, kind, plan)
    form = _format(rng, kind)
    countries = _countries(rng, plan, scope)
    host = None if form == Format.ONLINE and scope == Scope.REGIONAL else rng.choice(countries)
    abroad = rng.choice(run.directory.abroad) if kind == T.STUDY_VISIT else None
    city = ""
    if form != Format.ONLINE:
        place = abroad or host
        city = rng.choice(shapes.CITIES[place.code]) if place is not None else ""
    start = _weekday(rng, first, last)
    low, high = shapes.DURATIONS[kind]
    end = min(start + timedelta(days=rng.randint(low, high) - 1), plan.programme.end_date)
    delivered_by = _delivered_by(rng, kind)
    activity = Activity(
        programme_id=plan.programme.pk,
        component=component,
        title_en=f"{shapes.TYPE_TITLES[kind]} on {area} (synthetic)",
        thematic_area=area,
        activity_type=kind,
        scope=scope,
        format=form,
        host_country=host,
        city=city,
        abroad_country=abroad,
        start_date=start,
        end_date=end,
        status=_status(rng, start, end, run.window.today),
        delivered_by=delivered_by,
        trainer_country=_trainer_country(rng, plan, kind, delivered_by, host),
        source="illustrative",
        source_note=run.note,
    )
    row = Planned(activity=activity, area=area)
    if kind != T.MANAGEMENT_MEETING:
        row.cells = _cells(run, rng, profile.kinds, countries, scope)
        row.listed = activity.status == Status.IMPLEMENTED and rng.random() < shapes.LISTED_SHARE
    return row


def _scope(rng: random.Random, kind: str, plan: ProgrammePlan) -> str:
    if kind in (T.STUDY_VISIT, T.TRAINER_EXCHANGE) or len(plan.countries) < 2:
        return Scope.NATIONAL
    if kind in (T.MANAGEMENT_MEETING, T.CONFERENCE):
        return Scope.REGIONAL
    share = 0.5 if kind == T.ONLINE_SESSION else shapes.REGIONAL_SHARE
    return Scope.REGIONAL if rng.random() < share else Scope.NATIONAL


def _format(rng: random.Random, kind: str) -> str:
    if kind == T.ONLINE_SESSION:
        return Format.ONLINE
    if kind == T.MANAGEMENT_MEETING:
        return rng.choice((Format.HYBRID, Format.ONLINE))
    return Format.HYBRID if rng.random() < shapes.HYBRID_SHARE else Format.IN_PERSON


def _countries(rng: random.Random, plan: ProgrammePlan, scope: str) -> list[Country]:
    if scope == Scope.NATIONAL:
        return [rng.choice(plan.countries)]
    size = rng.randint(min(3, len(plan.countries)), len(plan.countries))
    return sorted(rng.sample(plan.countries, size), key=lambda country: country.code)


def _weekday(rng: random.Random, first: date, last: date) -> date:
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    while day.weekday() >= 4 and day - timedelta(days=3) >= first:  # Friday to Sunday
        day -= timedelta(days=3)
    return day


def _status(rng: random.Random, start: date, end: date, today: date) -> str:
    if end < today:
        return Status.CANCELLED if rng.random() < shapes.CANCELLED_SHARE else Status.IMPLEMENTED
    if start <= today:
        return Status.CONFIRMED
    return Status.CONFIRMED if rng.random() < shapes.CONFIRMED_SHARE else Status.PLANNED


def _delivered_by(rng: random.Random, kind: str) -> str:
    if kind == T.MANAGEMENT_MEETING:
        return DeliveredBy.EU_EXPERTS
    if kind == T.TRAINER_EXCHANGE:
        return DeliveredBy.NATIONAL_TRAINERS
    return rng.choices(list(shapes.DELIVERED_BY), list(shapes.DELIVERED_BY.values()))[0]


def _trainer_country(
    rng: random.Random,
    plan: ProgrammePlan,
    kind: str,
    delivered_by: str,
    host: Country | None,
) -> Country | None:
    if delivered_by == DeliveredBy.EU_EXPERTS or rng.random() > shapes.TRAINER_COUNTRY_SHARE:
        return None
    others = [country for country in plan.countries if country != host]
    if kind == T.TRAINER_EXCHANGE and others:
        return rng.choice(others)
    if host is not None and rng.random() < 0.7:
        return host
    return rng.choice(plan.countries)


def _cells(
    run: Run,
    rng: random.Random,
    kinds: tuple[str, ...],
    countries: list[Country],
    scope: str,
) -> list[Cell]:
    """Who takes part: the same kind of agency in each country of a regional activity; one or
    two agencies of the host country in a national one."""
    agencies = run.directory.agencies
    main = rng.choices(kinds, [3, 2, 1][: len(kinds)])[0]
    if scope == Scope.REGIONAL:
        low, high = shapes.REGIONAL_PARTICIPANTS_PER_COUNTRY
        return [
            Cell(country, rng.choice(agencies[(country.code, main)]), main, rng.randint(low, high))
            for country in countries
        ]
    (country,) = countries
    total = rng.randint(*shapes.NATIONAL_PARTICIPANTS)
    chosen = [main]
    if rng.random() < 0.3 and len(kinds) > 1:
        chosen.append(rng.choice([kind for kind in kinds if kind != main]))
    cells = []
    for position, kind in enumerate(chosen):
        share = total if len(chosen) == 1 else (total * 2 // 3 if position == 0 else total // 3)
        cells.append(Cell(country, rng.choice(agencies[(country.code, kind)]), kind, share))
    if "local_admin" in chosen and rng.random() < 0.3:
        cells.append(Cell(country, None, None, rng.randint(4, 9)))
    return cells
