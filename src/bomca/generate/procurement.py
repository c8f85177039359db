"""A programme's procurement: equipment needs of its agencies, each taken step by step along the
procedure as far as its dates reach, with deliveries and hand-overs for those that got there.

The steps keep the services' rules: one step at a time, each dated on or after the one before
and never after the day the portfolio is as of; a tender names its procedure; a contract its
supplier, reference, date and contracted values; a need is delivered (handed over) on the day
its last item is delivered (handed over) in full.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bomca.generate.common import Run, days_between
from bomca.generate.reference import ProgrammePlan
from bomca.generate.shapes import AGENCY_KINDS, CITIES
from bomca.procurement.models import (
    FLOW,
    Delivery,
    HandOver,
    HandOverLine,
    Horizon,
    NeedStatus,
    Priority,
    Procedure,
    ProcurementItem,
    ProcurementLot,
    ProcurementNeed,
    StatusChange,
)
from bomca.reference.models import OrganisationKind

S = NeedStatus
K = OrganisationKind
NEEDS_PER_YEAR = (4, 8)
#: Days from one step to the next (lowest, highest), by the step reached.
STEP_DAYS: dict[str, tuple[int, int]] = {
    S.SPECIFIED: (20, 60),
    S.TENDERED: (20, 45),
    S.EVALUATED: (30, 60),
    S.CONTRACTED: (15, 40),
    S.DELIVERED: (30, 120),
    S.HANDED_OVER: (5, 30),
}
#: Where needs end: handed over, cancelled, on hold, or stopped at an earlier step.
OUTCOMES = {S.HANDED_OVER: 70, S.CANCELLED: 7, S.ON_HOLD: 3, "stopped": 20}
#: Equipment by kind of agency: (description, unit, lowest and highest price per unit in EUR).
EQUIPMENT: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    K.BORDER: (
        ("Thermal imaging binoculars", "pcs", 6000, 9500),
        ("Handheld radio set", "set", 400, 900),
        ("Document examination kit", "set", 2500, 6000),
        ("Off-road patrol vehicle", "pcs", 28000, 42000),
    ),
    K.CUSTOMS: (
        ("Contraband detection kit", "set", 3000, 8000),
        ("Mobile X-ray spare parts kit", "set", 9000, 20000),
        ("Laptop computer", "pcs", 700, 1300),
    ),
    K.MIGRATION: (
        ("Passport reader", "pcs", 1500, 2600),
        ("Biometric enrolment kit", "set", 4000, 7500),
        ("Server rack", "pcs", 8000, 16000),
    ),
    K.VETERINARY_PHYTOSANITARY: (
        ("Laboratory microscope", "pcs", 3000, 9000),
        ("Sample cooling box", "pcs", 150, 400),
    ),
    K.LAW_ENFORCEMENT: (
        ("Forensic workstation", "pcs", 6000, 12000),
        ("Body-worn camera", "pcs", 300, 700),
    ),
    K.LOCAL_ADMINISTRATION: (
        ("Power generator", "pcs", 2000, 5000),
        ("Office furniture set", "set", 800, 2000),
    ),
    K.MINISTRY: (
        ("Video conferencing set", "set", 2500, 6000),
        ("Laptop computer", "pcs", 700, 1300),
    ),
}
#: What the services write on the steps a delivery or hand-over makes by itself.
AUTOMATIC_NOTES: dict[str, str] = {
    S.DELIVERED: "Every item delivered in full.",
    S.HANDED_OVER: "Every item handed over in full.",
}
SUPPLIER_COUNTRIES = ("Germany", "Latvia", "Lithuania", "Kazakhstan", "Uzbekistan", "Poland")


@dataclass
class _Need:
    need: ProcurementNeed
    lots: list[ProcurementLot] = field(default_factory=list)
    items: list[tuple[ProcurementLot, ProcurementItem]] = field(default_factory=list)
    steps: list[tuple[str, str, date, str]] = field(default_factory=list)
    #: (item, quantity, day) of each delivery; (day, place) of the hand-over, if any.
    deliveries: list[tuple[ProcurementItem, Decimal, date]] = field(default_factory=list)
    hand_over: tuple[date, str] | None = None


def procurement_write(run: Run, plan: ProgrammePlan) -> None:
    """The programme's needs with their lots, items, steps, deliveries and hand-overs."""
    rng = run.rng(plan.number, "procurement")
    needs = [
        _need(run, plan, rng, identified) for identified in _identification_days(run, plan, rng)
    ]
    for made in needs:
        identified = made.steps[0][2]
        country = made.need.country.code
        made.need.reference = (
            f"PR-{country}-{identified.year}-{run.needs.next(identified.year):03d}"
        )
    run.insert(ProcurementNeed, [made.need for made in needs])
    for made in needs:
        for lot in made.lots:
            lot.need_id = made.need.pk
    run.insert(ProcurementLot, [lot for made in needs for lot in made.lots])
    for made in needs:
        for lot, item in made.items:
            item.lot_id = lot.pk
    run.insert(ProcurementItem, [item for made in needs for _lot, item in made.items])
    run.insert(
        StatusChange,
        [
            StatusChange(
                need_id=made.need.pk, from_status=before, to_status=after, date=day, note=text
            )
            for made in needs
            for before, after, day, text in made.steps
        ],
    )
    run.insert(
        Delivery,
        [
            Delivery(
                item_id=item.pk,
                quantity=quantity,
                date=day,
                source="illustrative",
                source_note=run.note,
            )
            for made in needs
            for item, quantity, day in made.deliveries
        ],
    )
    handed = [made for made in needs if made.hand_over is not None]
    hand_overs = [_hand_over(run, made) for made in handed]
    run.insert(HandOver, hand_overs)
    run.insert(
        HandOverLine,
        [
            HandOverLine(hand_over_id=hand_over.pk, item_id=item.pk, quantity=item.quantity)
            for made, hand_over in zip(handed, hand_overs, strict=True)
            for _lot, item in made.items
        ],
    )


