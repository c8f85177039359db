"""The one place that decides what a user may see and change.

Every list, detail, form, export, figure and endpoint asks here. Lists are narrowed in the
database (``*_visible_to`` return querysets); single records are checked with the same rules
(``may_*``). A test checks that both forms of each rule agree for every role.

Roles (``Role``) and scope:
- programme manager, administrator: everything;
- M&E officer: reads everything, corrects activities (data quality);
- component lead: reads everything, records and changes the activities of their components;
- national coordinator: reads activities held in their countries and regional ones, records
  and changes those held in their countries;
- procurement officer, grants manager, communications officer: read activities;
- donor viewer: reads, never writes, never sees personal data or who changed what.

Procurement and grants: every role reads them (national coordinators those of their
countries); the procurement officer, respectively the grants manager, and the programme
manager write them. Signed hand-over certificates and grant contracts carry signatures, so
donors read the records but do not download those files.

Results framework: every role reads the logframe; the M&E officer and the programme manager
record values, set targets and freeze a reported period; only the programme manager unfreezes.
The IATI file is downloaded by every role that reads all countries' grants (not national
coordinators).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet

from bomca.accounts.models import Role, User
from bomca.activities.models import Activity, Scope
from bomca.people.models import Attendance, Participant, Trainer
from bomca.reference.models import Component, Country, Programme
from bomca.reporting.models import IssueStatus, NewsletterIssue

#: Counts of people below this are shown as "fewer than 5" to users outside their scope.
SMALL_COUNT = 5

_EVERYTHING = frozenset({Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR})
_READ_ALL_ACTIVITIES = _EVERYTHING | {
    Role.ME_OFFICER,
    Role.COMPONENT_LEAD,
    Role.PROCUREMENT_OFFICER,
    Role.GRANTS_MANAGER,
    Role.COMMUNICATIONS_OFFICER,
    Role.DONOR_VIEWER,
}
_CHANGE_ALL_ACTIVITIES = _EVERYTHING | {Role.ME_OFFICER}
#: Roles that see participants' personal data (names, contacts, year of birth) in their scope.
_PERSONAL_DATA = _EVERYTHING | {Role.ME_OFFICER, Role.NATIONAL_COORDINATOR}
#: Roles that see exact small counts of people everywhere.
_EXACT_COUNTS = _EVERYTHING | {Role.ME_OFFICER}

AnyUser = User | AnonymousUser
_M = TypeVar("_M", bound=Model)


def role_of(user: AnyUser) -> Role | None:
    """The user's role; superusers count as administrators; inactive or anonymous: none."""
    if not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return Role(user.role)


def _country_ids(user: User) -> set[int]:
    cache = getattr(user, "_scope_country_ids", None)
    if cache is None:
        cache = set(user.countries.values_list("pk", flat=True))
        user._scope_country_ids = cache  # type: ignore[attr-defined]
    return cache


def _component_ids(user: User) -> set[int]:
    cache = getattr(user, "_scope_component_ids", None)
    if cache is None:
        cache = set(user.components.values_list("pk", flat=True))
        user._scope_component_ids = cache  # type: ignore[attr-defined]
    return cache


# --- activities ---------------------------------------------------------------------------


