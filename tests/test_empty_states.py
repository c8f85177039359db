"""Every list, when it has nothing to show, says what the list is, why it is empty (nothing
recorded yet, or filters that match nothing) and what to do next, instead of an empty table."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from lxml.html import HtmlElement

from bomca.accounts.models import Role, User
from tests.factories import ProgrammeFactory, UserFactory

# (list, a phrase of its empty state, where its next action leads)
EMPTY_LISTS = [
    ("/activities/", "No activity is recorded yet", "/activities/new/"),
    ("/procurement/", "No procurement need is recorded yet", "/procurement/new/"),
    ("/grants/", "No grant project is contracted yet", "/grants/calls/"),
    ("/grants/calls/", "No call for proposals is recorded yet", "/grants/calls/new/"),
    ("/people/", "No participant is recorded yet", "/activities/"),
    ("/people/trainers/", "No trainer in the pool yet", None),
    ("/people/duplicates/", "No likely duplicates", None),
    ("/results/", "no results framework yet", None),
    ("/newsletters/", "No newsletter issue yet", None),
    ("/late/", "No delivery is late", None),
    ("/api/tokens/", "You have no API tokens yet", "#token-new-title"),
]

# (list with filters that match nothing, a phrase of its empty state)
FILTERED_LISTS = [
    ("/activities/?text=zzzz-nothing", "No activity matches these filters"),
    ("/procurement/?text=zzzz-nothing", "No procurement need matches these filters"),
    ("/grants/?text=zzzz-nothing", "No grant project matches these filters"),
    ("/people/?q=zzzz-nothing", "No participant matches this search"),
    ("/people/trainers/?q=zzzz-nothing", "No trainer matches this search"),
    ("/accounts/audit/?text=zzzz-nothing", "No event matches"),
]


def _main(client: Client, url: str) -> HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content).get_element_by_id("main")


def _empty_state(main: HtmlElement) -> HtmlElement:
    # A section of a page that lists several things (what is late) says so in a line of its own.
    states = main.find_class("empty-state") or main.find_class("empty")
    assert states, "no empty state"
    return states[0]


@pytest.fixture
def empty_programme_client(client: Client, db) -> Client:
    """A programme manager (and administrator) of a programme with no records at all."""
    ProgrammeFactory()
    client.force_login(
        UserFactory(username="admin", role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True)
    )
    return client


@pytest.mark.parametrize(("url", "phrase", "next_action"), EMPTY_LISTS)
def test_an_empty_list_explains_itself_and_offers_the_next_step(
    empty_programme_client: Client, url: str, phrase: str, next_action: str | None
):
    main = _main(empty_programme_client, url)

    state = _empty_state(main)
    assert phrase in " ".join(state.text_content().split())
    if next_action:
        links = [link.get("href", "").split("?")[0] for link in state.iter("a")]
        assert next_action in links
    assert not [table for table in main.iter("table") if not table.xpath(".//tbody/tr")]


@pytest.mark.parametrize(("url", "phrase"), FILTERED_LISTS)
def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear_it(
    client: Client, personas: dict[str, User], url: str, phrase: str
):
    client.force_login(personas["admin"])

    state = _empty_state(_main(client, url))

    text = " ".join(state.text_content().split())
    assert phrase in text
    assert "is recorded yet" not in text
    clear = [link for link in state.iter("a") if link.text_content().startswith("Clear the")]
    assert clear
    assert "zzzz" not in clear[0].get("href", "")


def test_the_register_without_filters_is_not_called_filtered(alice_client: Client, bomca10):
    main = _main(alice_client, "/activities/?programme=BOMCA10&sort=-start_date")

    assert not main.find_class("empty-state")


@pytest.mark.parametrize("url", ["/", "/activities/", "/procurement/", "/grants/", "/results/"])
def test_a_fresh_installation_says_no_programme_is_loaded_and_how_to_load_one(
    client: Client, db, url: str
):
    client.force_login(UserFactory(username="first", role=Role.ADMINISTRATOR, is_staff=True))

    response = client.get(url, follow=True)

    assert response.status_code == 404
    text = " ".join(lxml.html.fromstring(response.content).text_content().split())
    assert "No programme is set up yet" in text
    assert "bomca init" in text


def test_a_missing_record_in_a_loaded_installation_is_still_nothing_here(alice_client, bomca10):
    response = alice_client.get("/activities/C9-XX-2099-999/")

    assert "Nothing here" in response.content.decode()
    assert "No programme is set up yet" not in response.content.decode()
