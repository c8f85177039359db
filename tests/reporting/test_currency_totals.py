"""Totals per currency agree in the lists, the exports, the figures and the newsletter, and no
total anywhere adds euros to dollars: procurement and grants in EUR and USD, recorded through
the services as people record them."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.http import HttpResponse
from django.test import Client

from bomca.core.periods import parse_period
from bomca.grants.models import Decision, PaymentKind
from bomca.grants.services import (
    application_create,
    call_create,
    payment_record,
    project_contract,
)
from bomca.procurement.models import NeedStatus, ProcurementNeed
from bomca.procurement.services import (
    HandOverLineInput,
    ItemInput,
    LotInput,
    delivery_record,
    hand_over_record,
    need_create,
    need_move,
)
from bomca.reference.models import Country, Organisation, OrganisationKind, Programme
from bomca.reporting.charts import chart_spec
from bomca.reporting.newsletter import newsletter_context, newsletter_html
from bomca.reporting.selectors import key_figures
from bomca.reporting.services import newsletter_issue_create
from tests.factories import CountryFactory, OrganisationFactory, ProgrammeFactory
from tests.pages import Element, page
from tests.reporting.vega import bar_values

CODE = "MIXED2"
Q2 = parse_period("2023Q2")
S = NeedStatus


def _money(**amounts: str) -> dict[str, Decimal]:
    return {currency: Decimal(amount) for currency, amount in amounts.items()}


# Need A is handed over in full; need B, specified, has estimates only.
ESTIMATED = _money(EUR="15000.50", USD="10499.60")  # A 12,000.50 EUR, 8,000 USD; B 3,000, 2,499.60
CONTRACTED = _money(EUR="11500.25", USD="7900.40")  # A only
VALUE = _money(EUR="14500.25", USD="10400.00")  # contracted, else estimated
HANDED_OVER = CONTRACTED
COMMITTED = _money(EUR="48000.00", USD="30000.00")
PAID = _money(EUR="19200.00", USD="12000.40")
#: Every total there is, each once with EUR and USD added up.
ACROSS = [sum(totals.values()) for totals in (ESTIMATED, CONTRACTED, VALUE, COMMITTED, PAID)]


# --- the records --------------------------------------------------------------------------


def _need(programme: Programme, country: Country, items: list[ItemInput]) -> ProcurementNeed:
    return need_create(
        programme=programme,
        data={
            "country": country,
            "beneficiary": OrganisationFactory(country=country),
            "horizon": "short_term",
            "priority": "high",
            "title_en": f"Synthetic equipment for {country.code}",
            "justification": "Synthetic: the agency needs it.",
            "procedure": "open_tender",
            "supplier_name": "Synthetic supplier",
            "contract_reference": "SYN/2023/007",
            "contract_date": date(2023, 5, 15),
        },
        lots=[LotInput(number=1, title="Equipment")],
        items=items,
        identified_on=date(2023, 4, 3),
    )


def _item(description: str, quantity: int, currency: str, estimated: str, contracted: str = ""):
    return ItemInput(
        lot=1,
        description=description,
        quantity=Decimal(quantity),
        unit="pcs",
        estimated_value=Decimal(estimated),
        contracted_value=Decimal(contracted) if contracted else None,
        currency=currency,
    )


def _procurement(programme: Programme, first: Country, second: Country) -> None:
    handed = _need(
        programme,
        first,
        [
            _item("Synthetic radios", 4, "EUR", "12000.50", "11500.25"),
            _item("Synthetic scanners", 2, "USD", "8000.00", "7900.40"),
        ],
    )
    for step, day in ((S.SPECIFIED, 10), (S.TENDERED, 17), (S.EVALUATED, 28)):
        need_move(need=handed, to=step, on=date(2023, 4, day))
    need_move(need=handed, to=S.CONTRACTED, on=date(2023, 5, 15))
    items = list(handed.lots.get().items.order_by("pk"))
    for item in items:
        delivery_record(item=item, quantity=item.quantity, on=date(2023, 6, 1))
    hand_over_record(
        need=handed,
        receiving_organisation=handed.beneficiary,
        place="Synthetic town",
        on=date(2023, 6, 20),
        lines=[HandOverLineInput(item=item, quantity=item.quantity) for item in items],
    )
    specified = _need(
        programme,
        second,
        [
            _item("Synthetic cameras", 1, "EUR", "3000.00"),
            _item("Synthetic drones", 1, "USD", "2499.60"),
        ],
    )
    need_move(need=specified, to=S.SPECIFIED, on=date(2023, 4, 20))


def _grants(programme: Programme, first: Country, second: Country) -> None:
    call = call_create(
        programme=programme,
        data={
            "reference": "MIXED-CfP-1",
            "title_en": "Synthetic call",
            "budget_ceiling": Decimal("500000.00"),
            "currency": "EUR",
            "max_grant_amount": Decimal("60000.00"),
            "opens_on": date(2022, 10, 1),
            "closes_on": date(2022, 12, 31),
            "min_duration_months": 6,
            "max_duration_months": 12,
        },
        countries=[first, second],
    )
    for country, currency, amount, paid in (
        (first, "EUR", "48000.00", "19200.00"),
        (second, "USD", "30000.00", "12000.40"),
    ):
        application = application_create(
            call=call,
            data={
                "organisation": Organisation.objects.create(
                    code=f"SYN-NGO-{country.code}",
                    name_en=f"Synthetic NGO of {country.code}",
                    kind=OrganisationKind.NGO,
                    country=country,
                    iati_type="22",
                ),
                "country": country,
                "title_en": f"Synthetic action in {country.code}",
                "submitted_on": date(2022, 11, 15),
                "requested_amount": Decimal(amount),
                "currency": currency,
                "score": Decimal("80.00"),
                "decision": Decision.SELECTED,
                "decision_date": date(2023, 3, 1),
            },
        )
        project = project_contract(
            application=application,
            data={
                "contract_number": f"MIXED-G1-{country.code}",
                "amount": Decimal(amount),
                "currency": currency,
                "start_date": date(2023, 4, 1),
                "end_date": date(2024, 3, 31),
            },
            contracted_on=date(2023, 3, 20),
            by=None,
        )
        payment_record(
            project=project,
            kind=PaymentKind.PRE_FINANCING,
            paid_on=date(2023, 4, 5),
            amount=Decimal(paid),
        )


@pytest.fixture
def mixed(db: None) -> Programme:
    first, second = CountryFactory(code="XA"), CountryFactory(code="XB")
    programme = ProgrammeFactory(code=CODE, countries=[first, second])
    _procurement(programme, first, second)
    _grants(programme, first, second)
    return programme


# --- reading the totals back ----------------------------------------------------------------


def _amounts(text: str) -> dict[str, Decimal]:
    """``"1,234.50 EUR; 99 USD"`` as ``{"EUR": Decimal("1234.50"), "USD": Decimal("99")}``."""
    return {
        currency: Decimal(amount.replace(",", ""))
        for amount, currency in re.findall(r"(\d[\d,]*(?:\.\d+)?) ([A-Z]{3})\b", text)
    }


def _whole(totals: dict[str, Decimal]) -> dict[str, Decimal]:
    """Totals as the dashboard and the newsletter print them: to the unit."""
    return {code: amount.quantize(Decimal(1), ROUND_HALF_UP) for code, amount in totals.items()}


def _facts(html: Element, element_id: str) -> dict[str, dict[str, Decimal]]:
    """A list page's totals (``<dt>`` label, ``<dd>`` amounts) by label."""
    facts = html.by_id(element_id)
    return {
        term.text: _amounts(value.text)
        for term, value in zip(facts.find_all("dt"), facts.find_all("dd"), strict=True)
    }