def activities_visible_to(user: AnyUser, activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """``activities`` narrowed, in the query, to those the user may see."""
    role = role_of(user)
    if role in _READ_ALL_ACTIVITIES:
        return activities
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return activities.filter(Q(host_country__in=_country_ids(user)) | Q(scope=Scope.REGIONAL))
    return activities.none()


def may_view_activity(user: AnyUser, activity: Activity) -> bool:
    role = role_of(user)
    if role in _READ_ALL_ACTIVITIES:
        return True
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return activity.scope == Scope.REGIONAL or activity.host_country_id in _country_ids(user)
    return False


def may_record_activities(user: AnyUser) -> bool:
    """Whether the user may record activities at all (which ones: ``may_change_activity``)."""
    role = role_of(user)
    return role in _CHANGE_ALL_ACTIVITIES or role in (
        Role.COMPONENT_LEAD,
        Role.NATIONAL_COORDINATOR,
    )


def may_change_activity(user: AnyUser, activity: Activity) -> bool:
    """Whether the user may save ``activity`` as it is now (new or changed)."""
    role = role_of(user)
    if role in _CHANGE_ALL_ACTIVITIES:
        return True
    if role == Role.COMPONENT_LEAD:
        assert isinstance(user, User)
        return activity.component_id in _component_ids(user)
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return activity.host_country_id in _country_ids(user)
    return False


def activities_changeable_by(user: AnyUser, activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """``activities`` narrowed, in the query, to those the user may change."""
    role = role_of(user)
    if role in _CHANGE_ALL_ACTIVITIES:
        return activities
    if role == Role.COMPONENT_LEAD:
        assert isinstance(user, User)
        return activities.filter(component__in=_component_ids(user))
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return activities.filter(host_country__in=_country_ids(user))
    return activities.none()


def components_recordable_by(user: AnyUser, programme: Programme) -> QuerySet[Component]:
    """The programme's components the user may record activities in."""
    components = Component.objects.filter(programme=programme).order_by("number")
    if role_of(user) == Role.COMPONENT_LEAD:
        assert isinstance(user, User)
        return components.filter(pk__in=_component_ids(user))
    return components if may_record_activities(user) else components.none()


def host_countries_recordable_by(user: AnyUser, programme: Programme) -> QuerySet[Country]:
    """The programme's countries the user may record activities in."""
    countries = programme.countries.order_by("name_en")
    if role_of(user) == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return countries.filter(pk__in=_country_ids(user))
    return countries if may_record_activities(user) else countries.none()


# --- people and figures -------------------------------------------------------------------


def may_see_personal_data(user: AnyUser) -> bool:
    """Whether the user may see participants' personal data at all (within their scope)."""
    return role_of(user) in _PERSONAL_DATA


def sees_exact_count(user: AnyUser, *, country: Country | int | None) -> bool:
    """Whether a count of people of ``country`` is shown exactly, however small, to the user.

    ``country=None`` means a figure that mixes countries (a total, a programme-wide figure).
    """
    role = role_of(user)
    if role in _EXACT_COUNTS:
        return True
    if role == Role.NATIONAL_COORDINATOR and country is not None:
        assert isinstance(user, User)
        country_id = country if isinstance(country, int) else country.pk
        return country_id in _country_ids(user)
    return False


def shown_count(user: AnyUser, value: int, *, country: Country | int | None = None) -> int | None:
    """``value`` as the user may see it; ``None`` stands for "fewer than 5".

    Outside a user's scope, counts of people are shown so that no person can be singled out:
    1 to 4 become "fewer than 5" and every other count is rounded to the nearest 5, totals
    included. Hiding the small cells alone is not enough: a small cell could be worked out by
    subtracting the exact cells from an exact total; with rounded totals it cannot.
    """
    if value == 0 or sees_exact_count(user, country=country):
        return value
    if value < SMALL_COUNT:
        return None
    return SMALL_COUNT * round(value / SMALL_COUNT)


def published_count(value: int) -> int | None:
    """A count of people in a public document (the published newsletter, the IATI file):
    exact, but 1 to 4 print as "fewer than 5" (``None``) so that no one is singled out."""
    return None if 0 < value < SMALL_COUNT else value


def counts_rounded_for(user: AnyUser) -> bool:
    """Whether some counts of people on a page are rounded for this user (to say so on it)."""
    return not sees_exact_count(user, country=None)


def count_shown_by_country(
    user: AnyUser, countries: dict[str, int]
) -> Callable[[int, str | None], int | None]:
    """``shown_count`` for figures keyed by country code (``countries``: code -> id)."""

    def shown(value: int, code: str | None) -> int | None:
        return shown_count(user, value, country=countries.get(code) if code else None)

    return shown


def participants_visible_to(
    user: AnyUser, participants: QuerySet[Participant]
) -> QuerySet[Participant]:
    """Named people: managers, administrators and M&E officers see all; national coordinators
    those of their countries; every other role none (they see counts only)."""
    return _in_reach_of(user, participants, country="country_id__in")


_WithParticipant = TypeVar("_WithParticipant", Trainer, Attendance)


def with_participant_visible_to(
    user: AnyUser, records: QuerySet[_WithParticipant]
) -> QuerySet[_WithParticipant]:
    """Trainers or attendances whose participant the user may see: the rule of
    ``participants_visible_to`` put on the records' own join (``participant__in`` a subquery
    over every participant made SQLite read all of them first, 150 ms at 450,000 people)."""
    return _in_reach_of(user, records, country="participant__country_id__in")


_People = TypeVar("_People", Participant, Trainer, Attendance)


def _in_reach_of(user: AnyUser, records: QuerySet[_People], *, country: str) -> QuerySet[_People]:
    role = role_of(user)
    if role in _EXACT_COUNTS:
        return records
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return records.filter(**{country: _country_ids(user)})
    return records.none()


def may_see_participant(user: AnyUser, participant: Participant) -> bool:
    role = role_of(user)
    if role in _EXACT_COUNTS:
        return True
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return participant.country_id in _country_ids(user)
    return False


def may_import_participants(user: AnyUser, activity: Activity) -> bool:
    """Whoever may change the activity may take in its attendance list."""
    return may_change_activity(user, activity)


def may_merge_participants(user: AnyUser) -> bool:
    """Merging people rewrites attendance across activities: data-quality roles only."""
    return role_of(user) in _EXACT_COUNTS


# --- procurement and grants ------------------------------------------------------------

_PROCUREMENT_WRITERS = _EVERYTHING | {Role.PROCUREMENT_OFFICER}
_GRANTS_WRITERS = _EVERYTHING | {Role.GRANTS_MANAGER}
_READ_ALL_COUNTRIES = _READ_ALL_ACTIVITIES  # every role but the national coordinator's


def by_country_visible_to(
    user: AnyUser, records: QuerySet[_M], *, field: str = "country"
) -> QuerySet[_M]:
    """Records tied to one country (procurement needs, grant applications and projects),
    narrowed in the query to those the user may see."""
    role = role_of(user)
    if role in _READ_ALL_COUNTRIES:
        return records
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return records.filter(**{f"{field}__in": _country_ids(user)})
    return records.none()


def may_view_country_record(user: AnyUser, country_id: int | None) -> bool:
    """The single-record form of ``by_country_visible_to``."""
    role = role_of(user)
    if role in _READ_ALL_COUNTRIES:
        return True
    if role == Role.NATIONAL_COORDINATOR:
        assert isinstance(user, User)
        return country_id in _country_ids(user)
    return False


def may_view_procurement(user: AnyUser) -> bool:
    return role_of(user) is not None


def may_manage_procurement(user: AnyUser) -> bool:
    """Record needs, move them through the procedure, record deliveries and hand-overs."""
    return role_of(user) in _PROCUREMENT_WRITERS


def may_view_grants(user: AnyUser) -> bool:
    return role_of(user) is not None


def may_manage_grants(user: AnyUser) -> bool:
    """Open calls, record applications and decisions, contract and follow grant projects."""
    return role_of(user) in _GRANTS_WRITERS


def may_download_signed_documents(user: AnyUser, country_id: int | None) -> bool:
    """Hand-over certificates and grant contracts: staff who see the record, never donors."""
    role = role_of(user)
    return (
        role is not None and role != Role.DONOR_VIEWER and may_view_country_record(user, country_id)
    )


# --- results framework ----------------------------------------------------------------------

#: Roles that keep the results framework: values by hand, targets, freezing a period.
_RESULTS_KEEPERS = _EVERYTHING | {Role.ME_OFFICER}


def may_view_results(user: AnyUser) -> bool:
    """The logframe is what the programme is judged by: every role reads it."""
    return role_of(user) is not None


def may_manage_results(user: AnyUser) -> bool:
    return role_of(user) in _RESULTS_KEEPERS


def may_download_iati(user: AnyUser) -> bool:
    """The IATI file holds every country's grants and payments: the roles that read all of
    them (not national coordinators, who read their countries' only)."""
    role = role_of(user)
    return role is not None and role != Role.NATIONAL_COORDINATOR


def may_unfreeze_results(user: AnyUser) -> bool:
    """A frozen value was reported to the donor; only the programme manager reopens it."""
    return role_of(user) in _EVERYTHING


# --- newsletters ----------------------------------------------------------------------------

#: Roles that write and publish newsletter issues.
_NEWSLETTER_EDITORS = _EVERYTHING | {Role.COMMUNICATIONS_OFFICER}


def may_view_newsletters(user: AnyUser) -> bool:
    """Newsletters are the programme's publication: every role reads the published issues."""
    return role_of(user) is not None


def may_view_newsletter_drafts(user: AnyUser) -> bool:
    """Drafts are the team's work in progress: every role but the donor's reads them."""
    role = role_of(user)
    return role is not None and role != Role.DONOR_VIEWER


def newsletters_visible_to(
    user: AnyUser, issues: QuerySet[NewsletterIssue]
) -> QuerySet[NewsletterIssue]:
    if not may_view_newsletters(user):
        return issues.none()
    if may_view_newsletter_drafts(user):
        return issues
    return issues.filter(status=IssueStatus.PUBLISHED)


def may_edit_newsletters(user: AnyUser) -> bool:
    return role_of(user) in _NEWSLETTER_EDITORS


def may_view_dashboard(user: AnyUser) -> bool:
    """Every role sees the dashboard; counts of people follow ``shown_count``."""
    return role_of(user) is not None


# --- history and administration -----------------------------------------------------------


def may_view_history(user: AnyUser) -> bool:
    """Who changed what is staff information: everyone but donors and the anonymous."""
    role = role_of(user)
    return role is not None and role != Role.DONOR_VIEWER


def may_write_through_api(user: AnyUser) -> bool:
    """Whether the user may hold an API token that writes: any role that may change something
    in the web UI (not donors, who only read)."""
    role = role_of(user)
    return role is not None and role != Role.DONOR_VIEWER


def may_view_audit_log(user: AnyUser) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def may_use_admin(user: AnyUser) -> bool:
    """Django's admin bypasses the scope rules above, so only administrators get it."""
    return role_of(user) == Role.ADMINISTRATOR
