"""Reads of the security log and of the changes of all records, for administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from simple_history.manager import HistoryDescriptor

from bomca.accounts.models import AuditEvent
from bomca.core.history import HistoryEntry, history_entries


@dataclass(frozen=True)
class AuditFilters:
    text: str = ""
    kind: str = ""
    since: date | None = None
    until: date | None = None


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Security events matching the filters, newest first."""
    events = AuditEvent.objects.select_related("user")
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.text:
        events = events.filter(Q(username__icontains=filters.text) | Q(ip__startswith=filters.text))
    if filters.since:
        events = events.filter(at__date__gte=filters.since)
    if filters.until:
        events = events.filter(at__date__lte=filters.until)
    return events


def audited_models() -> list[type[Model]]:
    """Every model of the product that keeps history (simple-history registers them)."""
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("bomca.")
        and isinstance(vars(model).get("history"), HistoryDescriptor)
    ]


def record_change_list(*, filters: AuditFilters, limit: int = 100) -> list[HistoryEntry]:
    """The latest changes of every audited record matching the filters, newest first.

    One query per audited model, each cut at ``limit``: the merged list is the newest ``limit``.
    """
    entries: list[HistoryEntry] = []
    for model in audited_models():
        history: Any = model.history  # type: ignore[attr-defined]
        # Every linked record read with the rows: a diff names old and new values without a
        # query of its own for each change.
        links = [field.name for field in history.model._meta.concrete_fields if field.many_to_one]
        records = history.select_related(*links).order_by("-history_date")
        if filters.text:
            records = records.filter(
                Q(history_user__username__icontains=filters.text)
                | Q(history_ip__startswith=filters.text)
            )
        if filters.since:
            records = records.filter(history_date__date__gte=filters.since)
        if filters.until:
            records = records.filter(history_date__date__lte=filters.until)
        label = str(model._meta.verbose_name).capitalize()
        entries += history_entries(list(records[:limit]), subject=partial(_subject, label))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _subject(label: str, record: Any) -> str:
    """A record's name from its history row alone: no query, and no failure once deleted."""
    for field in ("code", "username", "name_en", "title_en"):
        value = getattr(record, field, None)
        if value:
            return f"{label}: {value}"
    return f"{label} #{getattr(record, record.instance_type._meta.pk.attname)}"
