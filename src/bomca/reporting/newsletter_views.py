"""Newsletter issues in the app: list, create, edit, preview and download (PDF and HTML)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.core.richtext import rich_text_for_editing
from bomca.reference.models import Country
from bomca.reference.selectors import programme_for_request
from bomca.reporting.forms import (
    EditorialFormSet,
    NarrativeForm,
    NewsletterCreateForm,
    NewsletterIssueForm,
    PictureFormSet,
    RedraftForm,
)
from bomca.reporting.infographics import CountShown, published
from bomca.reporting.models import IssueStatus, NewsletterIssue
from bomca.reporting.newsletter import (
    FORMATS,
    LANGUAGES,
    newsletter_file_name,
    newsletter_html,
    newsletter_pdf,
)
from bomca.reporting.selectors import newsletter_issue_list
from bomca.reporting.services import (
    EDITORIAL_FIELDS,
    editorials_replace,
    narrative_update,
    narratives_redraft,
    newsletter_issue_create,
    newsletter_issue_update,
    picture_check,
    picture_save,
)


def _readable_issue(request: HttpRequest, pk: int) -> NewsletterIssue:
    """The issue if the user may read it; 404 for a draft a donor may not see, never a hint."""
    if not access.may_view_newsletters(request.user):
        raise PermissionDenied
    issues = access.newsletters_visible_to(
        request.user, NewsletterIssue.objects.select_related("programme")
    )
    return get_object_or_404(issues, pk=pk)


def _editable_issue(request: HttpRequest, pk: int) -> NewsletterIssue:
    issue = _readable_issue(request, pk)
    if not access.may_edit_newsletters(request.user):
        raise PermissionDenied
    return issue


def newsletter_list_view(request: HttpRequest) -> HttpResponse:
    """Every issue of the programme; editors create the next one here."""
    if not access.may_view_newsletters(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    may_edit = access.may_edit_newsletters(request.user)
    form = NewsletterCreateForm(
        request.POST if request.method == "POST" else None, programme=programme
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                issue = newsletter_issue_create(
                    programme=programme,
                    number=form.cleaned_data["number"],
                    period_code=form.cleaned_data["period_code"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Issue %(number)s created, with narratives drafted from the records. "
                        "Write the editorials and the featured story next."
                    )
                    % {"number": issue.number},
                )
                return redirect("reporting:newsletter_edit", pk=issue.pk)
    context = {
        "programme": programme,
        "issues": access.newsletters_visible_to(
            request.user, newsletter_issue_list(programme=programme)
        ),
        "form": form,
        "may_edit": may_edit,
    }
    return render(
        request,
        "reporting/newsletter/list.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


def newsletter_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _readable_issue(request, pk)
    context = {
        "issue": issue,
        "programme": issue.programme,
        "may_edit": access.may_edit_newsletters(request.user),
        "editorials": issue.editorials.all(),
        "narratives": issue.narratives.select_related("component"),
        "pictures": issue.pictures.all(),
        "languages": LANGUAGES,
        "redraft_form": RedraftForm(issue=issue),
    }
    return render(request, "reporting/newsletter/detail.html", context)


def newsletter_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole issue on one page; one save, all or nothing."""
    issue = _editable_issue(request, pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = NewsletterIssueForm(data, instance=issue)
    editorials = EditorialFormSet(
        data,
        prefix="editorials",
        initial=[
            {
                **{field: getattr(editorial, field) for field in EDITORIAL_FIELDS},
                "text_en": rich_text_for_editing(editorial.text_en),
                "text_ru": rich_text_for_editing(editorial.text_ru),
            }
            for editorial in issue.editorials.order_by("order", "pk")
        ],
    )
    narratives = [
        NarrativeForm(data, narrative=narrative)
        for narrative in issue.narratives.select_related("component").order_by("component__number")
    ]
    pictures = PictureFormSet(
        data,
        files,
        prefix="pictures",
        initial=[
            {
                "caption_en": picture.caption_en,
                "caption_ru": picture.caption_ru,
                "picture_id": picture.pk,
            }
            for picture in issue.pictures.order_by("order", "pk")
        ],
    )
    if request.method == "POST" and _save_issue(issue, form, editorials, narratives, pictures):
        messages.success(request, _("Issue %(number)s saved.") % {"number": issue.number})
        return redirect("reporting:newsletter", pk=issue.pk)
    context = {
        "issue": issue,
        "programme": issue.programme,
        "form": form,
        "editorials": editorials,
        "narratives": narratives,
        "pictures": pictures,
        "has_errors": request.method == "POST",
    }
    return render(
        request,
        "reporting/newsletter/edit.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


def _save_issue(
    issue: NewsletterIssue,
    form: NewsletterIssueForm,
    editorials: Any,
    narratives: list[NarrativeForm],
    pictures: Any,
) -> bool:
    """Validate every form, check every upload by content, then save all in one transaction.

    Uploads are checked before anything is written, and a picture file written before a later
    failure is removed again, so a refused save leaves neither rows nor files behind.
    """
    forms_valid = [form.is_valid(), editorials.is_valid(), pictures.is_valid()]
    forms_valid += [narrative.is_valid() for narrative in narratives]
    if not all(forms_valid) or not _uploads_acceptable(pictures):
        return False
    written: list[str] = []
    try:
        with transaction.atomic():
            newsletter_issue_update(
                issue=issue,
                data={field: form.cleaned_data[field] for field in NewsletterIssueForm.Meta.fields},
            )
            editorials_replace(issue=issue, editorials=_editorial_rows(editorials))
            for narrative in narratives:
                narrative_update(
                    narrative=narrative.narrative,
                    text_en=narrative.cleaned_data["text_en"],
                    text_ru=narrative.cleaned_data["text_ru"],
                )
            _save_pictures(issue, pictures, written)
    except ValidationError as error:
        for name in written:
            default_storage.delete(name)
        form.add_error(None, error.messages)
        return False
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return True


def _editorial_rows(editorials: Any) -> list[dict[str, Any]]:
    """The editorials to keep, numbered in the order of the form."""
    rows = [
        row
        for row in editorials.cleaned_data
        if row and not row.get("DELETE") and row.get("author")
    ]
    return [
        {**{field: row.get(field, "") for field in EDITORIAL_FIELDS}, "order": order}
        for order, row in enumerate(rows, start=1)
    ]


def _uploads_acceptable(pictures: Any) -> bool:
    """Check each uploaded picture by its content; errors go to that picture's field."""
    acceptable = True
    for number, (picture_form, row) in enumerate(
        zip(pictures.forms, pictures.cleaned_data, strict=True), start=1
    ):
        upload = row.get("image") if row and not row.get("DELETE") else None
        if upload:
            try:
                picture_check(upload)
            except ValidationError as error:
                picture_form.add_error("image", error.messages)
                for message in error.messages:
                    pictures.non_form_errors().append(
                        _("Picture %(number)s: %(problem)s")
                        % {"number": number, "problem": message}
                    )
                acceptable = False
    return acceptable


def _save_pictures(issue: NewsletterIssue, pictures: Any, written: list[str]) -> None:
    existing = {picture.pk: picture for picture in issue.pictures.all()}
    order = 0
    for row in pictures.cleaned_data:
        if not row:
            continue
        picture = existing.get(row.get("picture_id") or 0)
        if row.get("DELETE"):
            if picture is not None:
                picture.delete()
            continue
        order += 1
        saved = picture_save(
            issue=issue,
            picture=picture,
            caption_en=row["caption_en"],
            caption_ru=row.get("caption_ru", ""),
            order=order,
            upload=row.get("image") or None,
        )
        if row.get("image") and saved.image.name:
            written.append(saved.image.name)


@require_POST
def narratives_redraft_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the chosen components' narratives again from the period's activities."""
    issue = _editable_issue(request, pk)
    form = RedraftForm(request.POST, issue=issue)
    if form.is_valid():
        changed = narratives_redraft(issue=issue, components=form.cleaned_data["components"])
        messages.success(
            request,
            ngettext(
                "%(count)d narrative drafted again from the records.",
                "%(count)d narratives drafted again from the records.",
                changed,
            )
            % {"count": changed},
        )
    else:
        messages.error(request, _("Choose at least one component to draft again."))
    return redirect("reporting:newsletter", pk=issue.pk)


def _count_for(request: HttpRequest, issue: NewsletterIssue) -> CountShown:
    """Counts of people in a draft as the reader may see them; a published issue follows the
    publication rule (exact, but "<5" for 1 to 4 people)."""
    if issue.status == IssueStatus.PUBLISHED:
        return published
    countries = dict(Country.objects.values_list("code", "pk"))
    return access.count_shown_by_country(request.user, countries)


def newsletter_preview_view(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The issue as readers will see it, in the browser (the PDF is the same page printed)."""
    issue = _readable_issue(request, pk)
    if language not in LANGUAGES:
        raise Http404(_("Unknown language."))
    return HttpResponse(
        newsletter_html(
            issue, language=language, standalone=False, count=_count_for(request, issue)
        )
    )


def newsletter_download_view(
    request: HttpRequest, pk: int, language: str, file_format: str
) -> HttpResponse:
    return newsletter_file_response(request, _readable_issue(request, pk), language, file_format)


def newsletter_file_response(
    request: HttpRequest, issue: NewsletterIssue, language: str, file_format: str
) -> HttpResponse:
    """The issue as a file to keep (HTML or PDF, English or Russian), counts of people as the
    reader may see them; every download is in the security log. The web page's download and
    the API's answer with this."""
    if language not in LANGUAGES or file_format not in FORMATS:
        raise Http404(_("Unknown language or format."))
    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={
            "what": f"newsletter {issue.number}",
            "format": file_format,
            "language": language,
        },
    )
    if file_format == "pdf":
        response = HttpResponse(
            newsletter_pdf(issue, language=language, count=_count_for(request, issue)),
            content_type="application/pdf",
        )
    else:
        response = HttpResponse(
            newsletter_html(
                issue, language=language, standalone=True, count=_count_for(request, issue)
            ),
            content_type="text/html; charset=utf-8",
        )
    name = newsletter_file_name(issue, language=language, file_format=file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
