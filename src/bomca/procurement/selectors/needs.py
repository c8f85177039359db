"""Reads of needs: the filtered list with its totals, late deliveries, a need's items and
timeline. Money is summed per currency in the database and never across currencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.core.money import Totals, totals_by_currency
from bomca.procurement.models import (
    CLOSED,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    Delivery,
    HandOverLine,
    NeedStatus,
    ProcurementItem,
    ProcurementNeed,
    StatusChange,
)
from bomca.reference.models import Programme, _in_language

#: Fields the list's free-text search looks in.
SEARCHED_FIELDS = (
    "reference",
    "title_en",
    "title_ru",
    "justification",
    "supplier_name",
    "contract_reference",
    "beneficiary__name_en",
    "beneficiary__name_ru",
)

QUANTITY_SUM = DecimalField(max_digits=QUANTITY_DIGITS + 4, decimal_places=QUANTITY_PLACES)


def quantity_of(value: Decimal | int) -> Decimal:
    """A summed quantity as a column holds one (SQLite returns ``20`` where PostgreSQL says
    ``20.00``): the same on every database."""
    return Decimal(value).quantize(Decimal(1).scaleb(-QUANTITY_PLACES))


@dataclass(frozen=True)
class NeedFilters:
    """What the list is narrowed to; empty values mean 'any'."""

    country: str = ""
    component: int | None = None
    horizon: str = ""
    status: str = ""
    procedure: str = ""
    text: str = ""
    late: bool = False


def delivered_sum(item: str = "pk", *, by: date | None = None) -> Coalesce:
    """How much of the item (``item`` names its key from the outer query) has been delivered."""
    deliveries = Delivery.objects.filter(item=OuterRef(item))
    if by is not None:
        deliveries = deliveries.filter(date__lte=by)
    total = deliveries.order_by().values("item").annotate(total=Sum("quantity")).values("total")
    return Coalesce(
        Subquery(total, output_field=QUANTITY_SUM), Value(Decimal(0)), output_field=QUANTITY_SUM
    )


def _handed_over(item: str = "pk") -> Coalesce:
    lines = HandOverLine.objects.filter(item=OuterRef(item))
    total = lines.order_by().values("item").annotate(total=Sum("quantity")).values("total")
    return Coalesce(
        Subquery(total, output_field=QUANTITY_SUM), Value(Decimal(0)), output_field=QUANTITY_SUM
    )


def due_date() -> Coalesce:
    """An item's planned delivery date: its own, else its need's."""
    return Coalesce("planned_delivery_date", "lot__need__planned_delivery_date")


def late_items(*, today: date) -> QuerySet[ProcurementItem]:
    """Items of open needs whose planned delivery date has passed and that are not all in."""
    return (
        ProcurementItem.objects.annotate(due=due_date(), delivered=delivered_sum())
        .filter(due__lt=today, delivered__lt=F("quantity"))
        .exclude(lot__need__status__in=CLOSED)
    )


def need_list(
    *, programme: Programme, filters: NeedFilters | None = None, today: date
) -> QuerySet[ProcurementNeed]:
    """The programme's needs that match ``filters``, by reference (narrow by user in the view)."""
    filters = filters or NeedFilters()
    needs = ProcurementNeed.objects.filter(programme=programme)
    if filters.country:
        needs = needs.filter(country__code=filters.country)
    if filters.component is not None:
        needs = needs.filter(component__number=filters.component)
    for name in ("horizon", "status", "procedure"):
        if value := getattr(filters, name):
            needs = needs.filter(**{name: value})
    if text := filters.text.strip().lower():
        # LOWER() on both sides, as the activity register does: Cyrillic matches on SQLite too.
        matches = Q()
        for name in SEARCHED_FIELDS:
            matches |= Q(**{f"{name}__lower__contains": text})
        needs = needs.filter(matches)
    if filters.late:
        needs = needs.filter(Exists(late_items(today=today).filter(lot__need=OuterRef("pk"))))
    return needs.select_related("country", "beneficiary", "component").order_by("reference")


@dataclass(frozen=True)
class NeedValues:
    """One need's items and their value per currency."""

    items: int = 0
    estimated: Totals = field(default_factory=dict)
    contracted: Totals = field(default_factory=dict)


