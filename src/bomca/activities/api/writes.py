"""Writes of activities: the same form, access rules and services as the web's create and
edit pages, with the version check of ``If-Match``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header

from bomca.accounts import access
from bomca.activities.api.reads import ActivityOut, detail_response, router
from bomca.activities.forms import ActivityForm, activity_api_form, participant_count_api_form
from bomca.activities.models import Activity, ActivityType, DeliveredBy, Format, Scope, Status
from bomca.activities.services import (
    EDITABLE_FIELDS,
    activity_create,
    activity_update,
    activity_version_check,
)
from bomca.api.concurrency import problem, required_version, stale_names_if_match
from bomca.api.schemas import StrictSchema, form_data
from bomca.core.errors import ApplicationError
from bomca.people.services import ParticipantCountInput
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_get


class ParticipantCountIn(StrictSchema):
    country: str = Field(description="ISO code of one of the programme's countries, e.g. KG.")
    organisation: str | None = Field(None, description="Code of an organisation, e.g. KG-BORDER.")
    female: int = Field(0, ge=0)
    male: int = Field(0, ge=0)
    unrecorded: int = Field(0, ge=0, description="People whose sex the list does not say.")


_COUNTS = (
    "Counts of people by country (and organisation) and sex. On a change, given counts "
    "replace the activity's; refused for an activity with an attendance list, whose counts "
    "come from the list."
)


class ActivityNew(StrictSchema):
    """A new activity: the fields of the web form, related records named as the answers name
    them (the component by its number, countries and organisations by their codes)."""

    programme: str | None = Field(None, description="Programme code; the default one if left out.")
    component: int
    title_en: str
    title_ru: str = ""
    thematic_area: str = ""
    activity_type: ActivityType
    scope: Scope
    format: Format = Format.IN_PERSON
    host_country: str | None = None
    city: str = ""
    abroad_country: str | None = None
    start_date: date
    end_date: date
    status: Status = Status.PLANNED
    delivered_by: DeliveredBy = DeliveredBy.EU_EXPERTS
    trainer_country: str | None = None
    beneficiary_organisations: list[str] = []
    co_organisers: list[str] = []
    outputs: str = ""
    narrative_en: str = ""
    narrative_ru: str = ""
    participant_counts: list[ParticipantCountIn] = Field([], description=_COUNTS)


class ActivityChange(StrictSchema):
    """A change of an activity: the fields given change, the others keep their values."""

    component: int | None = None
    title_en: str | None = None
    title_ru: str | None = None
    thematic_area: str | None = None
    activity_type: ActivityType | None = None
    scope: Scope | None = None
    format: Format | None = None
    host_country: str | None = None
    city: str | None = None
    abroad_country: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: Status | None = None
    delivered_by: DeliveredBy | None = None
    trainer_country: str | None = None
    beneficiary_organisations: list[str] | None = None
    co_organisers: list[str] | None = None
    outputs: str | None = None
    narrative_en: str | None = None
    narrative_ru: str | None = None
    participant_counts: list[ParticipantCountIn] | None = Field(None, description=_COUNTS)


@router.post(
    "",
    response={201: ActivityOut},
    summary="Record an activity",
)
def activity_create_endpoint(request: HttpRequest, payload: ActivityNew) -> HttpResponse:
    """Record an activity as the web form does (the same roles, scope, checks and messages):
    201 with the activity, its ``ETag`` and its ``Location``."""
    if not access.may_record_activities(request.user):
        raise PermissionDenied
    programme = _programme(payload.programme)
    values = payload.dict(exclude={"programme", "participant_counts"})
    form = activity_api_form(form_data(values, many=_MANY), programme=programme, user=request.user)
    counts = _valid(form, payload.participant_counts)
    if not access.may_change_activity(request.user, form.instance):
        return _out_of_scope()
    with _counts_named():
        activity = activity_create(
            programme=programme, data=form.service_data(), participant_counts=counts or []
        )
    response = detail_response(request, activity.code, status=201)
    response["Location"] = f"{request.path.rstrip('/')}/{activity.code}"
    return response


@router.patch(
    "/{code}",
    response=ActivityOut,
    summary="Change an activity",
)
def activity_change_endpoint(
    request: HttpRequest,
    code: str,
    payload: ActivityChange,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description='The ETag of the activity as read, e.g. "activity-C1-TJ-2023-004-v3".',
    ),
) -> HttpResponse:
    """Change the fields given, as the web form does: the caller must be allowed to change the
    activity as it is and as it would be. Needs ``If-Match``: 428 without it; 412, and nothing
    changed, when someone changed the activity since the version it names."""
    activity = _changeable(request, code)
    read = required_version(if_match, kind="activity", key=code, noun=_("the activity"))
    with stale_names_if_match():
        # The precondition first: a change made from an old copy is refused whatever it says.
        activity_version_check(activity=activity, expected_version=read)
    changes = payload.dict(exclude_unset=True, exclude={"participant_counts"})
    form = activity_api_form(
        form_data({**_current_values(activity), **changes}, many=_MANY),
        programme=activity.programme,
        user=request.user,
        instance=activity,
    )
    if payload.participant_counts is not None and activity.attendances.exists():
        raise ValidationError(
            {
                "participant_counts": _(
                    "The activity has an attendance list: its counts come from the list; "
                    "import a corrected list to change them."
                )
            }
        )
    counts = _valid(form, payload.participant_counts)
    if not access.may_change_activity(request.user, form.instance):
        return _out_of_scope()
    with stale_names_if_match(), _counts_named():
        activity_update(
            activity=activity,
            data=form.service_data(),
            participant_counts=counts,
            expected_version=read,
        )
    return detail_response(request, code)


def _changeable(request: HttpRequest, code: str) -> Activity:
    """The activity if the caller may see it (404 otherwise) and change it as it is (403)."""
    activities = Activity.objects.select_related(
        "programme", "component", "host_country", "abroad_country", "trainer_country"
    )
    activity = access.activities_visible_to(request.user, activities).filter(code=code).first()
    if activity is None:
        raise Http404
    if not access.may_change_activity(request.user, activity):
        raise PermissionDenied
    return activity


@contextmanager
def _counts_named() -> Iterator[None]:
    """The counts' service refuses rows with one sentence (a repeated row, by its number);
    name the body field it is about."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"participant_counts": error.messages}) from None


