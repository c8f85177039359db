"""The must-show matrix: what every role gets on every page, and what it may not post."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client

from bomca.accounts.models import User
from bomca.activities.models import Activity
from bomca.reference.models import Country, Programme
from bomca.reporting.models import IssueStatus, NewsletterIssue
from bomca.reporting.services import newsletter_issue_create
from tests.activities.post_data import (
    activity_fields,
    count_row,
    count_rows,
    opened_version,
    resubmission,
)
from tests.pages import errors_of, field_container, page

TJ = "C1-TJ-2023-004"  # national, hosted in Tajikistan, component 1
KG = "C2-KG-2023-006"  # national, hosted in Kyrgyzstan, component 2
RG = "C1-RG-2023-007"  # regional and online: no host country, component 1
RKG = "C2-KG-2023-024"  # regional, hosted in Kyrgyzstan, component 2

# What each persona (tests/conftest.py: personas) gets on each page: programme manager,
# administrator, superuser, M&E officer, lead of C2, coordinator for Tajikistan, procurement
# officer, grants manager, communications officer, donor, a user with only Django's staff flag,
# and nobody logged in.
#   200    the page            403    refused               404    not found: no hint it exists
#   login  the login page      admin  the admin's login     ovw    redirected to the overview
POLICY = """
page                     pm    admin super me    c2lead tjcoord proc  grants comms donor staff anon
/                        ovw   ovw   ovw   ovw   ovw    ovw     ovw   ovw    ovw   ovw   ovw   login
/overview/               200   200   200   200   200    200     200   200    200   200   200   login
/activities/             200   200   200   200   200    200     200   200    200   200   200   login
/activities/new/         200   200   200   200   200    200     403   403    403   403   403   login
/activities/TJ/          200   200   200   200   200    200     200   200    200   200   200   login
/activities/KG/          200   200   200   200   200    404     200   200    200   200   200   login
/activities/RG/          200   200   200   200   200    200     200   200    200   200   200   login
/activities/RKG/         200   200   200   200   200    200     200   200    200   200   200   login
/activities/TJ/edit/     200   200   200   200   403    200     403   403    403   403   403   login
/activities/KG/edit/     200   200   200   200   200    404     403   403    403   403   403   login
/activities/RG/edit/     200   200   200   200   403    403     403   403    403   403   403   login
/activities/RKG/edit/    200   200   200   200   200    403     403   403    403   403   403   login
/activities/TJ/history/  200   200   200   200   200    200     200   200    200   403   200   login
/activities/KG/history/  200   200   200   200   200    404     200   200    200   403   200   login
/activities/RG/history/  200   200   200   200   200    200     200   200    200   403   200   login
/activities/RKG/history/ 200   200   200   200   200    200     200   200    200   403   200   login
/dashboard/              200   200   200   200   200    200     200   200    200   200   200   login
/dashboard/charts/participants-by-country.csv 200 200 200 200 200 200 200 200 200 200 200  login
/newsletters/            200   200   200   200   200    200     200   200    200   200   200   login
/newsletters/N6/         200   200   200   200   200    200     200   200    200   200   200   login
/newsletters/ND/         200   200   200   200   200    200     200   200    200   404   200   login
/newsletters/N6/edit/    200   200   200   403   403    403     403   403    200   403   200   login
/newsletters/ND/edit/    200   200   200   403   403    403     403   403    200   404   200   login
/newsletters/N6/preview/ru/ 200 200  200   200   200    200     200   200    200   200   200   login
/newsletters/ND/preview/en/ 200 200  200   200   200    200     200   200    200   404   200   login
/newsletters/N6/download/en.html 200 200 200 200 200   200     200   200    200   200   200   login
/people/                 200   200   200   200   200    200     200   200    200   200   200   login
/people/duplicates/      200   200   200   200   403    403     403   403    403   403   403   login
/people/export.csv       200   200   200   200   403    200     403   403    403   403   403   login
/people/trainers/        200   200   200   200   200    200     200   200    200   200   200   login
/procurement/            200   200   200   200   200    200     200   200    200   200   200   login
/procurement/export/?format=csv 200 200 200 200  200    200     200   200    200   200   200   login
/procurement/new/        200   200   200   403   403    403     200   403    403   403   403   login
/procurement/PR-TJ-2022-001/ 200 200 200   200   200    200     200   200    200   200   200   login
/procurement/PR-KG-2023-002/ 200 200 200   200   200    404     200   200    200   200   200   login
/procurement/PR-TJ-2022-001/edit/ 200 200 200 403 403   403     200   403    403   403   403   login
/procurement/PR-KG-2023-002/edit/ 200 200 200 403 403   404     200   403    403   403   403   login
/procurement/PR-TJ-2022-001/move/ 200 200 200 403 403   403     200   403    403   403   403   login
/procurement/PR-TJ-2022-001/deliveries/new/ 200 200 200 403 403 403 200 403  403   403   403   login
/procurement/PR-UZ-2023-005/hand-overs/new/ 200 200 200 403 403 404 200 403  403   403   403   login
/imports/participants/TJ/  200 200   200   200   403    200     403   403    403   403   403   login
/imports/participants/KG/  200 200   200   200   200    404     403   403    403   403   403   login
/imports/participants/RKG/ 200 200   200   200   200    403     403   403    403   403   403   login
/imports/templates/attendance-sheet.xlsx 200 200 200 200 200 200 403 403 403 403   403   login
/grants/                 200   200   200   200   200    200     200   200    200   200   200   login
/grants/export/?format=csv 200 200   200   200   200    200     200   200    200   200   200   login
/grants/calls/           200   200   200   200   200    200     200   200    200   200   200   login
/grants/calls/new/       200   200   200   403   403    403     403   200    403   403   403   login
/grants/calls/BOMCA10-CfP-1/ 200 200 200   200   200    200     200   200    200   200   200   login
/grants/calls/BOMCA10-CfP-1/edit/ 200 200 200 403 403   403     403   200    403   403   403   login
/grants/BOMCA10-CfP-1-G05/ 200 200   200   200   200    200     200   200    200   200   200   login
/grants/BOMCA10-CfP-1-G01/ 200 200   200   200   200    404     200   200    200   200   200   login
/grants/BOMCA10-CfP-1-G05/edit/ 200 200 200 403 403     403     403   200    403   403   403   login
/grants/BOMCA10-CfP-1-G01/status/ 200 200 200 403 403   404     403   200    403   403   403   login
/grants/BOMCA10-CfP-1-G05/payments/new/ 200 200 200 403 403 403 403   200    403   403   403   login
/results/                200   200   200   200   200    200     200   200    200   200   200   login
/results/export.xlsx     200   200   200   200   200    200     200   200    200   200   200   login
/results/indicators/OO.1/ 200  200   200   200   200    200     200   200    200   200   200   login
/results/indicators/OC1.1.1/edit/ 200 200 200 200 403   403     403   403    403   403   403   login
/results/indicators/OC1.1.1/values/2023Q2/ 200 200 200 200 403 403 403 403  403   403   403   login
/results/indicators/OO.1/targets/2023Q2/ 200 200 200 200 403 403 403 403   403   403   403   login
/iati/export.xml         200   200   200   200   200    403     200   200    200   200   200   login
/accounts/audit/         403   200   200   403   403    403     403   403    403   403   403   login
/api/tokens/             200   200   200   200   200    200     200   200    200   200   200   login
/admin/                  admin 200   200   admin admin  admin   admin admin  admin admin admin admin
"""


#: Where a URL holds an activity's code: /activities/<code>/..., /imports/participants/<code>/.
_CODE_PART = {"activities": 2, "imports": 3}


def _policy() -> dict[str, dict[str, str]]:
    """The table as {persona: {url: outcome}}, with the activity codes filled in."""
    header, *rows = [line.split() for line in POLICY.strip().splitlines()]
    codes = {"TJ": TJ, "KG": KG, "RG": RG, "RKG": RKG}
    table: dict[str, dict[str, str]] = {persona: {} for persona in header[1:]}
    for url, *outcomes in rows:
        parts = url.split("/")
        at = _CODE_PART.get(parts[1], 2)
        url = "/".join(
            codes.get(part, part) if index == at else part for index, part in enumerate(parts)
        )
        for persona, outcome in zip(header[1:], outcomes, strict=True):
            table[persona][url] = outcome
    return table


def _outcome(response: HttpResponse) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    path = urlsplit(response["Location"]).path
    return {"/accounts/login/": "login", "/admin/login/": "admin", "/overview/": "ovw"}.get(
        path, f"302 {path}"
    )


def _with_issues(policy: dict[str, str]) -> dict[str, str]:
    """URLs with N6 (newsletter issue 6, published) and ND (a draft issue) made real."""
    published = NewsletterIssue.objects.get(number=6)
    draft = NewsletterIssue.objects.filter(status=IssueStatus.DRAFT).get()
    return {
        url.replace("/N6/", f"/{published.pk}/").replace("/ND/", f"/{draft.pk}/"): outcome
        for url, outcome in policy.items()
    }


@pytest.mark.parametrize("persona", list(_policy()))
def test_every_role_gets_what_the_policy_table_says_on_every_page(
    client: Client, personas: dict[str, User], persona: str, bomca10: Programme
):
    newsletter_issue_create(programme=bomca10, number=7, period_code="2023Q3")
    if persona != "anon":
        client.force_login(personas[persona])
    expected = _with_issues(_policy()[persona])

    got = {url: _outcome(client.get(url)) for url in expected}

    assert got == expected


def test_the_policy_table_has_a_column_for_every_persona(personas: dict[str, User]):
    assert set(_policy()) == {*personas, "anon"}


def test_the_policy_table_fills_in_the_activity_codes_of_activity_and_import_pages():
    urls = set(_policy()["pm"])

    assert f"/activities/{TJ}/edit/" in urls
    assert f"/imports/participants/{TJ}/" in urls
    assert f"/imports/participants/{RKG}/" in urls
    assert "/imports/templates/attendance-sheet.xlsx" in urls
    assert not [url for url in urls if "/TJ/" in url or "/KG/" in url or "/RKG/" in url]


# Posting what one may not


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_a_donor_posting_a_new_activity_is_refused_and_nothing_is_saved(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    before = Activity.objects.count()

    response = _as(client, personas["donor"]).post(
        "/activities/new/", {**activity_fields(bomca10), **count_rows(count_row("KG", male=9))}
    )

    assert response.status_code == 403
    assert Activity.objects.count() == before


def test_a_donor_posting_an_edit_is_refused_and_nothing_changes(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    title = Activity.objects.get(code=TJ).title_en
    data = {
        **activity_fields(bomca10, title_en="Changed by a donor"),
        **count_rows(),
        **opened_version(TJ),
    }

    response = _as(client, personas["donor"]).post(f"/activities/{TJ}/edit/", data)

    assert response.status_code == 403
    assert Activity.objects.get(code=TJ).title_en == title
    assert Activity.objects.get(code=TJ).participant_counts.count() == 2


def _host_country_options(response: HttpResponse) -> list[str]:
    select = page(response).by_id("id_host_country")
    return [option.text for option in select.find_all("option") if option.attrs.get("value")]


def test_the_tajik_coordinator_is_offered_tajikistan_only_as_host_country(
    client: Client, personas: dict[str, User]
):
    response = _as(client, personas["tjcoord"]).get("/activities/new/")

    assert _host_country_options(response) == ["Tajikistan"]


def test_the_tajik_coordinator_cannot_record_an_activity_hosted_in_kyrgyzstan(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    before = Activity.objects.count()
    data = {**activity_fields(bomca10), **count_rows(count_row("KG", female=3))}

    response = _as(client, personas["tjcoord"]).post("/activities/new/", data)

    assert response.status_code == 422
    errors = errors_of(field_container(response, "host_country"))
    assert errors[0] == "Select a valid choice. That choice is not one of the available choices."
    assert Activity.objects.count() == before


def test_the_tajik_coordinator_records_an_activity_hosted_in_tajikistan(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    tajikistan = str(Country.objects.get(code="TJ").pk)
    title = "Synthetic workshop recorded from Dushanbe"
    data = {**activity_fields(bomca10, host_country=tajikistan, title_en=title), **count_rows()}

    response = _as(client, personas["tjcoord"]).post("/activities/new/", data)

    assert response.status_code == 302
    assert Activity.objects.get(title_en=title).host_country.code == "TJ"


def test_the_tajik_coordinator_cannot_record_a_regional_activity_without_host_country(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    before = Activity.objects.count()
    data = {**activity_fields(bomca10, scope="regional", host_country=""), **count_rows()}

    response = _as(client, personas["tjcoord"]).post("/activities/new/", data)

    assert response.status_code == 422
    assert Activity.objects.count() == before


@pytest.mark.parametrize(("code", "status"), [(KG, 404), (RKG, 403)])
def test_the_tajik_coordinator_cannot_edit_an_activity_hosted_in_kyrgyzstan(
    client: Client, personas: dict[str, User], bomca10: Programme, code: str, status: int
):
    title = Activity.objects.get(code=code).title_en
    data = {
        **activity_fields(bomca10, title_en="Changed from Dushanbe"),
        **count_rows(),
        **opened_version(code),
    }

    response = _as(client, personas["tjcoord"]).post(f"/activities/{code}/edit/", data)

    assert response.status_code == status
    assert Activity.objects.get(code=code).title_en == title


def test_the_tajik_coordinator_cannot_move_a_tajik_activity_to_kyrgyzstan(
    client: Client, personas: dict[str, User]
):
    coordinator = _as(client, personas["tjcoord"])
    data = resubmission(coordinator.get(f"/activities/{TJ}/edit/"))
    data["host_country"] = str(Country.objects.get(code="KG").pk)

    response = coordinator.post(f"/activities/{TJ}/edit/", data)

    assert response.status_code == 422
    assert Activity.objects.get(code=TJ).host_country.code == "TJ"


def test_the_c2_lead_is_offered_component_2_only(client: Client, personas: dict[str, User]):
    response = _as(client, personas["c2lead"]).get("/activities/new/")

    select = page(response).by_id("id_component")
    options = [option for option in select.find_all("option") if option.attrs.get("value")]
    assert len(options) == 1
    assert options[0].text.startswith("C2")


def test_the_c2_lead_cannot_move_a_c2_activity_into_c3(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    lead = _as(client, personas["c2lead"])
    data = resubmission(lead.get(f"/activities/{KG}/edit/"))
    data["component"] = str(bomca10.components.get(number=3).pk)

    response = lead.post(f"/activities/{KG}/edit/", data)

    assert response.status_code == 422
    assert errors_of(field_container(response, "component")) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Activity.objects.get(code=KG).component.number == 2


def test_the_c2_lead_saves_a_change_to_a_c2_activity(client: Client, personas: dict[str, User]):
    lead = _as(client, personas["c2lead"])
    data = resubmission(lead.get(f"/activities/{KG}/edit/"))
    data["title_en"] = "Synthetic title set by the C2 lead"

    response = lead.post(f"/activities/{KG}/edit/", data)

    assert response.status_code == 302
    assert Activity.objects.get(code=KG).title_en == "Synthetic title set by the C2 lead"
