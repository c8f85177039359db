"""The security log page: for administrators only, searchable."""

from __future__ import annotations

import re

from django.test import Client

from bomca.accounts.models import AuditEvent, AuditEventKind, Role
from tests.factories import UserFactory

AUDIT = "/accounts/audit/"


def _administrator():
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_only_administrators_see_the_security_log(client: Client, db):
    for role in Role:
        if role == Role.ADMINISTRATOR:
            continue
        client.force_login(UserFactory(role=role))
        assert client.get(AUDIT).status_code == 403, role
    client.force_login(_administrator())
    assert client.get(AUDIT).status_code == 200


def test_the_security_log_finds_events_by_user_and_kind(client: Client, db):
    AuditEvent.objects.create(kind=AuditEventKind.LOGIN_FAILED, username="mallory-synthetic")
    AuditEvent.objects.create(kind=AuditEventKind.LOGIN, username="trent-synthetic")
    client.force_login(_administrator())

    found = client.get(AUDIT, {"text": "mallory"}).content.decode()
    assert "mallory-synthetic" in found
    assert "trent-synthetic" not in found

    logins = client.get(AUDIT, {"kind": AuditEventKind.LOGIN}).content.decode()
    assert "trent-synthetic" in logins
    assert "mallory-synthetic" not in logins


def test_the_security_log_lists_the_latest_changes_of_records(client: Client, bomca10):
    client.force_login(_administrator())

    html = client.get(AUDIT).content.decode()

    assert "Latest changes of records" in html
    # The dataset's records were created within the same second: which of them come first
    # differs between databases, that they are listed does not.
    kinds = (
        "Participant|Attendance|Picture|Component narrative|Editorial|Newsletter issue|"
        "Procurement need|Lot|Item|Delivery|Hand-over|Call for proposals|Application|"
        "Grant project|Report|Payment|Status change|Result|Indicator|Target|Actual value|"
        "IATI publication|Sector share|Recipient country share|Budget|Transaction"
    )
    assert re.search(rf"({kinds}|Activity)[^<]* \((created|changed)\)", html)


def test_the_security_log_still_opens_after_a_record_was_deleted(client: Client, bomca10):
    from bomca.reference.models import ReportingPeriod

    ReportingPeriod.objects.filter(code="2021Q2").delete()
    client.force_login(_administrator())

    response = client.get(AUDIT)

    assert response.status_code == 200
    assert "Reporting period: 2021Q2 (deleted)" in response.content.decode()
