"""Error answers a program can act on: JSON naming the field as the caller sent it, and JSON
even when the server fails."""

from __future__ import annotations

import json
import logging

import pytest


def test_a_body_field_is_named_as_sent_not_by_the_view_s_parameter(personas, bearer):
    call = bearer(personas["pm"], read_only=False)
    body = {"component": 1, "title_en": "x", "activity_type": "training", "scope": "national"}
    body |= {"start_date": "1 May", "end_date": "2023-05-02", "colour": "blue"}

    response = call("post", "/api/v1/activities", json.dumps(body), "application/json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"start_date", "colour"}
    assert errors["colour"] == ["Extra inputs are not permitted"]
    assert response.json()["detail"].startswith("The request is not valid: start_date: ")


def test_a_body_that_is_not_an_object_is_named_body(personas, bearer):
    call = bearer(personas["pm"], read_only=False)

    response = call("post", "/api/v1/activities", "[1, 2]", "application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_a_query_field_is_named_alone(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/activities", {"page_size": "many"})

    assert list(response.json()["errors"]) == ["page_size"]


def test_an_unknown_sort_is_refused_with_the_choices(personas, bearer):
    response = bearer(personas["pm"])("get", "/api/v1/activities", {"sort": "colour"})

    assert response.status_code == 400
    assert response.json()["errors"]["sort"][0].startswith("sort must be one of: ")


def test_a_failure_of_the_server_is_json_and_logged_without_the_query(
    personas, bearer, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("bomca.activities.api.reads.activity_list", broken)
    call = bearer(personas["pm"])

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = call("get", "/api/v1/activities", {"text": "Ivanova"})

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "The server failed to answer; the error is logged. Try again later."
    }
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/v1/activities"
    assert "Ivanova" not in caplog.text


@pytest.mark.parametrize("language", ["ru"])
def test_the_failure_is_said_in_the_caller_s_language(personas, bearer, monkeypatch, language):
    monkeypatch.setattr(
        "bomca.activities.api.reads.activity_list",
        lambda **kwargs: (_ for _ in ()).throw(RuntimeError("boom")),
    )

    response = bearer(personas["pm"])("get", "/api/v1/activities", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 500
    assert "failed" not in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/activities/C1/extra/part"])
def test_an_address_the_api_does_not_have_is_a_404_in_json(client, bomca10, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_a_nul_character_in_a_json_body_is_refused_naming_the_field(personas, bearer):
    call = bearer(personas["pm"], read_only=False)
    body = {
        "programme": "BOMCA\x0010",
        "component": 1,
        "participant_counts": [{"country": "K\x00"}],
    }

    response = call("post", "/api/v1/activities", json.dumps(body), "application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["programme", "participant_counts.0.country"]


def test_an_escaped_backslash_before_u0000_is_no_nul_character(personas, bearer):
    call = bearer(personas["pm"], read_only=False)
    body = {"component": 1, "title_en": "a \\u0000 b"}  # the six characters, not a NUL

    response = call("post", "/api/v1/activities", json.dumps(body), "application/json")

    assert "title_en" not in response.json()["errors"]


def test_every_operation_taking_if_match_documents_412_and_428(client, bomca10):
    document = client.get("/api/v1/openapi.json").json()

    taking = {
        (path, method): set(operation["responses"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(
            p["in"] == "header" and p["name"] == "If-Match" for p in operation.get("parameters", [])
        )
    }
    assert ("/api/v1/activities/{code}", "patch") in taking
    assert {key for key, statuses in taking.items() if not {"412", "428"} <= statuses} == set()
