"""Named people through the API: the participants and an activity's attendance list, for the
roles that see personal data (managers, administrators, M&E officers; national coordinators
for their countries), as the web pages show them. Every other role gets a 403: they see counts
of people, never people (donors never receive a personal field)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from bomca.accounts import access
from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.activities.models import Activity
from bomca.api.pagination import Page, PageQuery, page_of
from bomca.api.responses import json_response
from bomca.people.models import Attendance, Participant

router = Router(tags=["people"])

PERSONAL_RULE = (
    "Personal data: only the programme manager, administrators and M&E officers (everyone) "
    "and national coordinators (the people of their countries) are answered; every other "
    "role gets 403."
)

#: A participant's columns, read with ``.values()``.
PARTICIPANT_FIELDS = (
    "pk",
    "full_name",
    "sex",
    "country__code",
    "organisation__code",
    "organisation_name",
    "organisation__name_en",
    "position",
    "source",
    "activities",
)
#: Contacts and year of birth: only when asked for (``personal=true``), as the web export.
CONTACT_FIELDS = ("year_of_birth", "email", "phone")

#: An attendance's own columns: scores and ratings are personal data too.
ATTENDANCE_OWN_FIELDS = (
    "role",
    "days_attended",
    "completed",
    "pre_test",
    "post_test",
    "satisfaction",
)
ATTENDANCE_FIELDS = (
    *ATTENDANCE_OWN_FIELDS,
    "participant_id",
    "participant__full_name",
    "participant__sex",
    "participant__country__code",
    "participant__organisation__code",
    "participant__organisation__name_en",
    "participant__organisation_name",
    "participant__position",
)


class ParticipantOut(Schema):
    id: int
    full_name: str
    sex: str
    country: str
    #: The known organisation's code, else null.
    organisation: str | None
    #: The organisation's name: the known one's, else as the attendance list wrote it.
    organisation_name: str
    position: str
    #: "recorded", or "illustrative" for the synthetic people of the reference data.
    source: str
    #: How many activities the person attended.
    activities: int
    #: Only with ``personal=true`` (the request is in the security log).
    year_of_birth: int | None = None
    email: str | None = None
    phone: str | None = None


class ParticipantQuery(Schema):
    text: str = Field("", max_length=100, description="Part of the name or organisation.")
    personal: bool = Field(
        False, description="Add year of birth, e-mail and phone (written in the security log)."
    )


class AttendanceOut(Schema):
    participant: int
    full_name: str
    position: str
    sex: str
    country: str
    organisation: str | None
    organisation_name: str
    role: str
    days_attended: int | None
    completed: bool | None
    pre_test: Decimal | None
    post_test: Decimal | None
    satisfaction: int | None


class AttendancePage(Page[AttendanceOut]):
    #: People on the list from outside the caller's countries, not shown (national
    #: coordinators; 0 for everyone else).
    hidden: int


def _require_personal_data(request: HttpRequest) -> None:
    if not access.may_see_personal_data(request.user):
        raise PermissionDenied


def _participant(row: dict[str, Any], *, personal: bool) -> dict[str, Any]:
    return {
        "id": row["pk"],
        **{name: row[name] for name in ("full_name", "sex", "position", "source", "activities")},
        "country": row["country__code"],
        "organisation": row["organisation__code"],
        "organisation_name": row["organisation__name_en"] or row["organisation_name"],
        **({name: row[name] for name in CONTACT_FIELDS} if personal else {}),
    }


@router.get(
    "/participants",
    response=Page[ParticipantOut],
    summary="Participants",
    description=PERSONAL_RULE,
)
def participant_list_endpoint(
    request: HttpRequest, query: Query[ParticipantQuery], paging: Query[PageQuery]
) -> HttpResponse:
    """The named participants the caller may see, by name, as the participants page lists
    them; two queries whatever the page size."""
    _require_personal_data(request)
    people = access.participants_visible_to(request.user, Participant.objects.all())
    if text := query.text.strip():
        people = people.filter(Q(full_name__icontains=text) | Q(organisation_name__icontains=text))
    people = people.annotate(activities=Count("attendances")).order_by("full_name", "pk")
    fields = PARTICIPANT_FIELDS + (CONTACT_FIELDS if query.personal else ())
    envelope, rows = page_of(request, people, paging, fields=fields)
    if query.personal:
        audit_event_record(
            kind=AuditEventKind.EXPORT,
            request=request,
            detail={"what": "participants", "format": "api", "personal": True},
        )
    results = [_participant(row, personal=query.personal) for row in rows]
    return json_response({**envelope, "results": results})


def _attendance(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "participant": row["participant_id"],
        "full_name": row["participant__full_name"],
        "position": row["participant__position"],
        "sex": row["participant__sex"],
        "country": row["participant__country__code"],
        "organisation": row["participant__organisation__code"],
        "organisation_name": row["participant__organisation__name_en"]
        or row["participant__organisation_name"],
        **{name: row[name] for name in ATTENDANCE_OWN_FIELDS},
    }


@router.get(
    "/activities/{code}/attendance",
    response=AttendancePage,
    summary="An activity's attendance list",
    description=PERSONAL_RULE,
)
def attendance_endpoint(request: HttpRequest, code: str, paging: Query[PageQuery]) -> HttpResponse:
    """The people on the attendance list of an activity the caller may see (404 otherwise),
    by role and name, with days, completion, test scores and rating: the rows the activity's
    page shows, and how many are not shown (outside a national coordinator's countries)."""
    _require_personal_data(request)
    activities = access.activities_visible_to(request.user, Activity.objects.filter(code=code))
    activity_id = activities.values_list("pk", flat=True).first()
    if activity_id is None:
        raise Http404
    attendances = Attendance.objects.filter(activity_id=activity_id)
    total = attendances.count()
    visible = access.with_participant_visible_to(request.user, attendances).order_by(
        "role", "participant__full_name", "pk"
    )
    envelope, rows = page_of(request, visible, paging, fields=ATTENDANCE_FIELDS)
    return json_response(
        {
            **envelope,
            "hidden": total - envelope["count"],
            "results": [_attendance(row) for row in rows],
        }
    )
