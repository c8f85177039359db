"""POST and PATCH /api/v1/activities: the web form's rules, roles and scope, and the version
check of If-Match (428 without it, 412 when stale, never a silent overwrite)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from bomca.accounts.models import User
from bomca.activities.models import Activity
from bomca.people.models import Attendance
from tests.api.conftest import token_in_database

TJ = "C1-TJ-2023-004"  # national, hosted in Tajikistan, component 1
KG = "C2-KG-2023-006"  # national, hosted in Kyrgyzstan, component 2
RKG = "C2-KG-2023-024"  # regional, hosted in Kyrgyzstan, component 2
SEED = "C2-KZ-2023-003"  # two rows of counts typed in (and a synthetic attendance list)

Call = Callable[..., Any]


@pytest.fixture
def writer(bearer: Callable[..., Call]) -> Callable[[User], Call]:
    """``writer(user)`` -> a caller with a read-write token of ``user``."""
    return lambda user: bearer(user, read_only=False)


def _new(**changes: Any) -> dict[str, Any]:
    """A valid national workshop in Kyrgyzstan, C1, early July 2023 (as the web tests post)."""
    return {
        "component": 1,
        "title_en": "Workshop on synthetic border crossing statistics",
        "activity_type": "workshop",
        "scope": "national",
        "host_country": "KG",
        "city": "Osh",
        "start_date": "2023-07-04",
        "end_date": "2023-07-06",
        "status": "implemented",
        **changes,
    }


def _post(call: Call, body: dict[str, Any]) -> Any:
    return call("post", "/api/v1/activities", body, content_type="application/json")


def _patch(call: Call, code: str, body: dict[str, Any], **headers: str) -> Any:
    return call(
        "patch", f"/api/v1/activities/{code}", body, content_type="application/json", **headers
    )


def _tag(call: Call, code: str) -> str:
    return str(call("get", f"/api/v1/activities/{code}")["ETag"])


def _state(code: str) -> tuple[str, int, str | None, int]:
    activity = Activity.objects.get(code=code)
    host = activity.host_country.code if activity.host_country else None
    return activity.title_en, activity.component.number, host, activity.version


# ETags and If-Match


def test_an_activity_is_read_with_the_etag_of_its_version(personas, bearer):
    response = bearer(personas["pm"])("get", f"/api/v1/activities/{TJ}")

    assert response["ETag"] == f'"activity-{TJ}-v1"'


def test_a_change_with_the_etag_read_is_saved_and_answers_the_new_etag(personas, writer):
    call = writer(personas["pm"])

    response = _patch(call, TJ, {"title_en": "Renamed"}, HTTP_IF_MATCH=_tag(call, TJ))

    assert response.status_code == 200
    assert response["ETag"] == f'"activity-{TJ}-v2"'
    assert response.json()["title_en"] == "Renamed"
    assert _state(TJ) == ("Renamed", 1, "TJ", 2)


def test_a_change_through_the_api_is_in_the_history_as_made_via_the_api(personas, writer):
    call = writer(personas["pm"])

    _patch(call, TJ, {"city": "Khujand"}, HTTP_IF_MATCH=_tag(call, TJ))

    latest = Activity.history.filter(code=TJ).latest("history_date")
    assert (latest.city, latest.history_user, latest.history_via) == (
        "Khujand",
        personas["pm"],
        "api",
    )


def test_a_change_with_a_stale_etag_gets_412_and_changes_nothing(personas, writer):
    call = writer(personas["pm"])
    stale = _tag(call, TJ)
    _patch(call, TJ, {"city": "Khujand"}, HTTP_IF_MATCH=stale)
    before = _state(TJ)

    response = _patch(call, TJ, {"title_en": "Overwritten unseen"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    body = response.json()
    assert body["detail"].startswith("Someone changed this activity since you opened it")
    assert list(body["errors"]) == ["If-Match"]
    assert _state(TJ) == before
    assert Activity.objects.get(code=TJ).city == "Khujand"


def test_a_change_without_if_match_gets_428_and_changes_nothing(personas, writer):
    before = _state(TJ)

    response = _patch(writer(personas["pm"]), TJ, {"title_en": "Blind write"})

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert list(response.json()["errors"]) == ["If-Match"]
    assert _state(TJ) == before


def test_if_match_star_is_no_version_read_and_gets_428(personas, writer):
    response = _patch(writer(personas["pm"]), TJ, {"title_en": "Any"}, HTTP_IF_MATCH="*")

    assert response.status_code == 428
    assert _state(TJ)[3] == 1


def test_the_etag_of_another_activity_gets_412(personas, writer):
    call = writer(personas["pm"])

    response = _patch(call, TJ, {"title_en": "Wrong tag"}, HTTP_IF_MATCH=_tag(call, KG))

    assert response.status_code == 412
    assert response.json()["detail"].startswith("If-Match names no version of the activity")
    assert _state(TJ)[3] == 1


def test_a_tag_weakened_by_a_proxy_still_matches(personas, writer):
    call = writer(personas["pm"])

    response = _patch(call, TJ, {"title_en": "Via a proxy"}, HTTP_IF_MATCH=f"W/{_tag(call, TJ)}")

    assert response.status_code == 200


def test_of_two_changes_from_the_same_etag_exactly_one_is_saved(personas, writer):
    manager, officer = writer(personas["pm"]), writer(personas["me"])
    tag = _tag(manager, TJ)

    first = _patch(manager, TJ, {"title_en": "The manager's"}, HTTP_IF_MATCH=tag)
    second = _patch(officer, TJ, {"title_en": "The officer's"}, HTTP_IF_MATCH=tag)

    assert (first.status_code, second.status_code) == (200, 412)
    assert _state(TJ) == ("The manager's", 1, "TJ", 2)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two threads need PostgreSQL: SQLite's in-memory test database fails the second "
    "writer at once ('database table is locked'); see tests/activities/test_versions.py",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_changes_from_the_same_etag_exactly_one_is_saved(personas):
    secret = token_in_database(personas["pm"], read_only=False)
    tag = f'"activity-{TJ}-v1"'
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def change(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = (
                Client()
                .patch(
                    f"/api/v1/activities/{TJ}",
                    {"title_en": f"Writer {index}"},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {secret}",
                    HTTP_IF_MATCH=tag,
                )
                .status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 412]
    assert _state(TJ)[0] == f"Writer {statuses.index(200)}"
    assert _state(TJ)[3] == 2


# Who may write


def _create_and_change(client: Client, **auth: str) -> tuple[Any, Any]:
    tag = f'"activity-{TJ}-v1"'
    created = client.post("/api/v1/activities", _new(), content_type="application/json", **auth)
    changed = client.patch(
        f"/api/v1/activities/{TJ}",
        {"title_en": "X"},
        content_type="application/json",
        HTTP_IF_MATCH=tag,
        **auth,
    )
    return created, changed


@pytest.mark.parametrize("persona", ["pm", "donor"])
def test_a_read_only_token_writes_nothing(client, personas, persona):
    before, count = _state(TJ), Activity.objects.count()
    secret = token_in_database(personas[persona], read_only=True)

    created, changed = _create_and_change(client, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert (created.status_code, changed.status_code) == (403, 403)
    assert created.json()["detail"] == "This token is read-only."
    assert (_state(TJ), Activity.objects.count()) == (before, count)


def test_a_donor_s_read_write_token_writes_nothing(client, personas):
    before, count = _state(TJ), Activity.objects.count()
    secret = token_in_database(personas["donor"], read_only=False)

    created, changed = _create_and_change(client, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert (created.status_code, changed.status_code) == (403, 403)
    assert (_state(TJ), Activity.objects.count()) == (before, count)


def test_a_signed_in_donor_is_refused_by_role(client, personas):
    # The browser's session reaches the endpoints whatever tokens allow: the role decides.
    client.force_login(personas["donor"])
    before, count = _state(TJ), Activity.objects.count()

    created, changed = _create_and_change(client)

    assert (created.status_code, changed.status_code) == (403, 403)
    assert created.json()["detail"] == changed.json()["detail"] == "Your role does not allow this."
    assert (_state(TJ), Activity.objects.count()) == (before, count)


def test_the_tajik_coordinator_cannot_record_an_activity_hosted_in_kyrgyzstan(personas, writer):
    count = Activity.objects.count()

    response = _post(writer(personas["tjcoord"]), _new())

    assert response.status_code == 400
    # As on the web page: the choice is refused, so the national activity has no country.
    assert response.json()["errors"]["host_country"][0] == (
        "Select a valid choice. That choice is not one of the available choices."
    )
    assert Activity.objects.count() == count


def test_the_tajik_coordinator_records_an_activity_hosted_in_tajikistan(personas, writer):
    response = _post(writer(personas["tjcoord"]), _new(host_country="TJ", city="Dushanbe"))

    assert response.status_code == 201
    code = response.json()["code"]
    assert response["Location"] == f"/api/v1/activities/{code}"
    assert response["ETag"] == f'"activity-{code}-v1"'
    assert Activity.objects.get(code=code).host_country.code == "TJ"


def test_the_tajik_coordinator_cannot_record_a_regional_activity_without_host_country(
    personas, writer
):
    count = Activity.objects.count()

    response = _post(writer(personas["tjcoord"]), _new(scope="regional", host_country=None))

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You may record activities only in your components or countries."
    )
    assert Activity.objects.count() == count


@pytest.mark.parametrize(("code", "status"), [(KG, 404), (RKG, 403)])
def test_the_tajik_coordinator_cannot_change_an_activity_hosted_in_kyrgyzstan(
    personas, writer, code, status
):
    before = _state(code)

    response = _patch(
        writer(personas["tjcoord"]),
        code,
        {"title_en": "Changed from Dushanbe"},
        HTTP_IF_MATCH=f'"activity-{code}-v1"',
    )

    assert response.status_code == status
    assert _state(code) == before


def test_the_tajik_coordinator_cannot_move_a_tajik_activity_to_kyrgyzstan(personas, writer):
    call = writer(personas["tjcoord"])

    response = _patch(call, TJ, {"host_country": "KG"}, HTTP_IF_MATCH=_tag(call, TJ))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["host_country"]
    assert _state(TJ)[2:] == ("TJ", 1)


def test_the_tajik_coordinator_cannot_move_a_tajik_activity_out_of_every_country(personas, writer):
    call = writer(personas["tjcoord"])
    tag = _tag(call, TJ)

    response = _patch(call, TJ, {"scope": "regional", "host_country": None}, HTTP_IF_MATCH=tag)

    assert response.status_code == 403
    assert _state(TJ)[2:] == ("TJ", 1)


def test_the_c2_lead_cannot_record_an_activity_in_component_1(personas, writer):
    response = _post(writer(personas["c2lead"]), _new())

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["component"]


def test_the_c2_lead_cannot_move_a_c2_activity_into_c3(personas, writer):
    call = writer(personas["c2lead"])

    response = _patch(call, KG, {"component": 3}, HTTP_IF_MATCH=_tag(call, KG))

    assert response.status_code == 400
    assert response.json()["errors"]["component"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert _state(KG)[1] == 2


def test_the_c2_lead_changes_a_c2_activity(personas, writer):
    call = writer(personas["c2lead"])

    response = _patch(call, KG, {"title_en": "Set by the C2 lead"}, HTTP_IF_MATCH=_tag(call, KG))

    assert response.status_code == 200
    assert _state(KG)[0] == "Set by the C2 lead"


# What may be written


def test_a_new_activity_is_recorded_with_its_counts_and_organisations(personas, writer):
    body = _new(
        beneficiary_organisations=["KG-BORDER"],
        participant_counts=[{"country": "KG", "organisation": "KG-BORDER", "female": 4, "male": 5}],
    )

    response = _post(writer(personas["pm"]), body)

    assert response.status_code == 201
    assert response.json()["participants"] == 9
    activity = Activity.objects.get(code=response.json()["code"])
    assert [o.code for o in activity.beneficiary_organisations.all()] == ["KG-BORDER"]
    assert activity.participant_counts.get().female == 4


@pytest.mark.parametrize("method", ["post", "patch"])
def test_an_end_before_the_start_is_refused_naming_end_date(personas, writer, method):
    call = writer(personas["pm"])
    dates = {"start_date": "2023-07-06", "end_date": "2023-07-04"}
    count, before = Activity.objects.count(), _state(TJ)

    if method == "post":
        response = _post(call, _new(**dates))
    else:
        response = _patch(call, TJ, dates, HTTP_IF_MATCH=_tag(call, TJ))

    assert response.status_code == 400
    assert response.json()["errors"]["end_date"] == ["The end date is before the start date."]
    assert (Activity.objects.count(), _state(TJ)) == (count, before)


def test_a_missing_field_and_a_bad_count_row_are_named_together(personas, writer):
    body = _new(title_en="", participant_counts=[{"country": "FR", "male": 1}])

    response = _post(writer(personas["pm"]), body)

    assert response.status_code == 400
    errors = response.json()["errors"]
    # The web form's rule: the English title may be left out only for a Russian one.
    assert errors["title_en"] == ["Give the title in English or in Russian."]
    assert list(errors) == ["title_en", "participant_counts.0.country"]


def test_a_misspelt_field_is_refused_not_ignored(personas, writer):
    call = writer(personas["pm"])

    response = _patch(call, TJ, {"tittle_en": "Typo"}, HTTP_IF_MATCH=_tag(call, TJ))

    assert response.status_code == 400
    assert _state(TJ)[3] == 1


def test_counts_replace_those_typed_in_before(personas, writer):
    Attendance.objects.filter(activity__code=SEED).delete()
    call = writer(personas["pm"])
    counts = [{"country": "KZ", "female": 7, "male": 8}, {"country": "KG", "unrecorded": 1}]

    response = _patch(call, SEED, {"participant_counts": counts}, HTTP_IF_MATCH=_tag(call, SEED))

    assert response.status_code == 200
    rows = Activity.objects.get(code=SEED).participant_counts.order_by("country__code")
    assert [(row.country.code, row.total) for row in rows] == [("KG", 1), ("KZ", 15)]


def test_counts_of_an_activity_with_an_attendance_list_are_refused(personas, writer):
    call = writer(personas["pm"])
    before = list(Activity.objects.get(code=SEED).participant_counts.values_list("male"))

    response = _patch(
        call,
        SEED,
        {"participant_counts": [{"country": "KZ", "male": 1}]},
        HTTP_IF_MATCH=_tag(call, SEED),
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["participant_counts"]
    after = list(Activity.objects.get(code=SEED).participant_counts.values_list("male"))
    assert (after, _state(SEED)[3]) == (before, 1)


def test_a_repeated_count_row_is_named(personas, writer):
    row = {"country": "KG", "male": 1}

    response = _post(writer(personas["pm"]), _new(participant_counts=[row, row]))

    assert response.status_code == 400
    assert response.json()["errors"]["participant_counts"] == [
        "Row 2 repeats the country and organisation of an earlier row."
    ]


def test_a_change_through_the_api_is_in_the_activity_s_history(personas, writer):
    call = writer(personas["pm"])

    _patch(call, TJ, {"title_en": "Renamed by a script"}, HTTP_IF_MATCH=_tag(call, TJ))

    latest = Activity.objects.get(code=TJ).history.latest("history_date")
    assert (latest.title_en, latest.history_user) == ("Renamed by a script", personas["pm"])
