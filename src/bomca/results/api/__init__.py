"""The results framework through the API: ``/api/v1/indicators``.

Concurrency: ``GET /indicators/{code}`` answers with an ``ETag`` naming the indicator's
version, the strong tag ``"indicator-<code>-v<version>"``; the version rises with every change
of the indicator, of a period's value and of a period's target. Every write needs it back in
``If-Match``: without it 428, with another version 412 (nothing changed), else 200 with the
new ``ETag``.
"""

from __future__ import annotations

from bomca.results.api import writes
from bomca.results.api.reads import (
    IndicatorDetailOut,
    IndicatorOut,
    LogframeOut,
    PeriodOut,
    PeriodQuery,
    requested_period,
    router,
    shown_indicator_rows,
)

__all__ = [
    "IndicatorDetailOut",
    "IndicatorOut",
    "LogframeOut",
    "PeriodOut",
    "PeriodQuery",
    "requested_period",
    "router",
    "shown_indicator_rows",
    "writes",
]