def _programme(code: str | None) -> Programme:
    try:
        return programme_get(code=code)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="programme") from None


_MANY = frozenset({"beneficiary_organisations", "co_organisers"})


def _current_values(activity: Activity) -> dict[str, Any]:
    """The activity's editable values as the API names them: what a ``PATCH`` starts from."""
    values: dict[str, Any] = {name: getattr(activity, name) for name in _PLAIN_FIELDS}
    values["component"] = activity.component.number
    for name in ("host_country", "abroad_country", "trainer_country"):
        country = getattr(activity, name)
        values[name] = country.code if country else None
    for name in _MANY:
        values[name] = list(getattr(activity, name).values_list("code", flat=True))
    return values


_PLAIN_FIELDS = tuple(
    name
    for name in EDITABLE_FIELDS
    if name not in {"component", "host_country", "abroad_country", "trainer_country"}
)


def _valid(
    form: ActivityForm, rows: list[ParticipantCountIn] | None
) -> list[ParticipantCountInput] | None:
    """The count rows for the services (None: none given) if the form and every row are valid,
    each checked as the web page checks it; else all their messages by field."""
    errors = {name: list(messages) for name, messages in form.errors.items()}
    counts: list[ParticipantCountInput] | None = None if rows is None else []
    programme = form.instance.programme
    for index, row in enumerate(rows or []):
        row_form = participant_count_api_form(form_data(row.dict()), programme=programme)
        if row_form.is_valid() and counts is not None:
            counts.append(row_form.as_input())
        for name, messages in row_form.errors.items():
            errors[f"participant_counts.{index}.{name}"] = list(messages)
    if errors:
        raise ValidationError(errors)
    return counts


def _out_of_scope() -> HttpResponse:
    return problem(
        403, _("You may record activities only in your components or countries."), field=None
    )
