"""Two-factor sign-in: required for administrators, optional for others, codes good once."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from bomca.accounts import totp
from bomca.accounts.models import AuditEvent, AuditEventKind, Role
from bomca.accounts.services import two_factor_reset
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.BOMCA_ADMIN_TWO_FACTOR = True


def _sign_in(client: Client, user) -> None:
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_the_totp_codes_match_the_rfc_6238_test_vector():
    # RFC 6238, appendix B: SHA-1 secret "12345678901234567890", T = 59 s gives 94287082.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code_at(secret, 59) == "287082"  # the same code, cut to six digits
    assert totp.code_at(secret, 1111111109) == "081804"


def test_a_code_is_accepted_one_step_either_side_and_not_further():
    secret = totp.secret_new()
    now = 1_800_000_000.0
    assert totp.matching_step(secret, totp.code_at(secret, now - 30), moment=now) is not None
    assert totp.matching_step(secret, totp.code_at(secret, now + 30), moment=now) is not None
    assert totp.matching_step(secret, totp.code_at(secret, now - 90), moment=now) is None
    assert totp.matching_step(secret, "12a456", moment=now) is None


def test_an_administrator_must_set_up_two_factor_sign_in_before_anything_else(client, bomca10):
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    _sign_in(client, admin)

    response = client.get("/overview/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert client.get("/admin/").status_code == 302

    setup = client.get(SETUP)
    assert setup.status_code == 200
    admin.refresh_from_db()
    code = totp.code_at(admin.totp_secret, time.time())
    assert client.post(SETUP, {"code": code, "next": "/overview/"})["Location"] == "/overview/"
    assert client.get("/overview/").status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEventKind.TWO_FACTOR_ENABLED).count() == 1


def test_a_wrong_setup_code_keeps_two_factor_off(client, db):
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    _sign_in(client, admin)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 422
    admin.refresh_from_db()
    assert not admin.has_two_factor


def _enrolled(role: Role = Role.ADMINISTRATOR):
    user = UserFactory(role=role, is_superuser=role == Role.ADMINISTRATOR)
    user.totp_secret = totp.secret_new()
    user.totp_confirmed_at = user.date_joined
    user.save()
    return user


def test_a_user_with_two_factor_gives_the_code_after_the_password(client, bomca10):
    user = _enrolled()
    _sign_in(client, user)
    assert client.get("/overview/")["Location"].startswith(VERIFY)

    code = totp.code_at(user.totp_secret, time.time())
    response = client.post(VERIFY, {"code": code, "next": "/activities/"})

    assert response["Location"] == "/activities/"
    assert client.get("/activities/").status_code == 200


def test_a_code_cannot_be_used_twice(client, db):
    user = _enrolled()
    code = totp.code_at(user.totp_secret, time.time())
    _sign_in(client, user)
    client.post(VERIFY, {"code": code})
    client.post("/accounts/logout/")

    _sign_in(client, user)
    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 422
    assert "used already" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEventKind.TWO_FACTOR_FAILED).count() == 1


def test_five_wrong_codes_end_the_session(client, db):
    user = _enrolled()
    _sign_in(client, user)
    for _ in range(4):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 422

    response = client.post(VERIFY, {"code": "000000"})

    assert response["Location"] == LOGIN
    assert client.get("/overview/")["Location"].startswith(LOGIN)


def test_two_factor_is_optional_for_other_roles(client, bomca10):
    _sign_in(client, UserFactory(role=Role.PROGRAMME_MANAGER))

    assert client.get("/activities/").status_code == 200


def test_a_reset_forgets_the_authenticator(db):
    user = _enrolled()

    two_factor_reset(user=user)

    user.refresh_from_db()
    assert not user.has_two_factor
    assert user.totp_secret == ""


def test_the_secret_never_enters_the_history(db):
    user = _enrolled()

    assert all(not hasattr(record, "totp_secret") for record in user.history.all()), (
        "the authenticator secret is copied into the audit trail"
    )


def test_the_next_address_cannot_send_the_user_to_another_site(client, db):
    user = _enrolled()
    _sign_in(client, user)
    code = totp.code_at(user.totp_secret, time.time())

    response = client.post(VERIFY, {"code": code, "next": "https://evil.example.com/"})

    assert response["Location"] == "/"


def test_wrong_codes_are_counted_per_user_across_sessions(client, bomca10, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = _enrolled()
    for _ in range(3):  # three sessions, one wrong code each: the session limit never trips
        _sign_in(client, user)
        client.post(VERIFY, {"code": "000000"})
        client.post("/accounts/logout/")

    _sign_in(client, user)
    code = totp.code_at(user.totp_secret, time.time())
    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 422
    assert "Too many wrong codes" in response.content.decode()


def test_signing_in_writes_no_empty_change_into_the_users_history(client, bomca10):
    user = _enrolled()
    rows_before = user.history.count()
    _sign_in(client, user)
    client.post(VERIFY, {"code": totp.code_at(user.totp_secret, time.time())})

    assert user.history.count() == rows_before
