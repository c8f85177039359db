"""The grants pages: what each role sees, the forms, and two people editing one record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from bomca.accounts.models import User
from bomca.grants.models import (
    Application,
    CallForProposals,
    Decision,
    GrantProject,
    Payment,
    PeopleReached,
    ProjectStatus,
    ReportKind,
)
from bomca.grants.services import report_create
from tests.pages import errors_of, field_container, page, text

KG = "BOMCA10-CfP-1-G01"  # Kyrgyzstan, ongoing, 58 000 EUR
TJ = "BOMCA10-CfP-1-G05"  # Tajikistan
CALL = "BOMCA10-CfP-1"


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _listed(response) -> list[str]:
    return [link.text for link in page(response).find_all("a", cls="code")]


# Who sees what


def test_the_programme_manager_sees_the_nine_projects_with_their_totals(alice_client, bomca10):
    response = alice_client.get("/grants/")

    assert len(_listed(response)) == 9
    totals = page(response).by_id("project-totals").text
    assert "Contracted 413,500.00 EUR" in totals
    assert "Paid 165,400.00 EUR" in totals


def test_a_filter_change_answers_with_the_list_alone(alice_client, bomca10):
    response = alice_client.get("/grants/", {"country": "UZ"}, HTTP_HX_REQUEST="true")

    assert b"<html" not in response.content
    assert _listed(response) == ["BOMCA10-CfP-1-G07", "BOMCA10-CfP-1-G08"]
    assert "Contracted 85,000.00 EUR" in page(response).by_id("project-totals").text


def test_reports_past_due_show_how_late_they_are(alice_client, bomca10):
    response = alice_client.get(f"/grants/{KG}/")

    # The reference data stops at mid-2023: its interim and final reports are long overdue.
    late = page(response).find_all("span", cls="status-cancelled")
    assert len(late) == 2
    assert all(span.text.endswith(" days late") for span in late)


def test_a_national_coordinator_sees_the_projects_of_their_countries_only(client, personas):
    response = _as(client, personas["tjcoord"]).get("/grants/")

    assert _listed(response) == ["BOMCA10-CfP-1-G05", "BOMCA10-CfP-1-G06"]
    assert client.get(f"/grants/{KG}/").status_code == 404
    assert client.get(f"/grants/{TJ}/").status_code == 200


def test_a_national_coordinator_sees_the_applications_of_their_countries_on_the_call(
    client, personas
):
    response = _as(client, personas["tjcoord"]).get(f"/grants/calls/{CALL}/")

    countries = {
        row.find_all("td")[2].text for row in page(response).find_all("tbody")[0].find_all("tr")
    }
    assert countries == {"Tajikistan"}


def test_the_call_list_counts_applications_selections_and_projects(alice_client, bomca10):
    response = alice_client.get("/grants/calls/")

    row = page(response).find_all("tbody")[0].find_all("tr")[0]
    assert [cell.text for cell in row.find_all("td")][-3:] == ["13", "9", "9"]


def test_a_donor_reads_projects_but_is_offered_no_change(client, personas):
    donor = _as(client, personas["donor"])

    response = donor.get(f"/grants/{KG}/")

    assert response.status_code == 200
    links = [link.text for link in page(response).find_all("a")]
    assert "Change the status" not in links
    assert "Edit the contract" not in links
    assert donor.get(f"/grants/{KG}/status/").status_code == 403


def test_a_donor_posting_a_status_step_is_refused_and_nothing_changes(client, personas):
    project = GrantProject.objects.get(contract_number=KG)

    response = _as(client, personas["donor"]).post(
        f"/grants/{KG}/status/",
        {"to_status": "terminated", "date": "2023-08-01", "note": "x", "version": project.version},
    )

    assert response.status_code == 403
    assert GrantProject.objects.get(contract_number=KG).status == ProjectStatus.ONGOING


def test_the_project_page_shows_the_timeline_payments_and_reports(alice_client, bomca10):
    response = alice_client.get(f"/grants/{KG}/")

    timeline = page(response).find_all("ol", cls="timeline")[0]
    steps = [item.find_all("span", cls="status")[0].text for item in timeline.find_all("li")]
    assert steps == ["Contracted", "Ongoing"]
    assert "Implementation started." in timeline.text
    assert "23,200.00 EUR" in text(response)  # the pre-financing
    assert "Interim report" in text(response)


def test_an_unknown_contract_is_not_found(alice_client, bomca10):
    assert alice_client.get("/grants/NO-SUCH-1/").status_code == 404


# Forms


def test_the_grants_manager_contracts_a_selected_application(client, personas, bomca10):
    application = Application.objects.get(call__reference=CALL, number=1)  # contracted already
    call = application.call
    new = Application.objects.create(
        call=call,
        number=99,
        organisation=application.organisation,
        country=application.country,
        title_en="Synthetic action to contract",
        submitted_on=date(2022, 11, 20),
        requested_amount=Decimal("40000.00"),
        currency="EUR",
        score=Decimal("75"),
        decision=Decision.SELECTED,
        decision_date=date(2023, 3, 10),
    )
    data = {
        "contract_number": "SYN-CONTRACT-99",
        "amount": "40000.00",
        "currency": "EUR",
        "start_date": "2023-07-01",
        "end_date": "2024-06-30",
        "contracted_on": "2023-06-20",
        "note": "",
    }

    response = _as(client, personas["grants"]).post(
        f"/grants/applications/{new.pk}/contract/", data
    )

    assert response.status_code == 302
    project = GrantProject.objects.get(contract_number="SYN-CONTRACT-99")
    assert project.status_changes.get().changed_by == personas["grants"]


def test_a_13_month_contract_is_refused_on_the_form_with_the_call_s_rule(client, personas, bomca10):
    new = Application.objects.filter(call__reference=CALL, decision=Decision.RESERVE).get()
    Application.objects.filter(pk=new.pk).update(decision=Decision.SELECTED)
    data = {
        "contract_number": "SYN-CONTRACT-13",
        "amount": "30000.00",
        "currency": "EUR",
        "start_date": "2023-07-01",
        "end_date": "2024-07-31",
        "contracted_on": "2023-06-20",
        "note": "",
    }

    response = _as(client, personas["grants"]).post(
        f"/grants/applications/{new.pk}/contract/", data
    )

    assert response.status_code == 422
    assert errors_of(field_container(response, "end_date"))[0].startswith(
        "Projects of call BOMCA10-CfP-1 last 6 to 12 months"
    )
    assert not GrantProject.objects.filter(contract_number="SYN-CONTRACT-13").exists()


def test_a_payment_above_the_contract_is_refused_on_the_form(client, personas, bomca10):
    response = _as(client, personas["grants"]).post(
        f"/grants/{KG}/payments/new/",
        {"kind": "instalment", "paid_on": "2023-06-30", "amount": "34800.01", "note": ""},
    )

    assert response.status_code == 422
    assert errors_of(field_container(response, "amount")) == [
        "23,200.00 EUR is paid already; 34,800.01 EUR more would bring the total to "
        "58,000.01 EUR, above the contracted 58,000.00 EUR."
    ]
    assert Payment.objects.filter(project__contract_number=KG).count() == 1


def test_people_reached_larger_groups_than_the_total_are_refused_on_the_form(
    client, personas, bomca10
):
    project = GrantProject.objects.get(contract_number=KG)
    report = project.reports.get(kind=ReportKind.INTERIM)
    report.received_on = date(2023, 7, 20)
    report.save()
    data = {
        "women": "5",
        "men": "5",
        "children": "11",
        "trafficking_victims": "0",
        "with_disabilities": "0",
    }

    response = _as(client, personas["grants"]).post(f"/grants/reports/{report.pk}/people/", data)

    assert response.status_code == 422
    assert errors_of(field_container(response, "children")) == [
        "11 children are more than the 10 people reached."
    ]
    assert not PeopleReached.objects.exists()


def test_the_grants_manager_records_a_decision(client, personas, bomca10):
    manager = _as(client, personas["grants"])
    application = Application.objects.filter(call__reference=CALL, decision=Decision.RESERVE).get()
    form = manager.get(f"/grants/applications/{application.pk}/").context["form"]
    data = {field.html_name: "" if field.value() is None else str(field.value()) for field in form}
    data.update({"decision": "rejected"})

    response = manager.post(f"/grants/applications/{application.pk}/", data)

    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).decision == Decision.REJECTED


def test_the_grants_manager_records_an_application_which_gets_the_next_number(
    client, personas, bomca10
):
    ngo = Application.objects.get(call__reference=CALL, number=1).organisation
    data = {
        "organisation": str(ngo.pk),
        "country": str(ngo.country.pk),
        "title_en": "Synthetic late idea",
        "title_ru": "",
        "submitted_on": "2022-12-01",
        "requested_amount": "25000.00",
        "currency": "EUR",
        "score": "",
        "decision": "pending",
        "decision_date": "",
    }

    response = _as(client, personas["grants"]).post(f"/grants/calls/{CALL}/applications/new/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/grants/calls/{CALL}/"
    assert Application.objects.get(title_en="Synthetic late idea").number == 14
    assert "Application BOMCA10-CfP-1/14 recorded." in text(client.get(response["Location"]))


def test_the_grants_manager_opens_a_call(client, personas, bomca10):
    countries = [
        str(pk)
        for pk in bomca10.countries.filter(code__in=["KG", "TJ"]).values_list("pk", flat=True)
    ]
    data = {
        "reference": "BOMCA10-CfP-2",
        "title_en": "Second call",
        "title_ru": "",
        "themes": "Synthetic theme",
        "budget_ceiling": "300000.00",
        "currency": "EUR",
        "max_grant_amount": "50000.00",
        "opens_on": "2024-01-15",
        "closes_on": "2024-03-15",
        "min_duration_months": "6",
        "max_duration_months": "12",
        "countries": countries,
    }

    response = _as(client, personas["grants"]).post("/grants/calls/new/", data)

    assert response.status_code == 302
    call = CallForProposals.objects.get(reference="BOMCA10-CfP-2")
    assert sorted(call.countries.values_list("code", flat=True)) == ["KG", "TJ"]


def test_a_report_is_scheduled_and_its_receipt_recorded(client, personas, bomca10):
    manager = _as(client, personas["grants"])

    response = manager.post(
        f"/grants/{KG}/reports/new/",
        {"kind": "interim", "due_date": "2023-12-15", "received_on": "", "note": ""},
    )

    assert response.status_code == 302
    report = GrantProject.objects.get(contract_number=KG).reports.get(due_date=date(2023, 12, 15))
    response = manager.post(
        f"/grants/reports/{report.pk}/",
        {
            "kind": "interim",
            "due_date": "2023-12-15",
            "received_on": "2023-12-20",
            "note": "",
            "version": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.received_on, report.version) == (date(2023, 12, 20), 2)


# Two people editing one record


def _form_data(response) -> dict[str, str]:
    form = response.context["form"]
    return {field.html_name: "" if field.value() is None else str(field.value()) for field in form}


def test_of_two_people_editing_a_contract_the_second_is_refused_and_the_first_save_stands(
    client, personas, bomca10
):
    first_client = _as(Client(), personas["grants"])
    second_client = _as(Client(), personas["pm"])
    first = _form_data(first_client.get(f"/grants/{KG}/edit/"))
    second = _form_data(second_client.get(f"/grants/{KG}/edit/"))
    first["amount"], second["amount"] = "57000.00", "56000.00"

    assert first_client.post(f"/grants/{KG}/edit/", first).status_code == 302
    response = second_client.post(f"/grants/{KG}/edit/", second)

    assert response.status_code == 409
    assert (
        "Someone else saved this record after you opened it"
        in page(response).by_id("form-errors").text
    )
    project = GrantProject.objects.get(contract_number=KG)
    assert (project.amount, project.version) == (Decimal("57000.00"), int(first["version"]) + 1)


def test_of_two_people_moving_a_project_the_second_is_refused(client, personas, bomca10):
    first_client = _as(Client(), personas["grants"])
    second_client = _as(Client(), personas["pm"])
    version = str(GrantProject.objects.get(contract_number=KG).version)
    step = {
        "to_status": "terminated",
        "date": "2023-08-01",
        "note": "Synthetic.",
        "version": version,
    }

    assert first_client.post(f"/grants/{KG}/status/", step).status_code == 302
    response = second_client.post(f"/grants/{KG}/status/", {**step, "note": "Second."})

    assert response.status_code == 422  # from "terminated" nothing moves any more
    project = GrantProject.objects.get(contract_number=KG)
    assert project.status == ProjectStatus.TERMINATED
    assert project.status_changes.order_by("-pk").first().note == "Synthetic."


def test_of_two_people_recording_a_report_s_receipt_the_second_is_refused(
    client, personas, bomca10
):
    project = GrantProject.objects.get(contract_number=KG)
    report = report_create(project=project, data={"kind": "interim", "due_date": date(2023, 12, 1)})
    first_client = _as(Client(), personas["grants"])
    second_client = _as(Client(), personas["pm"])
    first = _form_data(first_client.get(f"/grants/reports/{report.pk}/"))
    second = _form_data(second_client.get(f"/grants/reports/{report.pk}/"))
    first["received_on"], second["received_on"] = "2023-12-02", "2023-12-03"

    assert first_client.post(f"/grants/reports/{report.pk}/", first).status_code == 302
    response = second_client.post(f"/grants/reports/{report.pk}/", second)

    assert response.status_code == 409
    report.refresh_from_db()
    assert report.received_on == date(2023, 12, 2)


@pytest.mark.parametrize("persona", ["donor", "tjcoord", "proc", "comms", "me"])
def test_only_grants_writers_open_the_forms(client, personas, persona):
    _as(client, personas[persona])

    assert client.get("/grants/calls/new/").status_code == 403
    assert client.get(f"/grants/{TJ}/edit/").status_code == 403
    assert client.get(f"/grants/{TJ}/payments/new/").status_code == 403
