"""/api/v1/figures: the key figures of a period as ``bomca figures`` gives them, exact for the
roles that see exact counts, with counts of people rounded for every other role as the
dashboard shows them."""

from __future__ import annotations

import json

import pytest

from bomca.accounts import access
from bomca.core.periods import parse_period
from bomca.people.models import Participant
from bomca.reporting.api import FiguresOut
from bomca.reporting.selectors import key_figures
from bomca.results.selectors import logframe
from tests.api.test_grants import report_received

pytestmark = pytest.mark.django_db

Q2 = {"period": "2023Q2", "programme": "BOMCA10"}


def _figures(bearer, user, query=Q2):
    response = bearer(user)("get", "/api/v1/figures", query)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("persona", ["pm", "admin", "me"])
def test_roles_that_see_exact_counts_get_the_figures_of_bomca_figures(
    personas, bearer, bomca10, persona
):
    body = _figures(bearer, personas[persona])

    FiguresOut.model_validate(body)
    period = parse_period("2023Q2")
    expected = key_figures(programme=bomca10, period=period).as_dict()
    expected["indicators"] = logframe(programme=bomca10, period=period).as_dicts()
    for key, value in expected.items():
        assert body[key] == json.loads(json.dumps(value, default=str)), key
    assert body["counts_rounded"] is False


def test_a_donor_gets_every_count_of_participants_rounded(personas, bearer, bomca10):
    donor = personas["donor"]
    exact = key_figures(programme=bomca10, period=parse_period("2023Q2")).as_dict()

    body = _figures(bearer, donor)

    FiguresOut.model_validate(body)
    participants, rounded = body["participants"], exact["participants"]
    assert body["counts_rounded"] is True
    assert participants["total"] == 470
    for name in ("by_sex", "by_country", "by_organisation_kind"):
        assert participants[name] == {
            key: access.shown_count(donor, value) for key, value in rounded[name].items()
        }
    assert participants["by_country_and_sex"]["TJ"] == {"female": 40, "male": 90, "unrecorded": 0}
    assert [row["participants"] for row in body["training_cooperation"]] == [15, 15, 35, 15]
    assert body["training_results"]["overall"]["participants"] == 470
    # Counts of activities, needs and money are not counts of people: exact.
    assert body["activities"] == exact["activities"]
    assert body["procurement"] == exact["procurement"]


def test_a_donor_gets_the_counts_of_people_in_the_indicators_rounded(personas, bearer):
    body = _figures(bearer, personas["donor"])

    trained = next(row for row in body["indicators"] if row["code"] == "OO.2")
    assert (trained["actual"], trained["to_date"]) == ("470", "470")


def test_training_results_of_groups_under_5_are_left_out_for_a_donor(personas, bearer):
    kept = Participant.objects.filter(sex="unrecorded").order_by("pk").first()
    Participant.objects.filter(sex="unrecorded").exclude(pk=kept.pk).update(sex="male")

    exact = _figures(bearer, personas["pm"])["training_results"]["by_sex"]
    rounded = _figures(bearer, personas["donor"])["training_results"]["by_sex"]

    assert 0 < exact["unrecorded"]["participants"] < 5
    assert set(rounded) == {"female", "male"}


def test_a_national_coordinator_gets_their_country_exactly_and_the_rest_rounded(personas, bearer):
    body = _figures(bearer, personas["tjcoord"])

    by_country_and_sex = body["participants"]["by_country_and_sex"]
    assert by_country_and_sex["TJ"]["female"] == 38
    assert by_country_and_sex["KG"]["female"] == 45
    assert body["participants"]["total"] == 470


def test_a_national_coordinator_gets_only_the_records_they_may_open_listed(personas, bearer):
    exact = _figures(bearer, personas["pm"])

    body = _figures(bearer, personas["tjcoord"])

    listed = [row["code"] for row in body["upcoming"]["capacity_building"]]
    assert "C1-KG-2023-026" in [row["code"] for row in exact["upcoming"]["capacity_building"]]
    assert "C1-KG-2023-026" not in listed
    assert {"C3-TJ-2023-027", "C2-RG-2023-028"} <= set(listed)
    due = body["grants"]["due_next_quarter"]
    assert {row["country"] for row in due["reports"] + due["projects_ending"]} == {"TJ"}
    # The totals stay the programme's, as on the dashboard.
    assert body["grants"]["projects"] == exact["grants"]["projects"]


def test_people_reached_by_the_ngo_projects_follow_the_same_rule(personas, bearer):
    report_received("BOMCA10-CfP-1-G05", {"women": 3, "men": 41, "children": 2})  # Tajikistan
    q4 = {"period": "2023Q4"}

    exact = _figures(bearer, personas["pm"], q4)["grants"]["people_reached"]
    donor = _figures(bearer, personas["donor"], q4)["grants"]["people_reached"]
    coordinator = _figures(bearer, personas["tjcoord"], q4)["grants"]["people_reached"]

    assert (exact["total"], exact["by_sex"]) == (44, {"women": 3, "men": 41})
    assert (donor["total"], donor["by_sex"]) == (45, {"women": None, "men": 40})
    assert donor["by_group"]["children"] is None
    assert donor["by_country"]["TJ"]["total"] == 45
    assert coordinator["by_country"]["TJ"] == exact["by_country"]["TJ"]


def test_the_rule_for_counts_of_people_is_in_the_endpoint_s_description(client, bomca10):
    document = client.get("/api/v1/openapi.json").json()

    description = document["paths"]["/api/v1/figures"]["get"]["description"]
    assert "rounded to the nearest 5" in description
    assert "exact" in description


def test_an_unreadable_period_is_refused_with_the_field_named(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/figures", {"period": "Q2"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["period"]


def test_without_a_token_the_answer_is_401_in_json(client, bomca10):
    response = client.get("/api/v1/figures", Q2)

    assert response.status_code == 401
    assert "detail" in response.json()
