"""The data version: raised once per committed transaction that changed the programme's
records, read by whatever caches figures (``reporting.selectors.key_figures_cached``).

Every save, delete and many-to-many change of a model of the programme's apps raises it (the
signals are connected in ``CoreConfig.ready``); the bulk paths, which send no signals, call
``data_changed`` themselves. The raise happens after the commit: a reader that read the old
version before it may cache what it computed under the old version, which no one reads once
the version is raised, so a cache never serves figures older than the data.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

#: The apps whose records figures are made of.
DATA_APPS = frozenset(
    {"activities", "people", "procurement", "grants", "results", "reference", "reporting", "iati"}
)


def data_version() -> int:
    """The current data version (one query)."""
    from bomca.core.models import DataVersion

    found = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(found or 0)


def data_changed() -> None:
    """Raise the data version when the current transaction commits (at once outside one);
    once per transaction however many records it changes."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _raise for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_raise)


def _raise() -> None:
    from bomca.core.models import DataVersion

    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def record_changed(sender: Any, **kwargs: Any) -> None:
    """Signal handler: a record of one of ``DATA_APPS`` was saved, deleted or relinked."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in DATA_APPS or meta.object_name.startswith("Historical"):
        return
    if kwargs.get("raw"):  # fixtures loading
        return
    data_changed()
