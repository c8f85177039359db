"""Writes of grants. Every entry point (forms, CLI, data loads) creates, edits and moves here.

Each service is atomic and validates before it writes: a refused change leaves every record as
it was. Records two people may edit at once are saved with ``save_versioned``. By concept:
``calls`` (calls and applications), ``projects`` (contracts and the status machine),
``follow_up`` (reports, payments, people reached) and ``loading`` (the reference data).
"""

from __future__ import annotations

from bomca.grants.services.calls import (
    APPLICATION_FIELDS,
    CALL_FIELDS,
    application_create,
    application_update,
    call_create,
    call_update,
)
from bomca.grants.services.follow_up import (
    PEOPLE_FIELDS,
    REPORT_FIELDS,
    payment_record,
    people_reached_record,
    report_create,
    report_update,
)
from bomca.grants.services.loading import call_ensure
from bomca.grants.services.projects import (
    PROJECT_FIELDS,
    TRANSITIONS,
    allowed_transitions,
    project_contract,
    project_move,
    project_update,
    transition_refusal,
)

__all__ = [
    "APPLICATION_FIELDS",
    "CALL_FIELDS",
    "PEOPLE_FIELDS",
    "PROJECT_FIELDS",
    "REPORT_FIELDS",
    "TRANSITIONS",
    "allowed_transitions",
    "application_create",
    "application_update",
    "call_create",
    "call_ensure",
    "call_update",
    "payment_record",
    "people_reached_record",
    "project_contract",
    "project_move",
    "project_update",
    "report_create",
    "report_update",
    "transition_refusal",
]
