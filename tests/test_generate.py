"""``bomca generate``: a synthetic portfolio beside the reference data, the same for the same
seed, in the reference data's shape, valid by the models' and services' rules, and shown by
the figures and the dashboard like any programme."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone

from bomca.activities.models import Activity, Status
from bomca.activities.services import CODE_PATTERN
from bomca.cli import main
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.periods import parse_period, quarters_between
from bomca.generate import portfolio_generate
from bomca.grants.models import GrantProject, Payment, PaymentKind
from bomca.grants.models import StatusChange as ProjectStep
from bomca.people.models import Attendance, AttendanceRole, Participant, ParticipantCount
from bomca.procurement.models import FLOW, ProcurementNeed
from bomca.procurement.models import StatusChange as NeedStep
from bomca.procurement.services.transitions import data_problems
from bomca.reference.models import Programme
from bomca.reporting.selectors import key_figures
from bomca.results.models import Indicator
from bomca.results.selectors import logframe

#: The apps whose records the generator writes.
DOMAIN_APPS = ("reference", "activities", "people", "procurement", "grants", "results", "reporting")
#: Each big table by natural keys (primary keys differ between runs on PostgreSQL).
FINGERPRINT: dict[type[Model], tuple[str, ...]] = {
    Activity: (
        "code",
        "programme__code",
        "component__number",
        "title_en",
        "activity_type",
        "scope",
        "format",
        "host_country__code",
        "city",
        "abroad_country__code",
        "start_date",
        "end_date",
        "status",
        "delivered_by",
        "trainer_country__code",
    ),
    Participant: (
        "full_name",
        "sex",
        "year_of_birth",
        "country__code",
        "organisation__code",
        "position",
    ),
    Attendance: (
        "activity__code",
        "participant__full_name",
        "role",
        "days_attended",
        "completed",
        "pre_test",
        "post_test",
        "satisfaction",
    ),
    ParticipantCount: (
        "activity__code",
        "country__code",
        "organisation__code",
        "female",
        "male",
        "unrecorded",
    ),
    ProcurementNeed: ("reference", "status", "status_date", "supplier_name", "contract_date"),
    NeedStep: ("need__reference", "from_status", "to_status", "date"),
    GrantProject: ("contract_number", "amount", "start_date", "end_date", "status"),
    Payment: ("project__contract_number", "kind", "paid_on", "amount"),
    Indicator: ("programme__code", "code", "method", "selector", "target_value"),
}


def generated(model: type[Model]) -> Any:
    return model._default_manager.filter(
        source=Source.ILLUSTRATIVE, source_note__contains="generate"
    )


def fingerprint() -> dict[str, list[str]]:
    return {
        model._meta.label: sorted(repr(row) for row in model._default_manager.values_list(*fields))
        for model, fields in FINGERPRINT.items()
    }


def generate_and_undo(**options: int) -> dict[str, list[str]]:
    """The rows a run writes, then the database as it was."""

    class Undo(Exception):
        pass

    rows: dict[str, list[str]] = {}

    def run_and_undo() -> None:
        with transaction.atomic():
            portfolio_generate(**options)
            rows.update(fingerprint())
            raise Undo

    with pytest.raises(Undo):
        run_and_undo()
    return rows


@pytest.fixture
def portfolio(bomca10: Programme) -> Programme:
    """Two programmes over the two years that end with the reference data's last (2025)."""
    portfolio_generate(programmes=2, years=2, seed=1)
    return Programme.objects.get(code="SYN01")


# --- determinism ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(bomca10):
    first = generate_and_undo(programmes=2, years=1, seed=7)
    again = generate_and_undo(programmes=2, years=1, seed=7)
    other = generate_and_undo(programmes=2, years=1, seed=8)

    assert len(first["activities.Activity"]) > 300
    assert len(first["people.Attendance"]) > 5000
    assert again == first
    assert other["activities.Activity"] != first["activities.Activity"]
    assert other["people.Attendance"] != first["people.Attendance"]


def test_a_programme_is_the_same_whatever_the_size_of_the_portfolio(bomca10):
    alone = generate_and_undo(programmes=1, years=1, seed=3)
    among_two = generate_and_undo(programmes=2, years=1, seed=3)

    def of_syn01(rows: list[str]) -> list[str]:
        return [row for row in rows if "SYN01" in row]

    assert of_syn01(among_two["activities.Activity"]) == of_syn01(alone["activities.Activity"])
    assert of_syn01(among_two["people.Participant"]) == of_syn01(alone["people.Participant"])
    assert len(of_syn01(alone["people.Participant"])) > 1000


# --- refusals -------------------------------------------------------------------------------


def test_it_refuses_a_portfolio_whose_programmes_exist_and_writes_nothing(bomca10):
    portfolio_generate(programmes=1, years=1, seed=1)
    before = fingerprint()

    with pytest.raises(ApplicationError, match="SYN01 exist already; nothing was written"):
        portfolio_generate(programmes=2, years=1, seed=1)

    assert fingerprint() == before


