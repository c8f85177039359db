"""The audit trail of domain records: django-simple-history, with where each change came from.

Every domain model declares ``history = audited()``; a test walks the app registry and fails on
a model without it. History rows are written by the library's signal handlers and never
changed by the product: no view, form or admin page edits or deletes them.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import DeletedObject, HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from bomca.core.http import client_ip
from bomca.core.versions import DATA_APPS, data_changed

#: ``history_via`` when no web request is behind a change (command line, data load, shell).
VIA_SYSTEM = "system"
VIA_WEB = "web"
#: A change through the HTTP API (the API's authentication sets ``request.history_via``).
VIA_API = "api"

M = TypeVar("M", bound=models.Model)


class AuditedHistory(models.Model):
    """Columns every history table adds to who and when: from where the change came."""

    history_ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    history_via = models.CharField(_("via"), max_length=16, default=VIA_SYSTEM)

    class Meta:
        abstract = True


def audited(**options: Any) -> HistoricalRecords:
    """History for a domain model, with the request's address and channel on every row."""
    return HistoricalRecords(bases=[AuditedHistory], **options)


_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
_VIA_LABELS = {
    VIA_SYSTEM: pgettext_lazy("a change made through", "system"),
    VIA_WEB: pgettext_lazy("a change made through", "web"),
    VIA_API: pgettext_lazy("a change made through", "API"),
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One create, change or delete of one record, as a history page shows it."""

    at: datetime
    user: str
    ip: str | None
    via: str
    action: str
    subject: str
    changes: tuple[Change, ...]

    @property
    def via_label(self) -> str:
        """Through what the change was made, in the reader's language."""
        return str(_VIA_LABELS.get(self.via, self.via))


def history_entries(
    records: Iterable[Any], *, subject: Callable[[Any], str], with_changes: bool = True
) -> list[HistoryEntry]:
    """History rows (of one or several records) as entries, oldest first, each with its diff.

    The diff is simple-history's ``diff_against(before, foreign_keys_are_objs=True)``, worked
    out here for the whole list at once: the library reads the many-to-many rows of both
    versions of every change on its own, queries per field and change. Here they take one
    query per many-to-many field; linked records come with the rows (``select_related``).
    """
    ordered = sorted(records, key=lambda record: (record.history_date, record.history_id))
    previous: dict[Any, Any] = {}
    befores: list[Any] = []
    diffed: list[Any] = []  # both versions of every change
    for record in ordered:
        # record.pk is the history row's own id; the record's is under the model's pk name.
        key = (record.instance_type, getattr(record, record.instance_type._meta.pk.attname))
        before = previous.get(key)
        if not (with_changes and record.history_type == "~"):
            before = None
        elif before is not None:
            diffed += [before, record]
        befores.append(before)
        previous[key] = record
    m2m = _m2m_rows(diffed)
    entries = []
    for before, record in zip(befores, ordered, strict=True):
        changes: tuple[Change, ...] = ()
        if before is not None:
            opts = record.instance_type._meta
            changes = tuple(
                Change(
                    field=str(opts.get_field(name).verbose_name),
                    old=_display(old, record, opts.get_field(name)),
                    new=_display(new, record, opts.get_field(name)),
                )
                for name, old, new in _diff(before, record, m2m)
            )
        user = record.history_user
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=user.get_username() if user else str(_("system")),
                ip=record.history_ip,
                via=record.history_via,
                action=str(_ACTIONS.get(record.history_type, record.history_type)),
                subject=subject(record),
                changes=changes,
            )
        )
    return entries


#: The many-to-many rows of history rows: (field name, history id) -> rows, each as its
#: values to compare (a tuple) and its linked records to show (a dict by through field).
_M2MRows = dict[tuple[str, Any], list[tuple[tuple[Any, ...], dict[str, Any]]]]

#: Fields of a historical through model that are not the relation's own (as the library).
_THROUGH_BOOKKEEPING = {"id", "m2m_history_id", "history"}


def _diff(before: Any, record: Any, m2m: _M2MRows) -> list[tuple[str, Any, Any]]:
    """``record.diff_against(before, foreign_keys_are_objs=True).changes`` as (field, old,
    new), without a query: the same fields, values and order (by field name)."""
    m2m_names = {field.name for field in before._history_m2m_fields}
    names = {field.name for field in before.tracked_fields if field.editable} - m2m_names
    old_values = model_to_dict(before, fields=names)
    new_values = model_to_dict(record, fields=names)
    changes = []
    for name in names:
        old, new = old_values[name], new_values[name]
        if old == new:
            continue
        field = record._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            old, new = _linked(before, field, old), _linked(record, field, new)
        changes.append((name, old, new))
    for name in m2m_names:
        old_rows = m2m.get((name, before.history_id), [])
        new_rows = m2m.get((name, record.history_id), [])
        if Counter(values for values, _shown in old_rows) != Counter(
            values for values, _shown in new_rows
        ):
            changes.append(
                (name, [shown for _v, shown in old_rows], [shown for _v, shown in new_rows])
            )
    changes.sort(key=operator.itemgetter(0))
    return changes


