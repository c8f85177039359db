from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _sqlite_unicode_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's LOWER() folds only ASCII letters; make it fold Cyrillic too, as PostgreSQL does."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("LOWER", 1, _unicode_lower, deterministic=True)


class CoreConfig(AppConfig):
    name = "bomca.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models import CharField, TextField
        from django.db.models.functions import Lower

        CharField.register_lookup(Lower)
        TextField.register_lookup(Lower)
        connection_created.connect(_sqlite_unicode_functions, dispatch_uid="bomca-sqlite-lower")
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from bomca.core.versions import record_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(record_changed, dispatch_uid=f"bomca-data-version-{id(signal)}")

        from simple_history.signals import pre_create_historical_record

        from bomca.core.history import stamp_historical_record

        pre_create_historical_record.connect(
            stamp_historical_record, dispatch_uid="bomca-history-stamp"
        )
