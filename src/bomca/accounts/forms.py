"""Forms of the accounts app."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bomca.accounts.models import AuditEventKind
from bomca.accounts.selectors import AuditFilters
from bomca.core.widgets import DateInput


class AuditFilterForm(forms.Form):
    text = forms.CharField(label=_("User or address"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("Any")), *AuditEventKind.choices]
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def filters(self) -> AuditFilters:
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = self.cleaned_data
        return AuditFilters(
            text=data.get("text", ""),
            kind=data.get("kind", ""),
            since=data.get("since"),
            until=data.get("until"),
        )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Six digits; a new code appears every 30 seconds."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
