"""Reads of procurement: the needs list with the web list's filters and scope, and one need with
its lots, items, steps, deliveries and hand-overs (never a signed certificate) and the ``ETag`` of
its version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from bomca.accounts import access
from bomca.api.concurrency import etag
from bomca.api.pagination import Page, PageQuery, page_of
from bomca.api.responses import json_response, step_rows
from bomca.core.errors import ApplicationError
from bomca.core.money import Totals
from bomca.core.numbers import cents
from bomca.procurement.forms import NeedFilterForm
from bomca.procurement.models import Delivery, HandOverLine, ProcurementNeed
from bomca.procurement.selectors import (
    NeedFilters,
    NeedValues,
    need_items,
    need_list,
    need_timeline,
    need_values,
)
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request

#: The one router of the procurement API; ``writes`` adds its operations to it (two routers on
#: one path would hide each other's methods).
router = Router(tags=["procurement"])


#: Columns a list row gives as they are stored.
PLAIN_FIELDS = (
    "reference",
    "title_en",
    "title_ru",
    "horizon",
    "priority",
    "status",
    "status_date",
    "held_at",
    "procedure",
    "supplier_name",
    "contract_reference",
    "contract_date",
    "planned_delivery_date",
)
#: The columns of a list row, read with ``.values()`` (no model instances: it is faster).
LIST_FIELDS = (
    "pk",
    *PLAIN_FIELDS,
    "country__code",
    "beneficiary__code",
    "beneficiary__name_en",
    "component__number",
)


class NeedOut(Schema):
    reference: str
    title_en: str
    title_ru: str
    country: str
    beneficiary: str
    beneficiary_name: str
    component: int | None
    horizon: str
    priority: str
    status: str
    status_date: date
    #: The step a need on hold returns to ("" otherwise).
    held_at: str
    procedure: str
    supplier_name: str
    contract_reference: str
    contract_date: date | None
    planned_delivery_date: date | None
    items: int
    #: Money per currency, never added across currencies.
    estimated: dict[str, Decimal]
    contracted: dict[str, Decimal]


class ItemOut(Schema):
    id: int
    description: str
    quantity: Decimal
    unit: str
    estimated_value: Decimal
    contracted_value: Decimal | None
    currency: str
    planned_delivery_date: date | None
    delivered: Decimal
    handed_over: Decimal


class LotOut(Schema):
    number: int
    title: str
    items: list[ItemOut]


class StepOut(Schema):
    from_status: str
    to_status: str
    date: date
    note: str
    #: Who made the step: only for roles that may see who changed what (never donors);
    #: null otherwise, and for a step made by the system.
    by: str | None


class DeliveryOut(Schema):
    date: date
    item: int
    description: str
    quantity: Decimal
    unit: str
    note: str


class HandOverLineOut(Schema):
    item: int
    description: str
    quantity: Decimal
    unit: str


class HandOverOut(Schema):
    date: date
    receiving_organisation: str
    place: str
    note: str
    #: Whether a signed certificate is on file; the file itself is never served here.
    has_certificate: bool
    lines: list[HandOverLineOut]


class NeedDetailOut(NeedOut):
    programme: str
    #: The version the ``ETag`` names; every change raises it.
    version: int
    justification: str
    supplier_country: str
    lots: list[LotOut]
    steps: list[StepOut]
    deliveries: list[DeliveryOut]
    hand_overs: list[HandOverOut]


class NeedFilterQuery(Schema):
    programme: str | None = None
    text: str = ""
    country: str = ""
    component: int | None = None
    horizon: str = ""
    status: str = ""
    procedure: str = ""
    late: bool = False


def _filters(query: NeedFilterQuery, programme: Programme) -> NeedFilters:
    """The web list's form checks the values: a wrong one is refused with its field named."""
    data = {
        name: value
        for name, value in query.model_dump(exclude={"programme"}).items()
        if value not in ("", None, False)
    }
    form = NeedFilterForm(data, programme=programme)
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        raise ApplicationError(str(messages[0]), field=name)
    return form.filters()


def _row(row: dict[str, Any], values: NeedValues | None) -> dict[str, Any]:
    values = values or NeedValues()
    return {
        **{name: row[name] for name in PLAIN_FIELDS},
        "country": row["country__code"],
        "beneficiary": row["beneficiary__code"],
        "beneficiary_name": row["beneficiary__name_en"],
        "component": row["component__number"],
        "items": values.items,
        "estimated": _cents(values.estimated),
        "contracted": _cents(values.contracted),
    }


def _cents(totals: Totals) -> Totals:
    """Sums to the cent on every database (SQLite's sums drop the trailing zeros)."""
    return {code: cents(amount) for code, amount in totals.items()}


