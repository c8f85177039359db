"""Writes of procurement needs: the same forms, access rules and services as the web's pages
(record a need, edit it, move it, record a delivery), with the version check of ``If-Match``.

Hand-overs are not here: the web form takes the signed certificate as a file upload, which a
JSON body does not carry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Schema

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.api.concurrency import problem, required_version, stale_names_if_match
from bomca.api.schemas import StrictSchema
from bomca.core.errors import ApplicationError
from bomca.core.money import Currency
from bomca.core.records import StaleRecord
from bomca.procurement.api.reads import NeedDetailOut, detail_response, router
from bomca.procurement.forms import (
    DeliveryForm,
    LotForm,
    NeedForm,
    TransitionForm,
    item_api_formset,
    item_rows,
    items_of,
    lot_api_formset,
    lot_rows,
    lots_of,
    need_api_form,
)
from bomca.procurement.models import Horizon, NeedStatus, Priority, Procedure, ProcurementNeed
from bomca.procurement.selectors import need_items
from bomca.procurement.services import (
    EDITABLE_FIELDS,
    ItemInput,
    LotInput,
    delivery_record,
    need_create,
    need_move,
    need_update,
    transitions_from,
)
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_get

#: A component's number: the range of its column (a larger one would fail in the database).
COMPONENT_NUMBER = Field(None, ge=1, le=32767, description="The component's number, e.g. 2.")
IF_MATCH = Header(
    None,
    alias="If-Match",
    description='The ETag of the need as read, e.g. "need-PR-KG-2023-002-v3".',
)
#: ``If-Match`` answers, documented on the routes that take it besides PUT, PATCH and DELETE.
PRECONDITIONS = {
    "responses": {
        412: {
            "description": "The need changed since the version in If-Match; nothing was saved.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
        428: {
            "description": "A move needs the need's ETag in If-Match.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    }
}


class LotIn(StrictSchema):
    number: int = Field(description="The lot's number in the need, from 1.")
    title: str


class ItemIn(StrictSchema):
    id: int | None = Field(
        None, description="An item of the need as read, to keep and change it; none: a new item."
    )
    lot: int = Field(1, description="The number of the item's lot.")
    description: str
    quantity: Decimal
    unit: str = "pcs"
    estimated_value: Decimal = Field(description="For the whole quantity, not per unit.")
    contracted_value: Decimal | None = Field(None, description="For the whole quantity.")
    currency: Currency = Currency.EUR
    planned_delivery_date: datetime.date | None = None


_ROWS = (
    "On a change, given lots (items) replace the need's: an item named by its id is kept and "
    "changed, one without an id is added, and one left out is removed."
)


class NeedNew(StrictSchema):
    """A new need: the fields of the web form, related records named as the answers name them
    (the country and the beneficiary by their codes, the component by its number)."""

    programme: str | None = Field(
        None,
        pattern=r"^[-a-zA-Z0-9_]+$",  # a code, as the column holds it (and never a NUL)
        description="Programme code; the default one if left out.",
    )
    country: str
    beneficiary: str
    component: int | None = COMPONENT_NUMBER
    horizon: Horizon
    priority: Priority = Priority.MEDIUM
    title_en: str
    title_ru: str = ""
    justification: str
    procedure: Procedure | None = None
    supplier_name: str = ""
    supplier_country: str = ""
    contract_reference: str = ""
    contract_date: datetime.date | None = None
    planned_delivery_date: datetime.date | None = None
    identified_on: datetime.date | None = Field(
        None, description="The date the agency asked for it (today if left out)."
    )
    lots: list[LotIn] = Field([], description=_ROWS)
    items: list[ItemIn] = Field([], description=_ROWS)


class NeedChange(StrictSchema):
    """A change of a need: the fields given change, the others keep their values."""

    country: str | None = None
    beneficiary: str | None = None
    component: int | None = COMPONENT_NUMBER
    horizon: Horizon | None = None
    priority: Priority | None = None
    title_en: str | None = None
    title_ru: str | None = None
    justification: str | None = None
    procedure: Procedure | None = None
    supplier_name: str | None = None
    supplier_country: str | None = None
    contract_reference: str | None = None
    contract_date: datetime.date | None = None
    planned_delivery_date: datetime.date | None = None
    lots: list[LotIn] | None = Field(None, description=_ROWS)
    items: list[ItemIn] | None = Field(None, description=_ROWS)


class MoveIn(StrictSchema):
    to: NeedStatus = Field(description="The step to move to; the refusal says why when it may not.")
    date: datetime.date | None = Field(
        None, description="The date of the step (today if left out)."
    )
    note: str = Field("", description="Required when putting the need on hold or cancelling it.")


class DeliveryIn(StrictSchema):
    item: int = Field(description="The id of one of the need's items.")
    quantity: Decimal
    date: datetime.date | None = Field(None, description="The delivery date (today if left out).")
    note: str = ""


@router.post("", response={201: NeedDetailOut}, summary="Record a procurement need")
def need_create_endpoint(request: HttpRequest, payload: NeedNew) -> HttpResponse:
    """Record a need with its lots and items as the web form does (the same roles, checks and
    messages): 201 with the need, its ``ETag`` and its ``Location``. A wrong item is named by
    its place in the list, e.g. ``items.0.quantity``."""
    if not access.may_manage_procurement(request.user):
        raise PermissionDenied
    programme = _programme(payload.programme)
    values = payload.model_dump(exclude={"programme", "lots", "items"})
    values["identified_on"] = values["identified_on"] or timezone.localdate()
    form = need_api_form(_posted(values), programme=programme)
    lots, items = _valid(form, _dumped(payload.lots), _dumped(payload.items))
    with _rows_named(lots):
        need = need_create(
            programme=programme,
            data=form.service_data(),
            lots=lots,
            items=items,
            identified_on=form.cleaned_data["identified_on"],
            by=_user(request),
        )
    response = detail_response(request, need.reference, status=201)
    response["Location"] = f"{request.path.rstrip('/')}/{need.reference}"
    return response


@router.patch("/{reference}", response=NeedDetailOut, summary="Change a procurement need")
def need_change_endpoint(
    request: HttpRequest, reference: str, payload: NeedChange, if_match: str | None = IF_MATCH
) -> HttpResponse:
    """Change the fields given, as the web edit page does: refused for a closed need (409),
    and when the change would take away what a step the need has passed relies on. Needs
    ``If-Match``: 428 without it; 412, and nothing changed, when someone changed the need since
    the version it names."""
    need = _managed(request, reference)
    read = _read_version(need, if_match)
    if need.is_closed:
        return _closed(need)
    changes = payload.model_dump(exclude_unset=True, exclude={"lots", "items"})
    form = need_api_form(
        _posted({**_current_values(need), **changes, "version": read}),
        programme=need.programme,
        instance=need,
    )
    lots, items = _valid(
        form,
        lot_rows(need) if payload.lots is None else _dumped(payload.lots),
        item_rows(need) if payload.items is None else _dumped(payload.items),
    )
    with stale_names_if_match(), _rows_named(lots):
        need_update(
            need=need, data=form.service_data(), lots=lots, items=items, expected_version=read
        )
    return detail_response(request, reference)


@router.post(
    "/{reference}/moves",
    response=NeedDetailOut,
    summary="Move a procurement need to another step",
    openapi_extra=PRECONDITIONS,
)
def need_move_endpoint(
    request: HttpRequest, reference: str, payload: MoveIn, if_match: str | None = IF_MATCH
) -> HttpResponse:
    """One step of the procedure (or on hold, back from hold, cancelled), as the web's move
    page makes it: a refused move says why and changes nothing. Answers the need with its new
    ``ETag``. Needs ``If-Match``: 428 without it, 412 when the need changed since."""
    need = _managed(request, reference)
    read = _read_version(need, if_match)
    data = {"to": payload.to, "on": payload.date or timezone.localdate(), "note": payload.note}
    form = TransitionForm(
        _posted({**data, "version": read}), need=need, allowed=transitions_from(need)
    )
    _check(form, names={"on": "date"})
    with stale_names_if_match():
        need_move(
            need=need,
            to=form.cleaned_data["to"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            by=_user(request),
            expected_version=read,
        )
    return detail_response(request, reference)


@router.post("/{reference}/deliveries", response={201: NeedDetailOut}, summary="Record a delivery")
def delivery_create_endpoint(
    request: HttpRequest, reference: str, payload: DeliveryIn
) -> HttpResponse:
    """Part or all of an item arriving, as the web's delivery form records it: for a contracted
    need, never more than the item's quantity in all. The need moves to *delivered* by itself
    when every item is in. 201 with the need (its deliveries, its new ``ETag``)."""
    need = _managed(request, reference)
    values = {**payload.model_dump(), "date": payload.date or timezone.localdate()}
    form = DeliveryForm(_posted(values), items=need_items(need))
    _check(form)
    delivery_record(
        item=form.chosen_item(),
        quantity=form.cleaned_data["quantity"],
        on=form.cleaned_data["date"],
        note=form.cleaned_data["note"],
        by=_user(request),
    )
    return detail_response(request, reference, status=201)


def _managed(request: HttpRequest, reference: str) -> ProcurementNeed:
    """The need if the caller may see it (404 otherwise) and manage procurement (403)."""
    needs = ProcurementNeed.objects.select_related(
        "programme", "country", "beneficiary", "component"
    )
    need = access.by_country_visible_to(request.user, needs).filter(reference=reference).first()
    if need is None:
        raise Http404
    if not access.may_manage_procurement(request.user):
        raise PermissionDenied
    return need


def _read_version(need: ProcurementNeed, if_match: str | None) -> int:
    """The version ``If-Match`` names, if it is the need's as read here: a change is made from
    this copy, so a copy of any other version is refused whatever the change says."""
    read = required_version(if_match, kind="need", key=need.reference, noun=_("the need"))
    if read != need.version:
        raise StaleRecord(
            _(
                "Someone changed %(reference)s since you read it: you have version %(read)s, "
                "it is now at version %(now)s. Read it again, check their change, then make "
                "yours again."
            )
            % {"reference": need.reference, "read": read, "now": need.version},
            field="If-Match",
        )
    return read


def _closed(need: ProcurementNeed) -> HttpResponse:
    return problem(
        409, _("%(reference)s is closed; it is no longer changed.") % {"reference": need.reference}
    )


def _programme(code: str | None) -> Programme:
    try:
        return programme_get(code=code)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="programme") from None


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the API authenticates every call
    return request.user


def _posted(values: Mapping[str, Any]) -> dict[str, str]:
    """API values as the web form posts them: text, nothing as an empty string."""
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _dumped(rows: Sequence[Schema]) -> list[dict[str, Any]]:
    return [row.model_dump() for row in rows]


def _current_values(need: ProcurementNeed) -> dict[str, Any]:
    """The need's editable values as the API names them: what a ``PATCH`` starts from."""
    values: dict[str, Any] = {name: getattr(need, name) for name in EDITABLE_FIELDS}
    values["country"] = need.country.code
    values["beneficiary"] = need.beneficiary.code
    values["component"] = need.component.number if need.component else None
    return values


