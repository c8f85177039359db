"""Helpers for services that write records: validated inserts and readable errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

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


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each field that is wrong and why, e.g. ``end_date: The end date is ...``."""
    if hasattr(error, "error_dict"):
        parts = []
        for field, messages in error.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            parts.append(label + " ".join(messages))
        return "; ".join(parts)
    return " ".join(error.messages)
