"""People pages and an activity's attendance list: names only for the roles that need them, and
for a national coordinator only the people of their countries."""

from __future__ import annotations

import math

import pytest
from django.http import HttpResponse
from django.test import Client

from bomca.accounts.models import User
from bomca.activities.models import Activity
from bomca.people import views as people_views
from bomca.people.models import Attendance, Participant, PersonSex
from bomca.reference.models import Country, Organisation
from tests.pages import Element, page, text

TJ = "C1-TJ-2023-004"  # national, Tajikistan
KG = "C2-KG-2023-006"  # national, Kyrgyzstan
RG = "C1-RG-2023-007"  # regional, no host: people of all five countries
RKG = "C2-KG-2023-024"  # regional, hosted in Kyrgyzstan
REGIONAL = [RG, RKG, "C3-KZ-2023-012", "C4-KZ-2023-020", "C3-UZ-2023-022"]

SEE_NAMES = ["pm", "admin", "super", "me"]
COUNTS_ONLY = ["donor", "comms", "proc", "grants", "c2lead", "staff"]
COUNTS_NOTICE = "Your role sees counts of people, not names."


def as_persona(client: Client, personas: dict[str, User], persona: str) -> Client:
    client.force_login(personas[persona])
    return client


def rows_of(response: HttpResponse) -> list[list[str]]:
    tables = page(response).find_all("table")
    if not tables:
        return []
    return [[cell.text for cell in row.find_all("td")] for row in tables[0].find_all("tr")[1:]]


def attendance_section(response: HttpResponse) -> Element:
    return page(response).by_id("attendance-heading").ancestor("section", cls="card")


def attendance_rows(response: HttpResponse) -> list[list[str]]:
    section = attendance_section(response)
    return [
        [cell.text for cell in row.find_all("td")]
        for table in section.find_all("table")
        for row in table.find_all("tr")[1:]
    ]


# The participants' list


@pytest.mark.parametrize("persona", SEE_NAMES)
def test_managers_and_me_officers_find_participants_by_name(client, personas, persona):
    response = as_persona(client, personas, persona).get("/people/", {"q": "KG-BORDER-F-001"})

    assert response.status_code == 200
    assert rows_of(response) == [
        [
            "Synthetic participant KG-BORDER-F-001 synthetic",
            "Woman",
            "Kyrgyzstan",
            "Border service of Kyrgyzstan",
            "—",
            "4",  # C2-KG-2023-006, C1-RG-2023-007, C1-KG-2023-018, C1-KG-2023-021
        ]
    ]


def test_the_list_pages_all_participants_fifty_at_a_time(client, personas):
    response = as_persona(client, personas, "pm").get("/people/")

    pages = math.ceil(Participant.objects.count() / 50)
    assert len(rows_of(response)) == 50
    assert f"Page 1 of {pages}" in text(response)


@pytest.mark.parametrize("persona", COUNTS_ONLY)
def test_other_roles_see_the_counts_notice_and_no_name(client, personas, persona):
    response = as_persona(client, personas, persona).get("/people/", {"q": "Synthetic"})

    assert response.status_code == 200
    assert COUNTS_NOTICE in text(response)
    assert b"Synthetic participant" not in response.content
    assert b"Synthetic trainer" not in response.content
    assert rows_of(response) == []


def test_the_tajik_coordinator_sees_the_names_of_tajik_participants_only(client, personas):
    coordinator = as_persona(client, personas, "tjcoord")

    response = coordinator.get("/people/")

    tajik = Participant.objects.filter(country__code="TJ").count()
    assert f"Page 1 of {math.ceil(tajik / 50)}" in text(response)
    assert {row[2] for row in rows_of(response)} == {"Tajikistan"}
    assert COUNTS_NOTICE not in text(response)


@pytest.mark.parametrize("search", ["KG-BORDER", "KZ", "Synthetic trainer", "Kyrgyz"])
def test_the_tajik_coordinator_finds_nobody_of_another_country(client, personas, search):
    response = as_persona(client, personas, "tjcoord").get("/people/", {"q": search})

    assert rows_of(response) == []
    assert b"KG-BORDER-" not in response.content


