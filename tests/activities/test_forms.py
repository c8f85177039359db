"""The register's filters, the activity form and its participant rows."""

from __future__ import annotations

from datetime import date

import pytest

from bomca.accounts.models import Role
from bomca.activities.forms import ActivityFilterForm, ActivityForm, participant_count_formset
from bomca.activities.models import Activity
from bomca.activities.selectors import ActivityFilters
from bomca.core.models import Source
from bomca.core.periods import Period
from bomca.reference.models import Country, Programme
from tests.activities.post_data import EMPTY_ROW, activity_fields, count_row, count_rows
from tests.factories import (
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

ACCEPTED_FORMS = "use a quarter (2023Q2), a year (2023), a month (2023-04) or a range"


@pytest.fixture
def other_programme(db: None) -> Programme:
    """A second programme with its own component and a country BOMCA 10 does not work in."""
    programme = ProgrammeFactory(countries=[CountryFactory(code="QA")])
    ComponentFactory(programme=programme, number=7, title_en="Synthetic component seven")
    return programme


def _filter_form(programme: Programme, **data: str) -> ActivityFilterForm:
    return ActivityFilterForm(data, programme=programme)


def _values(choices: object) -> list[object]:
    return [value for value, _label in choices]  # type: ignore[attr-defined]


# The register's filters


def test_the_component_filter_offers_only_the_programme_components(
    bomca10: Programme, other_programme: Programme
):
    form = ActivityFilterForm(programme=bomca10)

    assert _values(form.fields["component"].choices) == ["", 1, 2, 3, 4]


def test_the_country_filter_offers_only_programme_countries_and_no_host_country(
    bomca10: Programme, other_programme: Programme
):
    form = ActivityFilterForm(programme=bomca10)

    assert _values(form.fields["country"].choices) == ["", "KZ", "KG", "TJ", "TM", "UZ", "none"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("component", "7"), ("country", "QA"), ("country", "DE"), ("activity_type", "party")],
)
def test_a_filter_value_from_outside_the_programme_is_refused(
    bomca10: Programme, other_programme: Programme, field, value
):
    form = _filter_form(bomca10, **{field: value})

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_the_other_programme_gets_its_own_choices(bomca10: Programme, other_programme: Programme):
    form = ActivityFilterForm(programme=other_programme)

    assert _values(form.fields["component"].choices) == ["", 7]
    assert _values(form.fields["country"].choices) == ["", "QA", "none"]


def test_an_unreadable_period_is_a_field_error_naming_the_accepted_forms(bomca10: Programme):
    form = _filter_form(bomca10, period="spring 2023")

    assert not form.is_valid()
    assert list(form.errors) == ["period"]
    assert ACCEPTED_FORMS in form.errors["period"][0]


def test_an_impossible_quarter_is_a_field_error(bomca10: Programme):
    form = _filter_form(bomca10, period="2023Q5")

    assert form.errors["period"] == [
        "Period 2023Q5 does not exist: a year has quarters Q1 to Q4 (e.g. 2023Q2)."
    ]


def test_the_period_help_shows_the_accepted_forms(bomca10: Programme):
    form = ActivityFilterForm(programme=bomca10)

    assert "2023Q2" in form.fields["period"].help_text
    assert "2021-04..2025-09" in form.fields["period"].help_text


def test_filters_carries_every_valid_field(bomca10: Programme):
    form = _filter_form(
        bomca10,
        text=" Dushanbe ",
        component="3",
        country="TJ",
        activity_type="seminar",
        scope="national",
        status="implemented",
        period="2023Q2",
    )

    assert form.filters() == ActivityFilters(
        component=3,
        country="TJ",
        activity_type="seminar",
        scope="national",
        status="implemented",
        period=Period(start=date(2023, 4, 1), end=date(2023, 6, 30), label="2023Q2"),
        text="Dushanbe",
    )


def test_filters_of_an_empty_form_narrow_nothing(bomca10: Programme):
    assert ActivityFilterForm(programme=bomca10).filters() == ActivityFilters()
    assert _filter_form(bomca10).filters() == ActivityFilters()


def test_filters_ignores_an_invalid_period(bomca10: Programme):
    assert _filter_form(bomca10, period="2023Q5").filters().period is None


def test_filters_ignores_an_invalid_field_but_keeps_the_valid_ones(bomca10: Programme):
    # The docstring promises "invalid fields are ignored"; a typo in the period must not
    # silently widen the register to every component and country as well.
    form = _filter_form(bomca10, component="2", country="KG", period="2023Q5")

    assert form.filters() == ActivityFilters(component=2, country="KG")


def test_filters_keeps_the_filters_when_the_sort_key_is_unknown(bomca10: Programme):
    form = _filter_form(bomca10, component="4", sort="shoe-size")

    assert form.filters() == ActivityFilters(component=4)


# The activity form


def _activity_form(programme: Programme, **changes: str) -> ActivityForm:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    return ActivityForm(activity_fields(programme, **changes), programme=programme, user=manager)


def test_a_complete_activity_is_valid(bomca10: Programme):
    form = _activity_form(bomca10)

    assert form.is_valid(), form.errors
    assert form.service_data()["host_country"] == Country.objects.get(code="KG")


def test_an_end_before_the_start_is_an_error_on_the_end_date_only(bomca10: Programme):
    form = _activity_form(bomca10, start_date="2023-07-06", end_date="2023-07-04")

    assert not form.is_valid()
    assert form.errors == {"end_date": ["The end date is before the start date."]}
    assert form.non_field_errors() == []