def _identification_days(run: Run, plan: ProgrammePlan, rng: random.Random) -> list[date]:
    programme = plan.programme
    days = []
    for year in range(programme.start_date.year, programme.end_date.year + 1):
        first = max(programme.start_date, date(year, 1, 1))
        last = min(programme.end_date, date(year, 12, 31), run.window.as_of)
        if first <= last:
            days += [
                days_between(rng, first, last) for _need in range(rng.randint(*NEEDS_PER_YEAR))
            ]
    return sorted(days)


def _need(run: Run, plan: ProgrammePlan, rng: random.Random, identified: date) -> _Need:
    index = rng.randrange(len(plan.components))
    component, profile = plan.components[index], plan.profiles[index]
    kinds = [kind for kind in profile.kinds if kind in EQUIPMENT] or [K.BORDER]
    kind = rng.choice(kinds)
    country = rng.choice(plan.countries)
    beneficiary = rng.choice(run.directory.agencies[(country.code, kind)])
    equipment = EQUIPMENT[kind]
    need = ProcurementNeed(
        programme_id=plan.programme.pk,
        country=country,
        beneficiary_id=beneficiary.pk,
        component_id=component.pk,
        horizon=rng.choice((Horizon.SHORT_TERM, Horizon.MID_TERM)),
        priority=rng.choices((Priority.HIGH, Priority.MEDIUM, Priority.LOW), (3, 5, 2))[0],
        justification=f"Synthetic need of a {AGENCY_KINDS[kind][1]}.",
        procedure=rng.choice(list(Procedure.values)),
        status_date=identified,
        source="illustrative",
        source_note=run.note,
    )
    made = _Need(need=need, steps=[("", S.IDENTIFIED, identified, "")])
    _lots_and_items(made, rng, equipment)
    need.title_en = f"{made.lots[0].title} and related equipment (synthetic)"
    _advance(run, plan, rng, made)
    return made


