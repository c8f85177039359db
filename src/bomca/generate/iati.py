"""Generated programmes' IATI settings, budgets and transactions, in the reference data's shape:
published by BOMCA 10's reporting organisation under its identifier with the programme's code,
BOMCA 10's sectors, the programme's countries in equal shares, a budget per year and a
commitment with yearly disbursements, so that ``bomca iati export`` works on the portfolio."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bomca.core.errors import ApplicationError
from bomca.generate.common import Run
from bomca.generate.reference import ProgrammePlan
from bomca.iati.models import (
    Budget,
    CountryShare,
    Publication,
    SectorShare,
    Transaction,
    TransactionType,
)
from bomca.reference.models import Programme

#: The reference data's programme whose IATI settings the generated ones follow.
TEMPLATE = "BOMCA10"
_CENT = Decimal("0.01")


def iati_write(run: Run, plan: ProgrammePlan) -> None:
    template = (
        Publication.objects.filter(programme__code=TEMPLATE).select_related("reporting_org").first()
    )
    if template is None:
        raise ApplicationError(
            f"{TEMPLATE}'s IATI settings are missing: load the reference data (bomca init) first."
        )
    programme = plan.programme
    rng = run.rng(plan.number, "iati")
    stem = (
        template.identifier.rsplit("-", 1)[0] if "-" in template.identifier else template.identifier
    )
    publication = Publication(
        programme=programme,
        reporting_org=template.reporting_org,
        identifier=f"{stem}-{programme.code}",
        activity_scope=template.activity_scope,
        collaboration_type=template.collaboration_type,
        default_flow_type=template.default_flow_type,
        default_finance_type=template.default_finance_type,
        default_aid_type=template.default_aid_type,
        default_tied_status=template.default_tied_status,
        publish_components=template.publish_components,
        source="illustrative",
        source_note=run.note,
    )
    run.insert(Publication, [publication])
    SectorShare.objects.bulk_create(
        SectorShare(
            publication=publication,
            vocabulary=share.vocabulary,
            code=share.code,
            percentage=share.percentage,
        )
        for share in template.sectors.all()
    )
    run.rows[SectorShare._meta.label] += template.sectors.count()
    countries = sorted(plan.countries, key=lambda country: country.code)
    shares = _equal_shares(len(countries))
    CountryShare.objects.bulk_create(
        CountryShare(publication=publication, country=country, percentage=share)
        for country, share in zip(countries, shares, strict=True)
    )
    run.rows[CountryShare._meta.label] += len(countries)
    _money_write(run, programme, rng.randint(8, 30) * Decimal(500_000), template)


def _money_write(run: Run, programme: Programme, total: Decimal, template: Publication) -> None:
    years = list(range(programme.start_date.year, programme.end_date.year + 1))
    yearly = (total / len(years)).quantize(_CENT)
    budgets = [
        Budget(
            programme=programme,
            period_start=max(programme.start_date, date(year, 1, 1)),
            period_end=min(programme.end_date, date(year, 12, 31)),
            value=yearly,
            currency=programme.currency,
            value_date=programme.start_date,
            source="illustrative",
            source_note=run.note,
        )
        for year in years
    ]
    run.insert(Budget, budgets)
    donor = template.reporting_org
    transactions = [
        Transaction(
            programme=programme,
            transaction_type=TransactionType.INCOMING_COMMITMENT,
            date=programme.start_date,
            value=total,
            currency=programme.currency,
            description="Synthetic commitment of the whole programme",
            provider=donor,
            source="illustrative",
            source_note=run.note,
        )
    ]
    transactions += [
        Transaction(
            programme=programme,
            transaction_type=TransactionType.INCOMING_FUNDS,
            date=budget.period_start,
            value=budget.value,
            currency=programme.currency,
            description=f"Synthetic instalment of {budget.period_start.year}",
            provider=donor,
            source="illustrative",
            source_note=run.note,
        )
        for budget in budgets
        if budget.period_start <= run.window.as_of
    ]
    run.insert(Transaction, transactions)


def _equal_shares(count: int) -> list[Decimal]:
    """``count`` percentages to the cent summing to exactly 100."""
    share = (Decimal(100) / count).quantize(_CENT)
    shares = [share] * count
    shares[-1] = Decimal(100) - share * (count - 1)
    return shares
