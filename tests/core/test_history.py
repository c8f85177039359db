"""The audit trail: every domain model keeps history, stamped with who, from where and how."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import Client
from simple_history.models import HistoricalChanges, registered_models

from bomca.accounts.models import AuditEvent, User
from bomca.activities.models import Activity
from bomca.api.models import ApiCallCount
from bomca.core.history import VIA_SYSTEM, VIA_WEB
from bomca.core.models import DataVersion
from bomca.people.models import ParticipantCount
from bomca.reference.models import Country, Organisation, Programme
from tests.activities.post_data import activity_fields, count_row, count_rows, resubmission
from tests.factories import OrganisationFactory
from tests.pages import Element, page

#: Append-only by design: it is the security log, not a record that changes.
#: The log itself, the rate limit's counters and the data version: bookkeeping, not records.
NOT_AUDITED = {AuditEvent, ApiCallCount, DataVersion}
#: Django's own permission relations of the user; roles and scopes decide access here.
UNAUDITED_M2M = {(User, "groups"), (User, "user_permissions")}

SEED = "C2-KZ-2023-003"  # two participant rows from Kazakhstan, 16 and 6 people
NEW_TITLE = "Workshop on synthetic border crossing statistics"  # activity_fields' title


def _domain_models() -> list[type[models.Model]]:
    """The concrete models of the product's apps, leaving out the history tables themselves."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("bomca.")
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def _keeps_history(model: type[models.Model]) -> bool:
    return model in registered_models.values() and hasattr(model, "history")


def _without_history(candidates: list[type[models.Model]]) -> list[str]:
    return [model._meta.label for model in candidates if not _keeps_history(model)]


# Every model keeps history


def test_every_domain_model_keeps_history():
    domain = [model for model in _domain_models() if model not in NOT_AUDITED]

    assert _without_history(domain) == []


def test_the_walk_finds_the_models_of_every_domain_app():
    found = set(_domain_models())

    assert {User, AuditEvent, Country, Organisation, Programme, Activity, ParticipantCount} <= found
    assert not any(model.__name__.startswith("Historical") for model in found)


def test_the_check_names_a_model_that_keeps_no_history():
    assert _without_history([AuditEvent, Activity]) == ["accounts.AuditEvent"]


def test_every_many_to_many_relation_of_a_domain_model_keeps_history():
    missing = []
    for model in _domain_models():
        if model in NOT_AUDITED:
            continue
        audited = {field.name for field in model.history.model._history_m2m_fields}  # type: ignore[attr-defined]
        for field in model._meta.many_to_many:
            if field.name not in audited and (model, field.name) not in UNAUDITED_M2M:
                missing.append(f"{model._meta.label}.{field.name}")

    assert missing == []


# Where a change came from


def _create_through_the_form(client: Client, programme: Programme) -> Activity:
    data = {**activity_fields(programme), **count_rows(count_row("KG", female=3, male=4))}
    response = client.post("/activities/new/", data)
    assert response.status_code == 302
    return Activity.objects.get(title_en=NEW_TITLE)


def _stamp(record: Any) -> tuple[str | None, str, str | None]:
    user = record.history_user
    return (user.username if user else None, record.history_via, record.history_ip)


def test_recording_an_activity_on_the_web_stamps_the_user_the_channel_and_the_address(
    alice_client: Client, bomca10: Programme
):
    activity = _create_through_the_form(alice_client, bomca10)

    rows = list(activity.history.all())
    assert [row.history_type for row in rows] == ["+"]
    assert _stamp(rows[0]) == ("alice", VIA_WEB, "127.0.0.1")


def test_the_participant_rows_of_a_new_activity_are_stamped_too(
    alice_client: Client, bomca10: Programme
):
    # They are written with bulk_create_audited, which bypasses save() and its signals.
    activity = _create_through_the_form(alice_client, bomca10)

    rows = list(ParticipantCount.history.filter(activity_id=activity.pk))
    assert [(row.history_type, row.female, row.male) for row in rows] == [("+", 3, 4)]
    assert _stamp(rows[0]) == ("alice", VIA_WEB, "127.0.0.1")


def _edit(client: Client, code: str, **changes: str) -> None:
    data = resubmission(client.get(f"/activities/{code}/edit/"))
    data.update(changes)
    response = client.post(f"/activities/{code}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_editing_an_activity_records_a_change_with_the_fields_that_changed(
    alice_client: Client, bomca10: Programme
):
    _edit(alice_client, SEED, title_en="Synthetic corrected title", city="Synthetic City")

    latest = Activity.objects.get(code=SEED).history.first()
    assert latest is not None
    assert latest.history_type == "~"
    assert _stamp(latest) == ("alice", VIA_WEB, "127.0.0.1")
    changed = set(latest.diff_against(latest.prev_record).changed_fields)
    assert changed - {"updated_at"} == {"title_en", "city"}


