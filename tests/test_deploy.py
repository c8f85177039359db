"""The hardened deployment: check --deploy, the security headers, a refused weak key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client

from bomca.cli import main, weak_secret_key
from bomca.core.middleware import CONTENT_SECURITY_POLICY


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bomca.settings.base",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="true",
        ALLOWED_HOSTS="pis.example.org",
        BOMCA_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short",
        "django-insecure-" + "x" * 60,
        "a" * 60,
        "test-only-secret-key-not-for-production",
    ],
)
def test_a_default_or_weak_secret_key_is_refused(key):
    assert weak_secret_key(key)


def test_a_random_secret_key_is_accepted():
    assert not weak_secret_key(secrets.token_urlsafe(50))


def test_serve_refuses_to_start_with_a_weak_key(db, settings, capsys):
    settings.SECRET_KEY = "short-and-known"

    assert main(["serve", "--port", "8999"]) == 1
    assert "SECRET_KEY is a default or too weak" in capsys.readouterr().err


def test_every_page_sends_a_content_security_policy_without_inline_script(
    alice_client: Client, bomca10
):
    response = alice_client.get("/overview/")

    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html  # every script is a file of the app's own
    assert ' style="' not in html  # no inline styles either: the policy would block them


def test_the_login_page_has_the_security_headers(client: Client):
    response = client.get("/accounts/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
