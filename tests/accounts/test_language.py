"""The language switch: a form in the header, remembered on the user and in a cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from bomca.accounts.models import User
from bomca.reference.models import Programme
from tests.factories import UserFactory
from tests.pages import page

LANGUAGE_URL = "/accounts/language/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(username="olga")


def test_it_saves_the_choice_on_the_signed_in_user(client: Client, user: User):
    client.force_login(user)

    response = client.post(LANGUAGE_URL, {"language": "ru", "next": "/activities/"})

    user.refresh_from_db()
    assert user.language == "ru"
    assert response.status_code == 302
    assert response["Location"] == "/activities/"
    assert response.cookies[COOKIE].value == "ru"


def test_it_keeps_the_change_in_the_users_history(client: Client, user: User):
    client.force_login(user)

    client.post(LANGUAGE_URL, {"language": "ru"})

    latest = user.history.latest()
    assert latest.language == "ru"
    assert latest.history_user == user
    assert latest.history_via == "web"


def test_the_users_language_follows_them_to_another_browser(client: Client, user: User):
    user.language = "ru"
    user.save()
    client.cookies[COOKIE] = "en"
    client.force_login(user)

    response = client.get("/activities/")

    assert page(response).find_all("html")[0].attrs["lang"] == "ru"
    assert response["Content-Language"] == "ru"
    assert response.cookies[COOKIE].value == "ru"


def test_an_anonymous_visitor_gets_the_cookie_only(client: Client, db: None):
    response = client.post(LANGUAGE_URL, {"language": "ru", "next": "/accounts/login/"})

    assert response["Location"] == "/accounts/login/"
    assert response.cookies[COOKIE].value == "ru"
    login = client.get("/accounts/login/")
    assert "Войти" in page(login).text


def test_it_refuses_to_redirect_to_another_site(client: Client, user: User):
    client.force_login(user)

    response = client.post(LANGUAGE_URL, {"language": "ru", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_it_ignores_an_unknown_language(client: Client, user: User):
    client.force_login(user)

    response = client.post(LANGUAGE_URL, {"language": "xx", "next": "/activities/"})

    user.refresh_from_db()
    assert user.language == ""
    assert response["Location"] == "/activities/"
    assert COOKIE not in response.cookies


def test_it_accepts_only_post(client: Client, user: User):
    client.force_login(user)

    assert client.get(LANGUAGE_URL, {"language": "ru"}).status_code == 405


def test_it_needs_the_csrf_token(user: User):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(LANGUAGE_URL, {"language": "ru"})

    user.refresh_from_db()
    assert response.status_code == 403
    assert user.language == ""


@pytest.mark.parametrize("url", ["/overview/", "/accounts/login/"])
def test_the_switch_is_a_labelled_form_that_works_without_javascript(
    client: Client, bomca10: Programme, user: User, url: str
):
    if url == "/overview/":
        client.force_login(user)

    root = page(client.get(url))

    form = next(f for f in root.find_all("form") if f.attrs.get("action") == LANGUAGE_URL)
    assert form.attrs["method"] == "post"
    select = form.find_all("select")[0]
    label = form.find_all("label")[0]
    assert label.attrs["for"] == select.attrs["id"]
    assert label.text == "Language"
    options = {option.attrs["value"]: option.text for option in select.find_all("option")}
    assert options == {"en": "English", "ru": "Русский"}
    assert form.find_all("button")[0].attrs["type"] == "submit"
    assert form.find_all("input")[1].attrs == {
        "type": "hidden",
        "name": "next",
        "value": url,
    }


def test_a_user_who_never_chose_gets_the_browsers_language(client: Client, user: User):
    client.force_login(user)

    response = client.get("/activities/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response["Content-Language"] == "ru"
    assert COOKIE not in response.cookies


def test_a_chosen_english_wins_over_the_browser(client: Client, user: User):
    user.language = "en"
    user.save()
    client.force_login(user)

    response = client.get("/activities/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response["Content-Language"] == "en"


def test_the_page_after_switching_is_in_russian(client: Client, bomca10: Programme, user: User):
    client.force_login(user)

    response = client.post(LANGUAGE_URL, {"language": "ru", "next": "/"}, follow=True)

    root = page(response)
    assert root.find_all("html")[0].attrs["lang"] == "ru"
    assert "Мероприятия" in root.text
