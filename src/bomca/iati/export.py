"""IATI 2.03 activity XML of programmes, streamed to a file.

One small function per IATI element, put in the schema's order by ``ACTIVITY_ELEMENTS``; each
yields finished elements that are written and forgotten at once, so the memory the export uses
does not grow with the number of transactions or result periods. Figures come from the same
selectors as the logframe and the dashboard. Nothing personal is written: organisations, not
people, and counts of people only as the public (a reader without a role) may see them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from bomca.accounts.access import shown_count
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period, last_complete_quarter, quarters_between
from bomca.grants.models import Payment, ProjectStatus, StatusChange
from bomca.iati.models import Publication, Transaction
from bomca.reference.models import Component, Organisation, Programme
from bomca.results.computed import SELECTORS, Context
from bomca.results.models import Direction, Indicator, IndicatorType, Level, Result
from bomca.results.selectors import indicators_of, result_tree, value_for_period

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Our result levels as IATI ResultType codes: 1 output, 2 outcome, 3 impact.
RESULT_TYPE: dict[str, str] = {
    Level.OVERALL_OBJECTIVE: "3",
    Level.SPECIFIC_OBJECTIVE: "2",
    Level.OUTCOME: "2",
    Level.OUTPUT: "1",
}
#: Our indicator types as IATI IndicatorMeasure codes: 1 unit, 2 percentage, 3 nominal,
#: 5 qualitative.
MEASURE: dict[str, str] = {
    IndicatorType.NUMBER: "1",
    IndicatorType.PERCENTAGE: "2",
    IndicatorType.YES_NO: "3",
    IndicatorType.QUALITATIVE: "5",
}
#: IATI OrganisationRole codes.
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"


@dataclass(frozen=True)
class Activity:
    """What the element functions need to write one IATI activity."""

    programme: Programme
    publication: Publication
    identifier: str
    today: date
    context: Context
    #: None for the programme itself, else the component published as a child activity.
    component: Component | None = None

    @property
    def currency(self) -> str:
        return self.programme.currency


@dataclass
class ExportReport:
    activities: int = 0
    transactions: int = 0
    results: int = 0
    indicator_periods: int = 0


def iati_export(
    *,
    programmes: Iterable[Programme],
    out: IO[bytes] | Path,
    today: date | None = None,
    advance: Callable[[Programme], None] | None = None,
) -> ExportReport:
    """Write the programmes (and their components) as one IATI activities file."""
    today = today or timezone.localdate()
    report = ExportReport()
    generated = _datetime(timezone.now())
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(
            "iati-activities", {"version": IATI_VERSION, "generated-datetime": generated}
        ):
            for programme in programmes:
                for activity in _activities_of(programme, today):
                    _write_activity(xf, activity, report, generated)
                    report.activities += 1
                if advance is not None:
                    advance(programme)
    return report


def _activities_of(programme: Programme, today: date) -> Iterator[Activity]:
    publication = publication_of(programme)
    context = Context(programme)
    yield Activity(programme, publication, publication.identifier, today, context)
    if publication.publish_components:
        for component in programme.components.order_by("number"):
            yield Activity(
                programme,
                publication,
                f"{publication.identifier}-{component.code}",
                today,
                context,
                component,
            )


def publication_of(programme: Programme) -> Publication:
    """The programme's IATI settings; an ``ApplicationError`` saying what is missing."""
    publication = (
        Publication.objects.select_related("reporting_org").filter(programme=programme).first()
    )
    if publication is None:
        raise ApplicationError(
            _(
                "%(code)s has no IATI publication settings: record the reporting organisation, "
                "identifier, sectors and recipient countries first."
            )
            % {"code": programme.code}
        )
    return publication


