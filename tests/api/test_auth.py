"""Signing in to the API: tokens, the rate limit, and errors a program can act on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from bomca.api.auth import RateLimited, rate_limit_check
from bomca.api.models import ApiCallCount, ApiToken
from bomca.api.services import token_create, token_hash, token_revoke


def test_without_a_token_the_api_answers_401_in_json_not_the_login_page(client, bomca10):
    response = client.get("/api/v1/activities")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json()["detail"]


def test_a_made_up_token_gets_401(client, bomca10):
    response = client.get("/api/v1/activities", HTTP_AUTHORIZATION="Bearer bomca_not-a-token")

    assert response.status_code == 401


def test_only_the_hash_of_the_secret_is_kept(personas):
    token, secret = token_create(user=personas["pm"], name="Power BI", days=30)

    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == token_hash(secret)
    assert secret not in {stored.key_hash, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix)


def test_a_revoked_token_stops_working_at_once(client, personas):
    token, secret = token_create(user=personas["pm"], name="script", days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/countries", **auth).status_code == 200

    token_revoke(token=token, user=personas["pm"])

    assert client.get("/api/v1/countries", **auth).status_code == 401


def test_an_expired_token_gets_401(client, personas):
    token, secret = token_create(user=personas["pm"], name="script", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get("/api/v1/countries", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(client, personas):
    _token, secret = token_create(user=personas["me"], name="script", days=30)
    personas["me"].is_active = False
    personas["me"].save()

    response = client.get("/api/v1/countries", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401


@override_settings(BOMCA_API_RATE_LIMIT=3, BOMCA_API_RATE_WINDOW=3600)
def test_past_the_rate_limit_a_token_gets_429_with_retry_after(client, personas):
    _token, secret = token_create(user=personas["pm"], name="busy script", days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    statuses = [client.get("/api/v1/countries", **auth).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/countries", **auth)
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many requests" in refused.json()["detail"]


@override_settings(BOMCA_API_RATE_LIMIT=1, BOMCA_API_RATE_WINDOW=3600)
def test_each_token_has_its_own_limit(client, personas):
    _first, one = token_create(user=personas["pm"], name="one", days=30)
    _second, two = token_create(user=personas["pm"], name="two", days=30)

    client.get("/api/v1/countries", HTTP_AUTHORIZATION=f"Bearer {one}")

    assert client.get("/api/v1/countries", HTTP_AUTHORIZATION=f"Bearer {two}").status_code == 200


@override_settings(BOMCA_API_RATE_LIMIT=5, BOMCA_API_RATE_WINDOW=60)
def test_the_count_is_kept_in_the_database_for_every_server_process(personas, monkeypatch):
    # gunicorn runs several processes: a count in one process's memory would let a token make
    # the limit once per process. The database row is the one count they all raise.
    token, _secret = token_create(user=personas["pm"], name="shared", days=30)
    monkeypatch.setattr("bomca.api.auth.time.time", lambda: 6_000.0)

    for _ in range(5):
        rate_limit_check(token)
    with pytest.raises(RateLimited) as refused:
        rate_limit_check(token)

    assert list(ApiCallCount.objects.values_list("token", "window", "calls")) == [
        (token.pk, 100, 6)
    ]
    assert refused.value.retry_after == 60


@override_settings(BOMCA_API_RATE_LIMIT=2, BOMCA_API_RATE_WINDOW=60)
def test_a_new_window_starts_from_zero_and_forgets_the_last(personas, monkeypatch):
    token, _secret = token_create(user=personas["pm"], name="hourly", days=30)
    clock = iter([6_000.0, 6_001.0, 6_059.0, 6_060.0])
    monkeypatch.setattr("bomca.api.auth.time.time", lambda: next(clock))

    rate_limit_check(token)
    rate_limit_check(token)
    with pytest.raises(RateLimited) as refused:
        rate_limit_check(token)
    rate_limit_check(token)  # the next minute

    assert refused.value.retry_after == 1
    assert list(ApiCallCount.objects.values_list("window", "calls")) == [(101, 1)]


def test_the_signed_in_browser_reads_the_api_too(client: Client, personas):
    client.force_login(personas["donor"])

    assert client.get("/api/v1/programmes").status_code == 200


def test_the_openapi_document_is_served_by_the_app(client, bomca10):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["version"] == "1"
    assert "/api/v1/activities" in document["paths"]


def test_the_programme_endpoint_describes_bomca_10(client, personas):
    client.force_login(personas["donor"])

    programme = client.get("/api/v1/programmes/bomca10").json()

    assert programme["code"] == "BOMCA10"
    assert programme["countries"] == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert [component["code"] for component in programme["components"]] == ["C1", "C2", "C3", "C4"]
    assert client.get("/api/v1/programmes/NOPE").status_code == 404


def test_a_read_write_token_of_a_user_made_donor_only_reads(personas):
    from django.test import RequestFactory

    from bomca.accounts.models import Role
    from bomca.api.auth import ReadOnlyToken, TokenAuth

    user = personas["me"]
    _token, secret = token_create(user=user, name="script", days=30, read_only=False)
    user.role = Role.DONOR_VIEWER
    user.save()
    request = RequestFactory().post("/api/v1/activities")

    try:
        TokenAuth().authenticate(request, secret)
    except ReadOnlyToken:
        refused = True
    else:
        refused = False

    assert refused
    assert TokenAuth().authenticate(RequestFactory().get("/api/v1/activities"), secret) == user
