"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest
from django.test import Client

from bomca.accounts.models import Role, User
from bomca.dataset import dataset_load
from bomca.reference.models import Programme
from tests.factories import UserFactory


@pytest.fixture
def bomca10(db: None) -> Programme:
    """The shipped BOMCA 10 reference data, loaded as ``bomca init`` loads it."""
    dataset_load()
    return Programme.objects.get(code="BOMCA10")


@pytest.fixture
def alice(db: None) -> User:
    """The programme manager: sees and changes every record, but is not an administrator."""
    return UserFactory(username="alice", role=Role.PROGRAMME_MANAGER)


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client
