"""Key figures kept in the cache between two changes of the records: any committed change,
made one record at a time or in bulk, retires them."""

from __future__ import annotations

import pytest

from bomca.activities.models import Activity
from bomca.core.periods import parse_period
from bomca.core.versions import data_version
from bomca.reporting import selectors
from bomca.reporting.selectors import key_figures_cached
from tests.factories import ActivityFactory

Q2 = parse_period("2023Q2")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.BOMCA_FIGURES_CACHE = True


def _computed(monkeypatch) -> list[int]:
    """Counts the times the figures are computed rather than taken from the cache."""
    calls: list[int] = []
    compute = selectors.key_figures

    def counted(**kwargs):
        calls.append(1)
        return compute(**kwargs)

    monkeypatch.setattr(selectors, "key_figures", counted)
    return calls


def test_figures_asked_twice_are_computed_once(bomca10, monkeypatch):
    calls = _computed(monkeypatch)

    first = key_figures_cached(programme=bomca10, period=Q2)
    second = key_figures_cached(programme=bomca10, period=Q2)

    assert len(calls) == 1
    assert second.as_dict() == first.as_dict()
    assert second.activities.total == 25


def test_a_committed_change_retires_the_figures(
    bomca10, monkeypatch, django_capture_on_commit_callbacks
):
    calls = _computed(monkeypatch)
    before = key_figures_cached(programme=bomca10, period=Q2).activities.total

    with django_capture_on_commit_callbacks(execute=True):
        ActivityFactory(component=bomca10.components.get(number=1))  # implemented in 2023Q2
    after = key_figures_cached(programme=bomca10, period=Q2).activities.total

    assert (before, after, len(calls)) == (25, 26, 2)


def test_a_change_rolled_back_raises_nothing(bomca10, django_capture_on_commit_callbacks):
    version = data_version()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Activity.objects.filter(code="C1-TJ-2023-004").first().save()

    assert len(callbacks) == 1  # one raise, run only if the transaction commits
    assert data_version() == version


def test_one_transaction_raises_the_version_once(bomca10, django_capture_on_commit_callbacks):
    version = data_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for activity in Activity.objects.filter(programme=bomca10)[:5]:
            activity.save()

    assert len(callbacks) == 1
    assert data_version() == version + 1


def test_a_bulk_import_retires_the_figures(bomca10, django_capture_on_commit_callbacks):
    from bomca.core.history import bulk_insert_audited
    from bomca.people.models import Participant

    version = data_version()
    country = bomca10.countries.first()

    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            bulk_insert_audited(
                Participant,
                [
                    Participant(
                        full_name="Synthetic Person", name_key="synthetic person", country=country
                    )
                ],
            )

    assert data_version() == version + 1


def test_a_change_of_bookkeeping_raises_nothing(
    bomca10, personas, django_capture_on_commit_callbacks
):
    version = data_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        personas["pm"].save()  # a user, not a record figures are made of

    assert callbacks == []
    assert data_version() == version


def test_the_dashboard_shows_a_new_activity_at_once(
    client, personas, bomca10, django_capture_on_commit_callbacks
):
    client.force_login(personas["pm"])
    url = "/dashboard/?programme=BOMCA10&period=2023Q2"
    assert client.get(url).context["figures"].activities.total == 25

    with django_capture_on_commit_callbacks(execute=True):
        ActivityFactory(component=bomca10.components.get(number=2))

    assert client.get(url).context["figures"].activities.total == 26
