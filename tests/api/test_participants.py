"""/api/v1/participants and /api/v1/activities/{code}/attendance: named people only for the roles
that see personal data, within their scope, as the web pages show them; and no personal field
ever reaches a donor, on any endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.api.pagination import Page
from bomca.people.api import AttendancePage, ParticipantOut
from bomca.people.models import Attendance, Participant

pytestmark = pytest.mark.django_db

REGIONAL = "C1-RG-2023-007"  # 30 people of the five countries
KYRGYZ = "C2-KG-2023-006"  # national, in Kyrgyzstan
PERSONAL = {"full_name", "email", "phone", "year_of_birth", "position"}
ROLES_WITHOUT_PERSONAL_DATA = ["donor", "c2lead", "proc", "grants", "comms"]


def test_the_programme_manager_lists_everyone_without_contacts_unless_asked(personas, bearer):
    body = bearer(personas["pm"])("get", "/api/v1/participants", {"page_size": 5}).json()

    Page[ParticipantOut].model_validate(body)
    assert body["count"] == Participant.objects.count()
    assert set(body["results"][0]) == {
        "id",
        "full_name",
        "sex",
        "country",
        "organisation",
        "organisation_name",
        "position",
        "source",
        "activities",
    }
    assert not AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).exists()


def test_contacts_come_when_asked_and_the_request_is_in_the_security_log(personas, bearer):
    Participant.objects.update(email="someone@example.org", phone="+000", year_of_birth=1985)

    body = bearer(personas["me"])("get", "/api/v1/participants", {"personal": "true"}).json()

    assert body["results"][0]["email"] == "someone@example.org"
    assert body["results"][0]["year_of_birth"] == 1985
    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT, user=personas["me"])
    assert event.detail == {"what": "participants", "format": "api", "personal": True}


def test_a_national_coordinator_lists_the_people_of_their_country_only(personas, bearer):
    body = bearer(personas["tjcoord"])("get", "/api/v1/participants", {"page_size": 500}).json()

    assert {row["country"] for row in body["results"]} == {"TJ"}
    assert body["count"] == Participant.objects.filter(country__code="TJ").count()


def test_the_list_searches_names_and_organisations(personas, bearer):
    body = bearer(personas["pm"])("get", "/api/v1/participants", {"text": "TJ-BORDER-F-00"}).json()

    assert body["count"] > 0
    assert all("TJ-BORDER-F-00" in row["full_name"] for row in body["results"])


def test_the_attendance_list_gives_every_row_to_the_programme_manager(personas, bearer):
    body = bearer(personas["pm"])("get", f"/api/v1/activities/{REGIONAL}/attendance").json()

    AttendancePage.model_validate(body)
    assert (body["count"], body["hidden"]) == (30, 0)
    row = body["results"][0]
    assert {"full_name", "role", "pre_test", "post_test", "satisfaction"} <= set(row)


def test_a_national_coordinator_gets_the_people_of_their_country_and_how_many_are_hidden(
    personas, bearer
):
    call = bearer(personas["tjcoord"])

    body = call("get", f"/api/v1/activities/{REGIONAL}/attendance").json()

    tajiks = Attendance.objects.filter(
        activity__code=REGIONAL, participant__country__code="TJ"
    ).count()
    assert {row["country"] for row in body["results"]} == {"TJ"}
    assert (body["count"], body["hidden"]) == (tajiks, 30 - tajiks)
    assert call("get", f"/api/v1/activities/{KYRGYZ}/attendance").status_code == 404


def test_an_unknown_activity_is_not_found(personas, bearer):
    assert bearer(personas["pm"])("get", "/api/v1/activities/NOPE/attendance").status_code == 404


@pytest.mark.parametrize("persona", ROLES_WITHOUT_PERSONAL_DATA)
def test_roles_without_personal_data_are_refused_both_lists(personas, bearer, persona):
    call = bearer(personas[persona])

    for path in ("/api/v1/participants", f"/api/v1/activities/{REGIONAL}/attendance"):
        response = call("get", path)
        assert response.status_code == 403
        assert response.json() == {"detail": "Your role does not allow this."}


@pytest.mark.parametrize(
    "path", ["/api/v1/participants", f"/api/v1/activities/{REGIONAL}/attendance"]
)
@pytest.mark.parametrize("persona", ["pm", "tjcoord"])
def test_the_lists_issue_the_same_queries_whatever_the_page_size(personas, bearer, persona, path):
    call = bearer(personas[persona])
    call("get", path)  # the token's first use is written down once
    counts = []
    for size in (1, 30):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", path, {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "path", ["/api/v1/participants", f"/api/v1/activities/{REGIONAL}/attendance"]
)
def test_without_a_token_the_answer_is_401_in_json(client, bomca10, path):
    response = client.get(path)

    assert response.status_code == 401
    assert "detail" in response.json()


def _keys(data: Any) -> set[str]:
    """Every key anywhere in a JSON document."""
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in _keys(value)}
    if isinstance(data, list):
        return {key for value in data for key in _keys(value)}
    return set()


def test_a_donor_never_receives_a_personal_field_on_any_endpoint(personas, bearer, client):
    paths = [
        path
        for path in client.get("/api/v1/openapi.json").json()["paths"]
        if "{" not in path and not path.endswith(".json") and not path.endswith(".xml")
    ]
    paths += [
        "/api/v1/activities/C1-TJ-2023-004",
        "/api/v1/procurement/PR-TJ-2023-004",
        "/api/v1/grants/BOMCA10-CfP-1-G05",
        "/api/v1/indicators/OO.2",
        "/api/v1/newsletters/6",
        "/api/v1/programmes/BOMCA10",
        f"/api/v1/activities/{REGIONAL}/attendance",
    ]
    call = bearer(personas["donor"])
    answered = 0
    for path in paths:
        response = call("get", path, {"page_size": 500} if "{" not in path else {})
        assert response.status_code in (200, 403, 405), path
        if response.status_code == 200:
            answered += 1
            assert not _keys(response.json()) & PERSONAL, path

    assert answered >= 12
    assert "/api/v1/participants" in paths
