"""Logging in and out, who may see what, and pages that load nothing from other hosts."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client

from bomca.accounts.models import Role, User
from bomca.reference.models import Programme
from tests.factories import PASSWORD, UserFactory
from tests.pages import external_urls, page

LOGIN_URL = "/accounts/login/"
SEED_CODE = "C2-KZ-2023-003"

PAGES = [
    "/",
    "/overview/",
    "/activities/",
    "/activities/new/",
    f"/activities/{SEED_CODE}/",
    f"/activities/{SEED_CODE}/edit/",
]


def _is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path.endswith("/login/")


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [*PAGES, "/admin/"])
def test_it_sends_anonymous_visitors_to_the_login_page(client: Client, bomca10: Programme, url):
    response = client.get(url)

    assert _is_login_redirect(response)


@pytest.mark.parametrize("url", PAGES[1:])
def test_it_asks_for_login_with_the_page_to_return_to(client: Client, bomca10: Programme, url):
    response = client.get(url)

    assert response["Location"] == f"{LOGIN_URL}?next={url}"


def test_it_records_nothing_for_an_anonymous_post(client: Client, bomca10: Programme):
    activities = bomca10.activities.count()

    response = client.post("/activities/new/", {"title_en": "Anonymous workshop"})

    assert _is_login_redirect(response)
    assert bomca10.activities.count() == activities


def test_the_login_page_needs_no_login(client: Client, db: None):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("field_id", "label"), [("id_username", "Username"), ("id_password", "Password")]
)
def test_the_login_page_labels_its_fields(client: Client, db: None, field_id, label):
    html = page(client.get(LOGIN_URL))

    labels = [element for element in html.find_all("label") if element.attrs.get("for") == field_id]
    assert [element.text for element in labels] == [label]
    assert html.by_id(field_id).tag == "input"


def test_it_logs_in_with_the_right_password(client: Client, alice: User, bomca10: Programme):
    response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in(client)
    assert client.get("/overview/").status_code == 200


def test_it_returns_to_the_page_asked_for_after_login(client: Client, alice: User):
    response = client.post(
        LOGIN_URL, {"username": "alice", "password": PASSWORD, "next": "/activities/"}
    )

    assert response["Location"] == "/activities/"


def test_it_does_not_return_to_another_host_after_login(client: Client, alice: User):
    response = client.post(
        LOGIN_URL, {"username": "alice", "password": PASSWORD, "next": "https://example.com/"}
    )

    assert response["Location"] == "/"


def test_it_refuses_a_wrong_password_and_says_so(client: Client, alice: User):
    response = client.post(LOGIN_URL, {"username": "alice", "password": "not-her-password"})

    assert response.status_code == 200
    alert = page(response).find_all("div", cls="form-errors")
    assert len(alert) == 1
    assert "Please enter a correct username and password" in alert[0].text
    assert not _logged_in(client)
    assert _is_login_redirect(client.get("/overview/"))


def test_it_refuses_an_inactive_user(client: Client, db: None):
    UserFactory(username="bob", is_active=False)

    client.post(LOGIN_URL, {"username": "bob", "password": PASSWORD})

    assert not _logged_in(client)


def test_it_sends_a_logged_in_user_on_from_the_login_page(alice_client: Client):
    response = alice_client.get(LOGIN_URL)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_every_page_offers_logout_as_a_post_form(alice_client: Client, bomca10: Programme):
    html = page(alice_client.get("/overview/"))

    forms = [
        form for form in html.find_all("form") if form.attrs.get("action") == "/accounts/logout/"
    ]
    assert len(forms) == 1
    assert forms[0].attrs["method"] == "post"
    assert forms[0].find_all("input")[0].attrs["name"] == "csrfmiddlewaretoken"


def test_logout_by_get_is_refused_and_keeps_the_session(alice_client: Client):
    response = alice_client.get("/accounts/logout/")

    assert response.status_code == 405
    assert _logged_in(alice_client)


def test_logout_by_post_ends_the_session(alice_client: Client, bomca10: Programme):
    response = alice_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not _logged_in(alice_client)
    assert _is_login_redirect(alice_client.get("/overview/"))


def test_an_ordinary_user_gets_no_administration(alice_client: Client, bomca10: Programme):
    response = alice_client.get("/admin/")

    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path == "/admin/login/"
    nav = page(alice_client.get("/overview/")).find_all("nav", cls="main-nav")[0]
    assert "Administration" not in nav.text


def test_an_ordinary_user_cannot_reach_an_admin_change_list(alice_client: Client):
    response = alice_client.get("/admin/accounts/user/")

    assert response.status_code != 200


def test_an_administrator_gets_the_administration(client: Client, bomca10: Programme):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR))

    assert client.get("/admin/").status_code == 200
    nav = page(client.get("/overview/")).find_all("nav", cls="main-nav")[0]
    assert "Administration" in nav.text


def test_an_htmx_request_after_the_session_ended_sends_the_browser_to_login(
    client: Client, bomca10: Programme
):
    # A plain redirect is followed inside the XHR, and the whole login page lands in #figures.
    response = client.get("/overview/", {"period": "2023Q1"}, HTTP_HX_REQUEST="true")

    location = response.headers.get("HX-Location", "")
    if location.startswith("{"):
        location = json.loads(location)["path"]
    assert urlsplit(response.headers.get("HX-Redirect") or location).path == LOGIN_URL


def _local_assets(response: HttpResponse) -> list[str]:
    root = page(response)
    scripts = [
        element.attrs["src"] for element in root.find_all("script") if "src" in element.attrs
    ]
    links = [element.attrs["href"] for element in root.find_all("link")]
    return scripts + links


def test_the_stylesheet_is_served_locally(alice_client: Client, bomca10: Programme):
    response = alice_client.get("/static/bomca/app.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert len(b"".join(response.streaming_content)) > 0


def test_every_script_and_link_of_the_page_is_served_here(client: Client, db: None):
    assets = _local_assets(client.get(LOGIN_URL))

    assert any("htmx" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(b"".join(response.streaming_content)) > 0, asset


def test_the_htmx_script_is_javascript(client: Client, db: None):
    htmx = next(asset for asset in _local_assets(client.get(LOGIN_URL)) if "htmx" in asset)

    response = client.get(htmx)

    assert "javascript" in response["Content-Type"]


@pytest.mark.parametrize("url", PAGES[1:])
def test_no_page_loads_anything_from_another_host(alice_client: Client, bomca10: Programme, url):
    response = alice_client.get(url)

    assert response.status_code == 200
    assert external_urls(response) == []


def test_the_login_page_loads_nothing_from_another_host(client: Client, db: None):
    assert external_urls(client.get(LOGIN_URL)) == []
