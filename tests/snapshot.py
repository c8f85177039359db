"""The reference data, loaded once per test process and copied into every test that asks.

Loading BOMCA 10 through the services (``dataset_load``) takes seconds: every activity,
participant list, procurement need and grant goes through its rules and writes its history.
A thousand tests ask for it, so the first load in a process is recorded, row by row, and later
tests get the same rows inserted directly, with the same primary keys, inside their own
transaction (rolled back at the end like everything else the test writes).

The copy is the load's exact result: every table the load wrote to, history included. Where the
copy could collide with rows the test made before asking (a row with the same primary key), the
test gets a real load instead; ``BOMCA_TEST_REAL_LOAD=1`` forces real loads everywhere.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from bomca.dataset import dataset_load


@dataclass(frozen=True)
class _Table:
    name: str
    pk_column: str
    columns: list[str]
    json_columns: frozenset[str]
    rows: list[tuple[Any, ...]]


_RECORDED: dict[str, list[_Table]] = {}


def reference_data_load() -> None:
    """The reference dataset in the test's database, as ``dataset_load`` leaves it."""
    vendor = connection.vendor
    if os.environ.get("BOMCA_TEST_REAL_LOAD") == "1":
        dataset_load()
        return
    recorded = _RECORDED.get(vendor)
    if recorded is not None and not _collides(recorded):
        _insert(recorded)
        return
    before = _highest_keys()
    dataset_load()
    if recorded is None:
        _RECORDED[vendor] = _written_since(before)


def _models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    ]


def _highest_keys() -> dict[type[models.Model], int]:
    with connection.cursor() as cursor:
        highest = {}
        for model in _models():
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f'SELECT MAX("{pk}") FROM "{table}"')  # noqa: S608 (our own names)
            highest[model] = cursor.fetchone()[0] or 0
    return highest


def _written_since(before: dict[type[models.Model], int]) -> list[_Table]:
    tables = []
    with connection.cursor() as cursor:
        for model, highest in before.items():
            fields = model._meta.concrete_fields
            columns = [field.column for field in fields]
            json_columns = frozenset(
                field.column for field in fields if field.get_internal_type() == "JSONField"
            )
            table, pk = model._meta.db_table, model._meta.pk.column
            listed = ", ".join(f'"{column}"' for column in columns)
            cursor.execute(
                f'SELECT {listed} FROM "{table}" WHERE "{pk}" > %s ORDER BY "{pk}"',  # noqa: S608
                [highest],
            )
            rows = cursor.fetchall()
            if rows:
                tables.append(_Table(table, pk, columns, json_columns, rows))
    return tables


def _collides(recorded: list[_Table]) -> bool:
    """Whether the test already holds a row with a key the copy would insert."""
    with connection.cursor() as cursor:
        for table in recorded:
            cursor.execute(f'SELECT MAX("{table.pk_column}") FROM "{table.name}"')  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            first = table.rows[0][table.columns.index(table.pk_column)]
            if highest >= first:
                return True
    return False


def _insert(recorded: list[_Table]) -> None:
    # Foreign keys are checked at commit on both databases (Django declares them deferred), so
    # the order of the tables does not matter inside one transaction: a test's own, or this
    # one in tests that commit (``transaction=True``). The check then runs at once, so that a
    # copy pointing nowhere fails here rather than at the end of the test.
    wrap = _json_wrapper()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in recorded:
            listed = ", ".join(f'"{column}"' for column in table.columns)
            marks = ", ".join(["%s"] * len(table.columns))
            rows = table.rows
            if table.json_columns and wrap is not None:
                positions = [table.columns.index(column) for column in table.json_columns]
                rows = [_wrapped(row, positions, wrap) for row in rows]
            cursor.executemany(
                f'INSERT INTO "{table.name}" ({listed}) VALUES ({marks})',  # noqa: S608
                rows,
            )
        connection.check_constraints(table_names=[table.name for table in recorded])


def _json_wrapper() -> Any:
    """On PostgreSQL a JSON column comes out as its text (Django parses it, not psycopg) and
    goes back in as ``Jsonb`` of the parsed value, or it would be stored as a JSON string."""
    if connection.vendor != "postgresql":
        return None
    from psycopg.types.json import Jsonb

    return Jsonb


def _wrapped(row: tuple[Any, ...], positions: list[int], wrap: Any) -> tuple[Any, ...]:
    values = list(row)
    for position in positions:
        value = values[position]
        if value is not None:
            values[position] = wrap(json.loads(value) if isinstance(value, str) else value)
    return tuple(values)
