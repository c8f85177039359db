"""Forms of the results framework: a value by hand, an indicator's baseline and end target, a
period's target. Each field is shaped by the indicator's type (a yes/no is a choice, a
percentage is bounded, a qualitative value is text), so a wrong entry is named on its field
before a service is asked; the services check the same rules again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bomca.core import glossary
from bomca.core.numbers import plain_decimal
from bomca.core.widgets import DateInput
from bomca.results.models import Indicator, IndicatorType
from bomca.results.services import ActualInput, IndicatorChanges

#: The largest value a value field stores (DecimalField max_digits=18, decimal_places=4).
_DIGITS, _PLACES = 18, 4

YES_NO_CHOICES = [("1", _("Yes")), ("0", _("No"))]


def _number(*, label: Any, required: bool, percentage: bool, help_text: Any = "") -> forms.Field:
    bounds = {"min_value": Decimal(0), "max_value": Decimal(100)} if percentage else {}
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=_DIGITS,
        decimal_places=_PLACES,
        help_text=help_text,
        **bounds,  # type: ignore[arg-type]
    )


def value_field(
    indicator: Indicator, *, label: Any, required: bool, help_text: Any = ""
) -> forms.Field:
    """The field of one numeric value of ``indicator``, shaped by its type."""
    if indicator.indicator_type == IndicatorType.YES_NO:
        choices = YES_NO_CHOICES if required else [("", _("—")), *YES_NO_CHOICES]
        return forms.TypedChoiceField(
            label=label,
            required=required,
            choices=choices,
            coerce=Decimal,
            empty_value=None,
            widget=forms.RadioSelect if required else forms.Select,
            help_text=help_text,
        )
    return _number(
        label=label,
        required=required,
        percentage=indicator.indicator_type == IndicatorType.PERCENTAGE,
        help_text=help_text,
    )


def _initial(value: Decimal | None, indicator: Indicator) -> str | Decimal | None:
    """A stored value as its field shows it (4-place storage without its trailing zeros)."""
    if value is None:
        return None
    if indicator.indicator_type == IndicatorType.YES_NO:
        return str(int(value))
    return plain_decimal(value)


class ActualForm(forms.Form):
    """A value entered by hand for one period, with one number field per expected
    disaggregation cell (``cells``: dimension -> [(key, label)])."""

    source = forms.CharField(
        label=_("Source of the data"),
        max_length=500,
        required=False,
        help_text=_("Where the value comes from, e.g. a report of a beneficiary agency."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        indicator: Indicator,
        cells: dict[str, list[tuple[str, str]]],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.indicator = indicator
        self.cells = cells
        fields: dict[str, forms.Field] = {}
        if indicator.is_numeric:
            fields["value"] = value_field(
                indicator, label=_("Value"), required=True, help_text=indicator.unit
            )
        else:
            fields["text"] = forms.CharField(
                label=_("Value (description)"),
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("This indicator is qualitative: describe where it stands."),
            )
        for dimension, keys in cells.items():
            for key, label in keys:
                fields[self.cell_name(dimension, key)] = _number(
                    label=label,
                    required=False,
                    percentage=indicator.indicator_type == IndicatorType.PERCENTAGE,
                )
        self.fields = {**fields, **self.fields}

    @staticmethod
    def cell_name(dimension: str, key: str) -> str:
        return f"cell__{dimension}__{key}"

    def main_fields(self) -> list[forms.BoundField]:
        """The value, its source and comment: every field but the disaggregation cells."""
        return [self[name] for name in self.fields if not name.startswith("cell__")]

    def cell_fields(self, dimension: str) -> list[forms.BoundField]:
        return [self[self.cell_name(dimension, key)] for key, _label in self.cells[dimension]]

    def service_data(self) -> ActualInput:
        data = self.cleaned_data
        disaggregation = {
            dimension: {
                key: data[self.cell_name(dimension, key)]
                for key, _label in keys
                if data.get(self.cell_name(dimension, key)) is not None
            }
            for dimension, keys in self.cells.items()
        }
        return ActualInput(
            value=data.get("value"),
            text=data.get("text", "").strip(),
            disaggregation={name: cells for name, cells in disaggregation.items() if cells},
            source=data["source"].strip(),
            comment=data["comment"].strip(),
        )


def actual_initial(
    indicator: Indicator,
    *,
    value: Decimal | None,
    text: str,
    source: str,
    comment: str,
    by: dict[str, dict[str, Decimal]],
) -> dict[str, Any]:
    """The form's fields filled with the value recorded so far."""
    initial: dict[str, Any] = {"source": source, "comment": comment, "text": text}
    initial["value"] = _initial(value, indicator)
    for dimension, cells in by.items():
        for key, number in cells.items():
            initial[ActualForm.cell_name(dimension, key)] = _initial(number, indicator)
    return initial


