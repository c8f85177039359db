"""The importer in the app: upload, preview with the mapping, import; and the blank template."""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.activities.models import Activity
from bomca.core.errors import ApplicationError
from bomca.core.uploads import upload_too_large
from bomca.imports.activities import ACTIVITY_FIELD_LABELS, ACTIVITY_FIELDS, activities_import
from bomca.imports.forms import MappingForm, UploadForm
from bomca.imports.models import ImportKind, ImportRun, RunStatus
from bomca.imports.procurement_items import ITEM_FIELD_LABELS, ITEM_FIELDS, items_import
from bomca.imports.reading import PARTICIPANT_FIELDS
from bomca.imports.services import (
    PARTICIPANT_FIELD_LABELS,
    ImportResult,
    import_run_record,
    participants_import,
    sheet_layout,
    template_mapping,
    template_save,
)
from bomca.imports.templates_xlsx import (
    activities_template_xlsx,
    items_template_xlsx,
    participants_template_xlsx,
)
from bomca.procurement.models import ProcurementNeed
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request

#: Uploaded files wait here between preview and import: under MEDIA_ROOT, never served.
PENDING_DIR = "imports/pending"


def _changeable_activity(request: HttpRequest, code: str) -> Activity:
    activity = get_object_or_404(
        access.activities_visible_to(request.user, Activity.objects.select_related("programme")),
        code=code,
    )
    if not access.may_import_participants(request.user, activity):
        raise PermissionDenied
    return activity