def _csv(client: Client, url: str) -> tuple[str, list[dict[str, str]]]:
    response = client.get(url, {"programme": CODE, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return text, list(csv.DictReader(io.StringIO(text)))


def _sums(rows: list[dict[str, str]], column: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row[column]:
            totals[row["Currency"]] += Decimal(row[column])
    return dict(totals)


def _figures_money(amounts: dict[str, str]) -> dict[str, Decimal]:
    return {code: Decimal(amount) for code, amount in amounts.items()}


def _pillar_text(html: Element, heading: str) -> str:
    [title] = [element for element in html.find_all("h3") if element.text == heading]
    return title.parent.find_all("p")[0].text


def _after(text: str, words: str) -> str:
    return text.split(words, 1)[1]


def _never_across(*texts: str) -> None:
    for total in ACROSS:
        for written in (f"{total:,.2f}", f"{total:.2f}", f"{total:,.0f}", f"{total:.0f}"):
            assert not [text for text in texts if written in text], written


# --- the test ---------------------------------------------------------------------------------


def test_lists_exports_figures_and_newsletter_agree_per_currency(alice_client, mixed):
    needs = page(alice_client.get("/procurement/", {"programme": CODE}))
    projects = page(alice_client.get("/grants/", {"programme": CODE}))
    needs_csv, need_rows = _csv(alice_client, "/procurement/export/")
    projects_csv, project_rows = _csv(alice_client, "/grants/export/")
    figures = key_figures(programme=mixed, period=Q2)
    issue = newsletter_issue_create(programme=mixed, number=1, period_code="2023Q2")
    newsletter = newsletter_html(issue, language="en")
    html = page(HttpResponse(newsletter))
    procurement = _pillar_text(html, "Procurement progress and status")
    grants = _pillar_text(html, "Grants implementation")

    # The lists.
    assert _facts(needs, "need-totals") == {
        "Estimated value": ESTIMATED,
        "Contracted value": CONTRACTED,
    }
    assert _facts(projects, "project-totals")["Contracted"] == COMMITTED
    assert _facts(projects, "project-totals")["Paid"] == PAID
    # The exports, one row per item and per project.
    assert _sums(need_rows, "Estimated value") == ESTIMATED
    assert _sums(need_rows, "Contracted value") == CONTRACTED
    assert _sums(project_rows, "Amount") == COMMITTED
    assert _sums(project_rows, "Paid") == PAID
    # The figures.
    totals = figures.procurement["totals"]
    assert _figures_money(totals["estimated"]) == ESTIMATED
    assert _figures_money(totals["contracted"]) == CONTRACTED
    assert _figures_money(totals["value"]) == VALUE
    assert _figures_money(figures.procurement["handed_over"]["value"]) == HANDED_OVER
    assert _figures_money(figures.grants["money"]["committed"]) == COMMITTED
    assert _figures_money(figures.grants["money"]["paid"]) == PAID
    # The newsletter, which prints amounts to the unit.
    assert procurement == (
        "2 needs of equipment are going ahead (4 items, 14,500 EUR; 10,400 USD). "
        "In the quarter, 1 hand-over delivered equipment worth 11,500 EUR; 7,900 USD to the "
        "beneficiary agencies."
    )
    assert _amounts(procurement.split(")")[0]) == _whole(VALUE)
    assert _amounts(_after(procurement, "worth")) == _whole(HANDED_OVER)
    assert _amounts(_after(grants, "Committed:").split("paid:")[0]) == _whole(COMMITTED)
    assert _amounts(_after(grants, "paid:")) == _whole(PAID)
    # Nowhere are euros and dollars added up.
    _never_across(needs.text, projects.text, needs_csv, projects_csv, str(figures.as_dict()))
    _never_across(newsletter)


def test_the_newsletter_charts_money_with_a_bar_per_currency(mixed):
    issue = newsletter_issue_create(programme=mixed, number=1, period_code="2023Q2")
    html = page(HttpResponse(newsletter_html(issue, language="en")))
    context = newsletter_context(issue)

    drawn = {figure.attrs["id"] for figure in html.find_all("figure", cls="chart")}
    bars = {
        f"figure-{figure.data.name}": [
            f"value: {value.normalize():f}; label: {label}"
            for label, value in bar_values(chart_spec(figure.data)).items()
        ]
        for figure in context["procurement_figures"] + context["grants_figures"]
        if figure.data.name in ("procurement-value", "grants-money")
    }

    assert {"figure-procurement-value", "figure-grants-money"} <= drawn
    assert bars == {
        "figure-procurement-value": [
            "value: 3000; label: Specified · EUR",
            "value: 2499.6; label: Specified · USD",
            "value: 11500.25; label: Handed over · EUR",
            "value: 7900.4; label: Handed over · USD",
        ],
        "figure-grants-money": [
            "value: 48000; label: Committed · EUR",
            "value: 30000; label: Committed · USD",
            "value: 19200; label: Paid · EUR",
            "value: 12000.4; label: Paid · USD",
        ],
    }
