"""Views of procurement: the list and its export, a need's page, its forms (the need with its
lots and items, a move to another step, a delivery, a hand-over) and the certificate download.

Every view asks ``bomca.accounts.access``: a need outside the user's countries is not found
(404, no hint that it exists); a change by a role that may not make it is refused (403).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.core.errors import ApplicationError
from bomca.core.http import HtmxHttpRequest
from bomca.core.records import StaleRecord
from bomca.core.spreadsheets import SPREADSHEET_TYPES, spreadsheet_response
from bomca.core.uploads import upload_too_large
from bomca.procurement.exports import need_export_header, need_export_rows
from bomca.procurement.forms import (
    DeliveryForm,
    HandOverForm,
    NeedFilterForm,
    NeedForm,
    TransitionForm,
    item_formset,
    items_of,
    lot_formset,
    lots_of,
)
from bomca.procurement.models import (
    Delivery,
    HandOver,
    HandOverLine,
    NeedStatus,
    ProcurementNeed,
)
from bomca.procurement.selectors import (
    need_items,
    need_list,
    need_timeline,
    need_totals,
    need_values,
)
from bomca.procurement.services import (
    CERTIFICATE_CONTENT_TYPES,
    delivery_record,
    hand_over_record,
    need_create,
    need_move,
    need_update,
    transitions_from,
)
from bomca.reference.selectors import programme_for_request

PAGE_SIZE = 25
#: The status of a form page shown again: 422 for errors, 409 when someone else saved the need
#: since the person opened it (as on the activity and grants pages).
INVALID, STALE = 422, 409


def _listed(request: HttpRequest) -> tuple[Any, NeedFilterForm, Any]:
    """The programme, the filter form and the needs it and the user's scope leave."""
    if not access.may_view_procurement(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    form = NeedFilterForm(request.GET or None, programme=programme)
    needs = need_list(programme=programme, filters=form.filters(), today=timezone.localdate())
    return programme, form, access.by_country_visible_to(request.user, needs)


def need_list_view(request: HtmxHttpRequest) -> HttpResponse:
    programme, form, needs = _listed(request)
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    values = need_values(list(page.object_list))
    rows = [(need, values.get(need.pk)) for need in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "rows": rows,
        "totals": need_totals(needs),
        "query": query.urlencode(),
        "may_manage": access.may_manage_procurement(request.user),
    }
    template = "procurement/_list.html" if request.htmx else "procurement/list.html"
    return render(request, template, context)


def need_export_view(request: HttpRequest) -> HttpResponseBase:
    """The list as CSV or XLSX, one row per item: the same filters and access; logged."""
    export_format = request.GET.get("format", "xlsx")
    if export_format not in SPREADSHEET_TYPES:
        raise Http404(_("Unknown export format."))
    programme, _form, needs = _listed(request)
    header = need_export_header()
    rows = need_export_rows(needs)
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "procurement needs", "format": export_format, "rows": needs.count()},
    )
    filename = f"{programme.code}-procurement-{timezone.localdate():%Y%m%d}.{export_format}"
    return spreadsheet_response(
        file_format=export_format,
        filename=filename,
        title=_("Procurement"),
        header=header,
        rows=rows,
    )


def _visible_need(request: HttpRequest, reference: str) -> ProcurementNeed:
    """The need with ``reference`` if the user may see it; 404 otherwise, never a hint."""
    needs = ProcurementNeed.objects.select_related(
        "programme", "country", "beneficiary", "component"
    )
    return get_object_or_404(access.by_country_visible_to(request.user, needs), reference=reference)


def _managed_need(request: HttpRequest, reference: str) -> ProcurementNeed:
    need = _visible_need(request, reference)
    if not access.may_manage_procurement(request.user):
        raise PermissionDenied
    return need


def need_detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    need = _visible_need(request, reference)
    items = need_items(need)
    lines = HandOverLine.objects.select_related("item__lot").order_by("item__lot__number", "pk")
    hand_overs = need.hand_overs.select_related("receiving_organisation").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    deliveries = Delivery.objects.filter(item__lot__need=need).select_related("item__lot")
    may_manage = access.may_manage_procurement(request.user)
    context = {
        "need": need,
        "programme": need.programme,
        "lots": _lots(items),
        "deliveries": deliveries.order_by("date", "pk"),
        "hand_overs": hand_overs,
        "timeline": need_timeline(need),
        "may_edit": may_manage and not need.is_closed,
        "may_move": may_manage and bool(transitions_from(need)),
        "may_deliver": may_manage
        and need.status == NeedStatus.CONTRACTED
        and any(row.to_deliver > 0 for row in items),
        "may_hand_over": may_manage
        and need.status in (NeedStatus.CONTRACTED, NeedStatus.DELIVERED)
        and any(row.to_hand_over > 0 for row in items),
        "may_download": access.may_download_signed_documents(request.user, need.country_id),
        "may_view_history": access.may_view_history(request.user),
    }
    return render(request, "procurement/detail.html", context)


