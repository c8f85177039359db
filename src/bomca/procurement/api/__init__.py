"""Procurement through the API: ``/api/v1/procurement``.

Concurrency: ``GET /procurement/{reference}`` answers with an ``ETag`` naming the need's version,
the strong tag ``"need-<reference>-v<version>"``. ``PATCH`` and ``POST …/moves`` need it back in
``If-Match``: without it 428; with another version 412 (nothing changed); else the need with its
new ``ETag``.
"""

from __future__ import annotations

from bomca.procurement.api import writes
from bomca.procurement.api.reads import NeedDetailOut, NeedOut, router

__all__ = ["NeedDetailOut", "NeedOut", "router", "writes"]