def test_a_start_before_the_programme_is_an_error_on_the_start_date(bomca10: Programme):
    form = _activity_form(bomca10, start_date="2021-03-30", end_date="2021-04-02")

    assert list(form.errors) == ["start_date"]
    assert form.errors["start_date"] == [
        "The programme runs from 1 April 2021 to 30 September 2025; this date is outside it."
    ]


def test_an_end_after_the_programme_is_an_error_on_the_end_date(bomca10: Programme):
    form = _activity_form(bomca10, start_date="2025-09-29", end_date="2025-10-01")

    assert list(form.errors) == ["end_date"]
    assert "this date is outside it" in form.errors["end_date"][0]


def test_a_national_activity_without_host_country_is_an_error_on_host_country(
    bomca10: Programme,
):
    form = _activity_form(bomca10, host_country="")

    assert form.errors == {"host_country": ["A national activity needs the country it serves."]}


def test_a_regional_online_activity_needs_no_host_country_or_city(bomca10: Programme):
    form = _activity_form(bomca10, scope="regional", format="online", host_country="", city="")

    assert form.is_valid(), form.errors


def test_an_online_activity_with_a_city_is_an_error_on_city(bomca10: Programme):
    form = _activity_form(bomca10, format="online")

    assert form.errors == {
        "city": ["An online activity has no city; leave it empty or change the format."]
    }


def test_trainers_country_with_eu_experts_is_an_error_on_trainer_country(bomca10: Programme):
    form = _activity_form(bomca10, trainer_country=str(Country.objects.get(code="KZ").pk))

    assert list(form.errors) == ["trainer_country"]


def test_the_component_of_another_programme_is_not_a_valid_choice(
    bomca10: Programme, other_programme: Programme
):
    foreign = other_programme.components.get()

    form = _activity_form(bomca10, component=str(foreign.pk))

    assert list(form.errors) == ["component"]
    assert "Select a valid choice" in form.errors["component"][0]
    assert foreign not in form.fields["component"].queryset


@pytest.mark.parametrize("field", ["host_country", "trainer_country"])
def test_a_country_outside_the_programme_is_not_a_valid_choice(
    bomca10: Programme, other_programme: Programme, field
):
    changes = {field: str(Country.objects.get(code="QA").pk), "delivered_by": "national_trainers"}

    form = _activity_form(bomca10, **changes)

    assert list(form.errors) == [field]


def test_a_programme_country_is_not_offered_as_abroad(bomca10: Programme):
    form = _activity_form(bomca10, abroad_country=str(Country.objects.get(code="KG").pk))

    assert list(form.errors) == ["abroad_country"]
    assert {country.code for country in form.fields["abroad_country"].queryset} == {
        "DE",
        "LV",
        "LT",
    }


def test_an_organisation_of_another_programme_is_not_a_valid_beneficiary(
    bomca10: Programme, other_programme: Programme
):
    foreign = OrganisationFactory(country=Country.objects.get(code="QA"))

    form = _activity_form(bomca10, beneficiary_organisations=[str(foreign.pk)])

    assert list(form.errors) == ["beneficiary_organisations"]


# Participant counts


def _formset(programme: Programme, *rows: dict[str, str]):
    return participant_count_formset(
        count_rows(*rows), activity=Activity(programme=programme), programme=programme
    )


def test_a_negative_count_is_refused_on_that_field(bomca10: Programme):
    formset = _formset(
        bomca10, count_row("KG", female=3, male=4), {**count_row("KZ"), "male": "-2"}
    )

    assert not formset.is_valid()
    assert formset.errors == [{}, {"male": ["A count cannot be negative."]}]


@pytest.mark.parametrize("field", ["female", "male", "unrecorded"])
def test_every_count_must_not_be_negative(bomca10: Programme, field):
    formset = _formset(bomca10, {**count_row("KG"), field: "-1"})

    assert formset.errors == [{field: ["A count cannot be negative."]}]


def test_empty_extra_rows_are_ignored(bomca10: Programme):
    formset = _formset(bomca10, EMPTY_ROW, count_row("KG", "KG-BORDER", female=2), EMPTY_ROW)

    assert formset.is_valid(), formset.errors
    rows = formset.rows()
    assert [(row.country.code, row.organisation.code, row.female) for row in rows] == [
        ("KG", "KG-BORDER", 2)
    ]
    assert rows[0].source == Source.RECORDED


def test_a_form_with_only_empty_rows_has_no_participants(bomca10: Programme):
    formset = _formset(bomca10, EMPTY_ROW, EMPTY_ROW)

    assert formset.is_valid(), formset.errors
    assert formset.rows() == []


def test_a_row_with_counts_but_no_country_is_refused(bomca10: Programme):
    formset = _formset(bomca10, {**EMPTY_ROW, "female": "4"})

    assert list(formset.errors[0]) == ["country"]


def test_an_organisation_of_another_country_is_refused_on_the_row(bomca10: Programme):
    formset = _formset(bomca10, count_row("KG", "KZ-BORDER", male=3))

    assert formset.errors == [{"organisation": ["This organisation belongs to another country."]}]


def test_the_row_choices_are_limited_to_the_programme(
    bomca10: Programme, other_programme: Programme
):
    formset = _formset(bomca10, count_row("QA", male=3))

    assert list(formset.errors[0]) == ["country"]
    row = formset.forms[0]
    assert {country.code for country in row.fields["country"].queryset} == {
        "KZ",
        "KG",
        "TJ",
        "TM",
        "UZ",
    }
