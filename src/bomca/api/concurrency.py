"""Optimistic concurrency over HTTP: every versioned record's answer carries a strong ``ETag``
naming its kind, key and version; a change must send it back in ``If-Match``.

Without ``If-Match`` (or with ``*``) a change gets 428; with a tag naming another record, or a
version someone has since replaced, 412 and nothing changes. The check itself is the services'
(``save_versioned``: one conditional ``UPDATE``), so the web forms and the API refuse alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpResponse
from django.utils.translation import gettext as _

from bomca.api.responses import json_response
from bomca.core.errors import ApplicationError
from bomca.core.records import StaleRecord


def etag(kind: str, key: str, version: int) -> str:
    """The ``ETag`` of record ``key`` of ``kind`` at ``version``, e.g.
    ``"activity-C1-TJ-2023-004-v3"``: strong, since ``If-Match`` compares strongly."""
    return f'"{kind}-{key}-v{version}"'


class PreconditionRequired(ApplicationError):
    """A change came without ``If-Match``: 428."""


def version_in(header: str | None, *, kind: str, key: str) -> int | None:
    """The version an ``If-Match`` names for record ``key`` of ``kind``: None without one or
    with ``*`` (no version was read); 0 when it names no version of this record."""
    tags = [tag.strip() for tag in (header or "").split(",") if tag.strip()]
    if not tags or tags == ["*"]:
        return None
    # A weak tag is taken as the strong one: proxies that compress answers weaken ETags.
    pattern = re.compile(rf'^(?:W/)?"{re.escape(kind)}-(?P<key>.+)-v(?P<version>\d+)"$')
    for tag in tags:
        match = pattern.match(tag)
        if match and match["key"] == key:
            return int(match["version"])
    return 0


def required_version(header: str | None, *, kind: str, key: str, noun: str) -> int:
    """The version ``If-Match`` names; 428 without one, 412 when it names another record.
    ``noun`` is the record as a sentence names it ("the activity")."""
    read = version_in(header, kind=kind, key=key)
    if read is None:
        raise PreconditionRequired(
            _(
                "Send the ETag of %(noun)s in an If-Match header: read it, then send its ETag "
                "back with your change, so that no one's change is overwritten unseen."
            )
            % {"noun": noun},
            field="If-Match",
        )
    if not read:
        raise StaleRecord(
            _("If-Match names no version of %(noun)s: send the ETag it was read with.")
            % {"noun": noun},
            field="If-Match",
        )
    return read


@contextmanager
def stale_names_if_match() -> Iterator[None]:
    """A stale version is the ``If-Match`` header's fault, not a body field's."""
    try:
        yield
    except StaleRecord as error:
        raise StaleRecord(error.message, field="If-Match") from None


def problem(status: int, detail: str, *, field: str | None = None) -> HttpResponse:
    """An error answer in the API's shape, for a route that answers it itself."""
    return json_response(
        {"detail": detail, "errors": {field: [detail]} if field else {}}, status=status
    )
