"""The security log: logins, failed logins, logouts and lock-outs, through the real login page.

django-axes needs the request, so every login here posts the form; none uses client.login().
"""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.test import Client

from bomca.accounts.models import AuditEvent, AuditEventKind, User
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
WRONG = "Synthetic-Wrong-Passw0rd!"


@pytest.fixture
def bob(db: None) -> User:
    return UserFactory(username="bob")


@pytest.fixture
def audit_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything logged, from every logger, at every level."""
    caplog.set_level(logging.DEBUG)
    return caplog


def _login(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def _events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# One event per login, failure and logout


def test_a_login_writes_one_login_event_with_the_user_and_address(client: Client, bob: User):
    assert _login(client, "bob", PASSWORD) == 302

    events = _events(AuditEventKind.LOGIN)
    assert [(e.user, e.username, e.ip) for e in events] == [(bob, "bob", "127.0.0.1")]
    assert AuditEvent.objects.count() == 1


def test_a_wrong_password_writes_one_failed_login_event_with_the_name_typed(
    client: Client, bob: User
):
    assert _login(client, "bob", WRONG) == 200

    events = _events(AuditEventKind.LOGIN_FAILED)
    assert [(e.user, e.username, e.ip) for e in events] == [(None, "bob", "127.0.0.1")]
    assert AuditEvent.objects.count() == 1


def test_a_failed_login_for_an_unknown_name_keeps_the_name_typed(client: Client, db: None):
    _login(client, "no-such-synthetic-user", WRONG)

    events = _events(AuditEventKind.LOGIN_FAILED)
    assert [(e.user, e.username) for e in events] == [(None, "no-such-synthetic-user")]


def test_a_logout_writes_one_logout_event_with_the_user_and_address(client: Client, bob: User):
    _login(client, "bob", PASSWORD)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    events = _events(AuditEventKind.LOGOUT)
    assert [(e.user, e.username, e.ip) for e in events] == [(bob, "bob", "127.0.0.1")]


def test_the_address_is_the_clients_own(client: Client, bob: User):
    client.post(LOGIN, {"username": "bob", "password": WRONG}, REMOTE_ADDR="203.0.113.7")

    assert [e.ip for e in _events(AuditEventKind.LOGIN_FAILED)] == ["203.0.113.7"]


# No password anywhere


def test_a_failed_login_keeps_the_password_out_of_the_event_and_the_log(
    client: Client, bob: User, audit_log: pytest.LogCaptureFixture
):
    _login(client, "bob", WRONG)

    event = _events(AuditEventKind.LOGIN_FAILED)[0]
    assert WRONG not in serializers.serialize("json", [event])
    assert WRONG not in repr(event.detail)
    assert WRONG not in audit_log.text
    assert all(WRONG not in str(record.args) for record in audit_log.records)
    assert any(record.name == "bomca.audit" for record in audit_log.records)


def test_a_failed_login_stores_the_password_in_no_table_at_all(client: Client, bob: User):
    # Including django-axes' own records of attempts, which keep the posted form.
    _login(client, "bob", WRONG)
    dump = StringIO()

    call_command("dumpdata", stdout=dump)

    assert '"login_failed"' in dump.getvalue()
    assert WRONG not in dump.getvalue()


def test_a_successful_login_keeps_the_password_out_of_the_log(
    client: Client, bob: User, audit_log: pytest.LogCaptureFixture
):
    _login(client, "bob", PASSWORD)

    assert PASSWORD not in audit_log.text
    assert PASSWORD not in serializers.serialize("json", AuditEvent.objects.all())


# Locking an account after ten wrong passwords


def test_the_limit_is_ten_wrong_passwords():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_nine_wrong_passwords_do_not_lock_the_account(client: Client, bob: User):
    for _ in range(9):
        _login(client, "bob", WRONG)

    assert _login(client, "bob", PASSWORD) == 302
    assert _logged_in(client)
    assert _events(AuditEventKind.LOCKOUT) == []


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(client: Client, bob: User):
    for _ in range(10):
        _login(client, "bob", WRONG)

    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert response.status_code in {403, 429}
    assert "Account locked for now" in response.content.decode()
    assert not _logged_in(client)
    assert _is_anonymous(client)


def _is_anonymous(client: Client) -> bool:
    response = client.get("/overview/")
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_lock_out_writes_a_lockout_event_with_the_name_and_address(client: Client, bob: User):
    for _ in range(10):
        _login(client, "bob", WRONG)

    events = _events(AuditEventKind.LOCKOUT)
    assert [(e.username, e.ip) for e in events] == [("bob", "127.0.0.1")]
    assert len(_events(AuditEventKind.LOGIN_FAILED)) == 10


def test_the_lock_out_is_in_the_application_log(
    client: Client, bob: User, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="bomca.audit")
    for _ in range(10):
        _login(client, "bob", WRONG)

    audit = [record.getMessage() for record in caplog.records if record.name == "bomca.audit"]
    assert len([message for message in audit if "lockout" in message]) == 1
    assert len([message for message in audit if "login_failed" in message]) == 10
    assert all(WRONG not in message and "bob" not in message for message in audit)


def test_the_lock_out_is_for_that_account_only(client: Client, bob: User):
    UserFactory(username="carol")
    for _ in range(10):
        _login(client, "bob", WRONG)

    assert _login(client, "carol", PASSWORD) == 302
    assert _logged_in(client)


def test_a_successful_login_starts_the_count_again(client: Client, bob: User):
    for _ in range(9):
        _login(client, "bob", WRONG)
    _login(client, "bob", PASSWORD)
    client.post("/accounts/logout/")

    for _ in range(9):
        _login(client, "bob", WRONG)

    assert _login(client, "bob", PASSWORD) == 302
    assert _events(AuditEventKind.LOCKOUT) == []
