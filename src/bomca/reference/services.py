"""Writes of reference data: countries, organisations, programmes and their components."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from bomca.core.history import bulk_create_audited
from bomca.core.periods import quarters_between
from bomca.core.records import insert_missing
from bomca.reference.models import (
    Component,
    Country,
    Milestone,
    Organisation,
    Programme,
    ReportingPeriod,
)

_PROVENANCE = ("source", "source_note")


def _pick(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: record[field] for field in fields if field in record}


def country_ensure(*, record: Mapping[str, Any]) -> tuple[Country, bool]:
    """The country with the record's ISO code, created from the record if missing."""
    values = _pick(record, ("iso3", "name_en", "name_ru", "adjective_en", *_PROVENANCE))
    return insert_missing(Country, lookup={"code": record["code"]}, values=values)


def organisation_ensure(*, record: Mapping[str, Any]) -> tuple[Organisation, bool]:
    """The organisation with the record's code, created from the record if missing."""
    values = _pick(
        record, ("name_en", "name_ru", "acronym", "kind", "iati_type", "iati_ref", *_PROVENANCE)
    )
    country_code = record.get("country")
    values["country"] = Country.objects.get(code=country_code) if country_code else None
    return insert_missing(Organisation, lookup={"code": record["code"]}, values=values)


@transaction.atomic
def programme_ensure(*, record: Mapping[str, Any]) -> tuple[Programme, bool]:
    """The programme with the record's code, created with its components and quarters if missing."""
    scalar = (
        "name_en",
        "name_ru",
        "acronym_en",
        "acronym_ru",
        "phase",
        "overall_objective_en",
        "overall_objective_ru",
        "currency",
        "history_en",
        "history_ru",
        "contact_email",
        "website",
        "social_handle",
        *_PROVENANCE,
    )
    values = _pick(record, scalar)
    values["budget"] = Decimal(record["budget"])
    values["start_date"] = date.fromisoformat(record["start_date"])
    values["end_date"] = date.fromisoformat(record["end_date"])
    values["donor"] = Organisation.objects.get(code=record["donor"])
    programme, created = insert_missing(Programme, lookup={"code": record["code"]}, values=values)
    if created:
        programme.co_funders.set(Organisation.objects.filter(code__in=record.get("co_funders", [])))
        programme.implementing_partners.set(
            Organisation.objects.filter(code__in=record.get("implementing_partners", []))
        )
        programme.countries.set(Country.objects.filter(code__in=record["countries"]))
    for component in record.get("components", []):
        component_ensure(programme=programme, record=component)
    for milestone in record.get("milestones", []):
        milestone_ensure(programme=programme, record=milestone)
    reporting_periods_ensure(programme=programme)
    return programme, created


def component_ensure(*, programme: Programme, record: Mapping[str, Any]) -> tuple[Component, bool]:
    """The programme's component with the record's number, created if missing."""
    values = _pick(
        record,
        (
            "title_en",
            "title_ru",
            "specific_objective_en",
            "specific_objective_ru",
            "lead",
            *_PROVENANCE,
        ),
    )
    return insert_missing(
        Component, lookup={"programme": programme, "number": record["number"]}, values=values
    )


def milestone_ensure(*, programme: Programme, record: Mapping[str, Any]) -> tuple[Milestone, bool]:
    """The programme's milestone of the record's date and English title, created if missing."""
    values = _pick(record, ("title_ru", "expected", *_PROVENANCE))
    return insert_missing(
        Milestone,
        lookup={
            "programme": programme,
            "date": date.fromisoformat(record["date"]),
            "title_en": record["title_en"],
        },
        values=values,
    )


def reporting_periods_ensure(*, programme: Programme) -> int:
    """Create the programme's missing quarters from its start to its end; return how many."""
    existing = set(programme.reporting_periods.values_list("code", flat=True))
    missing = [
        ReportingPeriod(
            programme=programme, code=quarter.label, start_date=quarter.start, end_date=quarter.end
        )
        for quarter in quarters_between(programme.start_date, programme.end_date)
        if quarter.label not in existing
    ]
    bulk_create_audited(ReportingPeriod, missing)
    return len(missing)