def test_resume_adds_the_missing_programmes_of_the_same_run_only(bomca10):
    portfolio_generate(programmes=1, years=1, seed=1)

    with pytest.raises(ApplicationError, match="not generated with this --seed and --years"):
        portfolio_generate(programmes=2, years=1, seed=2, resume=True)
    summary = portfolio_generate(programmes=2, years=1, seed=1, resume=True)

    assert summary.programmes == ("SYN02",)
    assert summary.skipped == ("SYN01",)
    assert Programme.objects.filter(code__startswith="SYN").count() == 2


def test_it_refuses_without_reference_data(db):
    with pytest.raises(ApplicationError, match="bomca init"):
        portfolio_generate(programmes=1, years=1, seed=1)


def test_the_command_prints_rows_per_table_and_refuses_a_second_run(bomca10, capsys):
    assert main(["generate", "--programmes", "1", "--years", "1", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "people.Attendance" in out
    assert "Generated 1 programme(s) over 1 year(s) with seed 4 in" in out

    assert main(["generate", "--programmes", "1", "--years", "1", "--seed", "4"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bomca: error: Programmes SYN01 exist already")


# --- shape ----------------------------------------------------------------------------------


def test_it_adds_programmes_beside_the_reference_data(portfolio):
    programmes = dict(Programme.objects.values_list("code", "name_en"))
    assert set(programmes) == {"BOMCA10", "SYN01", "SYN02"}
    assert programmes["SYN01"] == "Synthetic programme 01 (generated)"
    assert Activity.objects.filter(programme__code="BOMCA10").count() == 30
    # The two years that end with the last year of BOMCA 10's quarters (2025Q3).
    assert portfolio.start_date.year == 2024
    assert portfolio.end_date.year == 2025
    quarters = quarters_between(portfolio.start_date, portfolio.end_date)
    assert list(portfolio.reporting_periods.values_list("code", flat=True)) == [
        quarter.label for quarter in quarters
    ]


def test_every_generated_record_says_it_is_synthetic(portfolio):
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS or not hasattr(model, "source_note"):
            continue
        rows = model._default_manager.filter(source_note__contains="generate")
        assert not rows.exclude(source=Source.ILLUSTRATIVE).exists(), model
        assert not rows.exclude(source_note__startswith="Synthetic").exists(), model
    assert (
        generated(Activity).count() == Activity.objects.exclude(programme__code="BOMCA10").count()
    )


def test_people_have_obviously_synthetic_names_and_no_contacts(portfolio):
    people = generated(Participant)
    assert people.count() > 1000
    assert not people.exclude(full_name__startswith="Synthetic person SYN").exists()
    assert not people.exclude(email="").exists()
    assert not people.exclude(phone="").exists()


def test_participation_has_the_reference_datas_shape(portfolio):
    counts = ParticipantCount.objects.filter(activity__programme__code__startswith="SYN")
    sums = counts.aggregate(women=Sum("female"), men=Sum("male"), unknown=Sum("unrecorded"))
    total = sum(sums.values())
    # The seed quarter: 133 women, 325 men, 14 not recorded of 472.
    assert 0.24 < sums["women"] / total < 0.33
    assert 0.01 < sums["unknown"] / total < 0.05
    roles = Counter(generated(Attendance).values_list("role", flat=True))
    assert set(roles) == set(AttendanceRole.values)
    assert 0.9 < roles[AttendanceRole.PARTICIPANT] / sum(roles.values()) < 0.97
    listed = Activity.objects.filter(programme=portfolio, attendances__isnull=False).distinct()
    implemented = Activity.objects.filter(programme=portfolio, status=Status.IMPLEMENTED)
    assert 0.75 < listed.count() / implemented.count() < 0.95
    assert (
        20 < Attendance.objects.filter(activity__programme=portfolio).count() / listed.count() < 30
    )
    # People come back: more attendances than people.
    people = Participant.objects.filter(attendances__activity__programme=portfolio).distinct()
    assert people.count() < 0.6 * Attendance.objects.filter(activity__programme=portfolio).count()


def test_a_list_gives_its_activitys_counts(portfolio):
    for activity in Activity.objects.filter(
        programme=portfolio, attendances__isnull=False
    ).distinct()[:40]:
        listed = Counter(
            activity.attendances.filter(role=AttendanceRole.PARTICIPANT).values_list(
                "participant__country_id", "participant__organisation_id", "participant__sex"
            )
        )
        counted: Counter[tuple[int, int | None, str]] = Counter()
        for row in activity.participant_counts.all():
            for sex in ("female", "male", "unrecorded"):
                if getattr(row, sex):
                    counted[(row.country_id, row.organisation_id, sex)] += getattr(row, sex)
        assert listed == counted, activity.code


def test_activities_keep_their_programmes_dates_codes_and_statuses(portfolio):
    today = timezone.localdate()
    for programme in Programme.objects.filter(code__startswith="SYN"):
        activities = programme.activities.all()
        assert not activities.filter(start_date__lt=programme.start_date).exists()
        assert not activities.filter(end_date__gt=programme.end_date).exists()
        for code, start, end, status in activities.values_list(
            "code", "start_date", "end_date", "status"
        ):
            match = CODE_PATTERN.match(code)
            assert match, code
            assert int(match[3]) == start.year, code
            assert end >= start
            if end < today:
                assert status in (Status.IMPLEMENTED, Status.CANCELLED), code
            elif start > today:
                assert status in (Status.PLANNED, Status.CONFIRMED), code


def test_procurement_and_grants_keep_the_services_rules(portfolio):
    today = timezone.localdate()
    needs = ProcurementNeed.objects.filter(programme__code__startswith="SYN")
    assert needs.filter(status="handed_over").exists()
    assert not NeedStep.objects.filter(need__in=needs, date__gt=today).exists()
    for need in needs:
        assert need.reference.startswith(f"PR-{need.country.code}-")
        steps = list(need.status_changes.order_by("pk").values_list("to_status", "date"))
        assert steps[-1] == (need.status, need.status_date)
        assert [day for _status, day in steps] == sorted(day for _status, day in steps)
        reached = need.held_at or need.status
        if reached in FLOW:
            assert data_problems(need, reached) == [], need.reference
    projects = GrantProject.objects.filter(application__call__programme__code__startswith="SYN")
    assert projects.exists()
    assert not ProjectStep.objects.filter(project__in=projects, date__gt=today).exists()
    for project in projects:
        paid = project.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        assert paid <= project.amount
        final = project.payments.filter(kind=PaymentKind.FINAL).first()
        if final is not None:
            step = project.status_changes.get(to_status="final_report")
            assert final.paid_on >= step.date


def test_a_sample_of_every_generated_table_passes_full_clean(portfolio):
    checked = set()
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS or model.__name__.startswith("Historical"):
            continue
        rows = model._default_manager.all()
        if hasattr(model, "source_note"):
            rows = rows.filter(source_note__contains="generate")
        for record in rows.order_by("pk")[:: max(1, rows.count() // 25)][:25]:
            record.full_clean()
            checked.add(model._meta.label)
    assert {
        "activities.Activity",
        "people.Attendance",
        "people.Participant",
        "people.ParticipantCount",
        "people.Trainer",
        "procurement.ProcurementNeed",
        "procurement.ProcurementItem",
        "procurement.Delivery",
        "procurement.HandOver",
        "grants.Application",
        "grants.GrantProject",
        "grants.Payment",
        "grants.Report",
        "results.Indicator",
        "results.Target",
        "results.Actual",
        "reporting.NewsletterIssue",
    } <= checked


# --- the figures and pages ------------------------------------------------------------------


def test_the_figures_of_a_generated_quarter_are_sensible(portfolio):
    figures = key_figures(programme=portfolio, period=parse_period("2025Q2"))

    implemented = figures.activities.total
    assert 30 < implemented < 80
    assert sum(figures.activities.by_component.values()) == implemented
    assert 15 * implemented < figures.participants.total < 40 * implemented
    assert figures.training.overall.tested > 100
    assert 0 < figures.training.overall.gain_mean < 20
    assert figures.procurement is not None
    indicators = {
        row["code"]: row
        for row in logframe(programme=portfolio, period=parse_period("2025Q2")).as_dicts()
    }
    assert "OO.1" in indicators


def test_a_manager_sees_the_dashboard_of_a_generated_programme(portfolio, personas, client):
    client.force_login(personas["pm"])

    response = client.get("/dashboard/?programme=SYN01&period=2025Q2")

    assert response.status_code == 200
    assert response.context["programme"].code == "SYN01"
    assert response.context["figures"].activities.total > 30
    assert response.context["charts"]
    assert "<title>SYN01 · Dashboard" in response.content.decode()


def test_a_generated_activity_need_and_project_show_with_their_history(portfolio, personas, client):
    client.force_login(personas["pm"])
    activity = Activity.objects.filter(programme=portfolio, attendances__isnull=False).first()
    need = ProcurementNeed.objects.filter(programme=portfolio, status="handed_over").first()
    project = GrantProject.objects.filter(
        application__call__programme__code__startswith="SYN"
    ).first()
    assert activity is not None
    assert need is not None
    assert project is not None

    pages = [
        f"/activities/{activity.code}/",
        f"/activities/{activity.code}/history/",
        f"/procurement/{need.reference}/",
        f"/grants/{project.contract_number}/",
    ]

    for page in pages:
        assert client.get(page).status_code == 200, page
    # Its history row, written in bulk, names its organisations as a save would.
    (created,) = activity.history.all()
    assert created.history_type == "+"
    assert sorted(row.organisation_id for row in created.beneficiary_organisations.all()) == sorted(
        activity.beneficiary_organisations.values_list("pk", flat=True)
    )


def test_a_generated_programme_exports_a_valid_iati_file(portfolio, tmp_path):
    from bomca.iati.export import iati_export
    from bomca.iati.validation import validate_file

    out = tmp_path / "portfolio.xml"
    iati_export(programmes=[portfolio], out=out)

    problems = [problem for problem in validate_file(out) if problem.severity == "error"]
    assert problems == []
    text = out.read_text(encoding="utf-8")
    assert "XI-IATI-ICMPD-SYN01" in text
