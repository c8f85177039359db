"""Reads of participation: the counts by sex and country that every report shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import Coalesce

from bomca.activities.selectors import implemented_in
from bomca.core.periods import Period
from bomca.people.models import ParticipantCount, Sex
from bomca.reference.models import Programme


@dataclass(frozen=True)
class ParticipantTotals:
    """How many people took part, in total, by sex and by country."""

    total: int = 0
    by_sex: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)


def participants_of_implemented(*, programme: Programme, period: Period) -> ParticipantTotals:
    """People who took part in the activities implemented in the period, from one grouped query."""
    rows = (
        ParticipantCount.objects.filter(
            activity__in=implemented_in(programme=programme, period=period)
        )
        .values("country__code")
        .annotate(
            female=Coalesce(Sum("female"), 0),
            male=Coalesce(Sum("male"), 0),
            unrecorded=Coalesce(Sum("unrecorded"), 0),
        )
        .order_by("country__code")
    )
    by_sex = dict.fromkeys(Sex.values, 0)
    by_country: dict[str, int] = dict.fromkeys(
        programme.countries.order_by("code").values_list("code", flat=True), 0
    )
    for row in rows:
        by_sex[Sex.FEMALE] += row["female"]
        by_sex[Sex.MALE] += row["male"]
        by_sex[Sex.UNRECORDED] += row["unrecorded"]
        country = row["country__code"]
        by_country[country] = (
            by_country.get(country, 0) + row["female"] + row["male"] + row["unrecorded"]
        )
    return ParticipantTotals(total=sum(by_sex.values()), by_sex=by_sex, by_country=by_country)
