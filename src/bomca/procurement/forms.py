"""Forms of procurement: list filters, a need with its lots and items, a move to another step,
a delivery and a hand-over. They validate what a person typed; the rules are the services'."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bomca.core import glossary
from bomca.core.money import Currency
from bomca.core.widgets import DateInput
from bomca.procurement.models import (
    Horizon,
    NeedStatus,
    Procedure,
    ProcurementItem,
    ProcurementNeed,
)
from bomca.procurement.selectors import ItemProgress, NeedFilters
from bomca.procurement.services import (
    EDITABLE_FIELDS,
    HandOverLineInput,
    ItemInput,
    LotInput,
    quantity_text,
    status_label,
)
from bomca.reference.models import Organisation, Programme
from bomca.reference.selectors import component_list, programme_country_list

_ANY = [("", _("Any"))]


class NeedFilterForm(forms.Form):
    """The list's filters; every field optional, every value checked."""

    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    component = forms.TypedChoiceField(
        label=_("Component"), required=False, coerce=int, empty_value=None
    )
    horizon = forms.ChoiceField(
        label=_("Horizon"),
        required=False,
        choices=_ANY + Horizon.choices,
        help_text=_("Short-term: ad hoc. Mid-term: a national priority."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_ANY + NeedStatus.choices)
    procedure = forms.ChoiceField(
        label=_("Procedure"), required=False, choices=_ANY + Procedure.choices
    )
    late = forms.BooleanField(label=_("Late deliveries only"), required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _ANY + [  # type: ignore[attr-defined]
            (country.code, country.name) for country in programme_country_list(programme=programme)
        ]
        self.fields["component"].choices = _ANY + [  # type: ignore[attr-defined]
            (component.number, str(component)) for component in component_list(programme=programme)
        ]

    def filters(self) -> NeedFilters:
        """The filters the valid fields describe (invalid fields are ignored)."""
        if not self.is_bound:
            return NeedFilters()
        self.is_valid()  # cleaned_data then holds exactly the fields that are valid
        data = self.cleaned_data
        return NeedFilters(
            country=data.get("country", ""),
            component=data.get("component"),
            horizon=data.get("horizon", ""),
            status=data.get("status", ""),
            procedure=data.get("procedure", ""),
            text=data.get("text", ""),
            late=bool(data.get("late")),
        )


class VersionField(forms.IntegerField):
    """The version the person read the record at, sent back with their change."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


class NeedForm(forms.ModelForm):
    identified_on = forms.DateField(
        label=_("Identified on"),
        widget=DateInput(),
        help_text=_("The date the agency asked for it; the reference takes its year."),
    )
    version = VersionField(required=False)

    class Meta:
        model = ProcurementNeed
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 4}),
            "contract_date": DateInput(),
            "planned_delivery_date": DateInput(),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        countries = programme_country_list(programme=programme)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["beneficiary"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        ).select_related("country")
        self.fields["component"].queryset = component_list(programme=programme)  # type: ignore[attr-defined]
        self.fields["horizon"].help_text = glossary.explanation("horizon")
        self.fields["beneficiary"].help_text = glossary.explanation("beneficiary")
        if self.instance.pk is None:
            self.fields["identified_on"].initial = timezone.localdate()
        else:
            # Its date is that of the first step; later steps are made with the move form.
            del self.fields["identified_on"]
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def service_data(self) -> dict[str, Any]:
        """The cleaned values, in the shape the need services take."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


#: How the API names a need's related records: countries and organisations by their codes,
#: the component by its number in the programme (as its answers show them).
API_KEYS = {"country": "code", "beneficiary": "code", "component": "number"}


def need_api_form(
    data: dict[str, str], *, programme: Programme, instance: ProcurementNeed | None = None
) -> NeedForm:
    """The web form, with the same choices and messages, filled in from an API call."""
    form = NeedForm(data, programme=programme, instance=instance)
    for name, key in API_KEYS.items():
        form.fields[name].to_field_name = key  # type: ignore[attr-defined]
    return form


class LotForm(forms.Form):
    number = forms.IntegerField(label=_("Lot"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Lot title"), max_length=255)


class ItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lot = forms.IntegerField(label=_("Lot"), min_value=1, max_value=999, initial=1)
    description = forms.CharField(label=_("Description"), max_length=255)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, initial="pcs")
    estimated_value = forms.DecimalField(
        label=_("Estimated value"), min_value=0, max_digits=14, decimal_places=2
    )
    contracted_value = forms.DecimalField(
        label=_("Contracted value"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, initial=Currency.EUR
    )
    planned_delivery_date = forms.DateField(
        label=_("Planned delivery"), required=False, widget=DateInput()
    )

    def as_input(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            pk=data.get("id"),
            lot=data["lot"],
            description=data["description"],
            quantity=data["quantity"],
            unit=data["unit"],
            estimated_value=data["estimated_value"],
            contracted_value=data.get("contracted_value"),
            currency=data["currency"],
            planned_delivery_date=data.get("planned_delivery_date"),
        )


LotFormSet = forms.formset_factory(LotForm, extra=1, can_delete=True)
ItemFormSet = forms.formset_factory(ItemForm, extra=2, can_delete=True)


def lot_formset(data: Any, *, need: ProcurementNeed | None) -> Any:
    initial = lot_rows(need) if need else []
    return LotFormSet(data, initial=initial or [{"number": 1}], prefix="lots")


def item_formset(data: Any, *, need: ProcurementNeed | None) -> Any:
    return ItemFormSet(data, initial=item_rows(need) if need else [], prefix="items")


def lot_rows(need: ProcurementNeed) -> list[dict[str, Any]]:
    """The need's lots as the lot form's values."""
    return [{"number": lot.number, "title": lot.title} for lot in need.lots.all()]


def item_rows(need: ProcurementNeed) -> list[dict[str, Any]]:
    """The need's items as the item form's values, by lot."""
    items = (
        ProcurementItem.objects.filter(lot__need=need)
        .select_related("lot")
        .order_by("lot__number", "pk")
    )
    return [
        {
            "id": item.pk,
            "lot": item.lot.number,
            "description": item.description,
            "quantity": item.quantity,
            "unit": item.unit,
            "estimated_value": item.estimated_value,
            "contracted_value": item.contracted_value,
            "currency": item.currency,
            "planned_delivery_date": item.planned_delivery_date,
        }
        for item in items
    ]


def lot_api_formset(rows: Sequence[Mapping[str, str]]) -> Any:
    """The lots' formset filled in from an API call's rows."""
    return LotFormSet(_posted_rows("lots", rows), prefix="lots")


def item_api_formset(rows: Sequence[Mapping[str, str]]) -> Any:
    """The items' formset filled in from an API call's rows."""
    return ItemFormSet(_posted_rows("items", rows), prefix="items")


def _posted_rows(prefix: str, rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    # Every row counts as an initial one, so that each is checked: a row that happened to
    # equal a blank row's defaults would otherwise be taken for an untouched blank and dropped.
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def kept_rows(formset: Any) -> list[forms.Form]:
    """The rows filled in and not marked for deletion (an untouched extra row is empty)."""
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def lots_of(formset: Any) -> list[LotInput]:
    return [
        LotInput(number=form.cleaned_data["number"], title=form.cleaned_data["title"])
        for form in kept_rows(formset)
    ]


def items_of(formset: Any) -> list[ItemInput]:
    return [cast(ItemForm, form).as_input() for form in kept_rows(formset)]


class TransitionForm(forms.Form):
    """A move to another status. Only the allowed ones are offered; any other posted is still
    passed on, so that the service says why it is refused."""

    to = forms.ChoiceField(label=_("Move to"), choices=NeedStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when putting the need on hold or cancelling it: say why."),
    )
    version = VersionField()

    def __init__(
        self, *args: Any, need: ProcurementNeed, allowed: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = [(status, status_label(status)) for status in allowed]
        self.fields["on"].initial = timezone.localdate()
        self.fields["version"].initial = need.version


class DeliveryForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.DecimalField(
        label=_("Quantity delivered"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    date = forms.DateField(label=_("Delivery date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, items: list[ItemProgress], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {str(row.item.pk): row.item for row in items}
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            (
                str(row.item.pk),
                _("Lot %(lot)s: %(item)s (%(left)s %(unit)s to deliver)")
                % {
                    "lot": row.item.lot.number,
                    "item": row.item.description,
                    "left": quantity_text(row.to_deliver),
                    "unit": row.item.unit,
                },
            )
            for row in items
            if row.to_deliver > 0
        ]
        self.fields["date"].initial = timezone.localdate()

    def chosen_item(self) -> ProcurementItem:
        return self.items[self.cleaned_data["item"]]


class HandOverForm(forms.Form):
    """A hand-over: who received what, where and when, with the signed certificate; one
    quantity field per item that has something delivered and not yet handed over."""

    receiving_organisation = forms.ModelChoiceField(
        label=_("Receiving organisation"), queryset=Organisation.objects.none()
    )
    place = forms.CharField(label=_("Place"), max_length=255)
    date = forms.DateField(label=_("Hand-over date"), widget=DateInput())
    certificate = forms.FileField(
        label=_("Signed hand-over certificate"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, need: ProcurementNeed, items: list[ItemProgress], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_organisation"]
        field.queryset = Organisation.objects.filter(country=need.country_id)  # type: ignore[attr-defined]
        field.initial = need.beneficiary_id
        self.fields["date"].initial = timezone.localdate()
        self.lines = [row for row in items if row.to_hand_over > 0]
        for row in self.lines:
            self.fields[f"item_{row.item.pk}"] = forms.DecimalField(
                label=_("Lot %(lot)s: %(item)s (%(left)s %(unit)s delivered, not handed over)")
                % {
                    "lot": row.item.lot.number,
                    "item": row.item.description,
                    "left": quantity_text(row.to_hand_over),
                    "unit": row.item.unit,
                },
                required=False,
                min_value=Decimal("0.01"),
                max_digits=12,
                decimal_places=2,
            )

    def line_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{row.item.pk}"] for row in self.lines]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.line_inputs():
            raise forms.ValidationError(_("Enter the quantity handed over of at least one item."))
        return data

    def line_inputs(self) -> list[HandOverLineInput]:
        return [
            HandOverLineInput(item=row.item, quantity=quantity)
            for row in self.lines
            if (quantity := self.cleaned_data.get(f"item_{row.item.pk}"))
        ]
