"""Versions of activities: a change made from an old copy is refused, in the services and the
web form, so that two people editing one activity never overwrite each other unseen."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from bomca.activities.models import Activity
from bomca.activities.services import activity_create, activity_update
from bomca.core.records import StaleRecord
from bomca.people.models import Attendance
from bomca.reference.models import Organisation, Programme
from tests.activities.post_data import activity_fields, count_rows, resubmission
from tests.activities.test_services import activity_data, rows
from tests.pages import page

SEED = "C2-KZ-2023-003"  # seed activity, two illustrative participant rows


def _fresh(code: str = SEED) -> Activity:
    return Activity.objects.get(code=code)


# The services


def test_every_activity_of_the_reference_data_starts_at_version_1(bomca10: Programme):
    assert set(Activity.objects.values_list("version", flat=True)) == {1}


def test_activity_create_starts_at_version_1(bomca10: Programme):
    activity = activity_create(programme=bomca10, data=activity_data(bomca10))

    assert activity.version == 1
    assert _fresh(activity.code).version == 1


def test_activity_update_from_the_current_version_saves_and_raises_the_version(
    bomca10: Programme,
):
    activity = _fresh()

    activity_update(activity=activity, data={"title_en": "Renamed"}, expected_version=1)

    assert activity.version == 2
    assert (_fresh().title_en, _fresh().version) == ("Renamed", 2)


def test_activity_update_from_an_old_version_is_refused_and_changes_nothing(bomca10: Programme):
    activity_update(activity=_fresh(), data={"title_en": "First"}, expected_version=1)
    before = list(_fresh().participant_counts.values_list("country__code", "male"))
    organisation = Organisation.objects.get(code="KG-BORDER")

    with pytest.raises(StaleRecord) as refused:
        activity_update(
            activity=_fresh(),
            data={"title_en": "Second", "beneficiary_organisations": [organisation]},
            participant_counts=rows("KZ"),
            expected_version=1,
        )

    assert refused.value.field == "version"
    assert refused.value.message.startswith("Someone changed this activity since you opened it")
    assert "you have version 1, it is now at version 2" in refused.value.message
    activity = _fresh()
    assert (activity.title_en, activity.version) == ("First", 2)
    assert organisation not in activity.beneficiary_organisations.all()
    assert list(activity.participant_counts.values_list("country__code", "male")) == before


def test_of_two_updates_from_the_same_version_the_second_is_refused(bomca10: Programme):
    mine, theirs = _fresh(), _fresh()

    activity_update(activity=mine, data={"title_en": "Mine"}, expected_version=1)
    with pytest.raises(StaleRecord):
        activity_update(activity=theirs, data={"title_en": "Theirs"}, expected_version=1)

    assert (_fresh().title_en, _fresh().version) == ("Mine", 2)


def test_a_copy_read_before_a_change_is_refused_even_naming_the_current_version(
    bomca10: Programme,
):
    # Saving the old copy's other fields would undo the change made in between.
    old_copy = _fresh()
    activity_update(activity=_fresh(), data={"city": "Astana"}, expected_version=1)

    with pytest.raises(StaleRecord):
        activity_update(activity=old_copy, data={"title_en": "Renamed"}, expected_version=2)

    assert (_fresh().city, _fresh().version) == ("Astana", 2)


def test_activity_update_without_a_version_saves_as_importers_need(bomca10: Programme):
    activity_update(activity=_fresh(), data={"title_en": "Imported"}, expected_version=1)

    activity_update(activity=_fresh(), data={"title_en": "Imported again"})

    assert (_fresh().title_en, _fresh().version) == ("Imported again", 3)


def test_a_refused_invalid_update_keeps_the_version(bomca10: Programme):
    with pytest.raises(ValidationError, match="end date"):
        activity_update(activity=_fresh(), data={"end_date": _fresh().start_date.replace(day=1)})

    assert _fresh().version == 1


def _race(writes: list[Any]) -> list[str]:
    """Run ``writes`` at once, each in a thread of its own with its own connection; what each
    one gave: "saved", "stale" or the name of another error."""
    barrier = threading.Barrier(len(writes))
    outcomes: list[str] = [""] * len(writes)

    def run(index: int) -> None:
        try:
            barrier.wait()
            writes[index]()
            outcomes[index] = "saved"
        except StaleRecord:
            outcomes[index] = "stale"
        except Exception as error:
            outcomes[index] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(writes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _needs_postgresql() -> Any:
    # The test database of SQLite is in memory, shared between connections through SQLite's
    # shared cache, whose table locks fail at once ("database table is locked") instead of
    # waiting as the file database of the product does: in-process threads cannot show the
    # race there. The conditional UPDATE that decides it is the same on both databases; the
    # tests above show its outcome one write after the other.
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two threads need PostgreSQL (see comment)"
    )


@_needs_postgresql()
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_updates_from_the_same_version_exactly_one_wins(bomca10: Programme):
    def write(title: str) -> Any:
        return lambda: activity_update(
            activity=_fresh(), data={"title_en": title}, expected_version=1
        )

    outcomes = _race([write("First writer"), write("Second writer")])

    assert sorted(outcomes) == ["saved", "stale"]
    activity = _fresh()
    assert activity.version == 2
    winner = "First writer" if outcomes[0] == "saved" else "Second writer"
    assert activity.title_en == winner


# The web form


def _edit_page(client: Client, code: str = SEED) -> Any:
    return client.get(f"/activities/{code}/edit/")


def test_the_edit_form_carries_the_version_in_a_hidden_field(alice_client: Client, bomca10):
    field = page(_edit_page(alice_client)).by_id("id_version")

    assert (field.attrs["type"], field.attrs["value"]) == ("hidden", "1")


def test_a_save_from_a_stale_form_is_refused_with_409_and_changes_nothing(
    alice_client: Client, bomca10: Programme
):
    Attendance.objects.filter(activity__code=SEED).delete()
    data = resubmission(_edit_page(alice_client))
    activity_update(activity=_fresh(), data={"city": "Astana"}, expected_version=1)
    counts_before = list(_fresh().participant_counts.values_list("male", flat=True))
    data.update({"title_en": "Never saved", "counts-0-male": "99"})

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert response.status_code == 409
    alert = page(response).by_id("form-errors").text
    assert "Someone changed this activity since you opened it" in alert
    assert "you have version 1, it is now at version 2" in alert
    activity = _fresh()
    assert (activity.title_en.startswith("National workshop"), activity.city) == (True, "Astana")
    assert activity.version == 2
    assert list(activity.participant_counts.values_list("male", flat=True)) == counts_before


def test_a_stale_form_links_to_the_activity_as_it_is_now(alice_client: Client, bomca10):
    data = resubmission(_edit_page(alice_client))
    activity_update(activity=_fresh(), data={"city": "Astana"}, expected_version=1)

    html = page(alice_client.post(f"/activities/{SEED}/edit/", data))

    links = [link.attrs["href"] for link in html.by_id("form-errors").find_all("a")]
    assert links == [f"/activities/{SEED}/edit/", f"/activities/{SEED}/history/"]


def test_of_two_people_saving_the_same_version_the_second_is_refused(
    client: Client, personas: dict[str, Any]
):
    manager, officer = Client(), Client()
    manager.force_login(personas["pm"])
    officer.force_login(personas["me"])
    first, second = resubmission(_edit_page(manager)), resubmission(_edit_page(officer))
    first["title_en"], second["title_en"] = "The manager's title", "The officer's title"

    saved = manager.post(f"/activities/{SEED}/edit/", first)
    refused = officer.post(f"/activities/{SEED}/edit/", second)

    assert (saved.status_code, refused.status_code) == (302, 409)
    assert (_fresh().title_en, _fresh().version) == ("The manager's title", 2)


def test_an_edit_posted_without_its_version_is_refused_as_stale(alice_client: Client, bomca10):
    data = resubmission(_edit_page(alice_client))
    del data["version"]
    data["title_en"] = "From a page opened before versions existed"

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert response.status_code == 409
    assert _fresh().version == 1


def test_a_new_activity_needs_no_version(alice_client: Client, bomca10: Programme):
    title = "Synthetic workshop recorded without a version"

    response = alice_client.post(
        "/activities/new/", {**activity_fields(bomca10, title_en=title), **count_rows()}
    )

    assert response.status_code == 302
    assert Activity.objects.get(title_en=title).version == 1