def test_the_search_finds_participants_by_organisation_as_written(client, personas, bomca10):
    Participant.objects.create(
        full_name="Synthetic Walk-in",
        country=Country.objects.get(code="TJ"),
        organisation_name="Khorog border post",
    )

    response = as_persona(client, personas, "tjcoord").get("/people/", {"q": "khorog"})

    assert [row[0] for row in rows_of(response)] == ["Synthetic Walk-in"]


def test_only_roles_that_may_merge_are_offered_the_duplicates_page(client, personas):
    def offers(persona: str) -> bool:
        response = as_persona(client, personas, persona).get("/people/")
        return any(
            link.attrs.get("href") == "/people/duplicates/" for link in page(response).find_all("a")
        )

    assert [persona for persona in personas if offers(persona)] == SEE_NAMES


# Duplicates


@pytest.fixture
def twins(bomca10) -> tuple[Participant, Participant]:
    """One Tajik border guard recorded twice, at two activities."""
    tajikistan = Country.objects.get(code="TJ")
    border = Organisation.objects.get(code="TJ-BORDER")
    keep = Participant.objects.create(
        full_name="Synthetic Twin", country=tajikistan, organisation=border
    )
    duplicate = Participant.objects.create(
        full_name="SYNTHETIC TWIN",
        country=tajikistan,
        organisation=border,
        sex=PersonSex.FEMALE,
        year_of_birth=1984,
    )
    Attendance.objects.create(participant=keep, activity=Activity.objects.get(code=TJ))
    Attendance.objects.create(
        participant=duplicate, activity=Activity.objects.get(code="C1-TJ-2023-011")
    )
    return keep, duplicate


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("pm", 200),
        ("admin", 200),
        ("super", 200),
        ("me", 200),
        ("tjcoord", 403),
        ("c2lead", 403),
        ("donor", 403),
        ("comms", 403),
        ("proc", 403),
        ("grants", 403),
        ("staff", 403),
    ],
)
def test_the_duplicates_page_is_for_data_quality_roles_only(client, personas, persona, status):
    assert as_persona(client, personas, persona).get("/people/duplicates/").status_code == status


def test_a_refused_merge_changes_nothing(client, personas, twins):
    keep, duplicate = twins

    response = as_persona(client, personas, "tjcoord").post(
        "/people/duplicates/",
        {"keep": keep.pk, "participant": [keep.pk, duplicate.pk], "action": "merge"},
    )

    assert response.status_code == 403
    assert Participant.objects.filter(pk=duplicate.pk).exists()


def test_the_duplicates_page_lists_likely_duplicates(client, personas, twins):
    keep, duplicate = twins

    response = as_persona(client, personas, "me").get("/people/duplicates/")

    [group] = [
        fieldset
        for fieldset in page(response).find_all("fieldset")
        if "Synthetic Twin" in fieldset.text
    ]
    assert [row.find_all("td")[1].text for row in group.find_all("tr")[1:]] == [
        f"#{keep.pk} Synthetic Twin",
        f"#{duplicate.pk} SYNTHETIC TWIN",
    ]


def test_previewing_a_merge_shows_what_it_will_do_and_changes_nothing(client, personas, twins):
    keep, duplicate = twins

    response = as_persona(client, personas, "pm").post(
        "/people/duplicates/",
        {"keep": keep.pk, "participant": [keep.pk, duplicate.pk], "action": "preview"},
    )

    assert response.status_code == 200
    section = page(response).by_id("plan").ancestor("section", cls="card")
    assert [item.text for item in section.find_all("li")] == [
        f"Keep “Synthetic Twin” (#{keep.pk})",
        "Remove 1 duplicate record",
        "1 attendances move to the kept record; 0 are dropped because the kept record attended "
        "the same activity",
        "Details the kept record lacks are taken over: sex, year_of_birth",
    ]
    assert Participant.objects.filter(pk=duplicate.pk).exists()


