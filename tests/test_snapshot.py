"""The test suite's copy of the reference data is what a real load writes."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction

from bomca.core.periods import parse_period
from bomca.dataset import dataset_load
from bomca.reference.models import Programme
from bomca.reporting.selectors import key_figures
from tests.snapshot import reference_data_load


def rows_per_table() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return counts


def contents() -> dict[str, list[str]]:
    """Every table's rows as sorted text, leaving out keys (which differ between loads on
    PostgreSQL, where sequences do not roll back) and moments of writing."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key
            and field.attname != "id"  # a history row's copy of its record's key
            and not field.is_relation
            and not isinstance(field, models.DateTimeField)
        ]
        rows = model._default_manager.values_list(*names) if names else []
        tables[model._meta.db_table] = sorted(repr(row) for row in rows)
    return tables


def figures() -> tuple[int, int, dict[str, int]]:
    programme = Programme.objects.get(code="BOMCA10")
    found = key_figures(programme=programme, period=parse_period("2023Q2"))
    return found.activities.total, found.participants.total, found.participants.by_sex


def test_the_copy_holds_every_row_a_real_load_writes(db):
    before = transaction.savepoint()
    reference_data_load()  # the first in this process records a real load
    transaction.savepoint_rollback(before)
    reference_data_load()  # a copy
    copied, copied_rows, copied_figures = rows_per_table(), contents(), figures()
    transaction.savepoint_rollback(before)

    dataset_load()

    assert rows_per_table() == copied
    real_rows = contents()
    assert [table for table in real_rows if real_rows[table] != copied_rows[table]] == []
    assert figures() == copied_figures == (25, 472, {"female": 133, "male": 325, "unrecorded": 14})
