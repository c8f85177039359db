"""The BOMCA 10 first call for proposals, as the reference data loads it from the seed."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.periods import parse_period
from bomca.dataset import dataset_load, reference_dataset_path
from bomca.grants.models import (
    Application,
    CallForProposals,
    Decision,
    GrantProject,
    Payment,
    PaymentKind,
    ProjectStatus,
    Report,
    ReportKind,
    StatusChange,
)

CALL = "BOMCA10-CfP-1"


def test_the_first_call_takes_6_to_12_month_projects_in_the_five_countries(bomca10):
    call = CallForProposals.objects.get(reference=CALL)

    assert call.programme == bomca10
    assert (call.min_duration_months, call.max_duration_months) == (6, 12)
    assert sorted(call.countries.values_list("code", flat=True)) == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert call.source == Source.SEED
    assert "Illustrative" in call.source_note


def test_nine_selected_ngo_projects_started_in_2023q2_across_the_countries(bomca10):
    quarter = parse_period("2023Q2")
    projects = GrantProject.objects.select_related("application__country")

    assert projects.count() == 9
    assert {project.application.country.code for project in projects} == {
        "KG",
        "KZ",
        "TJ",
        "TM",
        "UZ",
    }
    for project in projects:
        assert project.start_date in quarter, project.contract_number
        assert 6 <= project.duration_months <= 12, project.contract_number
        assert project.status == ProjectStatus.ONGOING
        assert project.application.decision == Decision.SELECTED


def test_the_call_also_has_applications_that_were_not_selected(bomca10):
    decisions = Application.objects.exclude(decision=Decision.SELECTED).values_list(
        "decision", flat=True
    )

    assert sorted(decisions) == ["rejected", "rejected", "rejected", "reserve"]
    assert not GrantProject.objects.exclude(application__decision=Decision.SELECTED).exists()


def test_each_project_has_its_timeline_pre_financing_and_an_interim_report_due_in_2023q3(bomca10):
    q3 = parse_period("2023Q3")
    for project in GrantProject.objects.all():
        steps = list(project.status_changes.values_list("from_status", "to_status"))
        assert steps == [("", "contracted"), ("contracted", "ongoing")]
        payments = list(project.payments.values_list("kind", flat=True))
        assert payments == [PaymentKind.PRE_FINANCING]
        interim = project.reports.get(kind=ReportKind.INTERIM)
        assert interim.due_date in q3
        assert interim.received_on is None


def test_names_amounts_and_dates_the_seed_does_not_give_are_marked_illustrative(bomca10):
    for model in (Application, GrantProject, StatusChange, Report, Payment):
        assert set(model.objects.values_list("source", flat=True)) == {Source.ILLUSTRATIVE}
    ngos = {application.organisation for application in Application.objects.all()}
    for ngo in ngos:
        assert ngo.name_en.startswith("Illustrative NGO ")
        assert ngo.source == Source.ILLUSTRATIVE


def test_the_reference_grants_load_twice_without_change(bomca10):
    before = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (CallForProposals, Application, GrantProject, StatusChange, Report, Payment)
    }

    report = dataset_load()

    after = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (CallForProposals, Application, GrantProject, StatusChange, Report, Payment)
    }
    assert after == before
    assert report.created["grant calls"] == 0
    assert report.present["grant calls"] == 1


def test_the_timeline_is_dated_in_the_past(bomca10):
    assert not StatusChange.objects.filter(date__gt=date(2023, 6, 30)).exists()


def test_a_reference_step_the_machine_refuses_names_the_record(db, tmp_path):
    data = json.loads(reference_dataset_path().read_text(encoding="utf-8"))
    project = data["grants"][0]["applications"][0]["project"]
    project["steps"] = [{"to": "closed", "date": "2023-06-01"}]
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ApplicationError) as refused:
        dataset_load(path=path)

    assert refused.value.message.startswith("Dataset record grants[0] is invalid: ValueError: ")
    assert "cannot move from “Contracted” to “Closed”" in refused.value.message
