"""Reads of reference data: which programme a command or page is about."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404
from django.test import RequestFactory

from bomca.core.errors import ApplicationError
from bomca.reference.selectors import (
    component_list,
    organisation_list,
    programme_country_list,
    programme_for_request,
    programme_get,
)
from tests.factories import (
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ProgrammeFactory,
)


def test_programme_get_finds_a_programme_by_its_code_in_any_case(bomca10):
    assert programme_get(code="bomca10") == bomca10


def test_programme_get_with_an_unknown_code_lists_the_known_codes(db):
    ProgrammeFactory(code="ALPHA")
    ProgrammeFactory(code="BETA")

    with pytest.raises(ApplicationError) as raised:
        programme_get(code="GAMMA")

    message = raised.value.message
    assert "GAMMA" in message
    assert "ALPHA" in message
    assert "BETA" in message


def test_programme_get_with_an_unknown_code_says_when_none_is_loaded(db):
    with pytest.raises(ApplicationError, match="none yet"):
        programme_get(code="GAMMA")


def test_programme_get_without_a_code_gives_the_default_programme(bomca10):
    ProgrammeFactory(code="LATER", start_date=date(2025, 1, 1), end_date=date(2029, 12, 31))

    assert programme_get() == bomca10


def test_programme_get_follows_the_default_programme_setting(bomca10, settings):
    other = ProgrammeFactory(code="OTHER")
    settings.BOMCA_DEFAULT_PROGRAMME = "OTHER"

    assert programme_get() == other


def test_programme_get_without_the_default_programme_gives_the_latest(db):
    ProgrammeFactory(code="OLD", start_date=date(2015, 1, 1), end_date=date(2019, 12, 31))
    latest = ProgrammeFactory(code="NEW", start_date=date(2021, 1, 1), end_date=date(2024, 12, 31))

    assert programme_get() == latest


def test_programme_get_without_any_programme_says_to_run_init(db):
    with pytest.raises(ApplicationError, match="bomca init"):
        programme_get()


def test_programme_for_request_reads_the_programme_parameter(bomca10, rf: RequestFactory):
    other = ProgrammeFactory(code="OTHER")

    assert programme_for_request(rf.get("/", {"programme": "OTHER"})) == other
    assert programme_for_request(rf.get("/")) == bomca10


def test_programme_for_request_with_an_unknown_code_is_not_found(bomca10, rf: RequestFactory):
    with pytest.raises(Http404):
        programme_for_request(rf.get("/", {"programme": "NOPE"}))


def test_component_list_is_in_number_order(db):
    programme = ProgrammeFactory()
    for number in (3, 1, 2):
        ComponentFactory(programme=programme, number=number)
    ComponentFactory(number=4)

    assert [c.number for c in component_list(programme=programme)] == [1, 2, 3]


def test_programme_country_list_is_by_name(bomca10):
    names = [country.name_en for country in programme_country_list(programme=bomca10)]

    assert names == ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]


def test_organisation_list_has_programme_countries_and_countryless_ones_only(db):
    home = CountryFactory()
    programme = ProgrammeFactory(countries=[home])
    local = OrganisationFactory(country=home)
    foreign = OrganisationFactory(country=CountryFactory())

    organisations = set(organisation_list(programme=programme))

    assert local in organisations
    assert programme.donor in organisations
    assert foreign not in organisations
