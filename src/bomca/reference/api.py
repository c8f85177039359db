"""The programme and what it is made of, read through the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from bomca.reference.models import Country, Organisation, Programme

router = Router(tags=["reference"])


class ComponentOut(Schema):
    number: int
    code: str
    title_en: str
    title_ru: str
    specific_objective_en: str
    specific_objective_ru: str


class ProgrammeOut(Schema):
    code: str
    name_en: str
    name_ru: str
    acronym_en: str
    acronym_ru: str
    phase: str
    overall_objective_en: str
    overall_objective_ru: str
    budget: Decimal
    currency: str
    start_date: date
    end_date: date
    countries: list[str]
    components: list[ComponentOut]


class CountryOut(Schema):
    code: str
    iso3: str
    name_en: str
    name_ru: str


class OrganisationOut(Schema):
    code: str
    name_en: str
    name_ru: str
    acronym: str
    kind: str
    country: str | None
    iati_type: str
    iati_ref: str


def _programme(programme: Programme) -> dict[str, object]:
    return {
        **{
            field: getattr(programme, field)
            for field in ProgrammeOut.model_fields
            if field not in ("countries", "components")
        },
        "countries": sorted(country.code for country in programme.countries.all()),
        "components": [
            {**{field: getattr(component, field) for field in ComponentOut.model_fields}}
            for component in programme.components.all()
        ],
    }


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmes")
def programme_list(request: HttpRequest) -> list[dict[str, object]]:
    """Every programme with its countries and components (every role reads them)."""
    programmes = Programme.objects.prefetch_related("countries", "components").order_by("code")
    return [_programme(programme) for programme in programmes]


@router.get("/programmes/{code}", response=ProgrammeOut, summary="One programme")
def programme_detail(request: HttpRequest, code: str) -> dict[str, object]:
    programme = get_object_or_404(
        Programme.objects.prefetch_related("countries", "components"), code__iexact=code
    )
    return _programme(programme)


@router.get("/countries", response=list[CountryOut], summary="Countries")
def country_list(request: HttpRequest) -> list[dict[str, object]]:
    return list(Country.objects.order_by("code").values(*CountryOut.model_fields))


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations")
def organisation_list(request: HttpRequest) -> list[dict[str, object]]:
    """Beneficiary agencies, partners, donors, NGOs and suppliers (organisations, no people)."""
    rows = Organisation.objects.order_by("code").values(
        "code", "name_en", "name_ru", "acronym", "kind", "country__code", "iati_type", "iati_ref"
    )
    return [
        {
            **{key: value for key, value in row.items() if key != "country__code"},
            "country": row["country__code"],
        }
        for row in rows
    ]
