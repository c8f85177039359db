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