def test_merging_from_the_page_makes_one_record(client, personas, twins):
    keep, duplicate = twins

    response = as_persona(client, personas, "pm").post(
        "/people/duplicates/",
        {"keep": keep.pk, "participant": [keep.pk, duplicate.pk], "action": "merge"},
        follow=True,
    )

    assert response.redirect_chain == [("/people/duplicates/", 302)]
    assert "1 records merged into Synthetic Twin; 1 attendances moved." in text(response)
    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    assert sorted(keep.attendances.values_list("activity__code", flat=True)) == [
        "C1-TJ-2023-004",
        "C1-TJ-2023-011",
    ]


def test_a_merge_without_a_record_to_keep_is_refused_with_a_message(client, personas, twins):
    keep, duplicate = twins

    response = as_persona(client, personas, "pm").post(
        "/people/duplicates/",
        {"participant": [keep.pk, duplicate.pk], "action": "merge"},
        follow=True,
    )

    assert "Choose the record to keep and at least one duplicate." in text(response)
    assert Participant.objects.filter(pk=duplicate.pk).exists()


# Trainers


def test_the_trainers_page_shows_who_trained_across_a_border(client, personas):
    response = as_persona(client, personas, "pm").get("/people/trainers/")

    assert response.status_code == 200
    # The page's text reads "C1-TM-2023-002, C1-TM-2023-014"; the tree puts a space before ",".
    rows = {row[0]: [cell.replace(" ,", ",") for cell in row] for row in rows_of(response)}
    assert sorted(rows) == [
        "Synthetic trainer KZ-01",
        "Synthetic trainer TM-01",
        "Synthetic trainer UZ-01",
    ]
    assert rows["Synthetic trainer KZ-01"][1] == "Kazakhstan"
    assert rows["Synthetic trainer KZ-01"][3:] == [
        "2",
        "C3-TM-2023-009 (across a border: Turkmenistan), "
        "C1-TJ-2023-011 (across a border: Tajikistan)",
    ]
    assert rows["Synthetic trainer TM-01"][3:] == ["0", "C1-TM-2023-002, C1-TM-2023-014"]


def test_the_russian_trainers_page_names_the_host_countries_in_russian(client, personas):
    manager = personas["pm"]
    manager.language = "ru"
    manager.save(update_fields=["language"])

    rows = {
        row[0]: row for row in rows_of(as_persona(client, personas, "pm").get("/people/trainers/"))
    }

    assert rows["Synthetic trainer KZ-01"][1] == "Казахстан"
    assert "(в другой стране: Туркменистан)" in rows["Synthetic trainer KZ-01"][4]
    assert "Turkmenistan" not in rows["Synthetic trainer KZ-01"][4]


def test_the_trainers_page_is_searched_and_paged(client, personas, monkeypatch):
    monkeypatch.setattr(people_views, "PAGE_SIZE", 2)
    manager = as_persona(client, personas, "pm")

    first, second = manager.get("/people/trainers/"), manager.get("/people/trainers/?page=2")
    found = manager.get("/people/trainers/?q=TM-01")
    nothing = manager.get("/people/trainers/?q=nobody-has-this-name")

    assert [row[0] for row in rows_of(first)] == [
        "Synthetic trainer KZ-01",
        "Synthetic trainer TM-01",
    ]
    assert "Page 1 of 2" in text(first)
    assert [row[0] for row in rows_of(second)] == ["Synthetic trainer UZ-01"]
    assert [row[0] for row in rows_of(found)] == ["Synthetic trainer TM-01"]
    assert "No trainer matches this search." in text(nothing)


def test_a_trainers_earlier_sessions_are_counted_not_listed(client, personas, monkeypatch):
    monkeypatch.setattr(people_views, "TRAINER_SESSIONS_SHOWN", 1)

    response = as_persona(client, personas, "pm").get("/people/trainers/?q=KZ-01")

    assert rows_of(response)[0][4] == (
        "1 earlier activity, then C1-TJ-2023-011 (across a border: Tajikistan)"
    )


