"""People pages: the participants a user may see, duplicates to merge, the trainers' pool."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.core.spreadsheets import SPREADSHEET_TYPES, Cell, spreadsheet_response
from bomca.people.models import Attendance, AttendanceRole, Participant, Trainer
from bomca.people.selectors import duplicate_groups
from bomca.people.services import merge_plan, participants_merge
from bomca.reference.models import _in_language

PAGE_SIZE = 50
#: A trainer's latest sessions listed on the trainers' page; the others are counted.
TRAINER_SESSIONS_SHOWN = 12


def participant_list_view(request: HttpRequest) -> HttpResponse:
    """Named participants in the user's reach; other roles are told they see counts only."""
    visible = access.participants_visible_to(
        request.user, Participant.objects.select_related("country", "organisation")
    )
    text = request.GET.get("q", "").strip()
    if text:
        visible = visible.filter(
            Q(full_name__icontains=text) | Q(organisation_name__icontains=text)
        )
    # Paged first (over the index on name and id), counted after, for the page's rows only: at
    # hundreds of thousands of people, counting everyone's attendance first took seconds.
    page = Paginator(visible.order_by("full_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = dict(
        Attendance.objects.filter(participant__in=[person.pk for person in page.object_list])
        .values("participant")
        .annotate(n=Count("pk"))
        .values_list("participant", "n")
    )
    for person in page.object_list:
        person.activities = counts.get(person.pk, 0)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "text": text,
        "may_see": access.may_see_personal_data(request.user),
        "may_merge": access.may_merge_participants(request.user),
    }
    return render(request, "people/list.html", context)


def participant_export_view(request: HttpRequest, file_format: str) -> HttpResponseBase:
    """The participants the user may see as CSV or XLSX; contacts and year of birth only when
    asked for (``?personal=1``) — the export says which; logged without names."""
    if file_format not in SPREADSHEET_TYPES:
        raise Http404(_("Unknown export format."))
    if not access.may_see_personal_data(request.user):
        raise PermissionDenied
    personal = request.GET.get("personal") == "1"
    people = (
        access.participants_visible_to(
            request.user, Participant.objects.select_related("country", "organisation")
        )
        .annotate(activities=Count("attendances"))
        .order_by("country__code", "full_name", "pk")
    )
    header = [
        _("Number"),
        _("Name"),
        _("Sex"),
        _("Country"),
        _("Organisation"),
        _("Position or rank"),
        _("Activities"),
    ]
    if personal:
        header += [_("Year of birth"), _("E-mail"), _("Phone")]

    def rows() -> Iterator[list[Cell]]:
        for person in people.iterator(chunk_size=2000):
            row: list[Cell] = [
                person.pk,
                person.full_name,
                person.get_sex_display(),
                person.country.code,
                person.organisation_label,
                person.position,
                person.activities,
            ]
            if personal:
                row += [person.year_of_birth, person.email, person.phone]
            yield row

    audit_event_record(
        kind=AuditEventKind.EXPORT,
        request=request,
        detail={"what": "participants", "format": file_format, "personal": personal},
    )
    return spreadsheet_response(
        file_format=file_format,
        title=str(_("Participants")),
        header=header,
        rows=rows(),
        filename=f"participants-{timezone.localdate():%Y%m%d}.{file_format}",
    )


def duplicates_view(request: HttpRequest) -> HttpResponse:
    """Likely duplicates (same name, country, organisation); a merge is shown before it is done."""
    if not access.may_merge_participants(request.user):
        raise PermissionDenied
    groups = duplicate_groups(Participant.objects.all())
    plan = None
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("participant") if value.isdigit()]
        people = {record.pk: record for record in Participant.objects.filter(pk__in=ids)}
        keep_id = int(request.POST.get("keep", "0") or 0)
        keep = people.get(keep_id)
        duplicates = [record for pk, record in people.items() if pk != keep_id]
        if keep is None or not duplicates:
            messages.error(request, _("Choose the record to keep and at least one duplicate."))
            return redirect("people:duplicates")
        try:
            if request.POST.get("action") == "merge":
                done = participants_merge(keep=keep, duplicates=duplicates)
                messages.success(
                    request,
                    _("%(count)s records merged into %(name)s; %(moved)s attendances moved.")
                    % {
                        "count": len(done.duplicates),
                        "name": keep.full_name,
                        "moved": done.attendances_moved,
                    },
                )
                return redirect("people:duplicates")
            plan = merge_plan(keep=keep, duplicates=duplicates)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(request, "people/duplicates.html", {"groups": groups, "plan": plan})


def trainer_list_view(request: HttpRequest) -> HttpResponse:
    """The national trainers' pool, and whom each trained across borders, a page at a time.

    Paged before anything is counted: a portfolio's pool has thousands of trainers and tens of
    thousands of sessions they delivered, and the page needs those of its own rows only."""
    trainers = access.with_participant_visible_to(
        request.user, Trainer.objects.select_related("participant", "home_country")
    )
    text = request.GET.get("q", "").strip()
    if text:
        trainers = trainers.filter(
            Q(participant__full_name__icontains=text) | Q(topics__icontains=text)
        )
    page = Paginator(
        trainers.order_by("home_country__name_en", "participant__full_name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    delivered = (
        Attendance.objects.filter(
            participant__in=[trainer.participant_id for trainer in page.object_list],
            role__in=[AttendanceRole.TRAINER, AttendanceRole.SPEAKER],
        )
        .values(
            "participant_id",
            "activity__code",
            "activity__host_country_id",
            "activity__host_country__name_en",
            "activity__host_country__name_ru",
        )
        .order_by("activity__start_date", "activity__code")
    )
    by_trainer: dict[int, list[Any]] = {}
    for row in delivered:
        by_trainer.setdefault(row["participant_id"], []).append(row)
    rows = []
    for trainer in page.object_list:
        sessions = [
            {
                "code": row["activity__code"],
                # The host country when it is not the trainer's own, in the reader's language.
                "abroad_in": _in_language(
                    row["activity__host_country__name_en"], row["activity__host_country__name_ru"]
                )
                if row["activity__host_country_id"] not in (None, trainer.home_country_id)
                else "",
            }
            for row in by_trainer.get(trainer.participant_id, [])
        ]
        rows.append(
            {
                "trainer": trainer,
                "shown": sessions[-TRAINER_SESSIONS_SHOWN:],
                "more": max(0, len(sessions) - TRAINER_SESSIONS_SHOWN),
                "abroad": sum(1 for session in sessions if session["abroad_in"]),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "text": text,
        "may_see": access.may_see_personal_data(request.user),
    }
    return render(request, "people/trainers.html", context)
