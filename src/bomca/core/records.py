"""Helpers for services that write records: validated inserts and readable errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from bomca.core.errors import ApplicationError

M = TypeVar("M", bound=models.Model)


def insert_missing(
    model: type[M], *, lookup: Mapping[str, Any], values: Mapping[str, Any]
) -> tuple[M, bool]:
    """The record that ``lookup`` finds, or a new, validated one; never changes an existing one."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        return existing, False
    record = model(**lookup, **values)
    record.full_clean()
    record.save()
    return record, True


def record_maker(model: type[M]) -> Callable[[Mapping[str, Any]], M]:
    """A function making unsaved instances of ``model`` from values by attribute name (e.g.
    ``country_id``; other fields get their defaults), for the bulk paths of large imports.

    It skips ``Model.__init__``, whose argument handling costs more than the database's insert
    at 100,000 rows; what ``__init__`` would set, the instance's state and every concrete field,
    is set here. The values are not validated: the caller has checked them.
    """
    fields = [(field.attname, field) for field in model._meta.concrete_fields]
    constant = {
        attname: field.get_default()
        for attname, field in fields
        if not callable(getattr(field, "default", None))
    }
    computed = [(attname, field) for attname, field in fields if attname not in constant]

    def make(values: Mapping[str, Any]) -> M:
        record = model.__new__(model)
        record._state = ModelState()
        state = record.__dict__
        state.update(constant)
        for attname, field in computed:
            if attname not in values:
                state[attname] = field.get_default()
        state.update(values)
        return record

    return make


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each field that is wrong and why, e.g. ``end_date: The end date is ...``."""
    if hasattr(error, "error_dict"):
        parts = []
        for field, messages in error.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            parts.append(label + " ".join(messages))
        return "; ".join(parts)
    return " ".join(error.messages)


class StaleRecord(ApplicationError):
    """The record changed since the person read it: their save would overwrite that change."""


def save_versioned(record: M, *, expected_version: int | None) -> M:
    """Save ``record`` (validated) only if it is still at ``expected_version``; raise the version.

    The check and the increment are one conditional ``UPDATE``, so of two saves made from the
    same version exactly one wins, on SQLite and on PostgreSQL alike. ``expected_version`` None
    means "no check" (data loads and the command line, which read and write in one step).
    """
    model = type(record)
    with transaction.atomic():
        if record.pk is not None:
            rows = model._default_manager.filter(pk=record.pk)
            if expected_version is not None:
                rows = rows.filter(version=expected_version)
            if not rows.update(version=F("version") + 1):
                current = (
                    model._default_manager.filter(pk=record.pk)
                    .values_list("version", flat=True)
                    .first()
                )
                raise StaleRecord(
                    _(
                        "Someone else saved this record after you opened it (your copy is "
                        "version %(yours)s, the record is now at version %(now)s). Reload it, "
                        "check their change, then make yours again."
                    )
                    % {"yours": expected_version, "now": current},
                    field="version",
                )
            record.version = (  # type: ignore[attr-defined]
                model._default_manager.filter(pk=record.pk).values_list("version", flat=True).get()
            )
        record.full_clean(exclude=["version"])
        record.save()
    return record
