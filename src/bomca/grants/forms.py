"""Forms of the grants pages. Forms that edit a record carry the version it was read at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bomca.core.widgets import DateInput
from bomca.grants.models import (
    Application,
    CallForProposals,
    GrantProject,
    PaymentKind,
    PeopleReached,
    ProjectStatus,
    Report,
)
from bomca.grants.selectors import ProjectFilters
from bomca.grants.services import (
    APPLICATION_FIELDS,
    CALL_FIELDS,
    PEOPLE_FIELDS,
    PROJECT_FIELDS,
    REPORT_FIELDS,
    allowed_transitions,
)
from bomca.reference.models import Organisation, OrganisationKind, Programme
from bomca.reference.selectors import programme_country_list

_ANY = [("", _("Any"))]


class ProjectFilterForm(forms.Form):
    """The project list's filters; every field optional, every value checked."""

    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    call = forms.ChoiceField(label=_("Call for proposals"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_ANY + ProjectStatus.choices
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calls = CallForProposals.objects.filter(programme=programme).order_by("-opens_on")
        self.fields["call"].choices = _ANY + [  # type: ignore[attr-defined]
            (reference, reference) for reference in calls.values_list("reference", flat=True)
        ]
        self.fields["country"].choices = _ANY + [  # type: ignore[attr-defined]
            (country.code, country.name) for country in programme_country_list(programme=programme)
        ]

    def filters(self) -> ProjectFilters:
        """The filters the valid fields describe (invalid fields are ignored)."""
        if not self.is_bound:
            return ProjectFilters()
        self.is_valid()  # cleaned_data then holds exactly the fields that are valid
        data = self.cleaned_data
        return ProjectFilters(
            call=data.get("call", ""),
            country=data.get("country", ""),
            status=data.get("status", ""),
            text=data.get("text", ""),
        )


class VersionedForm(forms.ModelForm):
    """A form that sends back the version of the record it showed, so that a save made from a
    copy someone else has changed since is refused (``core.records.save_versioned``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def expected_version(self) -> int | None:
        """The version the person read; None for a new record."""
        if self.instance.pk is None:
            return None
        # A form posted without its version is treated as read at version 0: always stale.
        return self.cleaned_data.get("version") or 0

    def service_data(self) -> dict[str, Any]:
        """The cleaned values of the model's fields, as the services take them."""
        return {field: self.cleaned_data[field] for field in self._meta.fields or ()}


class CallForm(VersionedForm):
    class Meta:
        model = CallForProposals
        fields = [*CALL_FIELDS, "countries"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "themes": forms.Textarea(attrs={"rows": 4}),
            "countries": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["countries"].queryset = programme_country_list(programme=programme)  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data.pop("countries")
        return data


class ApplicationForm(VersionedForm):
    class Meta:
        model = Application
        fields = list(APPLICATION_FIELDS)
        widgets = {"submitted_on": DateInput(), "decision_date": DateInput()}

    def __init__(self, *args: Any, call: CallForProposals, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.call = call
        countries = call.countries.order_by("name_en")
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.NGO, country__in=countries
        ).select_related("country")
        if self.instance.pk is None:
            self.fields["currency"].initial = call.currency


class ProjectForm(VersionedForm):
    """The grant contract; on contracting, also the day it was signed and a note."""

    contracted_on = forms.DateField(
        label=_("contract signed"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea({"rows": 2}))

    class Meta:
        model = GrantProject
        fields = list(PROJECT_FIELDS)
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, application: Application | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if application is not None:  # contracting: the project is new
            self.instance.application = application
            self.fields["currency"].initial = application.call.currency
            self.fields["amount"].initial = application.requested_amount
        else:
            del self.fields["contracted_on"]
            del self.fields["note"]


class MoveForm(forms.Form):
    """One status step. The drop-down offers only the steps allowed from the current status;
    any other status posted goes to the service, which refuses it and says why."""

    to_status = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Required when a project is terminated: say why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, project: GrantProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = project.version
        allowed = allowed_transitions(project.status)
        self.fields["to_status"].widget.choices = [
            (status, ProjectStatus(status).label) for status in allowed
        ]

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class ReportForm(VersionedForm):
    class Meta:
        model = Report
        fields = list(REPORT_FIELDS)
        widgets = {
            "due_date": DateInput(),
            "received_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, project: GrantProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PaymentKind.choices)
    paid_on = forms.DateField(label=_("paid"), widget=DateInput(), initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(label=_("note"), required=False, max_length=255)

    def __init__(self, *args: Any, project: GrantProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s, the contract's currency.") % {
            "currency": project.currency
        }


class PeopleReachedForm(VersionedForm):
    class Meta:
        model = PeopleReached
        fields = list(PEOPLE_FIELDS)

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.report = report
