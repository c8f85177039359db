"""An activity's page, and recording and editing activities through the form."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.http import HttpResponse
from django.test import Client

from bomca.activities.models import Activity
from bomca.core.models import Source
from bomca.people.models import Attendance, ParticipantCount
from bomca.reference.models import Programme
from tests.activities.post_data import (
    EMPTY_ROW,
    activity_fields,
    count_row,
    count_rows,
    resubmission,
)
from tests.factories import ActivityFactory
from tests.pages import Element, errors_of, field_container, page

NEW = "/activities/new/"
SEED = "C2-KZ-2023-003"  # seed activity, two illustrative participant rows (16 and 6 people)
ILLUSTRATIVE = "C3-UZ-2023-001"


# An activity


def _detail(client: Client, code: str) -> Element:
    return page(client.get(f"/activities/{code}/"))


def _detail_row(html: Element, term: str) -> str:
    details = html.find_all("dl", cls="details")[0]
    items = [child for child in details.children if isinstance(child, Element)]
    return next(dd.text for dt, dd in pairwise(items) if dt.tag == "dt" and dt.text == term)


def test_the_detail_page_shows_what_where_and_when(alice_client: Client, bomca10: Programme):
    html = _detail(alice_client, SEED)

    assert html.find_all("p", cls="code")[0].text == SEED
    assert html.find_all("h1")[0].text.startswith("National workshop on investigating trafficking")
    assert _detail_row(html, "Host country") == "Kazakhstan"
    assert _detail_row(html, "Where") == "Almaty, Kazakhstan"
    assert _detail_row(html, "Dates") == "12–14 April 2023"
    assert _detail_row(html, "Status") == "Implemented"


def _participant_rows(html: Element) -> list[list[str]]:
    table = html.find_all("table", cls="figure-table")[0]
    return [[cell.text for cell in row.find_all("td")] for row in table.find_all("tr")[1:]]


def test_the_detail_page_shows_each_participant_row_with_its_total(
    alice_client: Client, bomca10: Programme
):
    rows = _participant_rows(_detail(alice_client, SEED))

    assert [(row[0], row[2], row[3], row[4], row[5]) for row in rows[:2]] == [
        ("Kazakhstan", "4", "12", "0", "16"),
        ("Kazakhstan", "1", "5", "0", "6"),
    ]


def test_the_detail_page_adds_up_the_participants(alice_client: Client, bomca10: Programme):
    # The register says 22 people took part; the activity's own page should say so too.
    table = _detail(alice_client, SEED).find_all("table", cls="figure-table")[0]

    totals = table.find_all("tfoot")
    assert len(totals) == 1
    assert totals[0].text.endswith("5 17 0 22")  # women, men, not recorded, everyone


def test_the_detail_page_of_a_seed_record_says_where_it_comes_from(
    alice_client: Client, bomca10: Programme
):
    note = _detail(alice_client, SEED).find_all("p", cls="provenance")[0]

    assert note.find_all("span", cls="tag")[0].text == "Newsletter issue 6 (seed)"
    assert "Illustrative: that a workshop of the series was held in Kazakhstan" in note.text


def test_the_detail_page_of_an_illustrative_record_says_so(
    alice_client: Client, bomca10: Programme
):
    html = _detail(alice_client, ILLUSTRATIVE)

    note = html.find_all("p", cls="provenance")[0]
    assert note.find_all("span", cls="tag")[0].text == "Illustrative"
    assert note.text.endswith("participants are illustrative.")


def test_the_detail_page_of_a_recorded_activity_has_no_provenance_note(
    alice_client: Client, bomca10: Programme
):
    activity = ActivityFactory(component=bomca10.components.get(number=1))

    html = _detail(alice_client, activity.code)

    assert html.find_all("p", cls="provenance") == []
    assert "No participants recorded yet." in html.find_all("p", cls="empty")[0].text


def test_an_unknown_code_is_not_found(alice_client: Client, bomca10: Programme):
    assert alice_client.get("/activities/C9-XX-2099-999/").status_code == 404
    assert alice_client.get("/activities/C9-XX-2099-999/edit/").status_code == 404


# Recording an activity


def _post_new(client: Client, programme: Programme, *rows: dict[str, str], **changes: str):
    data = {**activity_fields(programme, **changes), **count_rows(*rows)}
    return client.post(NEW, data)


def _nothing_saved(before: tuple[int, int]) -> bool:
    return (Activity.objects.count(), ParticipantCount.objects.count()) == before


@pytest.fixture
def before(bomca10: Programme) -> tuple[int, int]:
    """How many activities and participant rows there are before the test posts anything."""
    return Activity.objects.count(), ParticipantCount.objects.count()


def test_the_new_activity_form_renders_with_empty_participant_rows(
    alice_client: Client, bomca10: Programme
):
    response = alice_client.get(NEW)

    assert response.status_code == 200
    html = page(response)
    assert html.by_id("id_counts-TOTAL_FORMS").attrs["value"] == "2"
    assert html.by_id("id_counts-INITIAL_FORMS").attrs["value"] == "0"
    for name in ("component", "title_en", "start_date", "end_date", "host_country"):
        assert field_container(response, name).find_all("label")[0].text
    assert html.find_all("div", cls="form-errors") == []


def test_a_valid_activity_is_recorded_with_the_next_code(
    alice_client: Client, bomca10: Programme, before
):
    response = _post_new(
        alice_client, bomca10, count_row("KG", "KG-BORDER", female=4, male=9), EMPTY_ROW
    )

    assert response.status_code == 302
    assert response["Location"] == "/activities/C1-KG-2023-031/"
    activity = Activity.objects.get(code="C1-KG-2023-031")
    assert activity.title_en == "Workshop on synthetic border crossing statistics"
    assert activity.source == Source.RECORDED
    rows = activity.participant_counts.all()
    assert [(row.country.code, row.female, row.male, row.source) for row in rows] == [
        ("KG", 4, 9, Source.RECORDED)
    ]
    assert Activity.objects.count() == before[0] + 1


def test_an_activity_may_be_recorded_with_its_russian_title_alone(
    alice_client: Client, bomca10: Programme
):
    response = _post_new(
        alice_client, bomca10, EMPTY_ROW, title_en="", title_ru="Синтетический семинар"
    )

    assert response.status_code == 302
    activity = Activity.objects.get(code="C1-KG-2023-031")
    # It stands in for the English title until someone translates it, as in the import.
    assert (activity.title_en, activity.title_ru) == ("Синтетический семинар",) * 2


def test_an_activity_without_any_title_is_refused_on_the_english_title(
    alice_client: Client, bomca10: Programme, before
):
    response = _post_new(alice_client, bomca10, EMPTY_ROW, title_en="", title_ru="")

    assert response.status_code == 422
    assert errors_of(field_container(response, "title_en")) == [
        "Give the title in English or in Russian."
    ]
    assert _nothing_saved(before)


def test_a_recorded_activity_lands_on_its_page_with_a_message(
    alice_client: Client, bomca10: Programme
):
    response = _post_new(alice_client, bomca10, count_row("KG", male=5))

    html = page(alice_client.get(response["Location"]))
    assert html.find_all("ul", cls="messages")[0].text == "Activity C1-KG-2023-031 recorded."
    assert html.find_all("p", cls="code")[0].text == "C1-KG-2023-031"


def test_a_regional_online_activity_gets_a_regional_code(alice_client: Client, bomca10: Programme):
    response = _post_new(
        alice_client, bomca10, scope="regional", format="online", host_country="", city=""
    )

    assert response["Location"] == "/activities/C1-RG-2023-031/"


def test_an_end_before_the_start_is_shown_at_the_end_date_and_nothing_is_saved(
    alice_client: Client, bomca10: Programme, before
):
    response = _post_new(
        alice_client,
        bomca10,
        count_row("KG", "KG-BORDER", female=4, male=9),
        start_date="2023-07-06",
        end_date="2023-07-04",
    )

    assert response.status_code == 422
    end_date = field_container(response, "end_date")
    assert errors_of(end_date) == ["The end date is before the start date."]
    assert "has-error" in end_date.classes
    assert end_date.by_id("id_end_date").attrs["aria-invalid"] == "true"
    assert errors_of(field_container(response, "start_date")) == []
    summary = page(response).by_id("form-errors")
    assert "Nothing was saved." in summary.text
    assert _nothing_saved(before)


def test_the_refused_form_keeps_what_was_typed(alice_client: Client, bomca10: Programme):
    response = _post_new(
        alice_client,
        bomca10,
        count_row("KG", male=9),
        start_date="2023-07-06",
        end_date="2023-07-04",
    )

    html = page(response)
    assert html.by_id("id_title_en").attrs["value"] == (
        "Workshop on synthetic border crossing statistics"
    )
    assert html.by_id("id_end_date").attrs["value"] == "2023-07-04"
    assert html.by_id("id_counts-0-male").attrs["value"] == "9"


def test_a_negative_count_is_shown_on_its_cell_and_nothing_is_saved(
    alice_client: Client, bomca10: Programme, before
):
    response = _post_new(alice_client, bomca10, {**count_row("KG"), "female": "-3"})

    assert response.status_code == 422
    cell = page(response).by_id("id_counts-0-female").parent
    assert cell is not None
    assert "has-error" in cell.classes
    assert errors_of(cell) == ["A count cannot be negative."]
    assert _nothing_saved(before)


def test_a_repeated_participant_row_is_refused_and_nothing_is_saved(
    alice_client: Client, bomca10: Programme, before
):
    row = count_row("KG", "KG-BORDER", male=3)

    response = _post_new(alice_client, bomca10, row, {**row, "male": "5"})

    assert response.status_code == 422
    non_form_errors = page(response).by_id("form-errors").find_all("ul", cls="nonform")
    assert [error.text for error in non_form_errors] == [
        "Row 2 repeats the country and organisation of an earlier row."
    ]
    assert _nothing_saved(before)
    assert not Activity.objects.filter(code="C1-KG-2023-031").exists()


# Editing an activity


def _edit(client: Client, code: str = SEED) -> HttpResponse:
    return client.get(f"/activities/{code}/edit/")


def _counted_by_hand(code: str) -> None:
    """The reference activities have synthetic attendance lists; drop one to type counts."""
    Attendance.objects.filter(activity__code=code).delete()


def test_the_edit_form_is_filled_in(alice_client: Client, bomca10: Programme):
    _counted_by_hand(SEED)
    html = page(_edit(alice_client))

    assert html.by_id("id_title_en").attrs["value"].startswith("National workshop on investigating")
    assert html.by_id("id_start_date").attrs["value"] == "2023-04-12"
    assert html.by_id("id_counts-INITIAL_FORMS").attrs["value"] == "2"
    assert html.by_id("id_counts-0-male").attrs["value"] == "12"


def test_an_edit_changes_the_title_but_never_the_code(alice_client: Client, bomca10: Programme):
    data = resubmission(_edit(alice_client))
    data["title_en"] = "A better title"
    data["component"] = str(bomca10.components.get(number=3).pk)

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert response["Location"] == f"/activities/{SEED}/"
    activity = Activity.objects.get(code=SEED)
    assert (activity.title_en, activity.component.number) == ("A better title", 3)
    messages = page(alice_client.get(response["Location"])).find_all("ul", cls="messages")
    assert messages[0].text == f"Activity {SEED} saved."


def _sources() -> list[tuple[str, int, str, bool]]:
    rows = ParticipantCount.objects.filter(activity__code=SEED).order_by("organisation__code")
    return [(row.organisation.code, row.male, row.source, bool(row.source_note)) for row in rows]


def test_unchanged_rows_keep_their_source(alice_client: Client, bomca10: Programme):
    _counted_by_hand(SEED)
    before = _sources()

    alice_client.post(f"/activities/{SEED}/edit/", resubmission(_edit(alice_client)))

    assert before == [
        ("KZ-BORDER", 5, Source.ILLUSTRATIVE, True),
        ("KZ-LAW-ENFORCEMENT", 12, Source.ILLUSTRATIVE, True),
    ]
    assert _sources() == before


def test_a_changed_row_becomes_recorded(alice_client: Client, bomca10: Programme):
    _counted_by_hand(SEED)
    data = resubmission(_edit(alice_client))
    data["counts-0-male"] = "13"  # row 0 is the law-enforcement row

    alice_client.post(f"/activities/{SEED}/edit/", data)

    assert _sources() == [
        ("KZ-BORDER", 5, Source.ILLUSTRATIVE, True),
        ("KZ-LAW-ENFORCEMENT", 13, Source.RECORDED, False),
    ]


def test_a_refused_edit_changes_nothing(alice_client: Client, bomca10: Programme):
    _counted_by_hand(SEED)
    data = resubmission(_edit(alice_client))
    data.update({"title_en": "Never saved", "end_date": "2023-04-01", "counts-0-male": "1"})

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert response.status_code == 422
    assert errors_of(field_container(response, "end_date")) == [
        "The end date is before the start date."
    ]
    assert Activity.objects.get(code=SEED).title_en.startswith("National workshop")
    assert [male for _code, male, _source, _note in _sources()] == [5, 12]


def test_a_removed_row_is_deleted(alice_client: Client, bomca10: Programme):
    _counted_by_hand(SEED)
    data = resubmission(_edit(alice_client))
    data["counts-1-DELETE"] = "on"

    alice_client.post(f"/activities/{SEED}/edit/", data)

    assert [code for code, *_rest in _sources()] == ["KZ-LAW-ENFORCEMENT"]


def test_a_repeated_row_is_named_by_its_number_in_the_table(
    alice_client: Client, bomca10: Programme
):
    _counted_by_hand(SEED)
    data = resubmission(_edit(alice_client))
    data["counts-1-DELETE"] = "on"  # row 2 goes; row 3 repeats row 1
    repeat = count_row("KZ", "KZ-LAW-ENFORCEMENT", male=1)
    data.update({f"counts-2-{name}": value for name, value in repeat.items()})

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert response.status_code == 422
    shown = page(response).text
    assert "Row 3 repeats the country and organisation of an earlier row." in shown
    assert "Row 2 repeats" not in shown  # row 2 is the one being removed


def test_an_activity_with_an_attendance_list_takes_its_counts_from_the_list(
    alice_client: Client, bomca10: Programme
):
    before = list(
        ParticipantCount.objects.filter(activity__code=SEED).values_list("female", "male")
    )
    html = page(_edit(alice_client))
    data = resubmission(_edit(alice_client))
    data["title_en"] = "Renamed, counts untouched"

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert "counts by sex come from the list" in html.text
    assert "id_counts-TOTAL_FORMS" not in str(_edit(alice_client).content)
    assert response.status_code == 302
    after = list(ParticipantCount.objects.filter(activity__code=SEED).values_list("female", "male"))
    assert after == before
