"""Forms of the dashboard and of newsletter issues."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bomca.core.richtext import rich_text_for_editing
from bomca.reference.models import Component, Programme
from bomca.reporting.models import ComponentNarrative, NewsletterIssue
from bomca.reporting.services import (
    ISSUE_FIELDS,
    ISSUE_RICH_FIELDS,
    issue_period,
    newsletter_next_number,
)

RICH_HELP = _(
    "Blank lines separate paragraphs. You may also use simple HTML: <p>, <strong>, <em>, "
    "<ul>/<li> and links; anything else is removed."
)


def _textarea(rows: int = 6) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class NewsletterCreateForm(forms.Form):
    """A new issue: its number and the quarter it covers."""

    number = forms.IntegerField(label=_("Issue number"), min_value=1, max_value=999)
    period_code = forms.ChoiceField(
        label=_("Quarter"), help_text=_("The quarter the issue reports on.")
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        taken = set(programme.newsletter_issues.values_list("period_code", flat=True))
        self.fields["period_code"].choices = [  # type: ignore[attr-defined]
            (row.code, row.code)
            for row in programme.reporting_periods.order_by("-start_date")
            if row.code not in taken
        ]
        self.fields["number"].initial = newsletter_next_number(programme=programme)

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        if self.programme.newsletter_issues.filter(number=number).exists():
            raise ValidationError(_("Issue %(number)s exists already.") % {"number": number})
        return number

    def clean_period_code(self) -> str:
        code: str = self.cleaned_data["period_code"]
        issue_period(code)
        return code


class NewsletterIssueForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssue
        fields = list(ISSUE_FIELDS)
        widgets = {
            "featured_text_en": _textarea(12),
            "featured_text_ru": _textarea(12),
            "upcoming_procurement_en": _textarea(3),
            "upcoming_procurement_ru": _textarea(3),
            "upcoming_grants_en": _textarea(3),
            "upcoming_grants_ru": _textarea(3),
            "upcoming_management_en": _textarea(3),
            "upcoming_management_ru": _textarea(3),
            "disclaimer_en": _textarea(3),
            "disclaimer_ru": _textarea(3),
        }
        help_texts = {
            "featured_text_en": RICH_HELP,
            "upcoming_procurement_en": _(
                "What the next quarter brings for procurement, until procurement is recorded "
                "in the system."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in ISSUE_RICH_FIELDS:
            self.initial[field] = rich_text_for_editing(self.initial.get(field, ""))

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        issues = NewsletterIssue.objects.filter(programme=self.instance.programme, number=number)
        if issues.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Issue %(number)s exists already.") % {"number": number})
        return number


class EditorialForm(forms.Form):
    author = forms.CharField(label=_("Author"), max_length=120)
    author_ru = forms.CharField(label=_("Author (Russian)"), max_length=120, required=False)
    role_en = forms.CharField(label=_("Author's role (English)"), max_length=255)
    role_ru = forms.CharField(label=_("Author's role (Russian)"), max_length=255, required=False)
    text_en = forms.CharField(label=_("Text (English)"), widget=_textarea(10), help_text=RICH_HELP)
    text_ru = forms.CharField(label=_("Text (Russian)"), widget=_textarea(10), required=False)


EditorialFormSet = forms.formset_factory(EditorialForm, extra=1, can_delete=True, max_num=4)


class NarrativeForm(forms.Form):
    """The narrative of one component, in both languages."""

    text_en = forms.CharField(
        label=_("English"), widget=_textarea(8), required=False, help_text=RICH_HELP
    )
    text_ru = forms.CharField(label=_("Russian"), widget=_textarea(8), required=False)

    def __init__(self, *args: Any, narrative: ComponentNarrative, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"c{narrative.component.number}")
        kwargs.setdefault(
            "initial",
            {
                "text_en": rich_text_for_editing(narrative.text_en),
                "text_ru": rich_text_for_editing(narrative.text_ru),
            },
        )
        super().__init__(*args, **kwargs)
        self.narrative = narrative

    @property
    def component(self) -> Component:
        return self.narrative.component


class PictureForm(forms.Form):
    caption_en = forms.CharField(label=_("Caption (English)"), max_length=255)
    caption_ru = forms.CharField(label=_("Caption (Russian)"), max_length=255, required=False)
    image = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_("JPEG or PNG, at most 10 MB. Without one, a neutral placeholder is printed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    picture_id = forms.IntegerField(widget=forms.HiddenInput, required=False)


PictureFormSet = forms.formset_factory(PictureForm, extra=1, can_delete=True, max_num=6)


class RedraftForm(forms.Form):
    """Which components' narratives to draft again from the records."""

    components = forms.TypedMultipleChoiceField(
        label=_("Components"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, issue: NewsletterIssue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = [  # type: ignore[attr-defined]
            (narrative.component.number, str(narrative.component))
            for narrative in issue.narratives.select_related("component")
        ]
