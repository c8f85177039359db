"""Grant projects through the API: ``/api/v1/grants``.

Concurrency: a project, a report and a report's people reached each answer with an ``ETag``
naming their version: ``"grant-project-<contract number>-v<version>"``,
``"grant-report-<id>-v<version>"`` and ``"grant-people-reached-<report id>-v<version>"`` (a
report gives the last one's version as ``people_reached_version``). A change of a report or of
people reached needs its tag back in ``If-Match``: without it 428; with another version 412
(nothing changed); else the record with its new ``ETag``. New reports and payments take none:
the web's forms for them carry no version either (see ``writes``).
"""

from __future__ import annotations

from bomca.grants.api import writes
from bomca.grants.api.reads import ProjectDetailOut, ProjectOut, router

__all__ = ["ProjectDetailOut", "ProjectOut", "router", "writes"]
