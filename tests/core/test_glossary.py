"""Inline help for the terms of the trade: next to the fields that use them, bound to the field
(so a screen reader reads it on focus, no mouse needed), and on a glossary page in the footer."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from bomca.accounts.models import User
from bomca.core.glossary import TERMS, explanation


def _described(client: Client, url: str, field_id: str) -> str:
    """The text that field ``field_id`` of the page is described by (its help and errors)."""
    tree = lxml.html.fromstring(client.get(url).content)
    field = tree.get_element_by_id(field_id)
    ids = (field.get("aria-describedby") or "").split()
    return " ".join(tree.get_element_by_id(i).text_content().strip() for i in ids)


def test_the_glossary_lists_every_term_under_its_own_anchor(client: Client, db):
    response = client.get("/glossary/")

    tree = lxml.html.fromstring(response.content)
    for term in TERMS:
        assert tree.get_element_by_id(term.key).text_content() == str(term.term)
    assert len({term.key for term in TERMS}) == len(TERMS)
    assert {"scope", "horizon", "disaggregation"} <= {term.key for term in TERMS}


def test_every_page_links_to_the_glossary_from_its_footer(alice_client: Client, bomca10):
    tree = lxml.html.fromstring(alice_client.get("/activities/").content)

    assert tree.xpath("//footer//a[@href='/glossary/']")


@pytest.mark.parametrize(
    ("url", "field_id", "key"),
    [
        ("/activities/new/", "id_format", "format"),
        ("/procurement/new/", "id_horizon", "horizon"),
        ("/procurement/new/", "id_beneficiary", "beneficiary"),
        ("/results/indicators/OC1.1.1/edit/", "id_baseline_value", "baseline"),
        ("/results/indicators/OC1.1.1/edit/", "id_target_value", "target"),
        ("/results/indicators/OC1.1.1/edit/", "id_means_of_verification", "means-of-verification"),
    ],
)
def test_a_term_is_explained_next_to_its_field_and_bound_to_it(
    client: Client, personas: dict[str, User], url: str, field_id: str, key: str
):
    client.force_login(personas["me"] if "results" in url else personas["pm"])

    assert str(explanation(key)) in _described(client, url, field_id)


def test_the_activity_scope_says_what_national_and_regional_mean(alice_client, bomca10):
    described = _described(alice_client, "/activities/new/", "id_scope")

    assert "National" in described
    assert "Regional" in described


def test_the_participants_by_sex_and_the_lots_explain_their_terms(alice_client, bomca10):
    activity_form = alice_client.get("/activities/new/").content.decode()
    need_form = alice_client.get("/procurement/new/").content.decode()

    assert str(explanation("disaggregation")) in activity_form
    assert str(explanation("lot")) in need_form


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/activities/C1-RG-2023-030/", "scope"),
        ("/procurement/PR-KG-2023-002/", "horizon"),
        ("/results/indicators/OC1.1.1/", "disaggregation"),
        ("/results/indicators/OC1.1.1/", "baseline"),
        ("/results/indicators/OC1.1.1/", "means-of-verification"),
    ],
)
def test_a_term_on_a_record_page_links_to_its_glossary_entry(
    alice_client: Client, bomca10, url: str, key: str
):
    tree = lxml.html.fromstring(alice_client.get(url).content)

    (link,) = tree.xpath("//a[@href=$href]", href=f"/glossary/#{key}")
    assert link.get("title") == str(explanation(key))
    assert link.find_class("visually-hidden")[0].text_content().startswith("What")


@pytest.mark.parametrize(
    ("url", "field_id", "phrase"),
    [("/activities/", "id_scope", "Regional"), ("/procurement/", "id_horizon", "Mid-term")],
)
def test_a_filter_on_a_term_says_briefly_what_it_means(
    alice_client: Client, bomca10, url: str, field_id: str, phrase: str
):
    assert phrase in _described(alice_client, url, field_id)