def _lots(items: list[Any]) -> list[tuple[Any, list[Any]]]:
    """The items grouped by their lot, in lot order."""
    grouped: dict[int, tuple[Any, list[Any]]] = {}
    for row in items:
        grouped.setdefault(row.item.lot_id, (row.item.lot, []))[1].append(row)
    return list(grouped.values())


def _version_of(form: Any) -> int | None:
    return form.cleaned_data.get("version")


def _errors_to(form: Any, error: ValidationError | ApplicationError) -> None:
    """Put a service's refusal on the form: on its field when the form has one, else on top."""
    if isinstance(error, ApplicationError):
        form.add_error(_shown_field(form, error.field), error.message)
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(_shown_field(form, name), errors)
        return
    form.add_error(None, error.messages)


def _saved(
    request: HttpRequest,
    form: Any,
    write: Callable[[], object],
    *,
    reference: str,
    success: str,
) -> HttpResponse | int:
    """Make the change (one service call) for a valid form: then the message and the need's
    page; or, with the service's refusal on the form and nothing changed, the status of the
    page that shows it again (409 when someone saved the need in between)."""
    try:
        write()
    except (ValidationError, ApplicationError) as error:
        _errors_to(form, error)
        return STALE if isinstance(error, StaleRecord) else INVALID
    messages.success(request, success)
    return redirect("procurement:detail", reference=reference)


def _form_page(
    request: HttpRequest,
    template: str,
    need: ProcurementNeed,
    form: Any,
    *,
    refused: int = INVALID,
    **extra: Any,
) -> HttpResponse:
    """A need's form page; ``refused`` (422 or 409) when a posted form comes back refused."""
    status = refused if request.method == "POST" else 200
    context = {"need": need, "programme": need.programme, "form": form, **extra}
    return render(request, template, context, status=status)


def _shown_field(form: Any, name: str | None) -> str | None:
    """``name`` if the form shows such a field; else None, for the message on top (a hidden
    field's error, such as the version's, would not be seen)."""
    field = form.fields.get(name) if name else None
    return name if field is not None and not field.widget.is_hidden else None


