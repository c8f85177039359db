"""The suite runs on the database ``make test`` says it runs on."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_database_make_test_asked_for():
    expected = os.environ.get("BOMCA_EXPECT_DB")
    if expected is None:
        expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_when_embedded():
    if connection.vendor != "sqlite":
        assert connection.pg_version >= 150000
        return
    # The test database is in memory; WAL applies to the file database, so check the setting.
    init = connection.settings_dict["OPTIONS"]["init_command"]
    assert "journal_mode=WAL" in init
