"""Forms of the activity register: filters, the activity itself and its participant counts."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.forms.utils import ErrorList
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.activities.models import Activity, ActivityType, Scope, Status
from bomca.activities.selectors import ACTIVITY_ORDERINGS, NO_HOST_COUNTRY, ActivityFilters
from bomca.activities.services import EDITABLE_FIELDS, RELATION_FIELDS
from bomca.core import glossary
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.periods import parse_period
from bomca.core.widgets import DateInput
from bomca.people.models import ParticipantCount
from bomca.people.services import ParticipantCountInput
from bomca.reference.models import Country, Programme
from bomca.reference.selectors import component_list, organisation_list, programme_country_list

_ANY = [("", _("Any"))]


#: Rows per page of the register: 25 by default; more for those who scan a quarter at once.
PAGE_SIZES = (25, 50, 100)


class ActivityFilterForm(forms.Form):
    """The register's filters; every field optional, every value checked."""

    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    component = forms.TypedChoiceField(
        label=_("Component"), required=False, coerce=int, empty_value=None
    )
    country = forms.ChoiceField(label=_("Host country"), required=False)
    activity_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_ANY + ActivityType.choices
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=_ANY + Scope.choices,
        help_text=_("National: one country. Regional: several."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_ANY + Status.choices)
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=40,
        help_text=_("2023Q2, 2023, 2023-04 or 2021-04..2025-09"),
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(key, key) for key in ACTIVITY_ORDERINGS]
    )
    per_page = forms.TypedChoiceField(
        label=_("Rows per page"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = _ANY + [  # type: ignore[attr-defined]
            (component.number, str(component)) for component in component_list(programme=programme)
        ]
        self.fields["country"].choices = (  # type: ignore[attr-defined]
            _ANY
            + [
                (country.code, country.name)
                for country in programme_country_list(programme=programme)
            ]
            + [(NO_HOST_COUNTRY, _("No host country (regional, online)"))]
        )

    def page_size(self) -> int:
        """The rows per page asked for, if it is one of ``PAGE_SIZES``; else the default."""
        if not self.is_bound:
            return PAGE_SIZES[0]
        self.is_valid()
        return int(self.cleaned_data.get("per_page") or PAGE_SIZES[0])

    def clean_period(self) -> Any:
        text = self.cleaned_data["period"]
        if not text:
            return None
        try:
            return parse_period(text)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None

    def ordering(self) -> str:
        """The valid sort key asked for, or an empty string."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get("sort", ""))

    def filters(self) -> ActivityFilters:
        """The filters the valid fields describe (invalid fields are ignored)."""
        if not self.is_bound:
            return ActivityFilters()
        self.is_valid()  # cleaned_data then holds exactly the fields that are valid
        data = self.cleaned_data
        return ActivityFilters(
            component=data.get("component"),
            country=data.get("country", ""),
            activity_type=data.get("activity_type", ""),
            scope=data.get("scope", ""),
            status=data.get("status", ""),
            period=data.get("period"),
            text=data.get("text", ""),
        )


class ActivityForm(forms.ModelForm):
    #: The version the person opened, sent back with the change (``activity_update`` refuses
    #: a save made from an older one).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [*EDITABLE_FIELDS, *RELATION_FIELDS]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "outputs": forms.Textarea(attrs={"rows": 3}),
            "narrative_en": forms.Textarea(attrs={"rows": 4}),
            "narrative_ru": forms.Textarea(attrs={"rows": 4}),
            "beneficiary_organisations": forms.SelectMultiple(attrs={"size": 8}),
            "co_organisers": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(
        self, *args: Any, programme: Programme, user: User | AnonymousUser, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        countries = programme_country_list(programme=programme)
        fields = self.fields
        # Only the components and host countries the user may record activities in.
        fields["component"].queryset = access.components_recordable_by(user, programme)  # type: ignore[attr-defined]
        fields["host_country"].queryset = access.host_countries_recordable_by(user, programme)  # type: ignore[attr-defined]
        fields["trainer_country"].queryset = countries  # type: ignore[attr-defined]
        fields["abroad_country"].queryset = Country.objects.exclude(  # type: ignore[attr-defined]
            pk__in=countries.values("pk")
        )
        organisations = organisation_list(programme=programme)
        fields["beneficiary_organisations"].queryset = organisations  # type: ignore[attr-defined]
        fields["co_organisers"].queryset = organisations  # type: ignore[attr-defined]
        # Who works in Russian may give the Russian title alone; it stands in for the English
        # one until someone translates it, as the activities import does.
        fields["title_en"].required = False
        fields["title_en"].help_text = _(
            "Leave it empty to use the Russian title until translated."
        )
        for name in ("beneficiary_organisations", "co_organisers"):
            fields[name].help_text = _(
                "Hold Ctrl (⌘ on a Mac) and click to choose more than one, or to leave one out."
            )
        if self.instance.pk is not None:
            fields["version"].initial = self.instance.version
        fields["format"].help_text = glossary.explanation("format")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("title_en") and "title_en" not in self.errors:
            if cleaned.get("title_ru"):
                cleaned["title_en"] = cleaned["title_ru"]
            else:
                self.add_error("title_en", _("Give the title in English or in Russian."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The cleaned values, in the shape the activity services take."""
        return {field: self.cleaned_data[field] for field in self.Meta.fields}

    def expected_version(self) -> int | None:
        """The version the person opened; None for a new activity."""
        if self.instance.pk is None:
            return None
        # A post without its version (a page opened before versions existed) counts as read
        # at version 0: always stale, so it never overwrites a change unseen.
        return self.cleaned_data.get("version") or 0


#: How the API names the related records of an activity: components by their number in the
#: programme, countries and organisations by their codes (as its answers show them).
API_KEYS = {
    "component": "number",
    "host_country": "code",
    "abroad_country": "code",
    "trainer_country": "code",
    "beneficiary_organisations": "code",
    "co_organisers": "code",
}


def activity_api_form(
    data: dict[str, Any],
    *,
    programme: Programme,
    user: User | AnonymousUser,
    instance: Activity | None = None,
) -> ActivityForm:
    """The web form, with the same choices and messages, filled in from an API call."""
    form = ActivityForm(data, programme=programme, user=user, instance=instance)
    for name, key in API_KEYS.items():
        form.fields[name].to_field_name = key  # type: ignore[attr-defined]
    return form


class ParticipantCountForm(forms.ModelForm):
    _count_errors = {"min_value": _("A count cannot be negative.")}

    female = forms.IntegerField(
        label=_("Women"), min_value=0, initial=0, error_messages=_count_errors
    )
    male = forms.IntegerField(label=_("Men"), min_value=0, initial=0, error_messages=_count_errors)
    unrecorded = forms.IntegerField(
        label=_("Sex not recorded"), min_value=0, initial=0, error_messages=_count_errors
    )

    class Meta:
        model = ParticipantCount
        fields = ["country", "organisation", "female", "male", "unrecorded"]

    def as_input(self) -> ParticipantCountInput:
        """This row for the services; an unchanged row keeps where its numbers came from."""
        data = self.cleaned_data
        keep = self.instance.pk is not None and not self.has_changed()
        return ParticipantCountInput(
            country=data["country"],
            organisation=data.get("organisation"),
            female=data["female"],
            male=data["male"],
            unrecorded=data["unrecorded"],
            source=self.instance.source if keep else Source.RECORDED,
            source_note=self.instance.source_note if keep else "",
        )


class BaseParticipantCountFormSet(forms.BaseInlineFormSet):
    _non_form_errors: ErrorList | None

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = programme_country_list(programme=programme)
        organisations = organisation_list(programme=programme)
        # Each row's dropdowns render from one list, not from two queries per row.
        country_choices = [("", "---------"), *((c.pk, str(c)) for c in countries)]
        organisation_choices = [("", "---------"), *((o.pk, str(o)) for o in organisations)]
        for form in self.forms:
            form.fields["country"].queryset = countries  # type: ignore[attr-defined]
            form.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            form.fields["country"].widget.choices = country_choices
            form.fields["organisation"].widget.choices = organisation_choices

    def clean(self) -> None:
        """Refuse two rows for the same country and organisation, naming the row as shown."""
        super().clean()
        seen: set[tuple[int, int | None]] = set()
        for number, form in enumerate(self.forms, start=1):
            data = form.cleaned_data if form.is_valid() else {}
            if not data or data.get("DELETE") or not data.get("country"):
                continue
            organisation = data.get("organisation")
            key = (data["country"].pk, organisation.pk if organisation else None)
            if key in seen:
                raise forms.ValidationError(
                    _("Row %(row)s repeats the country and organisation of an earlier row.")
                    % {"row": number}
                )
            seen.add(key)

    def add_non_form_errors(self, messages: list[str]) -> None:
        """Show errors the services found across rows (e.g. a repeated country)."""
        self.full_clean()
        self._non_form_errors = self.error_class(messages, error_class="nonform")

    def rows(self) -> list[ParticipantCountInput]:
        """The rows that are filled in and not marked for deletion."""
        return [
            cast(ParticipantCountForm, form).as_input()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def participant_count_formset(
    data: QueryDict | None, *, activity: Activity, programme: Programme
) -> BaseParticipantCountFormSet:
    """The participant-count rows of ``activity`` (unsaved for a new one), bound to ``data``."""
    formset = ParticipantCountFormSet(data, instance=activity, programme=programme, prefix="counts")
    return cast(BaseParticipantCountFormSet, formset)


ParticipantCountFormSet = forms.inlineformset_factory(
    Activity,
    ParticipantCount,
    form=ParticipantCountForm,
    formset=BaseParticipantCountFormSet,
    extra=2,
    can_delete=True,
)


def participant_count_api_form(
    data: dict[str, Any], *, programme: Programme
) -> ParticipantCountForm:
    """One row of counts from an API call, checked as the web form checks it."""
    form = ParticipantCountForm(data)
    form.fields["country"].queryset = programme_country_list(programme=programme)  # type: ignore[attr-defined]
    form.fields["organisation"].queryset = organisation_list(programme=programme)  # type: ignore[attr-defined]
    for name in ("country", "organisation"):
        form.fields[name].to_field_name = "code"  # type: ignore[attr-defined]
    return form