def _lots_and_items(
    made: _Need, rng: random.Random, equipment: tuple[tuple[str, str, int, int], ...]
) -> None:
    chosen = rng.sample(equipment, min(len(equipment), rng.choice((1, 1, 2, 3))))
    for number, (description, unit, low, high) in enumerate(chosen, start=1):
        lot = ProcurementLot(number=number, title=description)
        made.lots.append(lot)
        for variant in range(rng.choice((1, 1, 2))):
            quantity = Decimal(rng.randint(1, 12))
            price = Decimal(rng.randint(low, high))
            made.items.append(
                (
                    lot,
                    ProcurementItem(
                        description=description if variant == 0 else f"{description}, spare set",
                        quantity=quantity,
                        unit=unit,
                        estimated_value=quantity * price,
                        currency="EUR" if rng.random() < 0.9 else "USD",
                    ),
                )
            )


def _advance(run: Run, plan: ProgrammePlan, rng: random.Random, made: _Need) -> None:
    """Take the need along the procedure until its outcome or the day of the data."""
    need, as_of = made.need, run.window.as_of
    outcome = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
    last_open = FLOW.index(S.DELIVERED)
    stop = FLOW.index(S.HANDED_OVER) if outcome == S.HANDED_OVER else rng.randint(0, last_open)
    day = need.status_date
    for step in FLOW[1 : stop + 1]:
        low, high = STEP_DAYS[step]
        if step == S.DELIVERED:
            day = _deliveries(made, rng, day, high)
        elif step == S.HANDED_OVER:
            day += timedelta(days=rng.randint(low, high))
            if day <= as_of:
                made.hand_over = (day, CITIES[need.country.code][0])
        else:
            day += timedelta(days=rng.randint(low, high))
        if day > as_of:
            made.deliveries = [row for row in made.deliveries if row[2] <= as_of]
            return
        if step == S.CONTRACTED:
            _contract(run, plan, rng, made, day)
        _step(made, step, day, AUTOMATIC_NOTES.get(step, ""))
    if outcome in (S.CANCELLED, S.ON_HOLD) and need.status not in (S.DELIVERED, S.HANDED_OVER):
        day += timedelta(days=rng.randint(10, 60))
        if day <= as_of:
            reason = (
                "Synthetic: the beneficiary's priorities changed."
                if outcome == S.CANCELLED
                else "Synthetic: waiting for the beneficiary's site to be ready."
            )
            held = need.status
            _step(made, outcome, day, reason)
            need.held_at = held if outcome == S.ON_HOLD else ""


def _deliveries(made: _Need, rng: random.Random, contracted: date, high: int) -> date:
    """Every item delivered in full, in one or two parts; the day of the last delivery."""
    last = contracted
    for _lot, item in made.items:
        day = contracted + timedelta(days=rng.randint(20, high))
        if item.quantity > 1 and rng.random() < 0.2:
            first = Decimal(rng.randint(1, int(item.quantity) - 1))
            early = contracted + timedelta(days=rng.randint(10, (day - contracted).days))
            made.deliveries.append((item, first, early))
            made.deliveries.append((item, item.quantity - first, day))
        else:
            made.deliveries.append((item, item.quantity, day))
        last = max(last, day)
    return last


def _contract(run: Run, plan: ProgrammePlan, rng: random.Random, made: _Need, day: date) -> None:
    need = made.need
    need.supplier_name = f"Synthetic supplier {rng.randint(1, 40):02d}"
    need.supplier_country = rng.choice(SUPPLIER_COUNTRIES)
    need.contract_reference = f"{plan.programme.code}/PR/{day.year}/{rng.randint(1, 999):03d}"
    need.contract_date = day
    need.planned_delivery_date = day + timedelta(days=rng.randint(60, 120))
    for _lot, item in made.items:
        share = Decimal(rng.randint(85, 102)) / 100
        item.contracted_value = (item.estimated_value * share).quantize(Decimal("0.01"))


def _step(made: _Need, to: str, day: date, text: str) -> None:
    need = made.need
    made.steps.append((need.status, to, day, text))
    need.status, need.status_date = to, day


def _hand_over(run: Run, made: _Need) -> HandOver:
    assert made.hand_over is not None
    day, place = made.hand_over
    return HandOver(
        need_id=made.need.pk,
        receiving_organisation_id=made.need.beneficiary_id,
        place=place,
        date=day,
        source="illustrative",
        source_note=run.note,
    )
