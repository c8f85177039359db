"""The status machine of grant projects: every allowed and every forbidden step, through the
service, the status form and the command line. A refused step says why, naming both statuses,
and leaves the project exactly as it was."""

from __future__ import annotations

from itertools import product

import pytest
from django.test import Client

from bomca.accounts.models import Role
from bomca.cli import main
from bomca.core.errors import ApplicationError
from bomca.grants.models import GrantProject, ProjectStatus
from bomca.grants.services import TRANSITIONS, allowed_transitions, project_move
from tests.factories import PersonaFactory
from tests.grants.factories import AFTER_THE_ROUTE, project_in
from tests.pages import page

STATUSES = list(ProjectStatus.values)
ALLOWED = [(source, target) for source in STATUSES for target in TRANSITIONS[source]]
FORBIDDEN = [pair for pair in product(STATUSES, STATUSES) if pair not in ALLOWED]
LABEL = {status: str(ProjectStatus(status).label) for status in STATUSES}


def _state(project: GrantProject) -> tuple:
    """Everything a step could change: the row and its timeline."""
    project = GrantProject.objects.get(pk=project.pk)
    steps = list(project.status_changes.values_list("from_status", "to_status", "date", "note"))
    return (project.status, project.version, project.updated_at, steps)


def _assert_names_both(message: str, source: str, target: str) -> None:
    assert f"“{LABEL[source]}”" in message
    assert f"“{LABEL[target]}”" in message


def test_the_machine_allows_exactly_the_five_documented_steps():
    assert sorted(ALLOWED) == sorted(
        [
            ("contracted", "ongoing"),
            ("contracted", "terminated"),
            ("ongoing", "final_report"),
            ("ongoing", "terminated"),
            ("final_report", "closed"),
        ]
    )
    assert len(FORBIDDEN) == 20
    assert allowed_transitions(ProjectStatus.CLOSED) == ()
    assert allowed_transitions(ProjectStatus.TERMINATED) == ()


# Through the service


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_the_service_makes_an_allowed_step_and_keeps_it_in_the_timeline(db, source, target):
    project = project_in(source)
    manager = PersonaFactory(role=Role.GRANTS_MANAGER)
    version = project.version

    project_move(
        project=project,
        to_status=target,
        on=AFTER_THE_ROUTE,
        by=manager,
        note="Synthetic reason.",
        expected_version=version,
    )

    project.refresh_from_db()
    assert project.status == target
    assert project.version == version + 1
    last = project.status_changes.order_by("-date", "-pk").first()
    assert (last.from_status, last.to_status, last.date, last.changed_by, last.note) == (
        source,
        target,
        AFTER_THE_ROUTE,
        manager,
        "Synthetic reason.",
    )


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_the_service_refuses_a_forbidden_step_naming_both_statuses(db, source, target):
    project = project_in(source)
    before = _state(project)

    with pytest.raises(ApplicationError) as refused:
        project_move(
            project=project, to_status=target, on=AFTER_THE_ROUTE, by=None, note="Synthetic."
        )

    _assert_names_both(refused.value.message, source, target)
    assert project.contract_number in refused.value.message
    assert _state(project) == before


# Through the status form


@pytest.fixture
def manager_client(client: Client, db) -> Client:
    client.force_login(PersonaFactory(role=Role.GRANTS_MANAGER))
    return client


def _post_step(client: Client, project: GrantProject, target: str):
    return client.post(
        f"/grants/{project.contract_number}/status/",
        {
            "to_status": target,
            "date": AFTER_THE_ROUTE.isoformat(),
            "note": "Synthetic reason.",
            "version": str(project.version),
        },
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_the_form_makes_an_allowed_step(manager_client, source, target):
    project = project_in(source)

    response = _post_step(manager_client, project, target)

    assert response.status_code == 302
    assert response["Location"] == f"/grants/{project.contract_number}/"
    assert GrantProject.objects.get(pk=project.pk).status == target


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_the_form_refuses_a_forbidden_step_shows_why_and_changes_nothing(
    manager_client, source, target
):
    project = project_in(source)
    before = _state(project)

    response = _post_step(manager_client, project, target)

    assert response.status_code == 422
    errors = page(response).by_id("form-errors").text
    _assert_names_both(errors, source, target)
    assert _state(project) == before


@pytest.mark.parametrize("source", STATUSES)
def test_the_form_offers_only_the_steps_allowed_from_the_current_status(manager_client, source):
    project = project_in(source)

    response = manager_client.get(f"/grants/{project.contract_number}/status/")

    if not TRANSITIONS[source]:
        assert page(response).find_all("form", cls="grants-form") == []
        return
    select = page(response).by_id("id_to_status")
    offered = [option.attrs["value"] for option in select.find_all("option")]
    assert offered == list(TRANSITIONS[source])


# Through the command line


def _cli_step(project: GrantProject, target: str) -> int:
    return main(
        [
            "grants",
            "move",
            project.contract_number,
            "--to",
            target,
            "--date",
            AFTER_THE_ROUTE.isoformat(),
            "--note",
            "Synthetic reason.",
        ]
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_the_command_line_makes_an_allowed_step(db, capsys, source, target):
    project = project_in(source)

    status = _cli_step(project, target)

    out = capsys.readouterr().out
    assert status == 0
    assert out == f"{project.contract_number}: {LABEL[source]} -> {LABEL[target]}.\n"
    assert GrantProject.objects.get(pk=project.pk).status == target


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_the_command_line_refuses_a_forbidden_step_with_a_non_zero_exit(db, capsys, source, target):
    project = project_in(source)
    before = _state(project)

    status = _cli_step(project, target)

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("bomca: error: Project ")
    _assert_names_both(err, source, target)
    assert _state(project) == before
