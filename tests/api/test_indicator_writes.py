"""PUT /api/v1/indicators/{code}/values|targets/{period} and PATCH /api/v1/indicators/{code}:
the web forms' rules, roles and messages, and the version check of If-Match on the indicator's
ETag (428 without it, 412 when stale, never a silent overwrite)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from bomca.accounts.models import User
from bomca.api.services import token_create
from bomca.core.periods import quarter
from bomca.reference.models import Programme
from bomca.results.api import IndicatorDetailOut
from bomca.results.models import Actual, Indicator, IndicatorType, Result, Target
from bomca.results.services import ActualInput, actual_record, period_freeze
from tests.api.conftest import token_in_database
from tests.results.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

Q2 = quarter(2023, 2)
MANUAL = "OC1.1.1"  # a number entered by hand: 1 in 2023Q2, end target 3
YES_NO = "OC3.1.1"
COMPUTED = "OO.1"  # activities implemented

Call = Callable[..., Any]


@pytest.fixture
def writer(bearer: Callable[..., Call]) -> Callable[[User], Call]:
    """``writer(user)`` -> a caller with a read-write token of ``user``."""
    return lambda user: bearer(user, read_only=False)


def _put(call: Call, path: str, body: dict[str, Any], **headers: str) -> Any:
    return call(
        "put", f"/api/v1/indicators/{path}", body, content_type="application/json", **headers
    )


def _patch(call: Call, code: str, body: dict[str, Any], **headers: str) -> Any:
    return call(
        "patch", f"/api/v1/indicators/{code}", body, content_type="application/json", **headers
    )


def _tag(code: str, version: int = 1) -> dict[str, str]:
    return {"HTTP_IF_MATCH": f'"indicator-{code}-v{version}"'}


def _state(code: str = MANUAL) -> dict[str, Any]:
    """What a write could change: the indicator's definition and version, its values and
    targets."""
    indicator = Indicator.objects.get(code=code)
    return {
        "indicator": (
            indicator.version,
            indicator.baseline_value,
            indicator.target_value,
            indicator.means_of_verification,
        ),
        "actuals": list(
            Actual.objects.filter(indicator=indicator)
            .order_by("period_start")
            .values_list("period_start", "value", "text", "source_of_data", "disaggregation")
        ),
        "targets": list(
            Target.objects.filter(indicator=indicator)
            .order_by("period_start")
            .values_list("period_start", "value", "text")
        ),
    }


def _actual(code: str = MANUAL) -> Actual:
    return Actual.objects.get(indicator__code=code, period_start=Q2.start, period_end=Q2.end)


def _synthetic(programme: Programme, code: str = "SYN.1", **fields: Any) -> Indicator:
    """A synthetic indicator entered by hand, under the overall objective."""
    result = Result.objects.get(programme=programme, code="OO")
    return IndicatorFactory(result=result, programme=programme, code=code, **fields)


# The ETag of a read


def test_an_indicator_is_read_with_the_etag_and_the_version_of_its_version(personas, bearer):
    response = bearer(personas["donor"])("get", f"/api/v1/indicators/{MANUAL}")

    assert response["ETag"] == f'"indicator-{MANUAL}-v1"'
    body = response.json()
    IndicatorDetailOut.model_validate(body)
    assert body["version"] == 1


# A value of a period


def test_the_m_and_e_officer_records_a_value_and_gets_the_new_etag(personas, writer):
    body = {"value": "2", "source": "Synthetic strategy register", "comment": "Kyrgyzstan."}

    response = _put(writer(personas["me"]), f"{MANUAL}/values/2023Q2", body, **_tag(MANUAL))

    assert response.status_code == 200
    assert response["ETag"] == f'"indicator-{MANUAL}-v2"'
    answer = response.json()
    assert (answer["actual"], answer["actual_source"], answer["version"]) == (
        "2",
        "Synthetic strategy register",
        2,
    )
    actual = _actual()
    assert (actual.value, actual.comment, actual.recorded_by) == (2, "Kyrgyzstan.", personas["me"])


def test_a_value_is_recorded_with_its_disaggregations(personas, writer, bomca10):
    _synthetic(bomca10, disaggregations=["sex", "country"])
    body = {"value": 12, "disaggregation": {"sex": {"female": 5, "male": "7"}, "country": {}}}

    response = _put(writer(personas["pm"]), "SYN.1/values/2023Q2", body, **_tag("SYN.1"))

    assert response.status_code == 200
    assert response.json()["disaggregations"]["sex"]["female"]["actual"] == "5"
    assert _actual("SYN.1").disaggregation == {"sex": {"female": "5", "male": "7"}}


def test_a_qualitative_value_is_recorded_as_text(personas, writer, bomca10):
    _synthetic(bomca10, indicator_type=IndicatorType.QUALITATIVE)

    response = _put(
        writer(personas["me"]), "SYN.1/values/2023Q2", {"text": "Drafted."}, **_tag("SYN.1")
    )

    assert response.json()["actual_text"] == "Drafted."


def test_a_qualitative_value_takes_no_breakdown_the_indicator_does_not_have(
    personas, writer, bomca10
):
    _synthetic(bomca10, indicator_type=IndicatorType.QUALITATIVE)
    body = {"text": "Drafted.", "disaggregation": {"sex": {"female": 1}}}

    response = _put(writer(personas["me"]), "SYN.1/values/2023Q2", body, **_tag("SYN.1"))

    assert response.json()["errors"] == {"disaggregation": ["SYN.1 is not disaggregated by sex."]}
    assert not Actual.objects.filter(indicator__code="SYN.1").exists()


@pytest.mark.parametrize(
    ("code", "body", "field", "message"),
    [
        (MANUAL, {"value": "abc"}, "value", "Enter a number."),
        (MANUAL, {}, "value", "This field is required."),
        (
            YES_NO,
            {"value": 2},
            "value",
            "Select a valid choice. 2 is not one of the available choices.",
        ),
        (
            MANUAL,
            {"value": 1, "text": "Many."},
            "text",
            "OC1.1.1 is a “Number” indicator: it takes no text.",
        ),
        (
            "SYN.1",
            {"value": 1, "disaggregation": {"sex": {"female": 120}}},
            "disaggregation.sex.female",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            "SYN.1",
            {"value": 1, "disaggregation": {"sex": {"girls": 1}}},
            "disaggregation",
            "girls is not a value of sex; use one of: female, male, unrecorded.",
        ),
        (
            "SYN.1",
            {"value": 1, "disaggregation": {"country": {"KG": 1}}},
            "disaggregation",
            "SYN.1 is not disaggregated by country.",
        ),
    ],
    ids=[
        "not-a-number",
        "no-value",
        "yes-no-of-2",
        "text-of-a-number",
        "cell-of-120",
        "key",
        "dimension",
    ],
)
def test_a_wrong_value_is_named_on_its_field_and_nothing_changes(
    personas, writer, bomca10, code, body, field, message
):
    _synthetic(bomca10, indicator_type=IndicatorType.PERCENTAGE, disaggregations=["sex"])
    before = _state(code)

    response = _put(writer(personas["me"]), f"{code}/values/2023Q2", body, **_tag(code))

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert _state(code) == before


def test_a_misspelt_field_is_refused_not_ignored(personas, writer):
    before = _state()

    response = _put(writer(personas["me"]), f"{MANUAL}/values/2023Q2", {"valeu": 3}, **_tag(MANUAL))

    assert response.status_code == 400
    assert _state() == before


def test_a_period_that_cannot_be_read_is_named(personas, writer):
    response = _put(writer(personas["me"]), f"{MANUAL}/values/2023Q5", {"value": 3}, **_tag(MANUAL))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["period"]


def test_an_unknown_indicator_is_not_found(personas, writer):
    response = _put(writer(personas["me"]), "NO.1/values/2023Q2", {"value": 3}, **_tag("NO.1"))

    assert response.status_code == 404


def test_a_computed_indicator_takes_no_value_by_hand(personas, writer):
    before = _state(COMPUTED)

    response = _put(
        writer(personas["me"]), f"{COMPUTED}/values/2023Q2", {"value": 3}, **_tag(COMPUTED)
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "OO.1 is computed from the records; its values cannot be entered by hand."
    )
    assert _state(COMPUTED) == before


def test_a_frozen_value_is_refused_naming_the_period(personas, writer, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["me"])
    before = _state()

    response = _put(writer(personas["pm"]), f"{MANUAL}/values/2023Q2", {"value": 3}, **_tag(MANUAL))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "period": ["The value of OC1.1.1 for 2023Q2 is frozen; unfreeze it to correct it."]
    }
    assert _state() == before


# If-Match


def test_a_value_without_if_match_gets_428_and_changes_nothing(personas, writer):
    before = _state()

    response = _put(writer(personas["me"]), f"{MANUAL}/values/2023Q2", {"value": 3})

    assert response.status_code == 428
    assert list(response.json()["errors"]) == ["If-Match"]
    assert _state() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"{MANUAL}/values/2023Q2", {"value": 3}),
        (f"{MANUAL}/targets/2023Q2", {"value": 3}),
        (MANUAL, {"means_of_verification": "Overwritten unseen"}),
    ],
    ids=["value", "target", "definition"],
)
def test_every_write_from_a_stale_etag_gets_412_and_changes_nothing(personas, writer, path, body):
    call = writer(personas["me"])
    _put(call, f"{MANUAL}/targets/2023Q3", {"value": 2}, **_tag(MANUAL))  # now at version 2
    before = _state()

    method = _patch if path == MANUAL else _put
    response = method(call, path, body, **_tag(MANUAL, 1))

    assert response.status_code == 412
    answer = response.json()
    assert answer["detail"].startswith("Someone changed OC1.1.1 since you read it")
    assert list(answer["errors"]) == ["If-Match"]
    assert _state() == before


def test_of_two_writes_from_the_same_etag_exactly_one_is_saved(personas, writer):
    manager, officer = writer(personas["pm"]), writer(personas["me"])

    first = _put(manager, f"{MANUAL}/values/2023Q2", {"value": 2}, **_tag(MANUAL))
    second = _put(officer, f"{MANUAL}/values/2023Q2", {"value": 3}, **_tag(MANUAL))

    assert (first.status_code, second.status_code) == (200, 412)
    assert (_actual().value, Indicator.objects.get(code=MANUAL).version) == (2, 2)


def test_a_value_recorded_on_the_web_page_makes_the_etag_read_before_stale(personas, writer):
    indicator = Indicator.objects.get(code=MANUAL)
    actual_record(
        indicator=indicator, period=Q2, data=ActualInput(value=Decimal(2)), user=personas["pm"]
    )

    response = _put(writer(personas["me"]), f"{MANUAL}/values/2023Q2", {"value": 3}, **_tag(MANUAL))

    assert response.status_code == 412
    assert _actual().value == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two threads need PostgreSQL: SQLite's in-memory test database fails the second "
    "writer at once ('database table is locked'); see tests/activities/test_versions.py",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_values_from_the_same_etag_exactly_one_is_saved(personas):
    _token, secret = token_create(user=personas["me"], name="tests", days=1, read_only=False)
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def write(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = _put(
                lambda method, *args, **kwargs: getattr(Client(), method)(*args, **kwargs),
                f"{MANUAL}/values/2023Q2",
                {"value": 10 + index},
                HTTP_AUTHORIZATION=f"Bearer {secret}",
                **_tag(MANUAL),
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 412]
    assert _actual().value == 10 + statuses.index(200)
    assert Indicator.objects.get(code=MANUAL).version == 2


# Targets of a period


def test_the_m_and_e_officer_sets_and_then_removes_a_period_s_target(personas, writer):
    call = writer(personas["me"])

    set_ = _put(call, f"{MANUAL}/targets/2023Q2", {"value": 2}, **_tag(MANUAL))
    target = Target.objects.get(indicator__code=MANUAL)
    removed = _put(call, f"{MANUAL}/targets/2023Q2", {}, **_tag(MANUAL, 2))

    assert (set_.status_code, set_.json()["target"], set_["ETag"]) == (
        200,
        "2",
        f'"indicator-{MANUAL}-v2"',
    )
    assert (target.period_start, target.period_end, target.value) == (Q2.start, Q2.end, 2)
    assert (removed.status_code, removed.json()["target"], removed.json()["version"]) == (
        200,
        None,
        3,
    )
    assert not Target.objects.filter(indicator__code=MANUAL).exists()


def test_a_percentage_target_above_100_is_named_on_its_field(personas, writer):
    before = _state("OO.3")

    response = _put(writer(personas["me"]), "OO.3/targets/2023Q2", {"value": 120}, **_tag("OO.3"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "value": ["Ensure this value is less than or equal to 100."]
    }
    assert _state("OO.3") == before


def test_the_target_of_a_frozen_period_is_refused_naming_the_period(personas, writer, bomca10):
    period_freeze(programme=bomca10, period=Q2, user=personas["me"])
    before = _state("OO.3")

    response = _put(writer(personas["me"]), "OO.3/targets/2023Q2", {"value": 30}, **_tag("OO.3"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "period": ["2023Q2 of OO.3 is frozen as it was reported; its target stays too."]
    }
    assert _state("OO.3") == before


# Baseline, end target and means of verification


def test_the_m_and_e_officer_changes_the_end_target_and_keeps_the_rest(personas, writer):
    baseline = Indicator.objects.get(code=MANUAL).baseline_value

    response = _patch(
        writer(personas["me"]),
        MANUAL,
        {"target_value": "4.0", "means_of_verification": "Synthetic strategy register"},
        **_tag(MANUAL),
    )

    assert response.status_code == 200
    assert response["ETag"] == f'"indicator-{MANUAL}-v2"'
    answer = response.json()
    assert (answer["end_target"], answer["means_of_verification"]) == (
        "4",
        "Synthetic strategy register",
    )
    assert _state()["indicator"] == (2, baseline, 4, "Synthetic strategy register")


@pytest.mark.parametrize(
    ("code", "body", "field", "message"),
    [
        (
            YES_NO,
            {"baseline_value": 2},
            "baseline_value",
            "Select a valid choice. 2 is not one of the available choices.",
        ),
        (
            MANUAL,
            {"target_text": "All five."},
            "target_text",
            "OC1.1.1 is a “Number” indicator: it takes no target_text.",
        ),
        (
            MANUAL,
            {"means_of_verification": "x" * 501},
            "means_of_verification",
            "Ensure this value has at most 500 characters (it has 501).",
        ),
    ],
    ids=["yes-no-of-2", "text-of-a-number", "too-long"],
)
def test_a_wrong_definition_is_named_on_its_field_and_nothing_changes(
    personas, writer, code, body, field, message
):
    before = _state(code)

    response = _patch(writer(personas["me"]), code, body, **_tag(code))

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert _state(code) == before


def test_a_definition_without_if_match_gets_428_and_changes_nothing(personas, writer):
    before = _state()

    response = _patch(writer(personas["me"]), MANUAL, {"means_of_verification": "Blind write"})

    assert response.status_code == 428
    assert _state() == before


# Who may write


WRITES = [
    ("put", f"{MANUAL}/values/2023Q2", {"value": 3}),
    ("put", f"{MANUAL}/targets/2023Q2", {"value": 3}),
    ("patch", MANUAL, {"means_of_verification": "x"}),
]


def _write_all(client: Client, **auth: str) -> list[Any]:
    return [
        getattr(client, method)(
            f"/api/v1/indicators/{path}",
            body,
            content_type="application/json",
            **_tag(MANUAL),
            **auth,
        )
        for method, path, body in WRITES
    ]


@pytest.mark.parametrize("persona", ["pm", "donor"])
def test_a_read_only_token_writes_nothing(client, personas, persona):
    before = _state()
    secret = token_in_database(personas[persona], read_only=True)

    responses = _write_all(client, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert {response.json()["detail"] for response in responses} == {"This token is read-only."}
    assert _state() == before


def test_a_donor_s_read_write_token_writes_nothing(client, personas):
    before = _state()
    secret = token_in_database(personas["donor"], read_only=False)

    responses = _write_all(client, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert _state() == before


@pytest.mark.parametrize("persona", ["donor", "tjcoord", "c2lead", "comms", "proc"])
def test_those_who_do_not_keep_the_results_are_refused_every_write(client, personas, persona):
    # The browser's session reaches the endpoints whatever tokens allow: the role decides.
    client.force_login(personas[persona])
    before = _state()

    responses = _write_all(client)

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert {response.json()["detail"] for response in responses} == {
        "Your role does not allow this."
    }
    assert _state() == before
