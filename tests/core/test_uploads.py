"""Uploads are cut off while they arrive once they pass the size limit."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bomca.imports.models import ImportRun
from bomca.reference.models import Programme
from tests.pages import page


def test_an_upload_past_the_limit_is_refused_with_its_size_and_nothing_is_kept(
    alice_client: Client, bomca10: Programme, settings
):
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    big = SimpleUploadedFile("big.csv", b"Full name;Sex\n" + b"x" * (200 * 1024), "text/csv")

    response = alice_client.post("/imports/participants/C4-UZ-2023-025/", {"file": big})

    assert response.status_code == 422
    assert "larger than 0 MB" not in page(response).text
    assert "The file is larger than" in page(response).text
    assert ImportRun.objects.count() == 0


def test_an_upload_under_the_limit_goes_through(alice_client: Client, bomca10: Programme):
    sheet = SimpleUploadedFile("list.csv", b"Full name;Sex\nSynthetic Person One;F\n", "text/csv")

    response = alice_client.post("/imports/participants/C4-UZ-2023-025/", {"file": sheet})

    assert response.status_code == 302
    assert ImportRun.objects.count() == 1