@pytest.mark.parametrize("persona", COUNTS_ONLY)
def test_other_roles_see_no_trainer_by_name(client, personas, persona):
    response = as_persona(client, personas, persona).get("/people/trainers/")

    assert response.status_code == 200
    assert b"Synthetic trainer" not in response.content
    assert "Your role sees counts of people, not names" in text(response)


def test_the_tajik_coordinator_sees_no_trainer_of_another_country(client, personas):
    response = as_persona(client, personas, "tjcoord").get("/people/trainers/")

    assert response.status_code == 200
    assert b"Synthetic trainer" not in response.content


# An activity's attendance list


def test_a_manager_sees_the_activitys_attendance_list(client, personas):
    response = as_persona(client, personas, "pm").get(f"/activities/{TJ}/")

    rows = attendance_rows(response)
    assert len(rows) == 21
    assert rows[0][:5] == [
        "Synthetic participant TJ-BORDER-F-001 synthetic",
        "Participant",
        "Woman",
        "Tajikistan",
        "Border service of Tajikistan",
    ]
    assert "21 people on the list; the counts by sex above come from it." in text(response)
    links = [link.attrs.get("href") for link in attendance_section(response).find_all("a")]
    assert f"/imports/participants/{TJ}/" in links


@pytest.mark.parametrize("persona", COUNTS_ONLY)
@pytest.mark.parametrize("code", [TJ, KG, RG, RKG])
def test_roles_without_personal_data_never_receive_a_participants_name(
    client, personas, persona, code
):
    response = as_persona(client, personas, persona).get(f"/activities/{code}/")

    assert response.status_code == 200
    assert b"Synthetic participant" not in response.content
    assert b"Synthetic trainer" not in response.content
    assert attendance_rows(response) == []
    assert "Names are personal data that your role does not see" in text(response)


def test_a_donor_sees_the_training_results_but_no_import_button(client, personas):
    response = as_persona(client, personas, "donor").get(f"/activities/{TJ}/")

    section = attendance_section(response)
    assert [term.text for term in section.find_all("dt")] == [
        "Knowledge gain (mean, median)",
        "Improved between tests",
        "Satisfaction (1–5)",
        "Completion",
    ]
    assert not [link for link in section.find_all("a") if "/imports/" in link.attrs.get("href", "")]


def test_the_tajik_coordinator_sees_only_the_tajik_people_of_a_regional_activity(client, personas):
    response = as_persona(client, personas, "tjcoord").get(f"/activities/{RG}/")

    rows = attendance_rows(response)
    assert [row[0] for row in rows] == [
        "Synthetic participant TJ-BORDER-F-001 synthetic",
        "Synthetic participant TJ-BORDER-M-001 synthetic",
        "Synthetic participant TJ-BORDER-M-002 synthetic",
        "Synthetic participant TJ-BORDER-M-003 synthetic",
        "Synthetic participant TJ-BORDER-M-004 synthetic",
    ]
    assert {row[3] for row in rows} == {"Tajikistan"}
    hidden = Activity.objects.get(code=RG).attendances.exclude(participant__country__code="TJ")
    assert f"{hidden.count()} people from outside your countries are not shown." in text(response)


@pytest.mark.parametrize("code", REGIONAL)
def test_the_tajik_coordinator_never_receives_a_name_from_another_country(client, personas, code):
    response = as_persona(client, personas, "tjcoord").get(f"/activities/{code}/")

    assert response.status_code == 200
    for country in ("KG", "KZ", "TM", "UZ"):
        assert f"Synthetic participant {country}-".encode() not in response.content
    assert b"Synthetic trainer" not in response.content


def test_an_activity_without_a_list_says_so_and_offers_the_import(alice_client, bomca10):
    activity = Activity.objects.get(code=TJ)
    activity.attendances.all().delete()

    response = alice_client.get(f"/activities/{TJ}/")

    assert "No attendance list yet: the counts above were entered by hand." in text(response)
    assert "Import the list from the sheet filled in at the venue." in text(response)
