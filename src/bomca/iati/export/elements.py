"""The elements of an IATI activity, one small function each, in the schema's order
(``ACTIVITY_ELEMENTS``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

from bomca.core.numbers import decimal_text
from bomca.grants.models import Payment, ProjectStatus, StatusChange
from bomca.iati.export.base import (
    ROLE_FUNDING,
    ROLE_IMPLEMENTING,
    Activity,
    el,
    narratives,
    org,
)
from bomca.iati.export.results import results
from bomca.iati.models import Transaction
from bomca.reference.models import Organisation, Programme


def _iati_identifier(activity: Activity) -> Iterator[etree._Element]:
    yield el("iati-identifier", text=activity.identifier)


def _reporting_org(activity: Activity) -> Iterator[etree._Element]:
    yield org("reporting-org", activity.publication.reporting_org)


def _title(activity: Activity) -> Iterator[etree._Element]:
    programme, component = activity.programme, activity.component
    if component is None:
        english = f"{programme.name_en} ({programme.phase or programme.acronym_en})"
        russian = f"{programme.name_ru} ({programme.acronym_ru})" if programme.name_ru else ""
    else:
        english = f"{programme.acronym_en} {component.code}: {component.title_en}"
        russian = (
            f"{programme.acronym_ru or programme.acronym_en} {component.code}: {component.title_ru}"
            if component.title_ru
            else ""
        )
    yield narratives(el("title"), english, russian)


def _description(activity: Activity) -> Iterator[etree._Element]:
    programme, component = activity.programme, activity.component
    if component is None:
        if programme.history_en:
            yield narratives(
                el("description", {"type": "1"}), programme.history_en, programme.history_ru
            )
        yield narratives(
            el("description", {"type": "2"}),
            programme.overall_objective_en,
            programme.overall_objective_ru,
        )
    else:
        yield narratives(
            el("description", {"type": "2"}),
            component.specific_objective_en,
            component.specific_objective_ru,
        )


def _participating_orgs(activity: Activity) -> Iterator[etree._Element]:
    programme = activity.programme
    yield org("participating-org", programme.donor, ROLE_FUNDING)
    for organisation in programme.co_funders.order_by("code"):
        yield org("participating-org", organisation, ROLE_FUNDING)
    for organisation in programme.implementing_partners.order_by("code"):
        yield org("participating-org", organisation, ROLE_IMPLEMENTING)


def activity_status(programme: Programme, today: date) -> str:
    """ActivityStatus: 1 pipeline before the start, 2 implementation, 3 finalisation after."""
    if today < programme.start_date:
        return "1"
    return "2" if today <= programme.end_date else "3"


def _activity_status(activity: Activity) -> Iterator[etree._Element]:
    yield el("activity-status", {"code": activity_status(activity.programme, activity.today)})


def _activity_dates(activity: Activity) -> Iterator[etree._Element]:
    programme, today = activity.programme, activity.today
    yield el("activity-date", {"type": "1", "iso-date": programme.start_date.isoformat()})
    if programme.start_date <= today:
        yield el("activity-date", {"type": "2", "iso-date": programme.start_date.isoformat()})
    yield el("activity-date", {"type": "3", "iso-date": programme.end_date.isoformat()})
    if programme.end_date < today:
        yield el("activity-date", {"type": "4", "iso-date": programme.end_date.isoformat()})


def _activity_scope(activity: Activity) -> Iterator[etree._Element]:
    yield el("activity-scope", {"code": activity.publication.activity_scope})


def _recipient_countries(activity: Activity) -> Iterator[etree._Element]:
    for share in activity.publication.countries.select_related("country").order_by("country__code"):
        element = el(
            "recipient-country",
            {"code": share.country.code, "percentage": decimal_text(share.percentage)},
        )
        yield narratives(element, share.country.name_en, share.country.name_ru)


def _sectors(activity: Activity) -> Iterator[etree._Element]:
    for share in activity.publication.sectors.all():
        yield el(
            "sector",
            {
                "vocabulary": share.vocabulary,
                "code": share.code,
                "percentage": decimal_text(share.percentage),
            },
        )


def _defaults(activity: Activity) -> Iterator[etree._Element]:
    publication = activity.publication
    yield el("collaboration-type", {"code": publication.collaboration_type})
    yield el("default-flow-type", {"code": publication.default_flow_type})
    yield el("default-finance-type", {"code": publication.default_finance_type})
    yield el("default-aid-type", {"code": publication.default_aid_type, "vocabulary": "1"})
    yield el("default-tied-status", {"code": publication.default_tied_status})


def _value(amount: Decimal, currency: str, default: str, value_date: date) -> etree._Element:
    attributes = {"value-date": value_date.isoformat()}
    if currency != default:
        attributes["currency"] = currency
    return el("value", attributes, decimal_text(amount))


def _budgets(activity: Activity) -> Iterator[etree._Element]:
    if activity.component is not None:
        return
    for budget in activity.programme.budgets.order_by("period_start"):
        element = el("budget", {"type": budget.budget_type, "status": budget.status})
        element.append(el("period-start", {"iso-date": budget.period_start.isoformat()}))
        element.append(el("period-end", {"iso-date": budget.period_end.isoformat()}))
        element.append(_value(budget.value, budget.currency, activity.currency, budget.value_date))
        yield element


def _transaction(
    activity: Activity,
    *,
    kind: str,
    day: date,
    amount: Decimal,
    currency: str,
    reference: str = "",
    description: str = "",
    provider: Organisation | None = None,
    receiver: Organisation | None = None,
) -> etree._Element:
    element = el("transaction", {"ref": reference})
    element.append(el("transaction-type", {"code": kind}))
    element.append(el("transaction-date", {"iso-date": day.isoformat()}))
    element.append(_value(amount, currency, activity.currency, day))
    if description:
        narratives(etree.SubElement(element, "description"), description)
    if provider is not None:
        element.append(org("provider-org", provider))
    if receiver is not None:
        element.append(org("receiver-org", receiver))
    return element


def _transactions(activity: Activity) -> Iterator[etree._Element]:
    """Transactions recorded for IATI, then grant contracts (commitments) and payments
    (disbursements) from the grants register, each read in chunks."""
    if activity.component is not None:
        return
    programme = activity.programme
    recorded = (
        Transaction.objects.filter(programme=programme, date__lte=activity.today)
        .select_related("provider", "receiver")
        .order_by("date", "pk")
    )
    for row in recorded.iterator(chunk_size=2000):
        yield _transaction(
            activity,
            kind=row.transaction_type,
            day=row.date,
            amount=row.value,
            currency=row.currency,
            reference=row.reference,
            description=row.description,
            provider=row.provider,
            receiver=row.receiver,
        )
    yield from _grant_transactions(activity)


def _grant_transactions(activity: Activity) -> Iterator[etree._Element]:
    programme = activity.programme
    contracts = (
        StatusChange.objects.filter(
            to_status=ProjectStatus.CONTRACTED,
            date__lte=activity.today,
            project__application__call__programme=programme,
        )
        .select_related("project__application__organisation")
        .order_by("date", "pk")
    )
    for step in contracts.iterator(chunk_size=2000):
        project = step.project
        yield _transaction(
            activity,
            kind="2",
            day=step.date,
            amount=project.amount,
            currency=project.currency,
            reference=project.contract_number,
            description=_("Grant contract %(number)s") % {"number": project.contract_number},
            receiver=project.application.organisation,
        )
    payments = (
        Payment.objects.filter(
            paid_on__lte=activity.today, project__application__call__programme=programme
        )
        .select_related("project__application__organisation")
        .order_by("paid_on", "pk")
    )
    for payment in payments.iterator(chunk_size=2000):
        yield _transaction(
            activity,
            kind="3",
            day=payment.paid_on,
            amount=payment.amount,
            currency=payment.currency,
            reference=f"{payment.project.contract_number}-{payment.pk}",
            description=f"{payment.get_kind_display()}, {payment.project.contract_number}",
            receiver=payment.project.application.organisation,
        )


def _related_activities(activity: Activity) -> Iterator[etree._Element]:
    parent = activity.publication.identifier
    if activity.component is not None:
        yield el("related-activity", {"ref": parent, "type": "1"})
        return
    if activity.publication.publish_components:
        for component in activity.programme.components.order_by("number"):
            yield el("related-activity", {"ref": f"{parent}-{component.code}", "type": "2"})


#: Every element of an activity, in the order the 2.03 schema requires.
ACTIVITY_ELEMENTS: list[Callable[[Activity], Iterator[etree._Element]]] = [
    _iati_identifier,
    _reporting_org,
    _title,
    _description,
    _participating_orgs,
    _activity_status,
    _activity_dates,
    _activity_scope,
    _recipient_countries,
    _sectors,
    _defaults,
    _budgets,
    _transactions,
    _related_activities,
    results,
]
