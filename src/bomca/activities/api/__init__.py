"""The activity register through the API: ``/api/v1/activities``.

Concurrency: ``GET /activities/{code}`` answers with an ``ETag`` naming the activity's version,
the strong tag ``"activity-<code>-v<version>"``. ``PATCH`` needs it back in ``If-Match``:
without it 428, with another version 412 (nothing changed), else 200 with the new ``ETag``.
"""

from __future__ import annotations

from bomca.activities.api import writes
from bomca.activities.api.reads import router

__all__ = ["router", "writes"]