@router.get("", response=Page[NeedOut], summary="Procurement needs")
def need_list_endpoint(
    request: HttpRequest, filters: Query[NeedFilterQuery], paging: Query[PageQuery]
) -> HttpResponse:
    """The needs the caller may see (national coordinators: their countries), filtered like
    the procurement list, by reference, a page at a time; three queries whatever the page
    size. Money is given per currency."""
    if not access.may_view_procurement(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    needs = need_list(
        programme=programme, filters=_filters(filters, programme), today=timezone.localdate()
    )
    envelope, rows = page_of(
        request, access.by_country_visible_to(request.user, needs), paging, fields=LIST_FIELDS
    )
    # need_values reads only the keys of the needs: one grouped query for the page.
    values = need_values([ProcurementNeed(pk=row["pk"]) for row in rows])
    return json_response(
        {**envelope, "results": [_row(row, values.get(row["pk"])) for row in rows]}
    )


#: The detail's columns besides those of a list row.
DETAIL_FIELDS = (
    *LIST_FIELDS,
    "programme__code",
    "justification",
    "supplier_country",
    "version",
)


@router.get("/{reference}", response=NeedDetailOut, summary="One procurement need")
def need_detail_endpoint(request: HttpRequest, reference: str) -> HttpResponse:
    """One need the caller may see (404 otherwise: no hint that it exists) with its lots and
    items (delivered and handed over so far), its steps, deliveries and hand-overs. Whether a
    signed certificate is on file, never the file. Its ``ETag`` goes back in ``If-Match`` when
    changing or moving it."""
    return detail_response(request, reference)


def detail_response(request: HttpRequest, reference: str, *, status: int = 200) -> HttpResponse:
    """The need as the caller may see it, with the ``ETag`` of its version; 404 if not seen."""
    needs = ProcurementNeed.objects.filter(reference=reference)
    found = list(access.by_country_visible_to(request.user, needs).values(*DETAIL_FIELDS))
    if not found:
        raise Http404
    row = found[0]
    need = ProcurementNeed(pk=row["pk"])
    detail = {
        **_row(row, need_values([need]).get(need.pk)),
        "programme": row["programme__code"],
        "justification": row["justification"],
        "supplier_country": row["supplier_country"],
        "version": row["version"],
        "lots": _lots(need_items(need)),
        "steps": _steps(request, need),
        "deliveries": _deliveries(need),
        "hand_overs": _hand_overs(need),
    }
    return json_response(detail, status=status, etag=etag("need", reference, row["version"]))


def _lots(items: list[Any]) -> list[dict[str, Any]]:
    lots: dict[int, dict[str, Any]] = {}
    for progress in items:
        item = progress.item
        lot = lots.setdefault(
            item.lot_id, {"number": item.lot.number, "title": item.lot.title, "items": []}
        )
        lot["items"].append(
            {
                "id": item.pk,
                **{
                    field: getattr(item, field)
                    for field in ItemOut.model_fields
                    if field not in ("id", "delivered", "handed_over")
                },
                "delivered": progress.delivered,
                "handed_over": progress.handed_over,
            }
        )
    return list(lots.values())


def _steps(request: HttpRequest, need: ProcurementNeed) -> list[dict[str, Any]]:
    sees_who = access.may_view_history(request.user)
    return step_rows(need_timeline(need), sees_who=sees_who, by="by")


def _deliveries(need: ProcurementNeed) -> list[dict[str, Any]]:
    deliveries = Delivery.objects.filter(item__lot__need=need).select_related("item")
    return [
        {
            "date": delivery.date,
            "item": delivery.item_id,
            "description": delivery.item.description,
            "quantity": delivery.quantity,
            "unit": delivery.item.unit,
            "note": delivery.note,
        }
        for delivery in deliveries.order_by("date", "pk")
    ]


def _hand_overs(need: ProcurementNeed) -> list[dict[str, Any]]:
    lines = HandOverLine.objects.select_related("item__lot").order_by("item__lot__number", "pk")
    hand_overs = need.hand_overs.select_related("receiving_organisation").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    return [
        {
            "date": hand_over.date,
            "receiving_organisation": hand_over.receiving_organisation.code,
            "place": hand_over.place,
            "note": hand_over.note,
            "has_certificate": bool(hand_over.certificate),
            "lines": [
                {
                    "item": line.item_id,
                    "description": line.item.description,
                    "quantity": line.quantity,
                    "unit": line.item.unit,
                }
                for line in hand_over.lines.all()
            ],
        }
        for hand_over in hand_overs
    ]
