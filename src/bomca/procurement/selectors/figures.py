"""The procurement figures of the dashboard and the newsletter (``procurement_figures``).

An item's *value* is its contracted value once it has one, its estimated value before; money is
summed per currency in the database and never across currencies.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.core.money import MAX_DIGITS, Totals, totals_by_currency
from bomca.core.periods import Period, next_quarter
from bomca.procurement.models import (
    CLOSED,
    FLOW,
    HandOver,
    HandOverLine,
    Horizon,
    NeedStatus,
    ProcurementItem,
    ProcurementNeed,
    StatusChange,
)
from bomca.procurement.selectors.needs import delivered_sum, due_date
from bomca.reference.models import Programme

_MONEY = DecimalField(max_digits=MAX_DIGITS + 6, decimal_places=2)
_CENT = Decimal("0.01")


def _status_at(end: date, need: str = "pk") -> Subquery:
    """The status a need (``need`` names its key in the outer query) had at the end of ``end``."""
    changes = StatusChange.objects.filter(need=OuterRef(need), date__lte=end).order_by(
        "-date", "-pk"
    )
    return Subquery(changes.values("to_status")[:1])


def _value() -> Coalesce:
    return Coalesce("contracted_value", "estimated_value", output_field=_MONEY)


def _money(totals: Totals) -> dict[str, str]:
    """Totals as JSON: amounts as exact decimal strings, never floats."""
    return {code: str(amount.quantize(_CENT, ROUND_HALF_UP)) for code, amount in totals.items()}


def _period(period: Period) -> dict[str, str]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}


class _Bucket:
    """Needs, items and money per currency of one breakdown cell, while rows are added."""

    def __init__(self) -> None:
        self.needs = 0
        self.items = 0
        self.money: dict[str, list[tuple[str, Decimal | None]]] = {
            "estimated": [],
            "contracted": [],
            "value": [],
        }

    def add_items(self, row: dict[str, Any]) -> None:
        self.items += row["n"]
        for name, pairs in self.money.items():
            pairs.append((row["currency"], row[name]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "needs": self.needs,
            "items": self.items,
            **{name: _money(totals_by_currency(pairs)) for name, pairs in self.money.items()},
        }


def procurement_figures(
    *, programme: Programme, period: Period, user: AnyUser | None = None
) -> dict[str, Any]:
    """Procurement of a programme as the dashboard and the newsletter show it (JSON-ready).

    Statuses are those at the end of ``period`` (read from the steps' dates), so a quarter's
    figures stay what they were when the quarter ended. ``user`` narrows to their countries.
    See docs/figures.md for the shape.
    """
    end = period.end
    scope = ProcurementNeed.objects.filter(programme=programme)
    if user is not None:
        scope = access.by_country_visible_to(user, scope)
    needs = scope.annotate(status_at=_status_at(end)).filter(status_at__isnull=False)
    countries = programme.countries.order_by("code")
    if user is not None:
        countries = access.by_country_visible_to(user, countries, field="pk")
    codes = list(countries.values_list("code", flat=True))
    breakdowns = _breakdowns(needs, end, codes)
    return {
        "as_of": end.isoformat(),
        **breakdowns,
        "funnel": _funnel(needs, end),
        "handed_over": _handed_over_in(scope, period),
        "planned_next_quarter": _planned(scope, period),
    }


def _breakdowns(needs: QuerySet[ProcurementNeed], end: date, codes: list[str]) -> dict[str, Any]:
    """Needs, items and money by status, by country and by horizon (two grouped queries).

    Cancelled needs count in ``by_status`` only; the totals, countries and horizons are of the
    needs that are going ahead.
    """
    by_status = {status: _Bucket() for status in NeedStatus.values}
    by_country = {code: _Bucket() for code in codes}
    by_horizon = {horizon: _Bucket() for horizon in Horizon.values}
    total = _Bucket()
    count = 0
    # status_at is annotated by the caller (its type does not say so).
    need_rows = needs.values("status_at", "country__code", "horizon").annotate(  # type: ignore[misc]
        n=Count("pk")
    )
    for row in need_rows.order_by():
        count += row["n"]
        for bucket in _buckets(row, by_status, by_country, by_horizon, total):
            bucket.needs += row["n"]
    items = (
        ProcurementItem.objects.filter(lot__need__in=needs.values("pk"))
        .annotate(status_at=_status_at(end, "lot__need"))
        .values("status_at", "lot__need__country__code", "lot__need__horizon", "currency")
        .annotate(
            n=Count("pk"),
            estimated=Sum("estimated_value"),
            contracted=Sum("contracted_value"),
            value=Sum(_value()),
        )
        .order_by()
    )
    # Items by country (and by horizon) and status, for the charts' stacked bars.
    country_status = {code: dict.fromkeys(NeedStatus.values, 0) for code in codes}
    horizon_status = {horizon: dict.fromkeys(NeedStatus.values, 0) for horizon in Horizon.values}
    for row in items:
        row = {
            **row,
            "country__code": row["lot__need__country__code"],
            "horizon": row["lot__need__horizon"],
        }
        for bucket in _buckets(row, by_status, by_country, by_horizon, total):
            bucket.add_items(row)
        if row["status_at"] != NeedStatus.CANCELLED:
            horizon_status[row["horizon"]][row["status_at"]] += row["n"]
            if row["country__code"] in country_status:
                country_status[row["country__code"]][row["status_at"]] += row["n"]
    return {
        "needs": count,
        "totals": total.as_dict(),
        "by_status": {key: bucket.as_dict() for key, bucket in by_status.items()},
        "by_country": {key: bucket.as_dict() for key, bucket in by_country.items()},
        "by_horizon": {key: bucket.as_dict() for key, bucket in by_horizon.items()},
        "items_by_country_and_status": country_status,
        "items_by_horizon_and_status": horizon_status,
    }


def _buckets(
    row: dict[str, Any],
    by_status: dict[str, _Bucket],
    by_country: dict[str, _Bucket],
    by_horizon: dict[str, _Bucket],
    total: _Bucket,
) -> list[_Bucket]:
    """The cells a grouped row counts in."""
    cells = [by_status[row["status_at"]]]
    if row["status_at"] != NeedStatus.CANCELLED:
        cells += [by_horizon[row["horizon"]], total]
        if row["country__code"] in by_country:
            cells.append(by_country[row["country__code"]])
    return cells


def _funnel(needs: QuerySet[ProcurementNeed], end: date) -> list[dict[str, Any]]:
    """How many needs had reached at least each step by ``end`` (one query); a need cancelled
    or on hold counts for the steps it had reached."""
    reached = StatusChange.objects.filter(need__in=needs.values("pk"), date__lte=end).aggregate(
        **{
            step: Count("need", distinct=True, filter=Q(to_status__in=FLOW[index:]))
            for index, step in enumerate(FLOW)
        }
    )
    return [{"status": step, "needs": reached[step]} for step in FLOW]


def _handed_over_in(scope: QuerySet[ProcurementNeed], period: Period) -> dict[str, Any]:
    """Hand-overs dated in ``period``: how many, of how many needs and items, and the value of
    the quantities handed over, per currency (two queries)."""
    in_period = {"date__gte": period.start, "date__lte": period.end, "need__in": scope.values("pk")}
    counts = HandOver.objects.filter(**in_period).aggregate(
        hand_overs=Count("pk"), needs=Count("need", distinct=True)
    )
    unit_value = Coalesce("item__contracted_value", "item__estimated_value", output_field=_MONEY)
    lines = (
        HandOverLine.objects.filter(
            **{f"hand_over__{key}": value for key, value in in_period.items()}
        )
        .values("item__currency")
        .annotate(
            items=Count("item", distinct=True),
            value=Sum(F("quantity") * unit_value / F("item__quantity"), output_field=_MONEY),
        )
        .order_by()
    )
    rows = list(lines)
    return {
        "period": _period(period),
        "hand_overs": counts["hand_overs"],
        "needs": counts["needs"],
        "items": sum(row["items"] for row in rows),
        "value": _money(totals_by_currency((row["item__currency"], row["value"]) for row in rows)),
    }


def _planned(scope: QuerySet[ProcurementNeed], period: Period) -> dict[str, Any]:
    """Items planned to be delivered, then handed over, in the quarter after ``period``: not
    all in by the period's end, of needs still open then, with the value of what is still to
    come (two queries)."""
    coming = next_quarter(period)
    items = (
        ProcurementItem.objects.filter(lot__need__in=scope.values("pk"))
        .annotate(
            due=due_date(),
            delivered=delivered_sum(by=period.end),
            status_at=_status_at(period.end, "lot__need"),
        )
        .filter(due__gte=coming.start, due__lte=coming.end, delivered__lt=F("quantity"))
        .exclude(status_at__in=CLOSED)
        .exclude(status_at__isnull=True)
    )
    rows = list(
        items.values(
            "lot__need__reference",
            "lot__need__title_en",
            "lot__need__title_ru",
            "lot__need__country__code",
            "lot__need__horizon",
            "status_at",
        )
        .annotate(n=Count("pk"), planned=Min("due"))
        .order_by("planned", "lot__need__reference")
    )
    outstanding = _value() * (F("quantity") - F("delivered")) / F("quantity")
    money = (
        items.values("currency")
        .annotate(value=Sum(outstanding, output_field=_MONEY))
        .order_by()
        .values_list("currency", "value")
    )
    return {
        "period": _period(coming),
        "needs": len(rows),
        "items": sum(row["n"] for row in rows),
        "value": _money(totals_by_currency(money)),
        "rows": [
            {
                "reference": row["lot__need__reference"],
                "title_en": row["lot__need__title_en"],
                "title_ru": row["lot__need__title_ru"],
                "country": row["lot__need__country__code"],
                "horizon": row["lot__need__horizon"],
                "status": row["status_at"],
                "planned": row["planned"].isoformat(),
                "items": row["n"],
            }
            for row in rows
        ],
    }
