"""The API against its own OpenAPI document.

schemathesis reads the document the app serves and calls every operation it lists, reads and
documented writes alike (whatever routers exist when the suite runs), with a programme
manager's read-write token over the reference data: no answer may be a 5xx, have a status the
document does not list, or break its schema. The number of examples is small so that
``make test`` stays fast, and fixed (derandomised) so that a failure in CI fails again on a
developer's machine. For a deeper, random exploration:
``BOMCA_API_FUZZ_EXAMPLES=300 .venv/bin/pytest tests/api/test_schema.py``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bomca.api.services import token_create
from bomca.wsgi import application

PREFIX = "/api/v1/"
#: Routes of the API that are not operations: the document itself and the interactive docs.
#: Routes that are not operations: the document, its page, and the JSON 404 of any other path.
NOT_OPERATIONS = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/", "/api/v1/^"}
FUZZ_EXAMPLES = int(os.environ.get("BOMCA_API_FUZZ_EXAMPLES", "0"))
#: What every answer is checked for (and nothing that re-sends the request another way).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Values of path parameters found in no list above them: taken from the reference data.
REFERENCE_VALUES = {
    "programme": "BOMCA10",
    "period": "2023Q2",
    "country": "KG",
    "language": "ru",
    "file_format": "html",
}

#: The document as the app serves it, through the whole WSGI stack (middleware included).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Call the WSGI application inside the test's transaction, as Django's test client does.

    ``close_old_connections`` runs at the start and end of every request; inside the test's
    transaction it would close the connection and lose the reference data. Django's test client
    disconnects it for the same reason; doing so here keeps the test on both databases without
    ``transaction=True`` (which would flush every table after each operation's test).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(personas: dict[str, Any], in_test_transaction: None, settings) -> dict[str, str]:
    """The programme manager's read-write token, as an Authorization header."""
    # The rate limit has its own tests; here it would only count the calls of earlier tests
    # whose (rolled back) token had the same primary key in the same window.
    settings.BOMCA_API_RATE_LIMIT = 1_000_000
    _token, secret = token_create(user=personas["pm"], name="schemathesis", days=1, read_only=False)
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES or 15,
    deadline=None,
    derandomize=not FUZZ_EXAMPLES,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case: Any, manager_token: dict[str, str]):
    case.call_and_validate(headers=manager_token, checks=CHECKS)


def test_the_openapi_document_is_valid():
    schema.validate()
    assert schema.raw_schema["openapi"].startswith("3.")
    assert list(schema.get_all_operations()), "the document lists no operation"


def test_the_openapi_document_has_no_key_twice(client):
    """Python's json keeps the last of two equal keys, but Swagger UI refuses the document
    ("duplicated mapping key"): e.g. a status as the number 200 and as the text "200"."""
    twice: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _value in items]
        found = dict(items)
        if len(set(keys)) < len(keys):
            twice[id(found)] = sorted({key for key in keys if keys.count(key) > 1})
        return found

    document = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    found = [f"{where}: {twice[id(node)]}" for where, node in nodes(document) if id(node) in twice]
    assert not found, "\n".join(["keys twice:", *found])


def nodes(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every object of a JSON document with its JSON pointer."""
    yield where or "/", node
    if isinstance(node, dict):
        children: Any = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return
    for key, child in children:
        pointer = str(key).replace("~", "~0").replace("/", "~1")
        yield from nodes(child, f"{where}/{pointer}")


def test_every_route_under_api_v1_is_in_the_document():
    assert sorted(api_routes() - NOT_OPERATIONS - set(paths())) == []


def test_every_operation_in_the_document_has_a_route():
    assert sorted(set(paths()) - api_routes()) == []


def test_every_get_answers_as_its_schema_says_for_records_that_exist(
    manager_token: dict[str, str],
):
    """Generated codes rarely hit a record: every GET with path parameters is also called with
    real ones, taken from the list above it (``/activities/{code}`` from ``/activities``)."""
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method != "get" or "{" not in operation.path:
            continue
        values = existing_path_values(operation.path, manager_token)
        case = operation.Case(path_parameters=values)
        response = case.call_and_validate(headers=manager_token, checks=CHECKS)
        assert response.status_code == 200, (operation.label, values)


def test_no_operation_answers_5xx_to_a_nul_character_or_a_huge_number(
    manager_token: dict[str, str],
):
    """Two inputs random examples seldom reach: a NUL character in a string (PostgreSQL
    refuses it in a query) and an integer past 64 bits (an OFFSET the database refuses)."""
    failures = []
    for path, method, parameter in parameters():
        kind = parameter_types(parameter["schema"])
        value = "a\x00b" if "string" in kind else 10**20 if "integer" in kind else None
        if value is None:
            continue
        values = existing_path_values(path, manager_token) if method == "get" else {}
        values = {name: values.get(name, "x") for name in re.findall(r"\{(\w+)\}", path)}
        where = "path_parameters" if parameter["in"] == "path" else "query"
        given = {**values, parameter["name"]: value} if where == "path_parameters" else {}
        case = schema[path][method.upper()].Case(
            path_parameters=given or values,
            query={parameter["name"]: value} if where == "query" else {},
        )
        # A failed query leaves a PostgreSQL transaction unusable: each call gets a savepoint.
        savepoint = transaction.savepoint()
        status = case.call(headers=manager_token).status_code
        transaction.savepoint_rollback(savepoint)
        if status >= 500:
            failures.append(f"{method.upper()} {path} {parameter['name']}={value!r}: {status}")
    assert not failures, "\n".join(["5xx answers:", *failures])


def parameters() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema.raw_schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("path", "query"):
                    yield path, method, parameter


def parameter_types(definition: dict[str, Any]) -> set[str]:
    options = [*definition.get("anyOf", []), definition]
    return {option["type"] for option in options if isinstance(option.get("type"), str)}


def existing_path_values(path: str, headers: dict[str, str]) -> dict[str, Any]:
    """Values of the path's parameters that name records of the reference data."""
    values: dict[str, Any] = {}
    for match in re.finditer(r"\{(\w+)\}", path):
        name = match.group(1)
        above = path[: match.start()].rstrip("/").format(**values)
        found = first_value(get(above, headers), name) if above in list_paths() else None
        if found is None:
            found = REFERENCE_VALUES.get(name)
        assert found is not None, f"{path}: no list above it gives a {name}; add one above"
        values[name] = found
    return values


def first_value(data: Any, key: str) -> Any:
    """The first ``key`` in a JSON document, depth first (a list's rows, a tree's nodes)."""
    if isinstance(data, dict):
        if data.get(key) is not None and not isinstance(data[key], dict | list):
            return data[key]
        children = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = first_value(child, key)
        if found is not None:
            return found
    return None


def get(path: str, headers: dict[str, str]) -> Any:
    response = schema[path]["GET"].Case().call(headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.json()


def list_paths() -> set[str]:
    return {path for path, methods in schema.raw_schema["paths"].items() if "get" in methods}


def paths() -> list[str]:
    return list(schema.raw_schema["paths"])


def api_routes() -> set[str]:
    """Every URL the app routes under /api/v1/, its converters written as OpenAPI writes them."""
    return {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for route in _routes(get_resolver().url_patterns, "")
        if ("/" + route).startswith(PREFIX)
    }


def _routes(patterns: list[Any], prefix: str) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)
