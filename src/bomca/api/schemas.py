"""Pieces every app's write endpoints share: strict bodies, and API values fed to the web
pages' own forms (so that the checks and messages are the forms')."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import ConfigDict


class StrictSchema(Schema):
    """A request body whose misspelt field is refused, not ignored: a change that silently
    does nothing is worse than an error."""

    model_config = ConfigDict(extra="forbid")


def form_data(values: dict[str, Any], *, many: Collection[str] = ()) -> dict[str, Any]:
    """API values as the web form posts them: dates as ISO text, lists as lists of text,
    nothing as an empty string (an empty list for the fields in ``many``)."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            data[name] = [] if name in many else ""
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif isinstance(value, list):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data


def form_valid(form: forms.BaseForm) -> None:
    """Nothing if the form is valid; else its messages by field, as the page shows them."""
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