def need_values(needs: list[ProcurementNeed]) -> dict[int, NeedValues]:
    """Items and value per currency of each of ``needs`` (one query, for a page of the list)."""
    rows = (
        ProcurementItem.objects.filter(lot__need__in=[need.pk for need in needs])
        .values("lot__need", "currency")
        .annotate(
            n=Count("pk"),
            estimated=Sum("estimated_value"),
            contracted=Sum("contracted_value"),
        )
        .order_by()
    )
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row["lot__need"], []).append(row)
    return {
        pk: NeedValues(
            items=sum(row["n"] for row in group),
            estimated=totals_by_currency((row["currency"], row["estimated"]) for row in group),
            contracted=totals_by_currency((row["currency"], row["contracted"]) for row in group),
        )
        for pk, group in grouped.items()
    }


@dataclass(frozen=True)
class NeedTotals:
    """What a list of needs adds up to: counts, and money per currency."""

    needs: int = 0
    items: int = 0
    estimated: Totals = field(default_factory=dict)
    contracted: Totals = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


def need_totals(needs: QuerySet[ProcurementNeed]) -> NeedTotals:
    """Counts and totals per currency of ``needs`` (two queries)."""
    by_status = dict(
        needs.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    rows = list(
        ProcurementItem.objects.filter(lot__need__in=needs.values("pk"))
        .values("currency")
        .annotate(
            n=Count("pk"), estimated=Sum("estimated_value"), contracted=Sum("contracted_value")
        )
        .order_by()
    )
    return NeedTotals(
        needs=sum(by_status.values()),
        items=sum(row["n"] for row in rows),
        estimated=totals_by_currency((row["currency"], row["estimated"]) for row in rows),
        contracted=totals_by_currency((row["currency"], row["contracted"]) for row in rows),
        by_status={
            status: by_status[status] for status in NeedStatus.values if status in by_status
        },
    )


# --- late deliveries --------------------------------------------------------------------------


@dataclass(frozen=True)
class LateDelivery:
    """An item whose planned delivery date has passed and that has not all arrived."""

    reference: str
    title_en: str
    title_ru: str
    country: str  # ISO code
    status: str
    item: str
    unit: str
    quantity: Decimal
    delivered: Decimal
    due: date
    days_late: int

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def outstanding(self) -> Decimal:
        return self.quantity - self.delivered


def late_deliveries(
    *, user: AnyUser, today: date, programme: Programme | None = None
) -> list[LateDelivery]:
    """Items late for delivery that the user may see, longest overdue first (one query)."""
    items = late_items(today=today)
    if programme is not None:
        items = items.filter(lot__need__programme=programme)
    items = access.by_country_visible_to(user, items, field="lot__need__country")
    rows = items.values(  # type: ignore[misc]  # annotations lost by the access filter's type
        "lot__need__reference",
        "lot__need__title_en",
        "lot__need__title_ru",
        "lot__need__country__code",
        "lot__need__status",
        "description",
        "unit",
        "quantity",
        "delivered",
        "due",
    ).order_by("due", "lot__need__reference", "pk")
    return [
        LateDelivery(
            reference=row["lot__need__reference"],
            title_en=row["lot__need__title_en"],
            title_ru=row["lot__need__title_ru"],
            country=row["lot__need__country__code"],
            status=row["lot__need__status"],
            item=row["description"],
            unit=row["unit"],
            quantity=row["quantity"],
            delivered=quantity_of(row["delivered"]),
            due=row["due"],
            days_late=(today - row["due"]).days,
        )
        for row in rows
    ]


# --- one need ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemProgress:
    item: ProcurementItem
    delivered: Decimal
    handed_over: Decimal

    @property
    def to_deliver(self) -> Decimal:
        return self.item.quantity - self.delivered

    @property
    def to_hand_over(self) -> Decimal:
        return self.delivered - self.handed_over


def item_progress_annotated(items: QuerySet[ProcurementItem]) -> QuerySet[ProcurementItem]:
    """``items`` with ``delivered_total`` and ``handed_total``, summed in the same query."""
    return items.annotate(delivered_total=delivered_sum(), handed_total=_handed_over())


def need_items(need: ProcurementNeed) -> list[ItemProgress]:
    """The need's items, by lot, with how much was delivered and handed over (one query)."""
    items = item_progress_annotated(
        ProcurementItem.objects.filter(lot__need=need)
        .select_related("lot")
        .order_by("lot__number", "pk")
    )
    return [
        ItemProgress(
            item=item,
            delivered=quantity_of(item.delivered_total),  # type: ignore[attr-defined]
            handed_over=quantity_of(item.handed_total),  # type: ignore[attr-defined]
        )
        for item in items
    ]


def need_timeline(need: ProcurementNeed) -> QuerySet[StatusChange]:
    """The steps of a need, oldest first, with who made them."""
    return need.status_changes.select_related("by").order_by("date", "pk")
