"""/api/v1/procurement: the needs list with the web list's filters and scope, one need with its
items, steps, deliveries and hand-overs, and never a signed certificate."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bomca.api.pagination import Page
from bomca.procurement.api import NeedDetailOut, NeedOut
from bomca.procurement.models import HandOver, StatusChange

pytestmark = pytest.mark.django_db

TAJIK = "PR-TJ-2023-004"  # handed over in two hand-overs
KYRGYZ = "PR-KG-2023-003"


def test_the_list_gives_every_need_of_the_programme_with_its_money_per_currency(personas, bearer):
    body = bearer(personas["pm"])("get", "/api/v1/procurement").json()

    Page[NeedOut].model_validate(body)
    assert body["count"] == 9
    rows = {row["reference"]: row for row in body["results"]}
    assert rows[TAJIK]["country"] == "TJ"
    assert rows[TAJIK]["items"] == 2
    assert rows[TAJIK]["estimated"] == {"EUR": "24400.00"}
    assert rows[TAJIK]["contracted"] == {"EUR": "23400.00"}
    assert rows["PR-KZ-2023-006"]["estimated"].keys() >= {"USD"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "TJ"}, {"PR-TJ-2022-001", "PR-TJ-2023-004"}),
        ({"status": "handed_over"}, {"PR-KG-2023-003", "PR-TJ-2023-004"}),
        ({"text": "binoculars"}, {"PR-KG-2023-002"}),
        ({"country": "TJ", "horizon": "short_term"}, {"PR-TJ-2023-004"}),
    ],
)
def test_the_list_filters_as_the_web_list_does(personas, bearer, query, expected):
    body = bearer(personas["pm"])("get", "/api/v1/procurement", query).json()

    assert {row["reference"] for row in body["results"]} == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [("status", "lost"), ("country", "FR"), ("horizon", "someday"), ("component", "9")],
)
def test_a_wrong_filter_value_is_refused_with_its_field_named(personas, bearer, name, value):
    response = bearer(personas["pm"])("get", "/api/v1/procurement", {name: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_a_national_coordinator_lists_the_needs_of_their_country_only(personas, bearer):
    body = bearer(personas["tjcoord"])("get", "/api/v1/procurement").json()

    assert {row["country"] for row in body["results"]} == {"TJ"}
    assert body["count"] == 2


def test_a_need_outside_the_coordinator_s_country_is_not_found(personas, bearer):
    call = bearer(personas["tjcoord"])

    assert call("get", f"/api/v1/procurement/{TAJIK}").status_code == 200
    response = call("get", f"/api/v1/procurement/{KYRGYZ}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_one_need_has_its_lots_steps_deliveries_and_hand_overs(personas, bearer):
    body = bearer(personas["pm"])("get", f"/api/v1/procurement/{TAJIK}").json()

    NeedDetailOut.model_validate(body)
    [lot] = body["lots"]
    assert [item["handed_over"] for item in lot["items"]] == ["12.00", "4.00"]
    assert [step["to_status"] for step in body["steps"]][-2:] == ["delivered", "handed_over"]
    assert len(body["deliveries"]) == 2
    assert [len(hand_over["lines"]) for hand_over in body["hand_overs"]] == [2, 1]


def test_a_signed_certificate_is_said_to_be_on_file_but_never_given(personas, bearer):
    HandOver.objects.filter(need__reference=TAJIK).update(
        certificate="procurement/certificates/0123abcd.pdf", certificate_name="signed act.pdf"
    )

    for persona in ("pm", "donor"):
        response = bearer(personas[persona])("get", f"/api/v1/procurement/{TAJIK}")
        assert [row["has_certificate"] for row in response.json()["hand_overs"]] == [True, True]
        assert b"0123abcd" not in response.content
        assert b"signed act" not in response.content


@pytest.mark.parametrize(
    ("persona", "sees_who"), [("pm", True), ("tjcoord", True), ("donor", False)]
)
def test_who_made_a_step_is_shown_only_to_roles_that_see_history(
    personas, bearer, persona, sees_who
):
    StatusChange.objects.filter(need__reference=TAJIK).update(by=personas["pm"])

    steps = bearer(personas[persona])("get", f"/api/v1/procurement/{TAJIK}").json()["steps"]

    expected = personas["pm"].get_full_name() if sees_who else None
    assert {step["by"] for step in steps} == {expected}


@pytest.mark.parametrize("persona", ["pm", "tjcoord", "donor"])
def test_the_list_issues_the_same_queries_whatever_the_page_size(personas, bearer, persona):
    call = bearer(personas[persona])
    call("get", "/api/v1/procurement")  # the token's first use is written down once
    counts = []
    for size in (1, 9):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", "/api/v1/procurement", {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize("path", ["/api/v1/procurement", f"/api/v1/procurement/{TAJIK}"])
def test_without_a_token_the_answer_is_401_in_json(client, bomca10, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