def _valid(
    form: NeedForm, lots: Sequence[Mapping[str, Any]], items: Sequence[Mapping[str, Any]]
) -> tuple[list[LotInput], list[ItemInput]]:
    """The lots and items for the services if the form and every row are valid, each checked
    by the web page's forms; else all their messages, rows named by their place in the list."""
    lot_forms = lot_api_formset([_posted(row) for row in lots])
    item_forms = item_api_formset([_posted(row) for row in items])
    errors = {name: list(messages) for name, messages in form.errors.items()}
    for prefix, formset in (("lots", lot_forms), ("items", item_forms)):
        if formset.non_form_errors():
            errors[prefix] = list(formset.non_form_errors())
        for index, row in enumerate(formset.forms):
            for name, messages in row.errors.items():
                field = "" if name == NON_FIELD_ERRORS else f".{name}"
                errors[f"{prefix}.{index}{field}"] = list(messages)
    if errors:
        raise ValidationError(errors)
    return lots_of(lot_forms), items_of(item_forms)


def _check(form: forms.Form, *, names: Mapping[str, str] | None = None) -> None:
    """Refuse an invalid form with its messages, its fields as the body names them."""
    if not form.is_valid():
        renamed = names or {}
        raise ValidationError(
            {renamed.get(name, name): list(messages) for name, messages in form.errors.items()}
        )


@contextmanager
def _rows_named(lots: Sequence[LotInput]) -> Iterator[None]:
    """The services refuse lots and items as a whole (two lots with one number, an item that
    names no lot, a quantity below what was delivered) without saying which row: name the
    body field, ``lots`` or ``items``, the refusal is about."""
    try:
        yield
    except ValidationError as error:
        numbers = [lot.number for lot in lots]
        rows = "lots" if len(set(numbers)) != len(numbers) else "items"
        if not hasattr(error, "error_dict"):
            raise ValidationError({rows: error.messages}) from None
        named: dict[str, list[str]] = {}
        for name, messages in error.message_dict.items():
            if name not in NeedForm.base_fields:  # a lot's or an item's field
                name = "lots" if name in LotForm.base_fields else "items"
            named.setdefault(name, []).extend(messages)
        raise ValidationError(named) from None