def test_changing_the_participant_rows_records_each_deletion_change_and_addition(
    alice_client: Client, bomca10: Programme
):
    activity = Activity.objects.get(code=SEED)
    activity.attendances.all().delete()  # counts typed by hand: drop the synthetic list
    first, second = activity.participant_counts.order_by("pk")
    before = ParticipantCount.history.filter(activity_id=activity.pk).count()
    data = resubmission(alice_client.get(f"/activities/{SEED}/edit/"))
    forms = {data[f"counts-{index}-id"]: index for index in range(2)}
    data[f"counts-{forms[str(first.pk)]}-DELETE"] = "on"
    data[f"counts-{forms[str(second.pk)]}-male"] = "9"
    data.update({f"counts-2-{name}": value for name, value in count_row("KG", female=2).items()})

    response = alice_client.post(f"/activities/{SEED}/edit/", data)

    assert response.status_code == 302
    rows = ParticipantCount.history.filter(activity_id=activity.pk).order_by("history_id")
    new = [(row.history_type, row.id, row.country.code, row.male) for row in rows[before:]]
    added = activity.participant_counts.get(country__code="KG")
    assert sorted(new) == sorted(
        [("-", first.pk, "KZ", first.male), ("~", second.pk, "KZ", 9), ("+", added.pk, "KG", 0)]
    )
    assert {_stamp(row) for row in rows[before:]} == {("alice", VIA_WEB, "127.0.0.1")}


def test_loading_the_dataset_records_the_system_as_the_author(bomca10: Programme):
    stamps: set[tuple[str | None, str, str | None]] = set()
    counted = 0
    for model in [Country, Organisation, Programme, Activity, ParticipantCount]:
        rows = list(model.history.all())  # type: ignore[attr-defined]
        counted += len(rows)
        stamps |= {_stamp(row) for row in rows}

    assert counted > 25
    assert stamps == {(None, VIA_SYSTEM, None)}


def test_deleting_an_activity_keeps_its_history_and_adds_a_deletion(bomca10: Programme):
    activity = Activity.objects.get(code=SEED)
    pk = activity.pk

    activity.delete()

    rows = Activity.history.filter(id=pk).order_by("history_id")
    kinds = list(rows.values_list("history_type", flat=True))
    assert (kinds[0], kinds[-1]) == ("+", "-")
    assert ParticipantCount.history.filter(activity_id=pk, history_type="-").count() == 2


# The history page


def _history_rows(client: Client, code: str, **headers: str) -> list[Element]:
    response = client.get(f"/activities/{code}/history/", **headers)
    assert response.status_code == 200
    return page(response).find_all("table", cls="history")[0].find_all("tbody")[0].find_all("tr")


def test_the_history_page_says_who_changed_which_field_from_what_to_what(
    alice_client: Client, bomca10: Programme
):
    old = Activity.objects.get(code=SEED).title_en
    _edit(alice_client, SEED, title_en="Synthetic corrected title")

    newest = _history_rows(alice_client, SEED)[0]

    who, what, changes = newest.find_all("td")[1:]
    # The address is shown to administrators only (it is in their security log).
    assert who.text == "alice web"
    assert what.text == "Activity: changed"
    shown = [
        (
            item.find_all("strong")[0].text,
            item.find_all("del")[0].text,
            item.find_all("ins")[0].text,
        )
        for item in changes.find_all("li")
    ]
    assert ("title (English)", old, "Synthetic corrected title") in shown


def test_the_history_page_shows_a_choice_by_its_label_in_the_reader_s_language(
    alice_client: Client, bomca10: Programme
):
    _edit(alice_client, SEED, status="cancelled")

    english = _history_rows(alice_client, SEED)[0].find_all("td")[3].text
    russian = _history_rows(alice_client, SEED, HTTP_ACCEPT_LANGUAGE="ru")[0].find_all("td")[3].text

    assert "status : Implemented → Cancelled" in english
    assert "implemented" not in english
    assert "статус : Проведено → Отменено" in russian


def test_the_history_page_names_the_system_for_the_loaded_dataset(
    alice_client: Client, bomca10: Programme
):
    rows = _history_rows(alice_client, SEED)

    assert {row.find_all("td")[1].text for row in rows} == {"system system"}
    assert rows[-1].find_all("td")[2].text == "Activity: created"


def _changes_shown(row: Element) -> list[tuple[str, str, str]]:
    changes = row.find_all("td")[3]
    return [
        (
            item.find_all("strong")[0].text,
            item.find_all("del")[0].text,
            item.find_all("ins")[0].text,
        )
        for item in changes.find_all("li")
    ]