def _upload(
    request: HttpRequest,
    *,
    kind: str,
    run_import: Callable[..., ImportResult],
    target: dict[str, Any],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The upload page of every kind: the file is read, checked and previewed (a dry run),
    kept in private storage while the user looks at the preview, and nothing is imported yet.
    ``target`` names what the run imports into (``activity``, ``programme`` or ``need``)."""
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and upload_too_large(request):
        form = UploadForm(request.POST, kind=kind)
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error(
            "file",
            _("The file is larger than %(size)s MB; split it or remove pictures.")
            % {"size": math.ceil(settings.MAX_UPLOAD_BYTES / (1024 * 1024))},
        )
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = run_import(
                data=data,
                filename=upload.name,
                template=form.cleaned_data["template"],
                dry_run=True,
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            run = import_run_record(
                result=result,
                data=data,
                filename=upload.name,
                kind=kind,
                user=request.user,
                request=request,
                **target,
            )
            _keep_pending(run, data)
            return redirect("imports:preview", pk=run.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def participants_upload_view(request: HttpRequest, code: str) -> HttpResponse:
    """Upload an attendance sheet for an activity; it is checked and previewed, not imported."""
    activity = _changeable_activity(request, code)
    return _upload(
        request,
        kind=ImportKind.PARTICIPANTS,
        run_import=functools.partial(participants_import, activity=activity),
        target={"activity": activity},
        template="imports/upload.html",
        context={"activity": activity},
    )


def activities_upload_view(request: HttpRequest) -> HttpResponse:
    """Upload a sheet of activities (a work plan or a quarter's list); checked, not imported."""
    if not access.may_record_activities(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    return _upload(
        request,
        kind=ImportKind.ACTIVITIES,
        run_import=functools.partial(activities_import, programme=programme, user=request.user),
        target={"programme": programme},
        template="imports/upload_activities.html",
        context={"programme": programme},
    )


def _changeable_need(request: HttpRequest, reference: str) -> ProcurementNeed:
    need = get_object_or_404(
        access.by_country_visible_to(
            request.user, ProcurementNeed.objects.select_related("programme")
        ),
        reference=reference,
    )
    if not access.may_manage_procurement(request.user):
        raise PermissionDenied
    return need


def items_upload_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Upload the items of a procurement need (a specification); checked, not imported."""
    need = _changeable_need(request, reference)
    return _upload(
        request,
        kind=ImportKind.PROCUREMENT_ITEMS,
        run_import=functools.partial(items_import, need=need),
        target={"need": need},
        template="imports/upload_items.html",
        context={"need": need},
    )


def _keep_pending(run: ImportRun, data: bytes) -> None:
    run.stored_file = default_storage.save(
        f"{PENDING_DIR}/{uuid.uuid4().hex}.bin", ContentFile(data)
    )
    run.status = RunStatus.PREVIEWED
    run.save(update_fields=["stored_file", "status", "updated_at"])


@dataclass
class _Target:
    """What a waiting run imports into, and how: an activity's list or a programme's activities."""

    run: ImportRun
    data: bytes
    activity: Activity | None
    need: ProcurementNeed | None
    programme: Programme
    fields: Mapping[str, Sequence[str]]
    labels: Mapping[str, str]
    run_import: Callable[..., ImportResult]
    back_url: str


def _pending_run(request: HttpRequest, pk: int) -> _Target:
    run = get_object_or_404(
        ImportRun.objects.select_related("activity", "programme", "need"), pk=pk
    )
    if run.created_by_id != request.user.pk:
        raise Http404(_("There is no such import waiting for you."))
    if run.kind == ImportKind.PARTICIPANTS and run.activity is not None:
        activity = _changeable_activity(request, run.activity.code)
        target = _Target(
            run=run,
            data=b"",
            activity=activity,
            need=None,
            programme=activity.programme,
            fields=PARTICIPANT_FIELDS,
            labels=PARTICIPANT_FIELD_LABELS,
            run_import=functools.partial(participants_import, activity=activity),
            back_url=reverse("activities:detail", args=[activity.code]),
        )
    elif run.kind == ImportKind.ACTIVITIES and run.programme is not None:
        if not access.may_record_activities(request.user):
            raise PermissionDenied
        target = _Target(
            run=run,
            data=b"",
            activity=None,
            need=None,
            programme=run.programme,
            fields=ACTIVITY_FIELDS,
            labels=ACTIVITY_FIELD_LABELS,
            run_import=functools.partial(
                activities_import, programme=run.programme, user=request.user
            ),
            back_url=reverse("activities:list"),
        )
    elif run.kind == ImportKind.PROCUREMENT_ITEMS and run.need is not None:
        need = _changeable_need(request, run.need.reference)
        target = _Target(
            run=run,
            data=b"",
            activity=None,
            need=need,
            programme=need.programme,
            fields=ITEM_FIELDS,
            labels=ITEM_FIELD_LABELS,
            run_import=functools.partial(items_import, need=need),
            back_url=reverse("procurement:detail", args=[need.reference]),
        )
    else:
        raise Http404(_("There is no such import waiting for you."))
    if run.status != RunStatus.PREVIEWED or not run.stored_file:
        raise Http404(_("This import is finished; upload the file again to import it again."))
    with default_storage.open(run.stored_file, "rb") as handle:
        target.data = handle.read()
    return target


def participants_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What the file holds and what importing it will do; change the mapping, then import."""
    target = _pending_run(request, pk)
    run, data = target.run, target.data
    sheet = request.POST.get("sheet") or run.sheet or None
    header_row = run.header_row
    mapping = {int(index): name for index, name in run.mapping.items()}
    action = request.POST.get("action", "")
    form: MappingForm | None = None
    if request.method == "POST" and action == "cancel":
        _finish(run, RunStatus.CANCELLED)
        messages.info(request, _("The import was cancelled; nothing was imported."))
        return redirect(target.back_url)
    if request.method == "POST":
        sheets, headers = sheet_layout(
            data=data,
            filename=run.file_name,
            sheet=sheet,
            header_row=run.header_row,
            fields=target.fields,
        )
        form = MappingForm(request.POST, sheets=sheets, headers=headers, labels=target.labels)
        if form.is_valid():
            changed_sheet = form.cleaned_data["sheet"] != run.sheet
            sheet = form.cleaned_data["sheet"]
            header_row = None if changed_sheet else form.cleaned_data["header_row"]
            mapping = {} if changed_sheet else form.mapping()
    result = target.run_import(
        data=data,
        filename=run.file_name,
        sheet=sheet,
        header_row=header_row,
        mapping=mapping or None,
        dry_run=not (action == "import" and form is not None and form.is_valid()),
    )
    run.sheet, run.header_row = result.sheet, result.header_row
    run.mapping = {str(index): name for index, name in result.mapping.items()}
    run.rows, run.problems = result.rows, len(result.problems) + result.more_problems
    run.save(update_fields=["sheet", "header_row", "mapping", "rows", "problems", "updated_at"])
    if form is not None and form.is_valid() and form.cleaned_data["save_as"]:
        try:
            template_save(
                kind=run.kind,
                name=form.cleaned_data["save_as"],
                mapping=template_mapping(result.headers, result.mapping),
                user=request.user,
            )
            messages.success(
                request,
                _("Mapping “%(name)s” saved for the next file.")
                % {"name": form.cleaned_data["save_as"]},
            )
        except ValidationError as error:
            form.add_error("save_as", error.messages)
    if result.imported:
        run.delete()  # the record of the import is the one made below
        import_run_record(
            result=result,
            data=data,
            filename=run.file_name,
            activity=target.activity,
            programme=target.programme,
            need=target.need,
            kind=run.kind,
            user=request.user,
            request=request,
        )
        default_storage.delete(run.stored_file)
        messages.success(request, _imported_message(result))
        return redirect(target.back_url)
    form = MappingForm(
        initial={
            "sheet": result.sheet,
            "header_row": result.header_row or 1,
            **{f"column_{index}": name for index, name in result.mapping.items()},
        },
        sheets=result.sheets,
        headers=result.headers,
        labels=target.labels,
    )
    return render(
        request,
        "imports/preview.html",
        {
            "run": run,
            "activity": target.activity,
            "need": target.need,
            "programme": target.programme,
            "result": result,
            "form": form,
            "back_url": target.back_url,
        },
        status=422 if request.method == "POST" and result.problems else 200,
    )


def _imported_message(result: ImportResult) -> str:
    if result.items is not None:
        items = result.items
        return _(
            "%(rows)s rows imported: %(created)s items added, %(updated)s changed, "
            "%(unchanged)s already as in the file."
        ) % {
            "rows": result.rows,
            "created": items.created,
            "updated": items.updated,
            "unchanged": items.unchanged,
        }
    if result.activities is not None:
        outcome = result.activities
        return _(
            "%(rows)s rows imported: %(created)s activities added, %(updated)s changed, "
            "%(unchanged)s already as in the file."
        ) % {
            "rows": result.rows,
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
        }
    report = result.report
    assert report is not None
    return _(
        "%(rows)s rows imported: %(created)s people added, %(updated)s updated, "
        "%(matched)s already recorded; the counts by sex now come from the list."
    ) % {
        "rows": result.rows,
        "created": report.participants_created,
        "updated": report.participants_updated,
        "matched": report.participants_matched,
    }


def _finish(run: ImportRun, status: str) -> None:
    if run.stored_file:
        default_storage.delete(run.stored_file)
    run.stored_file = ""
    run.status = status
    run.save(update_fields=["stored_file", "status", "updated_at"])


def participants_template_view(request: HttpRequest) -> HttpResponse:
    """A blank attendance sheet with drop-down lists, to fill in at the venue."""
    if not access.may_record_activities(request.user):
        raise PermissionDenied
    response = HttpResponse(
        participants_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="attendance-sheet-template.xlsx"'
    return response


def activities_template_view(request: HttpRequest) -> HttpResponse:
    """A blank activity sheet with the programme's components and drop-down lists."""
    if not access.may_record_activities(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    response = HttpResponse(
        activities_template_xlsx(programme),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="activities-template.xlsx"'
    return response


def items_template_view(request: HttpRequest) -> HttpResponse:
    """A blank specification of items (lots, quantities, values) with drop-down lists."""
    if not access.may_manage_procurement(request.user):
        raise PermissionDenied
    response = HttpResponse(
        items_template_xlsx(programme_for_request(request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="procurement-items-template.xlsx"'
    return response
