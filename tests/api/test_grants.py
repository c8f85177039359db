"""/api/v1/grants: the project list with the web list's filters and scope, one project with its
payments, reports and people reached as the project's page shows them to each role."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bomca.api.pagination import Page
from bomca.grants.api import ProjectDetailOut, ProjectOut
from bomca.grants.models import GrantProject, Report, StatusChange
from bomca.grants.services import people_reached_record, report_update

pytestmark = pytest.mark.django_db

KYRGYZ = "BOMCA10-CfP-1-G01"
TAJIK = "BOMCA10-CfP-1-G05"
SMALL_COUNTS = {
    "women": 40,
    "men": 3,
    "children": 12,
    "trafficking_victims": 1,
    "with_disabilities": 2,
}


def report_received(contract_number: str, counts: dict[str, int]) -> GrantProject:
    """The project's first report received on 20 October 2023, reaching ``counts`` people
    (shared with the indicator and figures tests)."""
    project = GrantProject.objects.get(contract_number=contract_number)
    report = Report.objects.filter(project=project).order_by("due_date").first()
    report = report_update(
        report=report,
        data={"received_on": datetime.date(2023, 10, 20)},
        expected_version=report.version,
    )
    people_reached_record(report=report, counts=counts)
    return project


def test_the_list_gives_every_project_with_what_was_paid(personas, bearer):
    body = bearer(personas["pm"])("get", "/api/v1/grants").json()

    Page[ProjectOut].model_validate(body)
    assert body["count"] == 9
    first = body["results"][0]
    assert first["contract_number"] == KYRGYZ
    assert first["application"] == "BOMCA10-CfP-1/01"
    assert (first["amount"], first["paid"], first["currency"]) == ("58000.00", "23200.00", "EUR")


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"country": "KG"}, 2),
        ({"status": "ongoing"}, 9),
        ({"status": "closed"}, 0),
        ({"call": "BOMCA10-CfP-1"}, 9),
        ({"text": "trafficking"}, 1),
    ],
)
def test_the_list_filters_as_the_web_list_does(personas, bearer, query, count):
    assert bearer(personas["pm"])("get", "/api/v1/grants", query).json()["count"] == count


@pytest.mark.parametrize(
    ("name", "value"), [("status", "lost"), ("call", "CfP-9"), ("country", "FR")]
)
def test_a_wrong_filter_value_is_refused_with_its_field_named(personas, bearer, name, value):
    response = bearer(personas["pm"])("get", "/api/v1/grants", {name: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_a_national_coordinator_gets_the_projects_of_their_country_only(personas, bearer):
    call = bearer(personas["tjcoord"])

    body = call("get", "/api/v1/grants").json()

    assert {row["country"] for row in body["results"]} == {"TJ"}
    assert call("get", f"/api/v1/grants/{TAJIK}").status_code == 200
    assert call("get", f"/api/v1/grants/{KYRGYZ}").status_code == 404


def test_one_project_has_its_payments_and_reports(personas, bearer):
    body = bearer(personas["pm"])("get", f"/api/v1/grants/{TAJIK}").json()

    ProjectDetailOut.model_validate(body)
    assert body["country"] == "TJ"
    assert body["duration_months"] == 12
    assert (body["paid"], body["remaining"]) == ("24000.00", "36000.00")
    assert [payment["kind"] for payment in body["payments"]] == ["pre_financing"]
    assert body["reports"]
    assert all(report["people_reached"] is None for report in body["reports"])


def test_the_programme_manager_gets_the_exact_counts_of_people_reached(personas, bearer):
    report_received(KYRGYZ, SMALL_COUNTS)

    body = bearer(personas["pm"])("get", f"/api/v1/grants/{KYRGYZ}").json()

    assert body["reports"][0]["people_reached"] == SMALL_COUNTS


def test_a_donor_gets_people_reached_rounded_and_small_counts_as_null(personas, bearer):
    report_received(KYRGYZ, SMALL_COUNTS)

    body = bearer(personas["donor"])("get", f"/api/v1/grants/{KYRGYZ}").json()

    assert body["reports"][0]["people_reached"] == {
        "women": 40,
        "men": None,
        "children": 10,
        "trafficking_victims": None,
        "with_disabilities": None,
    }


def test_a_national_coordinator_gets_exact_counts_in_their_country(personas, bearer):
    report_received(TAJIK, SMALL_COUNTS)

    body = bearer(personas["tjcoord"])("get", f"/api/v1/grants/{TAJIK}").json()

    assert body["reports"][0]["people_reached"] == SMALL_COUNTS


@pytest.mark.parametrize(
    ("persona", "sees_who"), [("pm", True), ("grants", True), ("donor", False)]
)
def test_who_moved_the_project_is_shown_only_to_roles_that_see_history(
    personas, bearer, persona, sees_who
):
    StatusChange.objects.filter(project__contract_number=KYRGYZ).update(changed_by=personas["pm"])

    steps = bearer(personas[persona])("get", f"/api/v1/grants/{KYRGYZ}").json()["steps"]

    assert steps
    expected = personas["pm"].get_full_name() if sees_who else None
    assert {step["by"] for step in steps} == {expected}


@pytest.mark.parametrize("persona", ["pm", "tjcoord", "donor"])
def test_the_list_issues_the_same_queries_whatever_the_page_size(personas, bearer, persona):
    call = bearer(personas[persona])
    call("get", "/api/v1/grants")  # the token's first use is written down once
    counts = []
    for size in (1, 9):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", "/api/v1/grants", {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize("path", ["/api/v1/grants", f"/api/v1/grants/{TAJIK}"])
def test_without_a_token_the_answer_is_401_in_json(client, bomca10, path):
    response = client.get(path)

    assert response.status_code == 401
    assert "detail" in response.json()
