"""/api/v1/activities: the register's rows, filters, scope and pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bomca.activities.models import Activity


def test_the_list_gives_the_register_s_rows_a_page_at_a_time(personas, bearer):
    call = bearer(personas["pm"])

    response = call("get", "/api/v1/activities", {"period": "2023Q2", "status": "implemented"})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 25
    assert len(body["results"]) == 25
    first = body["results"][0]
    assert set(first) == {
        "code",
        "component",
        "title_en",
        "title_ru",
        "thematic_area",
        "activity_type",
        "scope",
        "format",
        "host_country",
        "city",
        "abroad_country",
        "start_date",
        "end_date",
        "status",
        "delivered_by",
        "trainer_country",
        "source",
        "participants",
        "version",
    }
    assert sum(row["participants"] for row in body["results"]) == 472


def test_pages_link_to_each_other(personas, bearer):
    call = bearer(personas["pm"])

    body = call("get", "/api/v1/activities", {"page_size": 10, "page": 2}).json()

    assert body["count"] == 30
    assert len(body["results"]) == 10
    assert "page=3" in body["next"]
    assert "page=1" in body["previous"]


def test_a_page_larger_than_500_is_refused_with_the_field_named(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/activities", {"page_size": 501})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_an_unreadable_period_is_refused_with_the_field_named(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/activities", {"period": "2023Q5"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["period"]


@pytest.mark.parametrize("persona", ["pm", "tjcoord", "donor"])
def test_the_list_issues_the_same_queries_whatever_the_page_size(personas, bearer, persona):
    call = bearer(personas[persona])
    call("get", "/api/v1/activities")  # the token's first use is written down once
    counts = []
    for size in (1, 30):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", "/api/v1/activities", {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_national_coordinator_gets_the_activities_of_the_web_list(personas, bearer):
    body = bearer(personas["tjcoord"])("get", "/api/v1/activities", {"page_size": 500}).json()

    hosts = {row["host_country"] for row in body["results"] if row["scope"] == "national"}
    assert hosts == {"TJ"}


def test_a_donor_sees_counts_of_people_rounded(personas, bearer):
    rows = bearer(personas["donor"])("get", "/api/v1/activities", {"page_size": 500}).json()

    counts = [row["participants"] for row in rows["results"] if row["participants"]]
    assert counts
    assert all(count % 5 == 0 for count in counts)


def test_one_activity_and_one_the_caller_may_not_see(personas, bearer):
    tajik = Activity.objects.filter(host_country__code="TJ").first()
    kyrgyz = Activity.objects.filter(host_country__code="KG", scope="national").first()
    call = bearer(personas["tjcoord"])

    assert call("get", f"/api/v1/activities/{tajik.code}").json()["code"] == tajik.code
    assert call("get", f"/api/v1/activities/{kyrgyz.code}").status_code == 404
