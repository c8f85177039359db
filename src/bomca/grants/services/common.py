"""Helpers the grants services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from bomca.grants.models import GrantProject, ProjectStatus


def apply_fields(record: Any, fields: Iterable[str], data: Mapping[str, Any]) -> None:
    """Set ``data`` on ``record``; a field outside ``fields`` is a programming error."""
    allowed = set(fields)
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Not editable {type(record).__name__} fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(record, field, value)


def check_not_future(record: Any, fields: Mapping[str, str]) -> None:
    """A ValidationError on each of ``fields`` whose date is after today."""
    today = timezone.localdate()
    errors = {
        field: message
        for field, message in fields.items()
        if getattr(record, field) is not None and getattr(record, field) > today
    }
    if errors:
        raise ValidationError(errors)


def paid_total(project: GrantProject) -> Decimal:
    """What the project has been paid so far, in its currency."""
    return project.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def contracted_on(project: GrantProject) -> date | None:
    """The day the project's contract was signed (its first status step)."""
    first = project.status_changes.filter(to_status=ProjectStatus.CONTRACTED).order_by("date")
    return first.values_list("date", flat=True).first()
