"""The IATI file for download: every role may take it; it is the file the command writes."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from lxml import etree

from bomca.iati.models import Publication
from bomca.iati.validation import validate_tree


def download(client: Client, user) -> object:
    client.force_login(user)
    return client.get("/iati/export.xml")


@pytest.mark.parametrize("persona", ["pm", "me", "donor", "proc", "comms"])
def test_every_role_that_reads_all_countries_downloads_the_iati_file(client, personas, persona):
    response = download(client, personas[persona])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert 'filename="BOMCA10-iati-' in response["Content-Disposition"]


def test_a_national_coordinator_does_not_get_every_country_s_grants_through_it(client, personas):
    assert download(client, personas["tjcoord"]).status_code == 403


def test_a_download_is_in_the_security_log(client, personas):
    from bomca.accounts.models import AuditEvent, AuditEventKind

    download(client, personas["donor"])

    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT, user=personas["donor"])
    assert event.detail["what"] == "iati"


def test_the_downloaded_file_is_valid_iati(client, personas):
    response = download(client, personas["donor"])

    tree = etree.parse(io.BytesIO(b"".join(response.streaming_content)))
    errors = [problem for problem in validate_tree(tree) if problem.severity == "error"]
    assert errors == []
    assert tree.xpath("count(//iati-activity)") == 5


def test_anonymous_readers_are_sent_to_the_login(client, bomca10):
    response = client.get("/iati/export.xml")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_programme_without_iati_settings_gets_a_sentence_not_a_file(client, personas):
    Publication.objects.all().delete()

    response = download(client, personas["pm"])

    assert response.status_code == 409
    assert "no IATI publication settings" in response.content.decode()