def _linked(row: Any, field: Any, key: Any) -> Any:
    """The record a foreign key of a history row names, the library's stand-in if gone, or
    None when the link was empty (shown as a dash, not as a deleted record)."""
    if key is None:
        return None
    try:
        value = getattr(row, field.name)
    except ObjectDoesNotExist:
        value = None
    return DeletedObject(field.related_model, key) if value is None else value


def _m2m_rows(records: Sequence[Any]) -> _M2MRows:
    """The many-to-many rows of every history row in ``records``: one query per field."""
    found: _M2MRows = {}
    by_model: dict[type, list[Any]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    for rows in by_model.values():
        ids = sorted({record.history_id for record in rows})
        owner = rows[0].instance_type._meta.model_name
        for m2m_field in rows[0]._history_m2m_fields:
            through = getattr(rows[0], m2m_field.name).model
            fields = [
                field
                for field in through._meta.fields
                if field.editable and field.name not in _THROUGH_BOOKKEEPING
            ]
            # Only the linked records a page shows are read: the owner is the record itself.
            shown = [field for field in fields if field.name != owner]
            links = [field.name for field in shown if isinstance(field, models.ForeignKey)]
            for start in range(0, len(ids), _IDS_PER_QUERY):
                chunk = ids[start : start + _IDS_PER_QUERY]
                query = through._default_manager.filter(history_id__in=chunk)
                for row in query.select_related(*links):
                    values = tuple(getattr(row, field.attname) for field in fields)
                    names = {
                        field.name: _linked(row, field, getattr(row, field.attname))
                        if isinstance(field, models.ForeignKey)
                        else getattr(row, field.attname)
                        for field in shown
                    }
                    found.setdefault((m2m_field.name, row.history_id), []).append((values, names))
    return found


#: History ids per query: well under the bound parameters any database takes.
_IDS_PER_QUERY = 900


def _display(value: Any, record: Any, field: Any) -> str:
    """A field's value for people: a choice by its label in the reader's language, related
    records by name, lists joined, empty as a dash."""
    if value is None or value == "":
        return "—"
    choices = getattr(field, "flatchoices", None)
    if choices and not isinstance(value, list):
        value = dict(choices).get(value, value)
    if isinstance(value, list):
        owner = record.instance_type._meta.model_name
        names = [str(item) for row in value for key, item in row.items() if key != owner]
        return ", ".join(sorted(names)) or "—"
    return str(value)


def _request_stamp() -> dict[str, Any]:
    request: HttpRequest | None = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return {"history_ip": None, "history_via": VIA_SYSTEM}
    via = getattr(request, "history_via", VIA_WEB)
    return {"history_ip": client_ip(request), "history_via": via}


def stamp_historical_record(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """Signal handler (pre_create_historical_record): record where the change came from."""
    for name, value in _request_stamp().items():
        setattr(history_instance, name, value)


def bulk_create_audited(model: type[M], records: Sequence[M]) -> list[M]:
    """``bulk_create`` that also writes each record's history row, as ``save()`` would."""
    _bulk_changed(model)
    return list(
        bulk_create_with_history(
            records, model, batch_size=500, custom_historical_attrs=_request_stamp()
        )
    )


def bulk_insert_audited(model: type[M], records: Sequence[M], *, batch: int = 5000) -> None:
    """Insert many new records with one prepared statement, and their history rows with one
    ``INSERT … SELECT`` the database runs by itself.

    The fast path of large imports: what ``bulk_create_audited`` does, without the ORM's
    per-row SQL assembly (which costs more than the database's own work at 100,000 rows).
    Primary keys are given out before the insert and set on ``records``: on PostgreSQL from the
    table's sequence, on SQLite after the largest key, which is safe because SQLite writes
    under one lock for the whole transaction. Must run inside ``transaction.atomic``.
    """
    if not records:
        return
    assert transaction.get_connection().in_atomic_block, "bulk_insert_audited needs a transaction"
    _bulk_changed(model)
    connection = transaction.get_connection()
    opts = model._meta
    table, pk = opts.db_table, opts.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(records)],
            )
            keys = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute(
                f"SELECT COALESCE(MAX({connection.ops.quote_name(pk.column)}), 0) "  # noqa: S608
                f"FROM {connection.ops.quote_name(table)}"
            )
            first = int(cursor.fetchone()[0]) + 1
            keys = list(range(first, first + len(records)))
        for record, key in zip(records, keys, strict=True):
            setattr(record, pk.attname, key)
        now = timezone.now()
        # Plain values are read in one C call per record (attrgetter); the others converted.
        plain = [field for field in opts.local_concrete_fields if _is_plain(field)]
        special = [field for field in opts.local_concrete_fields if not _is_plain(field)]
        converters = [_converter(field, connection, now) for field in special]
        read_plain = operator.attrgetter(*(field.attname for field in plain))
        if len(plain) == 1:
            rows = [[read_plain(record), *(c(record) for c in converters)] for record in records]
        else:
            rows = [[*read_plain(record), *(c(record) for c in converters)] for record in records]
        columns = [str(field.column) for field in (*plain, *special)]
        _insert_many(cursor, connection, table, columns, rows, batch)
        _history_copy(model, cursor, connection, keys)