@require_http_methods(["GET", "POST"])
def need_create_view(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_procurement(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    data = request.POST if request.method == "POST" else None
    form = NeedForm(data, programme=programme)
    lots, items = lot_formset(data, need=None), item_formset(data, need=None)
    if request.method == "POST" and form.is_valid() and lots.is_valid() and items.is_valid():
        try:
            need = need_create(
                programme=programme,
                data=form.service_data(),
                lots=lots_of(lots),
                items=items_of(items),
                identified_on=form.cleaned_data["identified_on"],
                by=request.user,  # type: ignore[arg-type]
            )
        except (ValidationError, ApplicationError) as error:
            _errors_to(form, error)
        else:
            messages.success(
                request, _("Need %(reference)s recorded.") % {"reference": need.reference}
            )
            return redirect("procurement:detail", reference=need.reference)
    return _render_need_form(request, form, lots, items, need=None, programme=programme)


@require_http_methods(["GET", "POST"])
def need_edit_view(request: HttpRequest, reference: str) -> HttpResponse:
    need = _managed_need(request, reference)
    if need.is_closed:
        messages.error(
            request,
            _("%(reference)s is closed; it is no longer changed.") % {"reference": reference},
        )
        return redirect("procurement:detail", reference=reference)
    data = request.POST if request.method == "POST" else None
    form = NeedForm(data, instance=need, programme=need.programme)
    lots, items = lot_formset(data, need=need), item_formset(data, need=need)
    refused = INVALID
    if request.method == "POST" and form.is_valid() and lots.is_valid() and items.is_valid():
        saved = _saved(
            request,
            form,
            lambda: need_update(
                need=need,
                data=form.service_data(),
                lots=lots_of(lots),
                items=items_of(items),
                expected_version=_version_of(form),
            ),
            reference=reference,
            success=_("Need %(reference)s saved.") % {"reference": reference},
        )
        if isinstance(saved, HttpResponse):
            return saved
        refused = saved
    return _render_need_form(
        request, form, lots, items, need=need, programme=need.programme, refused=refused
    )


def _render_need_form(
    request: HttpRequest,
    form: NeedForm,
    lots: Any,
    items: Any,
    *,
    need: ProcurementNeed | None,
    programme: Any,
    refused: int = INVALID,
) -> HttpResponse:
    status = refused if request.method == "POST" else 200
    context = {"form": form, "lots": lots, "items": items, "need": need, "programme": programme}
    return render(request, "procurement/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def need_move_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Move a need to another step; only the allowed moves are offered, and a refused one
    changes nothing and says why."""
    need = _managed_need(request, reference)
    allowed = transitions_from(need)
    form = TransitionForm(request.POST or None, need=need, allowed=allowed)
    refused = INVALID
    if request.method == "POST" and form.is_valid():
        saved = _saved(
            request,
            form,
            lambda: need_move(
                need=need,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                by=request.user,  # type: ignore[arg-type]
                expected_version=_version_of(form),
            ),
            reference=reference,
            success=_("%(reference)s moved.") % {"reference": reference},
        )
        if isinstance(saved, HttpResponse):
            return saved
        refused = saved
    return _form_page(
        request, "procurement/move.html", need, form, refused=refused, closed=not allowed
    )


@require_http_methods(["GET", "POST"])
def delivery_create_view(request: HttpRequest, reference: str) -> HttpResponse:
    need = _managed_need(request, reference)
    form = DeliveryForm(request.POST or None, items=need_items(need))
    if request.method == "POST" and form.is_valid():
        saved = _saved(
            request,
            form,
            lambda: delivery_record(
                item=form.chosen_item(),
                quantity=form.cleaned_data["quantity"],
                on=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                by=request.user,  # type: ignore[arg-type]
            ),
            reference=reference,
            success=_("Delivery recorded."),
        )
        if isinstance(saved, HttpResponse):
            return saved
    return _form_page(request, "procurement/delivery_form.html", need, form)


@require_http_methods(["GET", "POST"])
def hand_over_create_view(request: HttpRequest, reference: str) -> HttpResponse:
    need = _managed_need(request, reference)
    items = need_items(need)
    posted = request.method == "POST"
    # Reading the posted data first runs the upload handlers, which mark a file too large.
    form = HandOverForm(
        request.POST if posted else None, request.FILES if posted else None, need=need, items=items
    )
    if posted and upload_too_large(request):
        form.is_valid()
        form.errors.pop("certificate", None)
        form.add_error(
            "certificate",
            _("The file is larger than %(size)s MB; scan it at a lower resolution.")
            % {"size": math.ceil(settings.MAX_UPLOAD_BYTES / (1024 * 1024))},
        )
    if posted and not form.errors and form.is_valid():
        saved = _saved(
            request,
            form,
            lambda: hand_over_record(
                need=need,
                receiving_organisation=form.cleaned_data["receiving_organisation"],
                place=form.cleaned_data["place"],
                on=form.cleaned_data["date"],
                lines=form.line_inputs(),
                certificate=form.cleaned_data["certificate"],
                note=form.cleaned_data["note"],
                by=request.user,  # type: ignore[arg-type]
            ),
            reference=reference,
            success=_("Hand-over recorded."),
        )
        if isinstance(saved, HttpResponse):
            return saved
    return _form_page(request, "procurement/hand_over_form.html", need, form)


def certificate_download_view(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A signed hand-over certificate, to staff who see the need (never donors); logged."""
    need = _visible_need(request, reference)
    if not access.may_download_signed_documents(request.user, need.country_id):
        raise PermissionDenied
    hand_over = get_object_or_404(HandOver, need=need, pk=pk)
    name = hand_over.certificate.name
    if not name or not default_storage.exists(name):
        raise Http404(_("No signed certificate is on file for this hand-over."))
    suffix = PurePath(name).suffix.lower()
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "hand-over certificate", "need": need.reference, "hand_over": pk},
    )
    stem = slugify(PurePath(hand_over.certificate_name).stem) or "certificate"
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{need.reference}-{hand_over.date:%Y%m%d}-{stem}{suffix}",
        content_type=CERTIFICATE_CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )
