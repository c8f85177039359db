"""Writes of the IATI publication settings: loading them from a dataset file, checking them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bomca.core.records import insert_missing
from bomca.iati.models import Budget, CountryShare, Publication, SectorShare, Transaction
from bomca.reference.models import Country, Organisation, Programme


def _provenance(record: Mapping[str, Any]) -> dict[str, str]:
    return {
        "source": record.get("source", "illustrative"),
        "source_note": record.get("source_note", ""),
    }


def shares_check(*, publication: Publication) -> None:
    """Sector shares of each vocabulary, and recipient country shares, sum to 100."""
    sums: dict[str, Decimal] = {}
    for share in publication.sectors.all():
        sums[share.vocabulary] = sums.get(share.vocabulary, Decimal(0)) + share.percentage
    problems = [
        _("sectors of vocabulary %(vocabulary)s sum to %(total)s%%, not 100%%")
        % {"vocabulary": vocabulary, "total": total}
        for vocabulary, total in sorted(sums.items())
        if total != 100
    ]
    countries = sum((share.percentage for share in publication.countries.all()), Decimal(0))
    if publication.countries.exists() and countries != 100:
        problems.append(
            _("recipient countries sum to %(total)s%%, not 100%%") % {"total": countries}
        )
    if problems:
        raise ValidationError("; ".join(problems))


@transaction.atomic
def publication_ensure(
    *, programme: Programme, record: Mapping[str, Any]
) -> tuple[Publication, bool]:
    """The programme's IATI settings from a dataset record, created if missing, with its
    sectors, countries, budgets and recorded transactions."""
    reporting = Organisation.objects.get(code=record["reporting_org"])
    values = {
        key: record[key]
        for key in (
            "activity_scope",
            "collaboration_type",
            "default_flow_type",
            "default_finance_type",
            "default_aid_type",
            "default_tied_status",
            "publish_components",
        )
        if key in record
    }
    publication, created = insert_missing(
        Publication,
        lookup={"programme": programme},
        values={
            "reporting_org": reporting,
            "identifier": record["identifier"],
            **values,
            **_provenance(record),
        },
    )
    if not created:
        return publication, False
    for sector in record.get("sectors", []):
        _saved(
            SectorShare(
                publication=publication,
                vocabulary=sector.get("vocabulary", "1"),
                code=sector["code"],
                percentage=Decimal(sector["percentage"]),
            )
        )
    for code, percentage in record.get("countries", {}).items():
        _saved(
            CountryShare(
                publication=publication,
                country=Country.objects.get(code=code),
                percentage=Decimal(percentage),
            )
        )
    shares_check(publication=publication)
    for budget in record.get("budgets", []):
        row = Budget(
            programme=programme,
            period_start=date.fromisoformat(budget["start"]),
            period_end=date.fromisoformat(budget["end"]),
            value=Decimal(budget["value"]),
            currency=budget.get("currency", programme.currency),
            value_date=date.fromisoformat(budget.get("value_date", budget["start"])),
            budget_type=budget.get("type", "1"),
            status=budget.get("status", "1"),
            **_provenance(budget | {"source": budget.get("source", publication.source)}),
        )
        row.full_clean()
        row.save()
    for item in record.get("transactions", []):
        money = Transaction(
            programme=programme,
            transaction_type=item["type"],
            date=date.fromisoformat(item["date"]),
            value=Decimal(item["value"]),
            currency=item.get("currency", programme.currency),
            reference=item.get("reference", ""),
            description=item.get("description", ""),
            provider=_organisation(item.get("provider")),
            receiver=_organisation(item.get("receiver")),
            **_provenance(item | {"source": item.get("source", publication.source)}),
        )
        money.full_clean()
        money.save()
    return publication, True


def _saved(share: SectorShare | CountryShare) -> None:
    share.full_clean()
    share.save()


def _organisation(code: str | None) -> Organisation | None:
    return Organisation.objects.get(code=code) if code else None
