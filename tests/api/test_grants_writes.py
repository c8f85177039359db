"""Writes of /api/v1/grants: reports, payments and people reached through the project page's
forms, roles and messages, with the version check of If-Match (428 without it, 412 when stale,
never a silent overwrite)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bomca.accounts.models import User
from bomca.api.models import ApiToken
from bomca.api.services import token_create
from bomca.grants.models import GrantProject, Payment, PeopleReached, Report, ReportKind
from bomca.grants.services import payment_record
from tests.grants.factories import GrantProjectFactory

pytestmark = pytest.mark.django_db

KG = "BOMCA10-CfP-1-G01"  # Kyrgyzstan, 58 000.00 EUR, 23 200.00 paid
TJ = "BOMCA10-CfP-1-G05"  # Tajikistan
COUNTS = {"women": 40, "men": 25, "children": 12, "trafficking_victims": 1, "with_disabilities": 2}

Call = Callable[..., Any]


@pytest.fixture
def writer(bearer: Callable[..., Call]) -> Callable[[User], Call]:
    """``writer(user)`` -> a caller with a read-write token of ``user``."""
    return lambda user: bearer(user, read_only=False)


@pytest.fixture
def officer(writer: Callable[[User], Call], personas: dict[str, User]) -> Call:
    """The grants officer's script: the API's most common writer."""
    return writer(personas["grants"])


def _interim() -> Report:
    return Report.objects.get(project__contract_number=KG, kind=ReportKind.INTERIM)


def _received() -> Report:
    """The Kyrgyz project's interim report, received on 20 July 2023."""
    report = _interim()
    Report.objects.filter(pk=report.pk).update(received_on=date(2023, 7, 20))
    return report


def _send(call: Call, method: str, path: str, body: dict[str, Any], **headers: str) -> Any:
    return call(method, f"/api/v1/grants{path}", body, content_type="application/json", **headers)


def _tag(call: Call, path: str) -> str:
    return str(call("get", f"/api/v1/grants{path}")["ETag"])


def _report_state(report: Report) -> tuple[Any, ...]:
    return tuple(
        Report.objects.filter(pk=report.pk).values_list("received_on", "note", "version")[0]
    )


def _people_state(report: Report) -> tuple[Any, ...] | None:
    rows = PeopleReached.objects.filter(report=report).values_list("women", "children", "version")
    return tuple(rows[0]) if rows else None


def _payments() -> list[tuple[Any, ...]]:
    return list(Payment.objects.filter(project__contract_number=KG).values_list("kind", "amount"))


# Reads carry versions


def test_a_project_is_read_with_the_etag_of_its_version(personas, bearer):
    version = GrantProject.objects.get(contract_number=KG).version

    response = bearer(personas["donor"])("get", f"/api/v1/grants/{KG}")

    assert response["ETag"] == f'"grant-project-{KG}-v{version}"'
    body = response.json()
    assert body["version"] == version
    assert [(report["id"], report["version"]) for report in body["reports"]] == [
        (report.pk, 1) for report in Report.objects.filter(project__contract_number=KG)
    ]


def test_a_report_is_read_with_the_etag_of_its_version(personas, bearer):
    report = _interim()

    response = bearer(personas["tjcoord"])("get", f"/api/v1/grants/reports/{report.pk}")

    assert response.status_code == 404  # a Kyrgyz project: outside the Tajik coordinator's
    response = bearer(personas["pm"])("get", f"/api/v1/grants/reports/{report.pk}")
    assert response["ETag"] == f'"grant-report-{report.pk}-v1"'
    assert response.json()["project"] == KG


def test_the_reports_are_listed_by_project_and_due_date(personas, bearer):
    call = bearer(personas["pm"])

    every = call("get", "/api/v1/grants/reports").json()
    mine = call("get", "/api/v1/grants/reports", {"project": KG}).json()

    assert every["count"] == Report.objects.count()
    assert [row["id"] for row in mine["results"]] == list(
        Report.objects.filter(project__contract_number=KG)
        .order_by("due_date")
        .values_list("pk", flat=True)
    )


def test_the_report_list_issues_the_same_queries_whatever_the_page_size(personas, bearer):
    call = bearer(personas["pm"])
    call("get", "/api/v1/grants/reports")  # the token's first use is written down once
    counts = []
    for size in (1, 18):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", "/api/v1/grants/reports", {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


# Reports


