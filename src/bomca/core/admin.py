"""Admin pieces shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bomca.core.models import VersionedModel
from bomca.core.records import save_versioned


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History to read in the admin, never to revert: a revert would bypass the services.

    A record with a version (``VersionedModel``) is changed here as everywhere else: the form
    carries the version it was opened at, a save made from an older one is refused with the
    same message as the web forms, and a save raises the version, so that a web form or API
    client holding the old one cannot overwrite the administrator's change.
    """

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None and isinstance(obj, VersionedModel):
            base: type[forms.ModelForm] = kwargs.get("form") or self.form or forms.ModelForm
            kwargs["form"] = type(f"VersionChecked{base.__name__}", (VersionCheckedForm, base), {})
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and isinstance(obj, VersionedModel):
            save_versioned(obj, expected_version=form.cleaned_data.get("read_version"))
            return
        super().save_model(request, obj, form, change)


class VersionCheckedForm(forms.ModelForm):
    """An admin form of a versioned record: refuses a save made from an older version."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["read_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        read = cleaned.get("read_version")
        if self.instance.pk is not None and read != self.instance.version:
            raise ValidationError(
                _(
                    "Someone else saved this record after you opened it (your copy is version "
                    "%(yours)s, the record is now at version %(now)s). Reload it, check their "
                    "change, then make yours again."
                ),
                params={"yours": read, "now": self.instance.version},
                code="stale",
            )
        return cleaned
