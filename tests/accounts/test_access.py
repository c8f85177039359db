"""The access rules, role by role, on the BOMCA 10 dataset: who sees and changes which activity."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from bomca.accounts import access
from bomca.accounts.access import AnyUser
from bomca.accounts.models import Role, User
from bomca.activities.models import Activity, Scope
from bomca.reference.models import Country, Programme
from tests.factories import PersonaFactory

PERSONAS = ["pm", "admin", "super", "me", "c2lead", "tjcoord"]
PERSONAS += ["proc", "grants", "comms", "donor", "staff"]
#: Beyond the personas: nobody logged in, and a programme manager whose account was closed.
NOBODY = ["anonymous", "inactive"]

#: Roles that read every activity but record none.
READERS = ["proc", "grants", "comms", "donor", "staff"]
#: Roles that see exact counts of people everywhere.
EXACT = ["pm", "admin", "super", "me"]


@pytest.fixture
def everyone(personas: dict[str, User]) -> dict[str, AnyUser]:
    inactive = PersonaFactory(
        username="persona-inactive", role=Role.PROGRAMME_MANAGER, is_active=False
    )
    return {**personas, "anonymous": AnonymousUser(), "inactive": inactive}


def _codes(activities: object) -> set[str]:
    return {activity.code for activity in activities}  # type: ignore[attr-defined]


def _all() -> list[Activity]:
    return list(Activity.objects.select_related("host_country", "component"))


# Both forms of each rule agree


@pytest.mark.parametrize("key", PERSONAS + NOBODY)
def test_the_visible_list_and_the_single_check_agree_on_every_activity(
    everyone: dict[str, AnyUser], key: str
):
    user = everyone[key]

    listed = _codes(access.activities_visible_to(user, Activity.objects.all()))

    assert len(_all()) == 30  # 25 implemented in 2023Q2, 5 planned for 2023Q3
    assert listed == {a.code for a in _all() if access.may_view_activity(user, a)}


@pytest.mark.parametrize("key", PERSONAS + NOBODY)
def test_the_changeable_list_and_the_single_check_agree_on_every_activity(
    everyone: dict[str, AnyUser], key: str
):
    user = everyone[key]

    listed = _codes(access.activities_changeable_by(user, Activity.objects.all()))

    assert listed == {a.code for a in _all() if access.may_change_activity(user, a)}


@pytest.mark.parametrize("key", PERSONAS + NOBODY)
def test_nobody_may_change_an_activity_they_may_not_see(everyone: dict[str, AnyUser], key: str):
    user = everyone[key]

    changeable = _codes(access.activities_changeable_by(user, Activity.objects.all()))

    assert changeable <= _codes(access.activities_visible_to(user, Activity.objects.all()))


# Role by role


@pytest.mark.parametrize("key", ["pm", "admin", "super", "me", "c2lead", *READERS])
def test_every_role_but_the_coordinator_sees_every_activity(personas: dict[str, User], key: str):
    visible = access.activities_visible_to(personas[key], Activity.objects.all())

    assert _codes(visible) == _codes(_all())


@pytest.mark.parametrize("key", ["pm", "admin", "super", "me"])
def test_managers_administrators_and_me_officers_change_every_activity(
    personas: dict[str, User], key: str
):
    changeable = access.activities_changeable_by(personas[key], Activity.objects.all())

    assert _codes(changeable) == _codes(_all())


def test_the_tajik_coordinator_sees_tajik_and_regional_activities_only(
    personas: dict[str, User],
):
    visible = _codes(access.activities_visible_to(personas["tjcoord"], Activity.objects.all()))

    expected = {
        a.code
        for a in _all()
        if a.scope == Scope.REGIONAL or (a.host_country and a.host_country.code == "TJ")
    }
    assert visible == expected
    assert {"C1-TJ-2023-004", "C1-RG-2023-007", "C2-KG-2023-024"} <= visible
    assert not visible & {"C2-KG-2023-006", "C3-KZ-2023-005", "C3-UZ-2023-001"}


def test_the_tajik_coordinator_changes_activities_hosted_in_tajikistan_only(
    personas: dict[str, User],
):
    changeable = access.activities_changeable_by(personas["tjcoord"], Activity.objects.all())

    hosted = {a.code for a in _all() if a.host_country and a.host_country.code == "TJ"}
    assert _codes(changeable) == hosted
    assert len(hosted) == 7  # 6 implemented in 2023Q2, 1 planned for 2023Q3
    regional = Activity.objects.get(code="C1-RG-2023-007")
    assert not access.may_change_activity(personas["tjcoord"], regional)


def test_the_c2_lead_changes_the_activities_of_component_2_only(personas: dict[str, User]):
    changeable = access.activities_changeable_by(personas["c2lead"], Activity.objects.all())

    assert _codes(changeable) == {a.code for a in _all() if a.component.number == 2}
    assert len(_codes(changeable)) == 6  # 5 implemented in 2023Q2, 1 planned for 2023Q3


@pytest.mark.parametrize("key", [*READERS, *NOBODY])
def test_readers_donors_and_nobodies_change_nothing(everyone: dict[str, AnyUser], key: str):
    user = everyone[key]

    assert not access.activities_changeable_by(user, Activity.objects.all()).exists()
    assert not any(access.may_change_activity(user, a) for a in _all())
    assert not access.may_record_activities(user)


@pytest.mark.parametrize("key", NOBODY)
def test_an_anonymous_or_inactive_user_sees_nothing(everyone: dict[str, AnyUser], key: str):
    user = everyone[key]

    assert not access.activities_visible_to(user, Activity.objects.all()).exists()
    assert not any(access.may_view_activity(user, a) for a in _all())
    assert access.role_of(user) is None
    assert not access.may_view_history(user)
    assert not access.may_see_personal_data(user)
    assert not access.may_use_admin(user)


def test_a_donor_sees_no_personal_data_and_no_history(personas: dict[str, User]):
    donor = personas["donor"]

    assert not access.may_see_personal_data(donor)
    assert not access.may_view_history(donor)
    assert not access.may_view_audit_log(donor)


def test_only_managers_me_officers_and_coordinators_see_personal_data(
    personas: dict[str, User],
):
    sees = {key for key, user in personas.items() if access.may_see_personal_data(user)}

    assert sees == {"pm", "admin", "super", "me", "tjcoord"}


def test_every_staff_role_but_the_donor_sees_who_changed_what(personas: dict[str, User]):
    sees = {key for key, user in personas.items() if access.may_view_history(user)}

    assert sees == set(PERSONAS) - {"donor"}


def test_a_superuser_counts_as_an_administrator_whatever_the_role_field_says(
    personas: dict[str, User],
):
    superuser = personas["super"]

    assert superuser.role == Role.DONOR_VIEWER
    assert access.role_of(superuser) == Role.ADMINISTRATOR
    assert access.may_view_audit_log(superuser)


# Small counts of people

SMALL = [1, 2, 3, 4]
SAFE = [0, 5, 6, 123]
#: SAFE as shown outside a user's scope: rounded to the nearest 5, so that no small cell can be
#: worked out by subtracting the others from a total.
SAFE_ROUNDED = [0, 5, 5, 125]


@pytest.mark.parametrize("key", ["c2lead", "tjcoord", "proc", "grants", "comms", "donor", "staff"])
def test_a_count_of_1_to_4_from_another_country_or_programme_wide_is_hidden(
    personas: dict[str, User], key: str
):
    kyrgyzstan = Country.objects.get(code="KG")
    user = personas[key]

    assert [access.shown_count(user, n, country=kyrgyzstan) for n in SMALL] == [None] * 4
    assert [access.shown_count(user, n, country=kyrgyzstan.pk) for n in SMALL] == [None] * 4
    assert [access.shown_count(user, n) for n in SMALL] == [None] * 4


@pytest.mark.parametrize("key", ["c2lead", "tjcoord", "donor"])
def test_counts_of_5_or_more_outside_the_scope_are_rounded_to_5(
    personas: dict[str, User], key: str
):
    kyrgyzstan = Country.objects.get(code="KG")
    user = personas[key]

    assert [access.shown_count(user, n, country=kyrgyzstan) for n in SAFE] == SAFE_ROUNDED
    assert [access.shown_count(user, n) for n in SAFE] == SAFE_ROUNDED


def test_the_tajik_coordinator_sees_small_tajik_counts_exactly(personas: dict[str, User]):
    tajikistan = Country.objects.get(code="TJ")
    user = personas["tjcoord"]

    assert [access.shown_count(user, n, country=tajikistan) for n in SMALL] == SMALL
    assert [access.shown_count(user, n, country=tajikistan.pk) for n in SMALL] == SMALL


@pytest.mark.parametrize("key", EXACT)
def test_managers_and_me_officers_see_every_small_count_exactly(
    personas: dict[str, User], key: str
):
    kyrgyzstan = Country.objects.get(code="KG")
    user = personas[key]

    assert [access.shown_count(user, n, country=kyrgyzstan) for n in SMALL] == SMALL
    assert [access.shown_count(user, n) for n in SMALL] == SMALL


@pytest.mark.parametrize("key", NOBODY)
def test_nobodies_see_no_small_count(everyone: dict[str, AnyUser], key: str):
    assert [access.shown_count(everyone[key], n) for n in SMALL] == [None] * 4
    assert [access.shown_count(everyone[key], n) for n in SAFE] == SAFE_ROUNDED


# What the forms offer


def _numbers(user: AnyUser, programme: Programme) -> list[int]:
    return [c.number for c in access.components_recordable_by(user, programme)]


def _countries(user: AnyUser, programme: Programme) -> list[str]:
    return [c.code for c in access.host_countries_recordable_by(user, programme)]


ALL_COUNTRIES = ["KZ", "KG", "TJ", "TM", "UZ"]


@pytest.mark.parametrize(
    ("key", "components", "countries"),
    [
        ("pm", [1, 2, 3, 4], ALL_COUNTRIES),
        ("admin", [1, 2, 3, 4], ALL_COUNTRIES),
        ("super", [1, 2, 3, 4], ALL_COUNTRIES),
        ("me", [1, 2, 3, 4], ALL_COUNTRIES),
        ("c2lead", [2], ALL_COUNTRIES),
        ("tjcoord", [1, 2, 3, 4], ["TJ"]),
        *[(key, [], []) for key in READERS],
        *[(key, [], []) for key in NOBODY],
    ],
)
def test_each_role_is_offered_the_components_and_countries_it_may_record_in(
    everyone: dict[str, AnyUser],
    bomca10: Programme,
    key: str,
    components: list[int],
    countries: list[str],
):
    user = everyone[key]

    assert _numbers(user, bomca10) == components
    assert sorted(_countries(user, bomca10)) == sorted(countries)


# The administration


def test_only_administrators_and_superusers_may_use_the_admin(personas: dict[str, User]):
    allowed = {key for key, user in personas.items() if access.may_use_admin(user)}

    assert allowed == {"admin", "super"}


def test_the_staff_flag_alone_does_not_open_the_admin(personas: dict[str, User]):
    staff = personas["staff"]

    assert staff.is_staff
    assert not access.may_use_admin(staff)


def test_a_closed_superuser_account_may_not_use_the_admin(db: None):
    closed = PersonaFactory(is_superuser=True, is_staff=True, is_active=False)

    assert not access.may_use_admin(closed)