def test_a_report_is_scheduled_with_its_etag_and_location(officer):
    response = _send(
        officer, "post", f"/{KG}/reports", {"kind": "interim", "due_date": "2024-01-15"}
    )

    assert response.status_code == 201
    report = Report.objects.get(project__contract_number=KG, due_date=date(2024, 1, 15))
    assert response["ETag"] == f'"grant-report-{report.pk}-v1"'
    assert response["Location"] == f"/api/v1/grants/reports/{report.pk}"
    assert response.json()["kind"] == "interim"


def test_a_report_due_before_the_project_starts_is_refused_naming_due_date(officer):
    count = Report.objects.count()

    response = _send(
        officer, "post", f"/{KG}/reports", {"kind": "interim", "due_date": "2020-01-01"}
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["due_date"]
    assert errors["due_date"][0].endswith("no report is due before.")
    assert Report.objects.count() == count


def test_a_misspelt_field_is_refused_not_ignored(officer):
    body = {"kind": "interim", "due_date": "2024-01-15", "recieved_on": "2024-01-10"}

    response = _send(officer, "post", f"/{KG}/reports", body)

    assert response.status_code == 400
    assert [name.split(".")[-1] for name in response.json()["errors"]] == ["recieved_on"]


def test_a_report_s_receipt_is_recorded_with_the_etag_read(officer):
    report = _interim()
    path = f"/reports/{report.pk}"

    response = _send(
        officer, "patch", path, {"received_on": "2023-07-20"}, HTTP_IF_MATCH=_tag(officer, path)
    )

    assert response.status_code == 200
    assert response["ETag"] == f'"grant-report-{report.pk}-v2"'
    assert response.json()["received_on"] == "2023-07-20"
    assert _report_state(report) == (date(2023, 7, 20), "", 2)


def test_a_report_change_without_if_match_gets_428_and_changes_nothing(officer):
    report = _interim()
    before = _report_state(report)

    response = _send(officer, "patch", f"/reports/{report.pk}", {"note": "Blind write"})

    assert response.status_code == 428
    assert list(response.json()["errors"]) == ["If-Match"]
    assert _report_state(report) == before


def test_a_report_change_with_a_stale_etag_gets_412_and_changes_nothing(officer):
    report = _interim()
    path = f"/reports/{report.pk}"
    stale = _tag(officer, path)
    _send(officer, "patch", path, {"note": "Chased by phone."}, HTTP_IF_MATCH=stale)
    before = _report_state(report)

    # Stale and wrong: the precondition is answered first.
    response = _send(officer, "patch", path, {"received_on": "2020-01-01"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert list(response.json()["errors"]) == ["If-Match"]
    assert _report_state(report) == before == (None, "Chased by phone.", 2)


def test_of_two_report_changes_from_the_same_etag_exactly_one_is_saved(personas, writer):
    manager, officer = writer(personas["pm"]), writer(personas["grants"])
    report = _interim()
    path = f"/reports/{report.pk}"
    tag = _tag(manager, path)

    first = _send(manager, "patch", path, {"note": "The manager's"}, HTTP_IF_MATCH=tag)
    second = _send(officer, "patch", path, {"note": "The officer's"}, HTTP_IF_MATCH=tag)

    assert (first.status_code, second.status_code) == (200, 412)
    assert _report_state(report) == (None, "The manager's", 2)


def test_a_receipt_before_the_project_starts_is_refused_naming_received_on(officer):
    report = _interim()
    path = f"/reports/{report.pk}"

    response = _send(
        officer, "patch", path, {"received_on": "2020-01-01"}, HTTP_IF_MATCH=_tag(officer, path)
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["received_on"]
    assert _report_state(report) == (None, "", 1)


# Payments


def test_a_payment_is_recorded_and_answers_the_project_with_what_is_paid(officer):
    body = {"kind": "instalment", "paid_on": "2023-09-01", "amount": "1000.5"}
    tag = _tag(officer, f"/{KG}")

    response = _send(officer, "post", f"/{KG}/payments", body)

    assert response.status_code == 201
    assert response["ETag"] == tag  # a payment is a record of its own, not a change of the project
    project = response.json()
    assert (project["paid"], project["remaining"]) == ("24200.50", "33799.50")
    assert _payments()[-1] == ("instalment", Decimal("1000.50"))


def test_a_payment_above_the_contracted_amount_is_refused_naming_amount(officer):
    body = {"kind": "instalment", "paid_on": "2023-09-01", "amount": "34800.01"}

    response = _send(officer, "post", f"/{KG}/payments", body)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "amount": [
            "23,200.00 EUR is paid already; 34,800.01 EUR more would bring the total to "
            "58,000.01 EUR, above the contracted 58,000.00 EUR."
        ]
    }
    assert len(_payments()) == 1


def test_a_payment_to_a_tenth_of_a_cent_is_refused_by_the_form(officer):
    body = {"kind": "instalment", "paid_on": "2023-09-01", "amount": 10.005}

    response = _send(officer, "post", f"/{KG}/payments", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]
    assert len(_payments()) == 1


# People reached


def test_the_people_reached_are_recorded_then_corrected_with_their_etag(officer):
    report = _received()
    path = f"/reports/{report.pk}/people-reached"

    first = _send(officer, "put", path, COUNTS)
    second = _send(officer, "put", path, {**COUNTS, "women": 41}, HTTP_IF_MATCH=first["ETag"])

    assert (first.status_code, second.status_code) == (201, 200)
    assert first["ETag"] == f'"grant-people-reached-{report.pk}-v1"'
    assert second["ETag"] == f'"grant-people-reached-{report.pk}-v2"'
    # Answered as the grants officer may see them: outside the countries they coordinate,
    # rounded to 5 and "fewer than 5" (null), as on the project's page.
    assert second.json() == {
        "women": 40,
        "men": 25,
        "children": 10,
        "trafficking_victims": None,
        "with_disabilities": None,
    }
    assert _people_state(report) == (41, 12, 2)


def test_the_report_gives_the_version_of_its_people_reached(officer, personas, bearer):
    report = _received()
    _send(officer, "put", f"/reports/{report.pk}/people-reached", COUNTS)

    body = bearer(personas["pm"])("get", f"/api/v1/grants/reports/{report.pk}").json()

    assert (body["people_reached"], body["people_reached_version"]) == (COUNTS, 1)


def test_people_reached_recorded_before_are_not_overwritten_without_if_match(officer):
    report = _received()
    path = f"/reports/{report.pk}/people-reached"
    _send(officer, "put", path, COUNTS)

    # A second first record (another script's, from the same reading): refused.
    response = _send(officer, "put", path, {**COUNTS, "women": 99})

    assert response.status_code == 428
    assert _people_state(report) == (40, 12, 1)


def test_a_stale_correction_of_people_reached_gets_412_and_changes_nothing(officer):
    report = _received()
    path = f"/reports/{report.pk}/people-reached"
    tag = _send(officer, "put", path, COUNTS)["ETag"]
    first = _send(officer, "put", path, {**COUNTS, "women": 41}, HTTP_IF_MATCH=tag)

    second = _send(officer, "put", path, {**COUNTS, "women": 42}, HTTP_IF_MATCH=tag)

    assert (first.status_code, second.status_code) == (200, 412)
    assert list(second.json()["errors"]) == ["If-Match"]
    assert _people_state(report) == (41, 12, 2)


def test_a_first_record_of_people_reached_with_if_match_gets_412(officer):
    report = _received()
    tag = f'"grant-people-reached-{report.pk}-v1"'

    response = _send(
        officer, "put", f"/reports/{report.pk}/people-reached", COUNTS, HTTP_IF_MATCH=tag
    )

    assert response.status_code == 412
    assert _people_state(report) is None


def test_more_children_than_people_reached_are_refused_naming_children(officer):
    report = _received()
    body = {**COUNTS, "women": 5, "men": 5, "children": 11}

    response = _send(officer, "put", f"/reports/{report.pk}/people-reached", body)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "children": ["11 children are more than the 10 people reached."]
    }
    assert _people_state(report) is None


def test_people_reached_of_a_report_not_received_are_refused(officer):
    report = _interim()

    response = _send(officer, "put", f"/reports/{report.pk}/people-reached", COUNTS)

    assert response.status_code == 400
    assert "record its receipt first" in response.json()["detail"]
    assert _people_state(report) is None


# Who may write


def _every_write(call: Call, report: Report) -> list[int]:
    """The statuses of the four writes, each valid for a grants officer."""
    report_tag = {"HTTP_IF_MATCH": f'"grant-report-{report.pk}-v1"'}
    payment = {"kind": "instalment", "paid_on": "2023-09-01", "amount": "1"}
    calls = [
        ("post", f"/{KG}/reports", {"kind": "interim", "due_date": "2024-01-15"}, {}),
        ("patch", f"/reports/{report.pk}", {"note": "X"}, report_tag),
        ("post", f"/{KG}/payments", payment, {}),
        ("put", f"/reports/{report.pk}/people-reached", COUNTS, {}),
    ]
    return [
        _send(call, method, path, body, **headers).status_code
        for method, path, body, headers in calls
    ]


def _signed_in(client: Client, user: User) -> Call:
    """``client`` signed in as ``user`` (the browser's session), called as ``bearer``'s are."""
    client.force_login(user)
    return lambda method, *args, **kwargs: getattr(client, method)(*args, **kwargs)


def _state(report: Report) -> tuple[Any, ...]:
    return Report.objects.count(), _report_state(report), _payments(), _people_state(report)


@pytest.mark.parametrize(
    ("persona", "read_only"), [("grants", True), ("donor", True), ("donor", False)]
)
def test_donors_and_read_only_tokens_write_nothing(personas, bearer, persona, read_only):
    call = bearer(personas[persona])
    # A donor's token made writable in the database: the worst case, whatever the page allows.
    ApiToken.objects.filter(user=personas[persona]).update(read_only=read_only)
    report = _received()
    before = _state(report)

    assert _every_write(call, report) == [403, 403, 403, 403]
    assert _state(report) == before


def test_a_signed_in_donor_is_refused_by_role(client, personas):
    # The browser's session reaches the endpoints whatever tokens allow: the role decides.
    report = _received()
    before = _state(report)

    assert _every_write(_signed_in(client, personas["donor"]), report) == [403, 403, 403, 403]
    assert _state(report) == before


@pytest.mark.parametrize("persona", ["pm", "admin", "grants"])
def test_the_grants_writers_make_every_write(client, personas, persona):
    call = _signed_in(client, personas[persona])

    assert _every_write(call, _received()) == [201, 200, 201, 201]


def test_a_national_coordinator_changes_no_grant_project(client, personas):
    call = _signed_in(client, personas["tjcoord"])
    report = _received()
    before = _state(report)

    # Outside Tajikistan the project is not found: 404 before the role's 403, as on the web.
    assert _every_write(call, report) == [404, 404, 404, 404]
    tajik = _send(call, "post", f"/{TJ}/reports", {"kind": "interim", "due_date": "2024-01-15"})
    assert tajik.status_code == 403
    assert _state(report) == before


# Money to the cent on every database


def test_paid_sums_are_given_to_the_cent(personas, bearer, bomca10):
    # SQLite sums in floating point and drops trailing zeros: 23200.3, or 23200.300000000003.
    unpaid = GrantProjectFactory(application__call__programme=bomca10)
    project = GrantProject.objects.get(contract_number=KG)
    for day, amount in ((1, "0.10"), (2, "0.20")):
        payment_record(
            project=project, kind="instalment", paid_on=date(2023, 9, day), amount=Decimal(amount)
        )
    call = bearer(personas["pm"])

    rows = call("get", "/api/v1/grants").json()["results"]
    listed = {row["contract_number"]: row["paid"] for row in rows}
    project = call("get", f"/api/v1/grants/{KG}").json()
    nothing = call("get", f"/api/v1/grants/{unpaid.contract_number}").json()

    assert listed[KG] == project["paid"] == "23200.30"
    assert listed["BOMCA10-CfP-1-G02"] == "18000.00"
    assert (nothing["paid"], nothing["remaining"]) == ("0.00", "50000.00")


# Two scripts at once


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two threads need PostgreSQL: SQLite's in-memory test database fails the second "
    "writer at once ('database table is locked'); see tests/activities/test_versions.py",
)
@pytest.mark.django_db(transaction=True)
def test_two_first_records_of_people_reached_at_once_keep_exactly_one(personas):
    _token, secret = token_create(user=personas["grants"], name="tests", days=1, read_only=False)
    report = _received()
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def record(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = (
                Client()
                .put(
                    f"/api/v1/grants/reports/{report.pk}/people-reached",
                    {**COUNTS, "women": 50 + index},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {secret}",
                )
                .status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The other is refused: 412 if it was under way when the first was saved, else 428 (it
    # would overwrite people reached recorded before it, without their ETag).
    assert sorted(statuses)[0] == 201
    assert sorted(statuses)[1] in (412, 428)
    assert _people_state(report) == (50 + statuses.index(201), 12, 1)
