"""Procurement in the admin: administrators read it and its history, and change nothing there."""

from __future__ import annotations

import pytest
from django.test import Client

from bomca.procurement.models import HandOver, NeedStatus, ProcurementNeed
from tests.procurement.factories import need_at

PAGES = ["procurementneed", "procurementitem", "delivery", "handover"]


@pytest.fixture
def need(db) -> ProcurementNeed:
    return need_at(NeedStatus.HANDED_OVER)


@pytest.mark.parametrize("model", PAGES)
def test_an_administrator_reads_each_list(admin_client: Client, need, model):
    assert admin_client.get(f"/admin/procurement/{model}/").status_code == 200


def test_a_need_is_shown_to_read_with_its_steps_and_history(admin_client: Client, need):
    page = admin_client.get(f"/admin/procurement/procurementneed/{need.pk}/change/")
    history = admin_client.get(f"/admin/procurement/procurementneed/{need.pk}/history/")

    assert page.status_code == history.status_code == 200
    assert b'name="_save"' not in page.content


def test_nothing_is_changed_or_deleted_through_the_admin(admin_client: Client, need):
    change = admin_client.post(
        f"/admin/procurement/procurementneed/{need.pk}/change/", {"title_en": "Changed"}
    )
    delete = admin_client.post(
        f"/admin/procurement/handover/{HandOver.objects.get(need=need).pk}/delete/",
        {"post": "yes"},
    )

    assert change.status_code == delete.status_code == 403
    need.refresh_from_db()
    assert need.title_en != "Changed"
    assert HandOver.objects.filter(need=need).exists()


def test_the_certificate_is_not_offered_in_the_admin(admin_client: Client, need):
    record = HandOver.objects.get(need=need)

    page = admin_client.get(f"/admin/procurement/handover/{record.pk}/change/")

    assert b"certificate" not in page.content.lower().split(b"<form")[-1]
