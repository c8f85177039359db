"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from bomca.accounts.models import Role, User
from bomca.reference.models import Country, Programme
from tests.factories import PersonaFactory, UserFactory
from tests.snapshot import reference_data_load


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory) -> None:
    """Every test uploads into a folder of its own: no file leaks into another test's backup."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache: no rate-limit count or cached figure of one test
    is seen by the next one in the same process."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_again() -> Iterator[None]:
    """Every test starts in the default language: a request in Russian leaves Russian active in
    the thread (Django's LocaleMiddleware never switches back), and so does ``bomca``."""
    yield
    translation.deactivate()


@pytest.fixture
def bomca10(db: None) -> Programme:
    """The shipped BOMCA 10 reference data, as ``bomca init`` loads it (copied after the first
    load in a test process: see tests/snapshot.py)."""
    reference_data_load()
    return Programme.objects.get(code="BOMCA10")


@pytest.fixture
def alice(db: None) -> User:
    """The programme manager: sees and changes every record, but is not an administrator."""
    return UserFactory(username="alice", role=Role.PROGRAMME_MANAGER)


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def personas(bomca10: Programme) -> dict[str, User]:
    """One obviously synthetic user per role, plus two edge cases, keyed as policy tables name them.

    ``c2lead`` leads component 2, ``tjcoord`` coordinates Tajikistan; ``super`` is a superuser
    whose role field says donor (the flag wins); ``staff`` has Django's staff flag and nothing
    more (a communications officer).
    """
    c2 = bomca10.components.get(number=2)
    tajikistan = Country.objects.get(code="TJ")
    roles = {
        "pm": {"role": Role.PROGRAMME_MANAGER},
        "admin": {"role": Role.ADMINISTRATOR},
        "super": {"role": Role.DONOR_VIEWER, "is_superuser": True, "is_staff": True},
        "me": {"role": Role.ME_OFFICER},
        "c2lead": {"role": Role.COMPONENT_LEAD, "components": [c2]},
        "tjcoord": {"role": Role.NATIONAL_COORDINATOR, "countries": [tajikistan]},
        "proc": {"role": Role.PROCUREMENT_OFFICER},
        "grants": {"role": Role.GRANTS_MANAGER},
        "comms": {"role": Role.COMMUNICATIONS_OFFICER},
        "donor": {"role": Role.DONOR_VIEWER},
        "staff": {"role": Role.COMMUNICATIONS_OFFICER, "is_staff": True},
    }
    return {
        key: PersonaFactory(username=f"persona-{key}", last_name=f"Persona {key}", **fields)
        for key, fields in roles.items()
    }
