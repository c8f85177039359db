"""The migrations describe the models: a change of a model comes with its migration."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_no_model_change_is_missing_its_migration(db):
    out = io.StringIO()

    # --check exits with status 1 when a migration is missing; --dry-run writes nothing.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()
