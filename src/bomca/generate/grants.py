"""A programme's grants: a call for proposals every three years or so, the NGOs' applications,
and the projects of the selected ones with their steps, reports, payments and people reached.

The services' rules hold: a project lasts the call's 6 to 12 months and starts after its
contract, which follows the selection; its steps run contracted → ongoing → final report
received → closed (or terminated, with a note), never dated after the day of the data; the
final report is in before its step, the final payment follows that step, and payments add up
to the contracted amount at most.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bomca.generate.common import Run, days_between
from bomca.generate.reference import ProgrammePlan
from bomca.grants.models import (
    Application,
    CallForProposals,
    Decision,
    GrantProject,
    Payment,
    PaymentKind,
    PeopleReached,
    ProjectStatus,
    Report,
    ReportKind,
    StatusChange,
    months_after,
)

P = ProjectStatus
YEARS_PER_CALL = 3
APPLICATIONS_PER_COUNTRY = (2, 4)
SELECTED_SHARE = 0.6
RESERVE_SHARE = 0.15
TERMINATED_SHARE = 0.04
THEMES = (
    "Psychological support to people living in border areas",
    "Protection of children's rights in border communities",
    "Prevention of trafficking in human beings",
    "Resilience and cross-border cooperation of border communities",
)
_CENT = Decimal("0.01")


@dataclass
class _Project:
    project: GrantProject
    steps: list[tuple[str, str, date, str]] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)


def grants_write(run: Run, plan: ProgrammePlan) -> None:
    """The programme's calls, applications and projects with their follow-up."""
    rng = run.rng(plan.number, "grants")
    programme, as_of = plan.programme, run.window.as_of
    span = (programme.end_date - programme.start_date).days
    calls = max(1, round(span / 365.25 / YEARS_PER_CALL))
    for number in range(1, calls + 1):
        opens = programme.start_date + timedelta(days=60 + span * (number - 1) // calls)
        # Projects of 12 months must end within the programme.
        if opens > as_of or opens + timedelta(days=600) > programme.end_date:
            continue
        _call(run, plan, rng, number, opens)


def _call(run: Run, plan: ProgrammePlan, rng: random.Random, number: int, opens: date) -> None:
    code = plan.programme.code
    call = CallForProposals(
        programme=plan.programme,
        reference=f"{code}-CfP-{number}",
        title_en=f"Synthetic call for proposals {number} of {code}: support to border areas",
        themes="\n".join(THEMES),
        budget_ceiling=Decimal("600000.00"),
        currency="EUR",
        max_grant_amount=Decimal("60000.00"),
        opens_on=opens,
        closes_on=opens + timedelta(days=rng.randint(60, 80)),
        source="illustrative",
        source_note=run.note,
    )
    call.full_clean()
    call.save()
    call.countries.set(plan.countries)
    run.rows[CallForProposals._meta.label] += 1
    applications = _applications(run, plan, rng, call)
    run.insert(Application, applications)
    selected = [row for row in applications if row.decision == Decision.SELECTED]
    projects = [
        made
        for index, application in enumerate(selected, start=1)
        if (made := _project(run, rng, call, application, index)) is not None
    ]
    run.insert(GrantProject, [made.project for made in projects])
    for made in projects:
        for report in made.reports:
            report.project_id = made.project.pk
        for payment in made.payments:
            payment.project_id = made.project.pk
    run.insert(
        StatusChange,
        [
            StatusChange(
                project_id=made.project.pk,
                from_status=before,
                to_status=after,
                date=day,
                note=text,
                source="illustrative",
                source_note=run.note,
            )
            for made in projects
            for before, after, day, text in made.steps
        ],
    )
    reports = [report for made in projects for report in made.reports]
    run.insert(Report, reports)
    run.insert(Payment, [payment for made in projects for payment in made.payments])
    run.insert(
        PeopleReached,
        [_people_reached(rng, report) for report in reports if report.received_on is not None],
    )


def _applications(
    run: Run, plan: ProgrammePlan, rng: random.Random, call: CallForProposals
) -> list[Application]:
    decided = call.closes_on + timedelta(days=rng.randint(60, 90))
    applications = []
    for country in plan.countries:
        ngos = rng.sample(run.directory.ngos[country.code], rng.randint(*APPLICATIONS_PER_COUNTRY))
        for ngo in ngos:
            applications.append(
                Application(
                    call_id=call.pk,
                    organisation_id=ngo.pk,
                    country_id=country.pk,
                    title_en=f"Synthetic project: {rng.choice(THEMES).lower()}",
                    submitted_on=days_between(rng, call.opens_on, call.closes_on),
                    requested_amount=Decimal(rng.randint(20, 60) * 1000),
                    currency=call.currency,
                    score=Decimal(rng.randint(4500, 9500)) / 100,
                    source="illustrative",
                    source_note=run.note,
                )
            )
    ranked = sorted(applications, key=lambda row: row.score or 0, reverse=True)
    selected = round(len(ranked) * SELECTED_SHARE)
    reserve = round(len(ranked) * RESERVE_SHARE)
    for rank, application in enumerate(ranked):
        if decided > run.window.as_of:
            break
        application.decision_date = decided
        if rank < selected:
            application.decision = Decision.SELECTED
        elif rank < selected + reserve:
            application.decision = Decision.RESERVE
        else:
            application.decision = Decision.REJECTED
    applications.sort(key=lambda row: (row.submitted_on, row.organisation_id))
    for number, application in enumerate(applications, start=1):
        application.number = number
    return applications


def _project(
    run: Run, rng: random.Random, call: CallForProposals, application: Application, index: int
) -> _Project | None:
    as_of = run.window.as_of
    assert application.decision_date is not None
    signed = application.decision_date + timedelta(days=rng.randint(10, 30))
    if signed > as_of:
        return None
    start = signed + timedelta(days=rng.randint(5, 20))
    months = rng.randint(call.min_duration_months, call.max_duration_months)
    end = months_after(start, months) - timedelta(days=1)
    made = _Project(
        GrantProject(
            application_id=application.pk,
            contract_number=f"{call.reference}-G{index:02d}",
            amount=application.requested_amount,
            currency=application.currency,
            start_date=start,
            end_date=end,
            source="illustrative",
            source_note=run.note,
        )
    )
    made.project.status = P.CONTRACTED
    made.steps.append(("", P.CONTRACTED, signed, ""))
    _pay(run, made, PaymentKind.PRE_FINANCING, signed + timedelta(days=rng.randint(3, 15)), 40)
    if start > as_of:
        return made
    _step(made, P.ONGOING, start, "Implementation started.")
    terminated = rng.random() < TERMINATED_SHARE
    stop = start + timedelta(days=rng.randint(30, 150)) if terminated else None
    dues = _interim_dues(start, months)
    for due in dues:
        if stop is not None and due > stop:
            break
        received = _report(run, rng, made, ReportKind.INTERIM, due)
        if received is not None:
            paid_on = received + timedelta(days=rng.randint(10, 20))
            _pay(run, made, PaymentKind.INSTALMENT, paid_on, 40 // len(dues))
    if stop is not None:
        if stop <= as_of:
            _step(made, P.TERMINATED, stop, "Synthetic: the NGO could not continue the action.")
        return made
    received = _report(run, rng, made, ReportKind.FINAL, end + timedelta(days=30))
    if received is None:
        return made
    _step(made, P.FINAL_REPORT_RECEIVED, received, "")
    paid_on = received + timedelta(days=rng.randint(10, 30))
    if _pay(run, made, PaymentKind.FINAL, paid_on, 100):
        closed = paid_on + timedelta(days=rng.randint(5, 20))
        if closed <= as_of:
            _step(made, P.CLOSED, closed, "")
    return made


def _interim_dues(start: date, months: int) -> list[date]:
    return [months_after(start, 3)] + ([months_after(start, 6)] if months >= 9 else [])


def _step(made: _Project, to: str, day: date, text: str) -> None:
    made.steps.append((made.project.status, to, day, text))
    made.project.status = to


def _report(run: Run, rng: random.Random, made: _Project, kind: str, due: date) -> date | None:
    """Schedule a report; the day it came in, if it did by the day of the data."""
    day = max(due + timedelta(days=rng.randint(-7, 25)), made.project.start_date)
    received = day if day <= run.window.as_of else None
    made.reports.append(
        Report(
            kind=kind,
            due_date=due,
            received_on=received,
            source="illustrative",
            source_note=run.note,
        )
    )
    return received


def _pay(run: Run, made: _Project, kind: str, day: date, percent: int) -> bool:
    """Pay ``percent`` of the amount (the final payment: what remains); False if not yet due."""
    if day > run.window.as_of:
        return False
    project = made.project
    paid = sum((payment.amount for payment in made.payments), Decimal(0))
    amount = project.amount - paid if kind == PaymentKind.FINAL else project.amount * percent / 100
    made.payments.append(
        Payment(
            kind=kind,
            paid_on=day,
            amount=Decimal(amount).quantize(_CENT),
            currency=project.currency,
            source="illustrative",
            source_note=run.note,
        )
    )
    return True


def _people_reached(rng: random.Random, report: Report) -> PeopleReached:
    women, men = rng.randint(20, 300), rng.randint(15, 250)
    total = women + men
    return PeopleReached(
        report_id=report.pk,
        women=women,
        men=men,
        children=rng.randint(0, total // 3),
        trafficking_victims=rng.randint(0, total // 20),
        with_disabilities=rng.randint(0, total // 15),
    )