def test_the_history_page_names_the_organisations_of_a_many_to_many_change(
    alice_client: Client, bomca10: Programme
):
    activity = Activity.objects.get(code=SEED)
    old = sorted(str(organisation) for organisation in activity.beneficiary_organisations.all())
    kept, added = (
        OrganisationFactory(name_en="Synthetic Kept"),
        OrganisationFactory(name_en="Synthetic Added"),
    )
    activity.beneficiary_organisations.set([kept])
    activity.beneficiary_organisations.add(added)

    # set() removes, then adds: a history row each.
    newest, added_kept, removed = _history_rows(alice_client, SEED)[:3]

    field = "beneficiary organisations"
    assert _changes_shown(removed) == [(field, ", ".join(old), "—")]
    assert _changes_shown(added_kept) == [(field, "—", "Synthetic Kept")]
    assert _changes_shown(newest) == [(field, "Synthetic Kept", "Synthetic Added, Synthetic Kept")]


def test_the_history_page_names_an_organisation_deleted_since_by_its_key(
    alice_client: Client, bomca10: Programme
):
    activity = Activity.objects.get(code=SEED)
    activity.co_organisers.set([])
    gone = OrganisationFactory()
    activity.co_organisers.add(gone)
    activity.co_organisers.remove(gone)
    key = gone.pk
    gone.delete()

    newest, before = _history_rows(alice_client, SEED)[:2]

    deleted = f"Deleted organisation (pk={key})"
    assert _changes_shown(before) == [("co-organisers", "—", deleted)]
    assert _changes_shown(newest) == [("co-organisers", deleted, "—")]


# Nothing edits or deletes history


def test_no_history_table_is_registered_in_the_admin():
    registered = [model._meta.label for model in admin.site._registry]

    assert [label for label in registered if "Historical" in label] == []
    assert not any(issubclass(model, HistoricalChanges) for model in admin.site._registry)


def test_history_rows_cannot_be_edited_through_the_admin_history_pages():
    # SIMPLE_HISTORY_EDIT would let the admin's history form change a history row in place.
    assert getattr(settings, "SIMPLE_HISTORY_EDIT", False) is False


def test_posting_an_old_version_in_the_admin_does_not_revert_the_activity(
    client: Client, personas: dict[str, User], bomca10: Programme
):
    # settings.SIMPLE_HISTORY_REVERT_DISABLED says history is never reverted in the admin; the
    # setting only hides the button, so the post is what has to be refused.
    activity = Activity.objects.get(code=SEED)
    first = activity.history.earliest("history_id")
    activity.title_en = "Synthetic title after the seed"
    activity.save()
    client.force_login(personas["super"])
    url = f"/admin/activities/activity/{activity.pk}/history/{first.history_id}/"
    form = client.get(url).context["adminform"].form
    data = {
        bound.html_name: "" if bound.value() is None else bound.value()
        for bound in form
        if bound.value() is not False
    }
    versions = activity.history.count()

    client.post(url, data)

    assert Activity.objects.get(code=SEED).title_en == "Synthetic title after the seed"
    assert activity.history.count() == versions


def test_posting_to_the_history_page_changes_no_history(alice_client: Client, bomca10: Programme):
    before = list(Activity.history.values_list("history_id", "history_type", "title_en"))

    alice_client.post(f"/activities/{SEED}/history/", {"history_type": "-", "title_en": "x"})

    after = list(Activity.history.values_list("history_id", "history_type", "title_en"))
    assert after == before


# The admin keeps versions like every other way in


def _admin_change_form(client: Client, activity: Activity) -> tuple[str, dict[str, Any]]:
    url = f"/admin/activities/activity/{activity.pk}/change/"
    response = client.get(url)
    form = response.context["adminform"].form
    forms = [form]
    for formset in response.context["inline_admin_formsets"]:
        forms += [formset.formset.management_form, *formset.formset.forms]
    data = {
        bound.html_name: bound.value()
        for each in forms
        for bound in each
        if bound.value() is not None and bound.value() is not False
    }
    return url, data


def test_a_change_in_the_admin_raises_the_version(client: Client, personas: dict[str, User]):
    activity = Activity.objects.get(code=SEED)
    client.force_login(personas["super"])
    url, data = _admin_change_form(client, activity)

    response = client.post(url, {**data, "city": "Almaty (admin)"})

    assert response.status_code == 302, response.context["errors"]
    changed = Activity.objects.get(code=SEED)
    assert (changed.city, changed.version) == ("Almaty (admin)", activity.version + 1)


def test_an_admin_form_opened_before_another_change_is_refused(
    client: Client, personas: dict[str, User]
):
    activity = Activity.objects.get(code=SEED)
    client.force_login(personas["super"])
    url, data = _admin_change_form(client, activity)
    Activity.objects.filter(pk=activity.pk).update(title_en="Changed meanwhile", version=2)

    response = client.post(url, {**data, "city": "Almaty (admin)"})

    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in str(
        response.context["adminform"].form.non_field_errors()
    )
    kept = Activity.objects.get(code=SEED)
    assert (kept.title_en, kept.city, kept.version) == ("Changed meanwhile", activity.city, 2)
