"""Forms of the API tokens pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bomca.api.models import ApiToken
from bomca.api.services import MAX_DAYS

#: A new token's lifetime unless the user picks another.
DEFAULT_DAYS = 90


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What will use it, for example “Power BI dashboard” or “weekly export”."),
    )
    days = forms.IntegerField(
        label=_("Lifetime in days"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=format_lazy(
            _("From 1 to {days} days; after that the token stops working."), days=MAX_DAYS
        ),
    )
    read_only = forms.BooleanField(
        label=_("Read only"),
        required=False,
        initial=True,
        help_text=_(
            "The token reads records but cannot change any. Leave it so unless a script must write."
        ),
    )

    def __init__(self, *args: Any, may_write: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_write:
            # Not offered: the page sends "read only" as it is, and the service refuses a
            # forged "read and write" (the rule lives there, not in the form).
            self.fields["read_only"].widget = forms.HiddenInput()
