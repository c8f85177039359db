"""Load calls for proposals from a dataset record, with their applications and projects nested.

Like the rest of the dataset loader, it inserts what is missing and never changes what exists:
running it twice is running it once. Nested records say nothing of their provenance when they
share their parent's; they inherit it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from bomca.core.errors import ApplicationError
from bomca.grants.models import (
    Application,
    CallForProposals,
    GrantProject,
    Payment,
    PeopleReached,
    Report,
)
from bomca.grants.services.calls import application_create, call_create
from bomca.grants.services.follow_up import payment_record, people_reached_record, report_create
from bomca.grants.services.projects import project_contract, project_move
from bomca.reference.models import Country, Organisation, Programme
from bomca.reference.services import organisation_ensure

Record = Mapping[str, Any]


def _provenance(record: Record, parent: Mapping[str, str]) -> dict[str, str]:
    return {
        "source": record.get("source", parent["source"]),
        "source_note": record.get("source_note", parent["source_note"]),
    }


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def call_ensure(*, programme: Programme, record: Record) -> tuple[CallForProposals, bool]:
    """The call with the record's reference, created if missing; then its missing applications,
    projects, status steps, reports, payments and people reached."""
    provenance = _provenance(record, {"source": "seed", "source_note": ""})
    call = CallForProposals.objects.filter(reference=record["reference"]).first()
    created = call is None
    if call is None:
        countries = list(Country.objects.filter(code__in=record["countries"]))
        if len(countries) != len(set(record["countries"])):
            raise ValueError("countries names a country that is not in the dataset")
        data = {
            field: record[field]
            for field in ("reference", "title_en", "title_ru", "currency")
            if field in record
        }
        data |= {
            "themes": "\n".join(record.get("themes", [])),
            "budget_ceiling": Decimal(record["budget_ceiling"]),
            "max_grant_amount": Decimal(record["max_grant_amount"]),
            "opens_on": _day(record["opens_on"]),
            "closes_on": _day(record["closes_on"]),
            "min_duration_months": int(record.get("min_duration_months", 6)),
            "max_duration_months": int(record.get("max_duration_months", 12)),
        }
        call = call_create(programme=programme, data=data, countries=countries, **provenance)
    try:
        for item in record.get("applications", []):
            _application_ensure(call, item, provenance)
    except ApplicationError as error:
        # As a ValueError the dataset loader names the record that broke a rule.
        raise ValueError(error.message) from None
    return call, created


def _organisation(value: str | Record) -> Organisation:
    """An NGO named by its code, or given as an organisation record (created if missing)."""
    if isinstance(value, str):
        return Organisation.objects.get(code=value)
    return organisation_ensure(record={"kind": "ngo", "iati_type": "22", **value})[0]


def _application_ensure(call: CallForProposals, record: Record, parent: Mapping[str, str]) -> None:
    provenance = _provenance(record, parent)
    application = Application.objects.filter(call=call, number=record["number"]).first()
    if application is None:
        data = {
            "organisation": _organisation(record["organisation"]),
            "country": Country.objects.get(code=record["country"]),
            "title_en": record["title_en"],
            "title_ru": record.get("title_ru", ""),
            "submitted_on": _day(record["submitted_on"]),
            "requested_amount": Decimal(record["requested_amount"]),
            "currency": record.get("currency", call.currency),
            "score": Decimal(record["score"]) if record.get("score") is not None else None,
            "decision": record.get("decision", "pending"),
            "decision_date": _day(record.get("decision_date")),
        }
        application = application_create(
            call=call, data=data, number=record["number"], **provenance
        )
    if project := record.get("project"):
        _project_ensure(application, project, provenance)


def _project_ensure(application: Application, record: Record, parent: Mapping[str, str]) -> None:
    provenance = _provenance(record, parent)
    project = GrantProject.objects.filter(contract_number=record["contract_number"]).first()
    if project is None:
        data = {
            "contract_number": record["contract_number"],
            "amount": Decimal(record["amount"]),
            "currency": record.get("currency", application.call.currency),
            "start_date": _day(record["start_date"]),
            "end_date": _day(record["end_date"]),
        }
        contracted = _day(record["contracted_on"])
        assert contracted is not None
        project = project_contract(
            application=application, data=data, contracted_on=contracted, by=None, **provenance
        )
    for report in record.get("reports", []):
        _report_ensure(project, report, provenance)
    # Steps and payments in the order of their dates (a step first on the same day): a final
    # payment follows the final report's step, and a closing step follows the last payment.
    events = [(_day(step["date"]), 0, step) for step in record.get("steps", [])]
    events += [(_day(payment["paid_on"]), 1, payment) for payment in record.get("payments", [])]
    for _date, kind, event in sorted(events, key=lambda item: (item[0], item[1])):
        if kind == 0:
            _step_ensure(project, event, provenance)
        else:
            _payment_ensure(project, event, provenance)


def _step_ensure(project: GrantProject, record: Record, parent: Mapping[str, str]) -> None:
    if project.status_changes.filter(to_status=record["to"]).exists():
        return
    on = _day(record["date"])
    assert on is not None
    provenance = _provenance(record, parent)
    project_move(
        project=project,
        to_status=record["to"],
        on=on,
        by=None,
        note=record.get("note", ""),
        source=provenance["source"],
        source_note=provenance["source_note"],
    )


def _report_ensure(project: GrantProject, record: Record, parent: Mapping[str, str]) -> None:
    due = _day(record["due_date"])
    assert due is not None
    report = Report.objects.filter(project=project, kind=record["kind"], due_date=due).first()
    if report is None:
        data = {
            "kind": record["kind"],
            "due_date": due,
            "received_on": _day(record.get("received_on")),
            "note": record.get("note", ""),
        }
        report = report_create(project=project, data=data, **_provenance(record, parent))
    counts = record.get("people_reached")
    if counts and not PeopleReached.objects.filter(report=report).exists():
        people_reached_record(report=report, counts={key: int(n) for key, n in counts.items()})


def _payment_ensure(project: GrantProject, record: Record, parent: Mapping[str, str]) -> None:
    paid_on, amount = _day(record["paid_on"]), Decimal(record["amount"])
    assert paid_on is not None
    exists = Payment.objects.filter(
        project=project, kind=record["kind"], paid_on=paid_on, amount=amount
    ).exists()
    if not exists:
        payment_record(
            project=project,
            kind=record["kind"],
            paid_on=paid_on,
            amount=amount,
            note=record.get("note", ""),
            **_provenance(record, parent),
        )
