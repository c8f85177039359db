"""Template helpers shared by every app."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms, template
from django.http import QueryDict
from django.utils.translation import gettext as _

from bomca.core import glossary
from bomca.core.dates import month_year
from bomca.core.money import Totals, money_format, totals_format

register = template.Library()

FormSource = forms.BaseForm | forms.BaseFormSet | list[forms.BaseForm] | None


@register.simple_tag
def query_with(query: str, **changes: object) -> str:
    """The URL-encoded ``query`` with ``changes`` applied and the page reset."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = str(value)
    return params.urlencode()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes, rounded up (0 for none)."""
    if value is None:
        return 0
    return max(0, -(-int(value.total_seconds()) // 60))


@register.filter(name="month_year")
def month_year_filter(value: date | None) -> str:
    """'April 2021' / 'апрель 2021' (Django's "F Y" capitalises the Russian month)."""
    return month_year(value) if value else ""


@register.filter
def people(value: int | None) -> str:
    """A count of people as shown: ``None`` (suppressed by the access rules) is "<5"."""
    if value is None:
        return "<5"
    return str(value)


@register.simple_tag
def money(amount: Decimal | None, currency: str) -> str:
    """An amount with its currency: ``{% money item.value item.currency %}``."""
    return money_format(amount, currency)


@register.filter
def currency_totals(totals: Totals | None) -> str:
    """Totals per currency on one line, never one sum across currencies."""
    return totals_format(totals or {})


@register.inclusion_tag("includes/error_links.html")
def error_links(*sources: FormSource) -> dict[str, object]:
    """The error summary's list: one link per invalid visible field, to the field itself.

    ``{% error_links form formset %}``: each argument is a form, a formset, a list of forms or
    ``None``; the rows of a formset are numbered, as their hidden labels are.
    """
    links: list[tuple[str, str, str]] = []
    for source in sources:
        if isinstance(source, forms.BaseFormSet):
            for number, row in enumerate(source.forms, start=1):
                links += _field_errors(row, _("row %(number)s") % {"number": number})
        elif isinstance(source, forms.BaseForm):
            links += _field_errors(source, "")
        elif isinstance(source, list | tuple):
            for form in source:
                links += _field_errors(form, "")
    return {"links": links}


def _field_errors(form: forms.BaseForm, row: str) -> list[tuple[str, str, str]]:
    """(input id, label, first error) of each visible field of ``form`` that has an error."""
    if not form.is_bound or not form.errors:
        return []
    return [
        (
            # A group of checkboxes or radio buttons is reached at its first choice.
            f"{field.auto_id}_0" if field.use_fieldset else field.id_for_label,
            f"{field.label} ({row})" if row else str(field.label),
            str(field.errors[0]),
        )
        for field in form.visible_fields()
        if field.errors
    ]


# Query parameters that choose how a list is shown, not which records it holds.
_NOT_FILTERS = frozenset({"programme", "sort", "per_page", "page"})


@register.simple_tag
def filters_used(form: forms.BaseForm | None) -> bool:
    """Whether the filter ``form`` narrows its list: an empty list then means "nothing matches",
    not "nothing recorded", and its empty state offers to clear the filters."""
    if form is None or not form.is_bound:
        return False
    data = form.data
    values = data.getlist if isinstance(data, QueryDict) else lambda name: [data[name]]
    return any(
        str(value).strip() for name in data if name not in _NOT_FILTERS for value in values(name)
    )


@register.simple_tag
def explain(key: str) -> str:
    """The glossary's short explanation of the term ``key``: ``{% explain "lot" %}``."""
    return str(glossary.explanation(key))


@register.inclusion_tag("includes/term.html")
def term(key: str) -> dict[str, object]:
    """A small "?" after a term of the trade, linking to its entry in the glossary; its title
    shows the explanation on hover: ``<dt>Scope {% term "scope" %}</dt>``."""
    return {"term": glossary.term(key)}
