"""What a browser posts from the activity form: the activity's fields and its participant rows."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from bomca.activities.models import Activity
from bomca.reference.models import Country, Organisation, Programme

PREFIX = "counts"
#: An extra row the person left alone: the browser still sends its zeros.
EMPTY_ROW: dict[str, str] = {
    "country": "",
    "organisation": "",
    "female": "0",
    "male": "0",
    "unrecorded": "0",
}


def activity_fields(programme: Programme, **changes: Any) -> dict[str, Any]:
    """A valid national workshop in Kyrgyzstan, C1, early July 2023; ``changes`` override."""
    fields: dict[str, Any] = {
        "component": str(programme.components.get(number=1).pk),
        "title_en": "Workshop on synthetic border crossing statistics",
        "title_ru": "",
        "thematic_area": "statistics",
        "activity_type": "workshop",
        "scope": "national",
        "format": "in_person",
        "host_country": str(Country.objects.get(code="KG").pk),
        "city": "Osh",
        "abroad_country": "",
        "start_date": "2023-07-04",
        "end_date": "2023-07-06",
        "status": "implemented",
        "delivered_by": "eu_experts",
        "trainer_country": "",
        "outputs": "",
        "narrative_en": "",
        "narrative_ru": "",
    }
    fields.update(changes)
    return fields


def opened_version(code: str) -> dict[str, str]:
    """The hidden field of an edit form opened now: the activity's current version."""
    return {"version": str(Activity.objects.get(code=code).version)}


def count_row(
    country: str, organisation: str | None = None, *, female: int = 0, male: int = 0
) -> dict[str, str]:
    """A participant row for ``country`` (ISO code) and ``organisation`` (its code)."""
    return {
        "country": str(Country.objects.get(code=country).pk),
        "organisation": str(Organisation.objects.get(code=organisation).pk) if organisation else "",
        "female": str(female),
        "male": str(male),
        "unrecorded": "0",
    }


def count_rows(*rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    """The formset's management form and ``rows``, named as the page names them."""
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{PREFIX}-{index}-{name}": value for name, value in row.items()})
    return data


def resubmission(response: HttpResponse) -> dict[str, Any]:
    """What the browser posts back when the person saves the rendered form unchanged."""
    form, formset = response.context["form"], response.context["formset"]
    data: dict[str, Any] = {}
    for bound in form:
        data[bound.html_name] = _posted(bound.value())
    if formset is None:  # counts come from the attendance list: no rows on the form
        return data
    for bound in formset.management_form:
        data[bound.html_name] = _posted(bound.value())
    for row in formset:
        for bound in row:
            value = bound.value()
            if value is not False:  # an unticked checkbox sends nothing
                data[bound.html_name] = _posted(value)
    return data


def _posted(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)
