"""/api/v1/iati.xml: the web download's IATI file, for a token; errors in JSON."""

from __future__ import annotations

import io

import pytest
from lxml import etree

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.iati.models import Publication
from bomca.people.models import Participant

pytestmark = pytest.mark.django_db


def _xml(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", ["pm", "me", "donor"])
def test_roles_that_read_all_countries_get_the_iati_file(personas, bearer, persona):
    response = bearer(personas[persona])("get", "/api/v1/iati.xml", {"programme": "BOMCA10"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert 'filename="BOMCA10-iati-' in response["Content-Disposition"]
    tree = etree.parse(io.BytesIO(_xml(response)))
    assert tree.xpath("count(//iati-activity)") == 5


def test_the_file_names_no_participant(personas, bearer):
    names = Participant.objects.values_list("full_name", flat=True)[:20]

    xml = _xml(bearer(personas["donor"])("get", "/api/v1/iati.xml")).decode()

    assert not [name for name in names if name in xml]


def test_a_national_coordinator_is_refused_in_json(personas, bearer):
    response = bearer(personas["tjcoord"])("get", "/api/v1/iati.xml")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_a_download_is_in_the_security_log(personas, bearer):
    _xml(bearer(personas["donor"])("get", "/api/v1/iati.xml"))

    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT, user=personas["donor"])
    assert event.detail["what"] == "iati"


def test_a_programme_without_iati_settings_gets_409_in_json(personas, bearer):
    Publication.objects.all().delete()

    response = bearer(personas["pm"])("get", "/api/v1/iati.xml")

    assert response.status_code == 409
    assert "no IATI publication settings" in response.json()["detail"]


def test_an_unknown_programme_is_not_found(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/iati.xml", {"programme": "NOPE"})

    assert response.status_code == 404
    assert "detail" in response.json()


def test_without_a_token_the_answer_is_401_in_json(client, bomca10):
    response = client.get("/api/v1/iati.xml")

    assert response.status_code == 401
    assert "detail" in response.json()
