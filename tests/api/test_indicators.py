"""/api/v1/indicators: the results framework of a period as ``bomca figures`` gives it, with the
disaggregations of the indicator page and counts of people as each role may see them."""

from __future__ import annotations

import json

import pytest

from bomca.core.periods import parse_period
from bomca.results.api import IndicatorDetailOut, LogframeOut
from bomca.results.selectors import logframe
from tests.api.test_grants import report_received

pytestmark = pytest.mark.django_db

TRAINED = "OO.2"  # officers trained: a count of people, by sex, country and organisation
REACHED = "OC4.1.1"  # people reached by the NGO projects, by sex and country


def _by_code(body):
    return {row["code"]: row for row in body["indicators"]}


def test_the_programme_manager_gets_the_logframe_as_bomca_figures_prints_it(
    personas, bearer, bomca10
):
    body = bearer(personas["pm"])("get", "/api/v1/indicators", {"period": "2023Q2"}).json()

    LogframeOut.model_validate(body)
    expected = logframe(programme=bomca10, period=parse_period("2023Q2")).as_dicts()
    rows = [
        {key: value for key, value in row.items() if key in expected[0]}
        for row in body["indicators"]
    ]
    assert rows == json.loads(json.dumps(expected))
    assert body["counts_rounded"] is False
    first = body["results"][0]
    assert (first["code"], first["parent"], first["depth"]) == ("OO", None, 0)


def test_the_programme_manager_gets_the_disaggregations_exactly(personas, bearer):
    body = bearer(personas["pm"])("get", "/api/v1/indicators", {"period": "2023Q2"}).json()

    trained = _by_code(body)[TRAINED]
    assert trained["counts_people"] is True
    assert trained["disaggregations"]["sex"]["female"] == {"actual": "133", "to_date": "133"}
    assert trained["disaggregations"]["country"]["TM"]["actual"] == "63"
    assert _by_code(body)["OO.1"]["disaggregations"]["country"]["none"]["actual"] == "1"


def test_a_donor_gets_counts_of_people_rounded_and_the_progress_in_whole_per_cent(personas, bearer):
    body = bearer(personas["donor"])("get", "/api/v1/indicators", {"period": "2023Q2"}).json()

    assert body["counts_rounded"] is True
    trained = _by_code(body)[TRAINED]
    assert (trained["actual"], trained["to_date"], trained["progress"]) == ("470", "470", "1.05")
    assert trained["disaggregations"]["sex"]["female"]["actual"] == "135"
    assert trained["disaggregations"]["country"]["TM"]["actual"] == "65"
    # Not counts of people: exact for everyone.
    assert _by_code(body)["OO.1"]["actual"] == "25"
    assert _by_code(body)["OO.3"]["disaggregations"]["country"]["KG"]["actual"] == "33.85"


def test_a_national_coordinator_gets_their_country_s_cells_exactly(personas, bearer):
    report_received("BOMCA10-CfP-1-G05", {"women": 3, "men": 41})  # Tajikistan

    call = bearer(personas["tjcoord"])

    reached = call("get", f"/api/v1/indicators/{REACHED}", {"period": "2023Q4"}).json()

    assert reached["disaggregations"]["country"]["TJ"]["to_date"] == "44"
    assert reached["to_date"] == "45"  # a total mixes countries: rounded


def test_a_count_of_1_to_4_people_reads_fewer_than_5(personas, bearer):
    report_received("BOMCA10-CfP-1-G05", {"women": 3, "men": 41})  # Tajikistan

    call = bearer(personas["donor"])

    reached = call("get", f"/api/v1/indicators/{REACHED}", {"period": "2023Q4"}).json()

    assert reached["disaggregations"]["sex"]["female"]["actual"] == "<5"
    assert reached["disaggregations"]["sex"]["male"]["actual"] == "40"


def test_one_indicator_has_its_definition_and_the_list_s_row(personas, bearer):
    call = bearer(personas["pm"])

    one = call("get", f"/api/v1/indicators/{TRAINED}", {"period": "2023Q2"}).json()
    listed = _by_code(call("get", "/api/v1/indicators", {"period": "2023Q2"}).json())[TRAINED]

    IndicatorDetailOut.model_validate(one)
    assert {key: one[key] for key in listed} == listed
    assert one["period"] == {"label": "2023Q2", "start": "2023-04-01", "end": "2023-06-30"}
    assert one["direction"] == "increase"


def test_without_a_period_the_latest_reported_quarter_is_given(personas, bearer):
    body = bearer(personas["donor"])("get", "/api/v1/indicators").json()

    assert body["period"]["label"] == "2023Q2"


def test_an_unreadable_period_is_refused_with_the_field_named(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/indicators", {"period": "2023Q5"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["period"]


def test_an_unknown_indicator_or_programme_is_not_found(personas, bearer):
    call = bearer(personas["pm"])

    assert call("get", "/api/v1/indicators/XX.9").status_code == 404
    assert call("get", "/api/v1/indicators", {"programme": "NOPE"}).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/indicators", f"/api/v1/indicators/{TRAINED}"])
def test_without_a_token_the_answer_is_401_in_json(client, bomca10, path):
    response = client.get(path)

    assert response.status_code == 401
    assert "detail" in response.json()
