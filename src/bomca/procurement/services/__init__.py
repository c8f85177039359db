"""Writes of procurement: needs with their lots and items, the steps of the procedure,
deliveries and hand-overs. Forms, the command line and the dataset loader all write here.

- ``transitions``: the one table of allowed moves (``TRANSITIONS``) and ``need_move``, with the
  rules that tie each step to the record's data (read its docstring);
- ``needs``: ``need_create`` and ``need_update``, with their lots and items;
- ``handovers``: ``delivery_record``, ``hand_over_record`` and the certificate check;
- ``dataset``: ``need_ensure``, the idempotent loader of the reference data.
"""

from __future__ import annotations

from bomca.procurement.services.dataset import need_ensure
from bomca.procurement.services.handovers import (
    CERTIFICATE_CONTENT_TYPES,
    CERTIFICATE_MAX_BYTES,
    HandOverLineInput,
    certificate_check,
    delivery_record,
    hand_over_record,
)
from bomca.procurement.services.needs import (
    EDITABLE_FIELDS,
    ItemInput,
    LotInput,
    need_create,
    need_reference_next,
    need_update,
)
from bomca.procurement.services.transitions import (
    NOTE_REQUIRED,
    TRANSITIONS,
    TransitionRefused,
    need_move,
    quantity_text,
    status_label,
    transitions_from,
)

__all__ = [
    "CERTIFICATE_CONTENT_TYPES",
    "CERTIFICATE_MAX_BYTES",
    "EDITABLE_FIELDS",
    "NOTE_REQUIRED",
    "TRANSITIONS",
    "HandOverLineInput",
    "ItemInput",
    "LotInput",
    "TransitionRefused",
    "certificate_check",
    "delivery_record",
    "hand_over_record",
    "need_create",
    "need_ensure",
    "need_move",
    "need_reference_next",
    "need_update",
    "quantity_text",
    "status_label",
    "transitions_from",
]
