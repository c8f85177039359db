"""Reads of participation: the counts by sex and country that every report shows."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from bomca.activities.selectors import implemented_in
from bomca.core.periods import Period
from bomca.people.models import Attendance, AttendanceRole, Participant, ParticipantCount, Sex
from bomca.reference.models import Programme


@dataclass(frozen=True)
class ParticipantTotals:
    """How many people took part, in total, by sex and by country."""

    total: int = 0
    by_sex: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)
    #: country code -> sex -> count, every cell present.
    by_country_and_sex: dict[str, dict[str, int]] = field(default_factory=dict)
    #: organisation kind (or ``unknown`` where no organisation is recorded) -> count.
    by_organisation_kind: dict[str, int] = field(default_factory=dict)


#: Key under which ``by_organisation_kind`` counts people whose organisation is not recorded.
UNKNOWN_ORGANISATION = "unknown"


def participants_of_implemented(*, programme: Programme, period: Period) -> ParticipantTotals:
    """People who took part in the activities implemented in the period, from one grouped query."""
    rows = (
        ParticipantCount.objects.filter(
            activity__in=implemented_in(programme=programme, period=period)
        )
        .values("country__code", "organisation__kind")
        .annotate(
            female=Coalesce(Sum("female"), 0),
            male=Coalesce(Sum("male"), 0),
            unrecorded=Coalesce(Sum("unrecorded"), 0),
        )
        .order_by("country__code", "organisation__kind")
    )
    by_sex = dict.fromkeys(Sex.values, 0)
    countries = programme.countries.order_by("code").values_list("code", flat=True)
    by_country_and_sex = {code: dict.fromkeys(Sex.values, 0) for code in countries}
    by_kind: dict[str, int] = {}
    for row in rows:
        cells = by_country_and_sex.setdefault(row["country__code"], dict.fromkeys(Sex.values, 0))
        counts = {"female": row["female"], "male": row["male"], "unrecorded": row["unrecorded"]}
        for sex, value in counts.items():
            by_sex[sex] += value
            cells[sex] += value
        kind = row["organisation__kind"] or UNKNOWN_ORGANISATION
        by_kind[kind] = by_kind.get(kind, 0) + row["female"] + row["male"] + row["unrecorded"]
    by_country_and_sex = dict(sorted(by_country_and_sex.items()))
    return ParticipantTotals(
        total=sum(by_sex.values()),
        by_sex=by_sex,
        by_country={code: sum(cells.values()) for code, cells in by_country_and_sex.items()},
        by_country_and_sex=by_country_and_sex,
        by_organisation_kind=dict(sorted(by_kind.items(), key=lambda item: (-item[1], item[0]))),
    )


# --- training results ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFigures:
    """Knowledge gain, satisfaction and completion of one group of participants."""

    participants: int = 0
    tested: int = 0  # with both a pre-test and a post-test score
    gain_mean: float | None = None  # post-test minus pre-test, in percentage points
    gain_median: float | None = None
    improved_share: float | None = None  # of the tested, share whose post-test is higher, 0–1
    satisfaction_mean: float | None = None
    rated: int = 0
    completion_rate: float | None = None  # of those with completion recorded, 0–1
    completion_recorded: int = 0


@dataclass(frozen=True)
class TrainingResults:
    overall: ResultFigures = field(default_factory=ResultFigures)
    by_sex: dict[str, ResultFigures] = field(default_factory=dict)
    by_country: dict[str, ResultFigures] = field(default_factory=dict)


def _figures(
    rows: list[tuple[Decimal | None, Decimal | None, int | None, bool | None]],
) -> ResultFigures:
    gains = [
        float(post - pre)
        for pre, post, _rating, _done in rows
        if pre is not None and post is not None
    ]
    ratings = [rating for _pre, _post, rating, _done in rows if rating is not None]
    completions = [done for _pre, _post, _rating, done in rows if done is not None]
    return ResultFigures(
        participants=len(rows),
        tested=len(gains),
        gain_mean=round(statistics.fmean(gains), 1) if gains else None,
        gain_median=round(statistics.median(gains), 1) if gains else None,
        improved_share=round(sum(gain > 0 for gain in gains) / len(gains), 3) if gains else None,
        satisfaction_mean=round(statistics.fmean(ratings), 2) if ratings else None,
        rated=len(ratings),
        completion_rate=round(sum(completions) / len(completions), 3) if completions else None,
        completion_recorded=len(completions),
    )


def training_results(attendances: QuerySet[Attendance]) -> TrainingResults:
    """Results of the people in the role *participant* among ``attendances``, in one query."""
    rows = attendances.filter(role=AttendanceRole.PARTICIPANT).values_list(
        "participant__sex",
        "participant__country__code",
        "pre_test",
        "post_test",
        "satisfaction",
        "completed",
    )
    everyone: list[tuple[Decimal | None, Decimal | None, int | None, bool | None]] = []
    by_sex: dict[str, list[tuple[Decimal | None, Decimal | None, int | None, bool | None]]] = {}
    by_country: dict[str, list[tuple[Decimal | None, Decimal | None, int | None, bool | None]]] = {}
    for sex, country, pre, post, rating, done in rows.iterator(chunk_size=5000):
        row = (pre, post, rating, done)
        everyone.append(row)
        by_sex.setdefault(sex, []).append(row)
        by_country.setdefault(country, []).append(row)
    return TrainingResults(
        overall=_figures(everyone),
        by_sex={sex: _figures(group) for sex, group in sorted(by_sex.items())},
        by_country={code: _figures(group) for code, group in sorted(by_country.items())},
    )


def training_results_of_period(*, programme: Programme, period: Period) -> TrainingResults:
    return training_results(
        Attendance.objects.filter(activity__in=implemented_in(programme=programme, period=period))
    )


def duplicate_groups(participants: QuerySet[Participant]) -> list[list[Any]]:
    """Groups of records that are likely one person: the same name key, country and
    organisation (or organisation as written), with years of birth that do not contradict."""
    fields = ("name_key", "country_id", "organisation_id", "organisation_name")
    keys = (
        participants.exclude(name_key="")  # erased people are nobody's duplicate
        .values(*fields)
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name_key")
    )
    # Every record of every group in one query (not one per group), grouped here by their key.
    records = (
        participants.filter(name_key__in=keys.values("name_key"))
        .select_related("country", "organisation")
        .annotate(activities=Count("attendances"))
        .order_by("pk")
    )
    by_key: dict[tuple[Any, ...], list[Any]] = {}
    for record in records:
        by_key.setdefault(tuple(getattr(record, name) for name in fields), []).append(record)
    groups: list[list[Any]] = []
    for key in keys:
        group = by_key.get(tuple(key[name] for name in fields), [])
        years = {record.year_of_birth for record in group if record.year_of_birth}
        if len(group) > 1 and len(years) <= 1:
            groups.append(group)
    return groups
