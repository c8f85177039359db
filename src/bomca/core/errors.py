"""The one application error type: a failure the user can understand and act on."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the programme was broken; ``message`` is one sentence meant for a person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