def _write_activity(xf: etree.xmlfile, activity: Activity, report: ExportReport, now: str) -> None:
    # xmlfile would bind the xml namespace to a made-up prefix; the literal name is written as is.
    attributes = {
        "xml:lang": "en",
        "default-currency": activity.currency,
        "last-updated-datetime": now,
        "hierarchy": "1" if activity.component is None else "2",
    }
    with xf.element("iati-activity", attributes):
        for element_of in ACTIVITY_ELEMENTS:
            for element in element_of(activity):
                xf.write(element)
                if element.tag == "transaction":
                    report.transactions += 1
                elif element.tag == "result":
                    report.results += 1
                    report.indicator_periods += len(element.findall("indicator/period"))
        xf.flush()


# --- helpers ---------------------------------------------------------------------------------


def _datetime(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _element(
    tag: str, attributes: dict[str, str] | None = None, text: str | None = None
) -> etree._Element:
    element = etree.Element(tag, {key: value for key, value in (attributes or {}).items() if value})
    if text is not None:
        element.text = text
    return element


def _narratives(parent: etree._Element, english: str, russian: str = "") -> etree._Element:
    """English (the activity's language) and, when there is one, the Russian text."""
    etree.SubElement(parent, "narrative").text = english
    if russian:
        etree.SubElement(parent, "narrative", {XML_LANG: "ru"}).text = russian
    return parent


def _number(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 24, 29.04, 2500000."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _org(tag: str, organisation: Organisation, role: str = "") -> etree._Element:
    element = _element(
        tag, {"ref": organisation.iati_ref, "type": organisation.iati_type, "role": role}
    )
    return _narratives(element, organisation.name_en, organisation.name_ru)


# --- the elements, in the schema's order -------------------------------------------------------


def _iati_identifier(activity: Activity) -> Iterator[etree._Element]:
    yield _element("iati-identifier", text=activity.identifier)


def _reporting_org(activity: Activity) -> Iterator[etree._Element]:
    yield _org("reporting-org", activity.publication.reporting_org)


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
    yield _narratives(_element("title"), english, russian)


def _description(activity: Activity) -> Iterator[etree._Element]:
    programme, component = activity.programme, activity.component
    if component is None:
        if programme.history_en:
            yield _narratives(
                _element("description", {"type": "1"}), programme.history_en, programme.history_ru
            )
        yield _narratives(
            _element("description", {"type": "2"}),
            programme.overall_objective_en,
            programme.overall_objective_ru,
        )
    else:
        yield _narratives(
            _element("description", {"type": "2"}),
            component.specific_objective_en,
            component.specific_objective_ru,
        )


def _participating_orgs(activity: Activity) -> Iterator[etree._Element]:
    programme = activity.programme
    yield _org("participating-org", programme.donor, ROLE_FUNDING)
    for organisation in programme.co_funders.order_by("code"):
        yield _org("participating-org", organisation, ROLE_FUNDING)
    for organisation in programme.implementing_partners.order_by("code"):
        yield _org("participating-org", organisation, ROLE_IMPLEMENTING)


def activity_status(programme: Programme, today: date) -> str:
    """ActivityStatus: 1 pipeline before the start, 2 implementation, 3 finalisation after."""
    if today < programme.start_date:
        return "1"
    return "2" if today <= programme.end_date else "3"


def _activity_status(activity: Activity) -> Iterator[etree._Element]:
    yield _element("activity-status", {"code": activity_status(activity.programme, activity.today)})


def _activity_dates(activity: Activity) -> Iterator[etree._Element]:
    programme, today = activity.programme, activity.today
    yield _element("activity-date", {"type": "1", "iso-date": programme.start_date.isoformat()})
    if programme.start_date <= today:
        yield _element("activity-date", {"type": "2", "iso-date": programme.start_date.isoformat()})
    yield _element("activity-date", {"type": "3", "iso-date": programme.end_date.isoformat()})
    if programme.end_date < today:
        yield _element("activity-date", {"type": "4", "iso-date": programme.end_date.isoformat()})


def _activity_scope(activity: Activity) -> Iterator[etree._Element]:
    yield _element("activity-scope", {"code": activity.publication.activity_scope})


def _recipient_countries(activity: Activity) -> Iterator[etree._Element]:
    for share in activity.publication.countries.select_related("country").order_by("country__code"):
        element = _element(
            "recipient-country",
            {"code": share.country.code, "percentage": _number(share.percentage)},
        )
        yield _narratives(element, share.country.name_en, share.country.name_ru)


def _sectors(activity: Activity) -> Iterator[etree._Element]:
    for share in activity.publication.sectors.all():
        yield _element(
            "sector",
            {
                "vocabulary": share.vocabulary,
                "code": share.code,
                "percentage": _number(share.percentage),
            },
        )


def _defaults(activity: Activity) -> Iterator[etree._Element]:
    publication = activity.publication
    yield _element("collaboration-type", {"code": publication.collaboration_type})
    yield _element("default-flow-type", {"code": publication.default_flow_type})
    yield _element("default-finance-type", {"code": publication.default_finance_type})
    yield _element("default-aid-type", {"code": publication.default_aid_type, "vocabulary": "1"})
    yield _element("default-tied-status", {"code": publication.default_tied_status})


def _value(amount: Decimal, currency: str, default: str, value_date: date) -> etree._Element:
    attributes = {"value-date": value_date.isoformat()}
    if currency != default:
        attributes["currency"] = currency
    return _element("value", attributes, _number(amount))


def _budgets(activity: Activity) -> Iterator[etree._Element]:
    if activity.component is not None:
        return
    for budget in activity.programme.budgets.order_by("period_start"):
        element = _element("budget", {"type": budget.budget_type, "status": budget.status})
        element.append(_element("period-start", {"iso-date": budget.period_start.isoformat()}))
        element.append(_element("period-end", {"iso-date": budget.period_end.isoformat()}))
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
    element = _element("transaction", {"ref": reference})
    element.append(_element("transaction-type", {"code": kind}))
    element.append(_element("transaction-date", {"iso-date": day.isoformat()}))
    element.append(_value(amount, currency, activity.currency, day))
    if description:
        _narratives(etree.SubElement(element, "description"), description)
    if provider is not None:
        element.append(_org("provider-org", provider))
    if receiver is not None:
        element.append(_org("receiver-org", receiver))
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
        yield _element("related-activity", {"ref": parent, "type": "1"})
        return
    if activity.publication.publish_components:
        for component in activity.programme.components.order_by("number"):
            yield _element("related-activity", {"ref": f"{parent}-{component.code}", "type": "2"})


# --- results -------------------------------------------------------------------------------------


def _results(activity: Activity) -> Iterator[etree._Element]:
    """The results of this activity: the programme carries those without a component (all of
    them when the components are not published), a component its own."""
    indicators: dict[int, list[Indicator]] = {}
    for indicator in indicators_of(programme=activity.programme):
        indicators.setdefault(indicator.result_id, []).append(indicator)
    periods = _reported_periods(activity)
    split = activity.publication.publish_components
    for result, _depth in result_tree(programme=activity.programme):
        if split and result.component_id != (activity.component.pk if activity.component else None):
            continue
        if not split and activity.component is not None:
            continue
        own = indicators.get(result.pk, [])
        if own:
            yield _result(activity, result, own, periods)


def _reported_periods(activity: Activity) -> list[Period]:
    """The quarters from the programme's start to the last one complete, or its end."""
    programme = activity.programme
    last = min(last_complete_quarter(activity.today).end, programme.end_date)
    if last < programme.start_date:
        return []
    return quarters_between(programme.start_date, last)


def _result(
    activity: Activity, result: Result, indicators: list[Indicator], periods: list[Period]
) -> etree._Element:
    element = _element("result", {"type": RESULT_TYPE[result.level], "aggregation-status": "0"})
    _narratives(etree.SubElement(element, "title"), result.title_en, result.title_ru)
    for indicator in indicators:
        element.append(_indicator(activity, indicator, periods))
    return element


def _indicator(activity: Activity, indicator: Indicator, periods: list[Period]) -> etree._Element:
    measure = MEASURE[indicator.indicator_type]
    element = _element(
        "indicator",
        {
            "measure": measure,
            "ascending": "1" if indicator.direction == Direction.INCREASE else "0",
        },
    )
    title = f"{indicator.code} {indicator.title_en}"
    if indicator.unit_en:
        title += f" ({indicator.unit_en})"
    _narratives(
        etree.SubElement(element, "title"),
        title,
        f"{indicator.code} {indicator.title_ru}" if indicator.title_ru else "",
    )
    if indicator.means_of_verification:
        _narratives(etree.SubElement(element, "description"), indicator.means_of_verification)
    baseline = _baseline(activity, indicator, measure)
    if baseline is not None:
        element.append(baseline)
    for period in periods:
        period_element = _period(activity, indicator, period, measure)
        if period_element is not None:
            element.append(period_element)
    return element


def _baseline(activity: Activity, indicator: Indicator, measure: str) -> etree._Element | None:
    if indicator.baseline_value is None and measure != "5":
        return None
    if measure == "5" and not indicator.baseline_comment:
        return None
    day = indicator.baseline_date or activity.programme.start_date
    attributes = {"year": str(day.year), "iso-date": day.isoformat()}
    if measure != "5" and indicator.baseline_value is not None:
        attributes["value"] = _number(indicator.baseline_value)
    element = _element("baseline", attributes)
    if indicator.baseline_comment:
        _narratives(etree.SubElement(element, "comment"), indicator.baseline_comment)
    return element


def _period(
    activity: Activity, indicator: Indicator, period: Period, measure: str
) -> etree._Element | None:
    """The period's target and actual; None when it has neither (nor a computed value)."""
    target = next(
        (
            row
            for row in indicator.targets.all()
            if row.period_start == period.start and row.period_end == period.end
        ),
        None,
    )
    value = value_for_period(indicator=indicator, period=period, context=activity.context)
    has_actual = not value.is_empty and not (value.origin == "computed" and not value.value)
    if target is None and not has_actual:
        return None
    element = _element("period")
    element.append(_element("period-start", {"iso-date": period.start.isoformat()}))
    element.append(_element("period-end", {"iso-date": period.end.isoformat()}))
    if target is not None:
        element.append(_measured("target", measure, target.value, target.text or target.comment))
    if has_actual:
        element.extend(
            _actuals(indicator, measure, value.value, value.text or value.comment, value.by)
        )
    return element


def _measured(tag: str, measure: str, value: Decimal | None, comment: str) -> etree._Element:
    attributes = {} if measure == "5" or value is None else {"value": _number(value)}
    element = _element(tag, attributes)
    if comment:
        _narratives(etree.SubElement(element, "comment"), comment)
    return element


def _actuals(
    indicator: Indicator,
    measure: str,
    value: Decimal | None,
    comment: str,
    by: dict[str, dict[str, Decimal]],
) -> list[etree._Element]:
    """The actual, then one actual per disaggregation cell (IATI's dimension). Counts of people
    are published as a reader without a role sees them: small counts left out, others rounded."""
    people = indicator.is_computed and SELECTORS[indicator.selector].counts_people
    public = AnonymousUser()

    def shown(number: Decimal | None) -> Decimal | None:
        if number is None or not people:
            return number
        count = shown_count(public, int(number))
        return None if count is None else Decimal(count)

    total = shown(value)
    actuals = (
        [_measured("actual", measure, total, comment)]
        if total is not None or measure == "5"
        else []
    )
    if measure == "5":
        return actuals
    for dimension, cells in by.items():
        for key, number in cells.items():
            cell = shown(number)
            if cell is None:
                continue
            element = _measured("actual", measure, cell, "")
            element.append(_element("dimension", {"name": dimension, "value": key}))
            actuals.append(element)
    return actuals


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
    _results,
]
