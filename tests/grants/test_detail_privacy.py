"""A grant project's page shows who moved it, and exact small counts of vulnerable people, only
to those who may see them (donors see neither; counts outside a reader's reach are rounded)."""

from __future__ import annotations

import datetime

import pytest

from bomca.grants.models import GrantProject, ProjectStatus, Report
from bomca.grants.services import people_reached_record, project_move, report_update
from tests.pages import page

pytestmark = pytest.mark.django_db

CONTRACT = "BOMCA10-CfP-1-G01"


@pytest.fixture
def reported(personas):
    """G01 with its interim report received, reaching 1 victim of trafficking, and one step
    made by the programme manager."""
    project = GrantProject.objects.get(contract_number=CONTRACT)
    report = Report.objects.filter(project=project).order_by("due_date").first()
    report = report_update(
        report=report,
        data={"received_on": datetime.date(2023, 10, 20)},
        expected_version=report.version,
    )
    people_reached_record(
        report=report,
        counts={
            "women": 40,
            "men": 3,
            "children": 12,
            "trafficking_victims": 1,
            "with_disabilities": 2,
        },
    )
    project_move(
        project=project,
        to_status=ProjectStatus.TERMINATED,
        on=datetime.date(2023, 11, 1),
        by=personas["pm"],
        note="Synthetic note: terminated for the test.",
    )
    return project


def _shown_name(user):
    return user.get_full_name() or user.get_username()


def _cells(html):
    table = html.find_all("table")[0]
    return [cell.text for cell in table.find_all("td", cls="num")][:5]


def test_the_programme_manager_sees_who_moved_it_and_the_exact_counts(client, personas, reported):
    client.force_login(personas["pm"])
    html = page(client.get(f"/grants/{CONTRACT}/"))

    timeline = html.find_all("ol", cls="timeline")[0].text
    assert _shown_name(personas["pm"]) in timeline
    assert _cells(html) == ["40", "3", "12", "1", "2"]


def test_a_donor_sees_neither_names_nor_small_counts(client, personas, reported):
    client.force_login(personas["donor"])
    html = page(client.get(f"/grants/{CONTRACT}/"))

    timeline = html.find_all("ol", cls="timeline")[0].text
    assert _shown_name(personas["pm"]) not in timeline
    assert "system or data load" not in timeline
    assert _cells(html) == ["40", "<5", "10", "<5", "<5"]
