"""Signed hand-over certificates: served only by the download view, to staff who see the need,
never to donors, and every download logged."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from bomca.accounts.models import AuditEvent, AuditEventKind, User
from bomca.procurement.models import HandOver
from tests.pages import page
from tests.procurement.factories import PDF


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _with_certificate(reference: str) -> HandOver:
    record = HandOver.objects.filter(need__reference=reference).order_by("date").first()
    record.certificate_name = "Акт приёма-передачи.pdf"
    record.certificate.save("certificate.pdf", ContentFile(PDF), save=True)
    return record


def _url(record: HandOver) -> str:
    return f"/procurement/{record.need.reference}/hand-overs/{record.pk}/certificate/"


@pytest.mark.parametrize("persona", ["pm", "admin", "proc", "me", "comms", "tjcoord"])
def test_staff_who_see_the_need_download_its_certificate(client, personas, persona):
    record = _with_certificate("PR-TJ-2023-004")

    response = _as(client, personas[persona]).get(_url(record))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="PR-TJ-2023-004-20230613-'
    )


def test_a_donor_reads_the_need_but_may_not_download_its_certificate(client, personas):
    record = _with_certificate("PR-TJ-2023-004")
    donor = _as(client, personas["donor"])

    assert donor.get(_url(record)).status_code == 403
    html = page(donor.get("/procurement/PR-TJ-2023-004/"))
    assert html.by_id("hand-overs").find_all("a") == []
    assert "on file" in html.by_id("hand-overs").text


def test_a_coordinator_of_another_country_does_not_find_the_certificate(client, personas):
    record = _with_certificate("PR-KG-2023-003")

    response = _as(client, personas["tjcoord"]).get(_url(record))

    assert response.status_code == 404


def test_a_download_is_logged_with_the_need_and_hand_over(client, personas):
    record = _with_certificate("PR-TJ-2023-004")

    _as(client, personas["proc"]).get(_url(record))

    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT)
    assert event.user == personas["proc"]
    assert event.detail == {
        "what": "hand-over certificate",
        "need": "PR-TJ-2023-004",
        "hand_over": record.pk,
    }


def test_a_hand_over_without_a_certificate_has_nothing_to_download(alice_client, bomca10):
    record = HandOver.objects.filter(need__reference="PR-TJ-2023-004").first()

    assert alice_client.get(_url(record)).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).exists()


def test_a_hand_over_is_found_only_under_its_own_need(alice_client, bomca10):
    record = _with_certificate("PR-TJ-2023-004")

    response = alice_client.get(f"/procurement/PR-KG-2023-003/hand-overs/{record.pk}/certificate/")

    assert response.status_code == 404


def test_the_page_links_the_certificate_for_those_who_may_download_it(alice_client, bomca10):
    record = _with_certificate("PR-TJ-2023-004")

    links = page(alice_client.get("/procurement/PR-TJ-2023-004/")).by_id("hand-overs").find_all("a")

    assert [link.attrs["href"] for link in links] == [_url(record)]


def test_certificates_are_not_served_as_media(alice_client, bomca10):
    record = _with_certificate("PR-TJ-2023-004")

    assert alice_client.get(f"/media/{record.certificate.name}").status_code == 404
    assert alice_client.get(f"/{record.certificate.name}").status_code == 404
