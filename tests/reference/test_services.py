"""Writes of reference data: programmes with their components and reporting quarters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from bomca.reference.models import (
    Component,
    Country,
    Organisation,
    OrganisationKind,
    Programme,
    ReportingPeriod,
)
from bomca.reference.services import (
    country_ensure,
    organisation_ensure,
    programme_ensure,
    reporting_periods_ensure,
)
from tests.factories import CountryFactory, OrganisationFactory


@pytest.fixture
def programme_record(db: None) -> dict[str, Any]:
    """A programme record as a dataset file holds it, with its organisations and countries."""
    donor = OrganisationFactory(code="DONOR", kind=OrganisationKind.DONOR, country=None)
    partner = OrganisationFactory(code="PARTNER", kind=OrganisationKind.IMPLEMENTING_PARTNER)
    CountryFactory(code="AA")
    CountryFactory(code="BB")
    return {
        "code": "SYN10",
        "name_en": "Synthetic programme",
        "acronym_en": "SYN",
        "overall_objective_en": "A synthetic objective.",
        "budget": "21650050.00",
        "start_date": "2021-04-01",
        "end_date": "2025-09-30",
        "donor": donor.code,
        "implementing_partners": [partner.code],
        "countries": ["AA", "BB"],
        "components": [
            {"number": number, "title_en": f"C{number}", "specific_objective_en": "Synthetic."}
            for number in (1, 2, 3, 4)
        ],
    }


def test_programme_ensure_creates_the_reporting_quarters_from_start_to_end(programme_record):
    programme, created = programme_ensure(record=programme_record)

    codes = list(programme.reporting_periods.values_list("code", flat=True))
    assert created
    assert len(codes) == 18
    assert codes[0] == "2021Q2"
    assert codes[-1] == "2025Q3"
    first = programme.reporting_periods.get(code="2021Q2")
    assert (first.start_date, first.end_date) == (date(2021, 4, 1), date(2021, 6, 30))


def test_programme_ensure_creates_the_components_and_links(programme_record):
    programme, _created = programme_ensure(record=programme_record)

    assert list(programme.components.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert sorted(programme.countries.values_list("code", flat=True)) == ["AA", "BB"]
    assert list(programme.implementing_partners.values_list("code", flat=True)) == ["PARTNER"]
    assert programme.donor.code == "DONOR"


def test_programme_ensure_twice_duplicates_nothing(programme_record):
    first, _created = programme_ensure(record=programme_record)

    second, created = programme_ensure(record=programme_record)

    assert not created
    assert second == first
    assert Programme.objects.count() == 1
    assert Component.objects.filter(programme=first).count() == 4
    assert ReportingPeriod.objects.filter(programme=first).count() == 18


def test_programme_ensure_never_changes_an_existing_programme(programme_record):
    programme, _created = programme_ensure(record=programme_record)

    programme_ensure(record={**programme_record, "name_en": "Renamed in the file"})

    programme.refresh_from_db()
    assert programme.name_en == "Synthetic programme"


def test_reporting_periods_ensure_adds_only_the_missing_quarters(programme_record):
    programme, _created = programme_ensure(record=programme_record)
    programme.reporting_periods.filter(code__in=["2022Q1", "2024Q4"]).delete()

    added = reporting_periods_ensure(programme=programme)

    assert added == 2
    assert programme.reporting_periods.count() == 18
    assert reporting_periods_ensure(programme=programme) == 0


def test_programme_ensure_refuses_an_end_before_the_start(programme_record):
    record = {**programme_record, "end_date": "2020-12-31"}

    with pytest.raises(ValidationError):
        programme_ensure(record=record)

    assert not Programme.objects.exists()
    assert not ReportingPeriod.objects.exists()


def test_country_ensure_creates_a_missing_country_and_finds_an_existing_one(db):
    record = {"code": "AA", "iso3": "AAA", "name_en": "Aland", "source": "seed"}

    country, created = country_ensure(record=record)
    again, created_again = country_ensure(record={**record, "name_en": "Changed"})

    assert created
    assert not created_again
    assert again == country
    assert Country.objects.get(code="AA").name_en == "Aland"


def test_organisation_ensure_links_the_organisation_to_its_country(db):
    CountryFactory(code="AA")
    record = {"code": "AA-BORDER", "name_en": "Aland border", "kind": "border", "country": "AA"}

    organisation, created = organisation_ensure(record=record)

    assert created
    assert organisation.country.code == "AA"
    assert Organisation.objects.filter(code="AA-BORDER").count() == 1


def test_organisation_ensure_refuses_an_unknown_kind(db):
    record = {"code": "ODD", "name_en": "Odd", "kind": "pirates"}

    with pytest.raises(ValidationError) as raised:
        organisation_ensure(record=record)

    assert "kind" in raised.value.message_dict
    assert not Organisation.objects.filter(code="ODD").exists()
