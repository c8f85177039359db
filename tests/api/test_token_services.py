"""Making and revoking API tokens: who may write through the API, and the security log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from bomca.accounts import access
from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.api.models import ApiToken
from bomca.api.services import token_create, token_revoke
from bomca.core.errors import ApplicationError

WRITERS = ["pm", "admin", "super", "me", "c2lead", "tjcoord", "proc", "grants", "comms", "staff"]


def _events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def test_a_new_token_is_read_only_unless_asked_and_lives_the_days_asked(personas):
    token, _secret = token_create(user=personas["me"], name="Power BI", days=90)

    assert token.read_only
    assert token.is_active
    lifetime = token.expires_at - timezone.now()
    assert timedelta(days=89, hours=23) < lifetime <= timedelta(days=90)


def test_every_role_but_the_donor_s_may_write_through_the_api(personas):
    writers = {key for key, user in personas.items() if access.may_write_through_api(user)}

    assert writers == set(WRITERS)


@pytest.mark.parametrize("persona", WRITERS)
def test_a_role_that_changes_records_may_make_a_read_write_token(personas, persona):
    token, _secret = token_create(user=personas[persona], name="sync", days=30, read_only=False)

    assert not token.read_only


def test_a_donor_may_not_make_a_read_write_token_and_nothing_is_saved(personas):
    with pytest.raises(ApplicationError) as refused:
        token_create(user=personas["donor"], name="sync", days=30, read_only=False)

    assert refused.value.field == "read_only"
    assert not ApiToken.objects.exists()
    assert not _events(AuditEventKind.API_TOKEN_CREATED)


def test_a_donor_makes_a_read_only_token(personas):
    token, _secret = token_create(user=personas["donor"], name="Excel", days=30)

    assert token.read_only


@pytest.mark.parametrize(
    ("name", "days", "field"), [("  ", 30, "name"), ("x", 0, "days"), ("x", 367, "days")]
)
def test_a_token_without_a_name_or_with_a_lifetime_out_of_range_is_refused(
    personas, name, days, field
):
    with pytest.raises(ApplicationError) as refused:
        token_create(user=personas["pm"], name=name, days=days)

    assert refused.value.field == field
    assert not ApiToken.objects.exists()


def test_making_a_token_is_in_the_security_log_by_prefix_and_name_never_the_secret(
    personas, caplog
):
    caplog.set_level(logging.DEBUG)

    token, secret = token_create(user=personas["pm"], name="Power BI", days=30)

    [event] = _events(AuditEventKind.API_TOKEN_CREATED)
    assert event.user == personas["pm"]
    assert event.detail == {"token": token.prefix, "name": "Power BI"}
    assert secret not in str(event.detail)
    assert secret not in caplog.text


def test_revoking_a_token_is_in_the_security_log_once(personas):
    token, secret = token_create(user=personas["pm"], name="script", days=30)

    token_revoke(token=token, user=personas["pm"])
    token_revoke(token=token, user=personas["pm"])

    [event] = _events(AuditEventKind.API_TOKEN_REVOKED)
    assert event.user == personas["pm"]
    assert event.detail == {"token": token.prefix, "name": "script"}
    assert secret not in str(event.detail)


def test_only_its_owner_revokes_a_token(personas):
    token, _secret = token_create(user=personas["pm"], name="script", days=30)

    with pytest.raises(ApplicationError):
        token_revoke(token=token, user=personas["me"])

    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert not _events(AuditEventKind.API_TOKEN_REVOKED)
