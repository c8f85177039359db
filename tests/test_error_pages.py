"""Error pages say what to do and show nothing of the system or its records."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from bomca.accounts.models import Role
from tests.factories import UserFactory


def test_a_refused_page_explains_the_role(client: Client, bomca10):
    client.force_login(UserFactory(role=Role.DONOR_VIEWER))

    response = client.get("/activities/new/")

    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()


def test_a_missing_record_does_not_say_whether_it_exists(alice_client: Client, bomca10):
    response = alice_client.get("/activities/C9-XX-2099-999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "does not exist, or it holds records outside your scope" in html
    assert "C9-XX-2099-999" not in html


def test_the_server_error_page_needs_no_request_and_shows_no_details():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert "Traceback" not in html


def test_the_server_error_page_speaks_the_language_of_the_request():
    with translation.override("ru"):
        html = render_to_string("500.html")

    assert '<html lang="ru">' in html
    assert "Something went wrong" not in html