def _history_copy(model: type[models.Model], cursor: Any, connection: Any, keys: list[int]) -> None:
    """The history rows of the records just inserted with ``keys``, copied by the database
    itself (``INSERT … SELECT``): no row goes back and forth through Python."""
    history = model.history.model  # type: ignore[attr-defined]
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    stamp = {
        **_request_stamp(),
        "history_date": timezone.now(),
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": user.pk if user is not None and user.is_authenticated else None,
    }
    record_columns = {str(field.column) for field in model._meta.local_concrete_fields}
    copied, stamped, values = [], [], []
    for field in history._meta.local_concrete_fields:
        if field.column == "history_id":
            continue
        if field.column in record_columns:
            copied.append(str(field.column))
        else:
            stamped.append(str(field.column))
            values.append(field.get_db_prep_save(stamp[field.attname], connection))
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    columns = ", ".join(quote(column) for column in (*copied, *stamped))
    select = ", ".join([*(quote(column) for column in copied), *(["%s"] * len(stamped))])
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {select} FROM {quote(model._meta.db_table)} "
    )
    if connection.vendor == "postgresql":
        # Keys from the sequence need not follow each other: name them.
        cursor.execute(sql + f"WHERE {pk} = ANY(%s) ORDER BY {pk}", [*values, keys])
    else:
        # SQLite: one writer at a time, so the keys given out are the range first..last.
        cursor.execute(
            sql + f"WHERE {pk} BETWEEN %s AND %s ORDER BY {pk}", [*values, keys[0], keys[-1]]
        )


def _is_plain(field: Any) -> bool:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return False
    return isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.JSONField)


#: Fields whose Python value is what the database driver takes, on every backend.
_PLAIN_FIELDS = (
    models.CharField,  # and TextField's siblings: SlugField, EmailField, URLField
    models.TextField,
    models.IntegerField,  # and the positive and small variants
    models.BooleanField,
    models.ForeignKey,
)


def _converter(field: Any, connection: Any, now: datetime) -> Callable[[Any], Any]:
    """How to turn one record's value of ``field`` into a database value, cheaply: timestamps
    of one insert share one moment; plain values pass as they are; the rest go through Django."""
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        stamp = field.get_db_prep_save(now, connection)

        def timestamp(record: Any) -> Any:
            setattr(record, field.attname, now)
            return stamp

        return timestamp
    attname = field.attname
    return lambda record: field.get_db_prep_save(getattr(record, attname), connection)


def _insert_many(
    cursor: Any,
    connection: Any,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    batch: int,
) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        # COPY: Django's psycopg cursor binds on the client, so executemany sends one INSERT
        # per row; COPY streams them (200,000 rows: about 8 s down to about 1 s).
        # (Errors wrapped as Django's, e.g. IntegrityError, as the cursor wrapper would.)
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"  # noqa: S608
    for start in range(0, len(rows), batch):
        cursor.executemany(sql, rows[start : start + batch])


def bulk_update_audited(model: type[M], records: Sequence[M], fields: Sequence[str]) -> None:
    """``bulk_update`` of ``fields`` that also writes each record's history row."""
    if records:
        _bulk_changed(model)
        bulk_update_with_history(
            list(records),
            model,
            list(fields),
            batch_size=500,
            custom_historical_attrs=_request_stamp(),
        )


def _bulk_changed(model: type[models.Model]) -> None:
    """Bulk writes send no signals: raise the data version for them (see core.versions)."""
    if model._meta.app_label in DATA_APPS:
        data_changed()


def save_without_history(instance: models.Model, *, update_fields: Sequence[str]) -> None:
    """Save fields that the trail leaves out (a last login, a used code) without a history row.

    simple-history writes a row on every save, even one that changes only excluded fields;
    such empty rows would crowd the real changes out of the log.
    """
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        instance.save(update_fields=list(update_fields))
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