class IndicatorForm(forms.Form):
    """An indicator's baseline, end target and means of verification, with the version it was
    read at (a save from a copy someone else has changed since is refused)."""

    baseline_date = forms.DateField(label=_("Baseline date"), required=False, widget=DateInput())
    baseline_comment = forms.CharField(label=_("Baseline comment"), max_length=500, required=False)
    means_of_verification = forms.CharField(
        label=_("Means of verification"),
        max_length=500,
        required=False,
        help_text=glossary.explanation("means-of-verification"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, data: Any = None, *, indicator: Indicator) -> None:
        super().__init__(data, initial=self._initial_of(indicator))
        self.indicator = indicator
        fields: dict[str, forms.Field] = {}
        if indicator.is_numeric:
            fields["baseline_value"] = value_field(
                indicator,
                label=_("Baseline"),
                required=False,
                help_text=glossary.explanation("baseline"),
            )
            fields["target_value"] = value_field(
                indicator,
                label=_("End target"),
                required=False,
                help_text=glossary.explanation("target"),
            )
        else:
            fields["target_text"] = forms.CharField(
                label=_("End target"),
                max_length=500,
                required=False,
                help_text=glossary.explanation("target"),
            )
        self.fields = {**fields, **self.fields}

    @staticmethod
    def _initial_of(indicator: Indicator) -> dict[str, Any]:
        return {
            "baseline_value": _initial(indicator.baseline_value, indicator),
            "baseline_date": indicator.baseline_date,
            "baseline_comment": indicator.baseline_comment,
            "target_value": _initial(indicator.target_value, indicator),
            "target_text": indicator.target_text,
            "means_of_verification": indicator.means_of_verification,
            "version": indicator.version,
        }

    def changes(self) -> IndicatorChanges:
        data, indicator = self.cleaned_data, self.indicator
        return IndicatorChanges(
            baseline_value=data.get("baseline_value", indicator.baseline_value),
            baseline_date=data["baseline_date"],
            baseline_comment=data["baseline_comment"].strip(),
            target_value=data.get("target_value", indicator.target_value),
            target_text=data.get("target_text", indicator.target_text).strip(),
            means_of_verification=data["means_of_verification"].strip(),
        )

    def expected_version(self) -> int:
        # A form posted without its version is treated as read at version 0: always stale.
        return self.cleaned_data.get("version") or 0


class TargetForm(forms.Form):
    """The target of one period; an empty form removes it."""

    def __init__(
        self, data: Any = None, *, indicator: Indicator, value: Decimal | None, text: str
    ) -> None:
        super().__init__(data, initial={"value": _initial(value, indicator), "text": text})
        if indicator.is_numeric:
            self.fields["value"] = value_field(
                indicator,
                label=_("Target"),
                required=False,
                help_text=_("Leave empty to remove the period's target."),
            )
        else:
            self.fields["text"] = forms.CharField(
                label=_("Target"),
                max_length=500,
                required=False,
                help_text=_("Leave empty to remove the period's target."),
            )

    def value(self) -> Decimal | None:
        result: Decimal | None = self.cleaned_data.get("value")
        return result

    def text(self) -> str:
        return str(self.cleaned_data.get("text", "")).strip()


def expected_cells(
    dimensions: Sequence[str],
    *,
    labels: dict[str, dict[str, str]],
    recorded: dict[str, dict[str, Decimal]],
) -> dict[str, list[tuple[str, str]]]:
    """The cells a value form asks for: each dimension's expected keys (``labels``), then any
    key recorded earlier that is not among them, so that a correction keeps it."""
    cells: dict[str, list[tuple[str, str]]] = {}
    for dimension in dimensions:
        keys = dict(labels.get(dimension, {}))
        for key in recorded.get(dimension, {}):
            keys.setdefault(key, key)
        cells[dimension] = list(keys.items())
    return cells


# --- the same forms, filled in from an API call ------------------------------------------------


def api_form_data(values: Mapping[str, Any]) -> dict[str, str]:
    """Values of an API call as a web form posts them: numbers as plain decimal text (1.0 is
    1, a yes/no's choice), dates as ISO text, nothing as an empty string."""
    return {name: _posted(value) for name, value in values.items()}


def _posted(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def actual_api_form(
    values: Mapping[str, Any],
    *,
    indicator: Indicator,
    disaggregation: Mapping[str, Mapping[str, Any]],
) -> ActualForm:
    """The web's value form with a cell for each one given (the service refuses a dimension
    or key the indicator does not have, as it does for the web)."""
    cells = {dimension: [(key, key) for key in keys] for dimension, keys in disaggregation.items()}
    posted = {
        **values,
        **{
            ActualForm.cell_name(dimension, key): number
            for dimension, keys in disaggregation.items()
            for key, number in keys.items()
        },
    }
    return ActualForm(api_form_data(posted), indicator=indicator, cells=cells)


def indicator_api_form(
    changes: Mapping[str, Any], *, indicator: Indicator, version: int
) -> IndicatorForm:
    """The web's edit form, posted with the indicator as it is, ``changes`` and the version
    that ``If-Match`` names."""
    values = {**IndicatorForm._initial_of(indicator), **changes, "version": version}
    return IndicatorForm(api_form_data(values), indicator=indicator)


def target_api_form(values: Mapping[str, Any], *, indicator: Indicator) -> TargetForm:
    return TargetForm(api_form_data(values), indicator=indicator, value=None, text="")
