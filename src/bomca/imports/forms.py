"""Forms of the importer: the upload, and the choices made on the preview."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bomca.imports.models import ImportKind, ImportTemplate
from bomca.imports.reading import MAX_BYTES
from bomca.imports.services import PARTICIPANT_FIELD_LABELS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance sheet"),
        help_text=_(
            "XLSX, XLS, ODS or CSV, at most 20 MB, in English or Russian. Title rows above the "
            "headings, merged cells and dates written as text are fine."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt,text/csv,application/vnd.ms-excel"}
        ),
    )
    template = forms.ModelChoiceField(
        label=_("Saved mapping"),
        queryset=ImportTemplate.objects.none(),
        required=False,
        empty_label=_("Suggest from the headings"),
    )

    def __init__(self, *args: Any, kind: str = ImportKind.PARTICIPANTS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ImportTemplate.objects.filter(kind=kind)  # type: ignore[attr-defined]
        if kind == ImportKind.ACTIVITIES:
            self.fields["file"].label = _("Sheet of activities")
        elif kind == ImportKind.PROCUREMENT_ITEMS:
            self.fields["file"].label = _("Specification of items")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it or remove pictures.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _field_choices(labels: Mapping[str, str]) -> list[tuple[str, Any]]:
    return [("", _("— not imported —"))] + [(name, _(label)) for name, label in labels.items()]


class MappingForm(forms.Form):
    """Sheet, header row and one choice of field per column."""

    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Row of headings"), min_value=1)
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=100,
        help_text=_("Give it a name to offer it for the next file of this shape."),
    )

    def __init__(
        self,
        *args: Any,
        sheets: list[str],
        headers: list[str],
        labels: Mapping[str, str] = PARTICIPANT_FIELD_LABELS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]  # type: ignore[attr-defined]
        self.headers = headers
        for index, heading in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading or _("Column %(number)s") % {"number": index + 1},
                choices=_field_choices(labels),
                required=False,
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def mapping(self) -> dict[int, str]:
        return {
            index: self.cleaned_data.get(f"column_{index}") or ""
            for index in range(len(self.headers))
            if self.cleaned_data.get(f"column_{index}")
        }
