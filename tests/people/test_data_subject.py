"""Data-subject requests and the participants export: personal data only where it may go."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from bomca.accounts.models import AuditEvent, AuditEventKind, User
from bomca.cli import main
from bomca.core.periods import parse_period
from bomca.people.models import Attendance, Participant
from bomca.reporting.selectors import key_figures


def _person(name: str = "Synthetic participant KG-BORDER-F-001") -> Participant:
    return Participant.objects.get(full_name=name)


def test_export_subject_prints_everything_held_on_the_person(bomca10, capsys):
    person = _person()
    person.email = "synthetic.person@example.org"
    person.save()

    code = main(["people", "export-subject", "--id", str(person.pk)])

    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["participant"]["full_name"] == person.full_name
    assert data["participant"]["email"] == "synthetic.person@example.org"
    assert {row["activity"] for row in data["attendance"]} == set(
        person.attendances.values_list("activity__code", flat=True)
    )
    event = AuditEvent.objects.get(kind=AuditEventKind.EXPORT)
    assert event.detail == {"what": "data-subject export", "participant": person.pk}


def test_export_subject_writes_a_file_only_its_owner_reads(bomca10, tmp_path, capsys):
    person = _person()
    target = tmp_path / "person.json"

    code = main(["people", "export-subject", "--id", str(person.pk), "-o", str(target)])

    assert code == 0
    assert json.loads(target.read_text())["participant"]["id"] == person.pk
    assert target.stat().st_mode & 0o777 == 0o600


def test_erase_needs_a_confirmation_and_changes_nothing_without_it(bomca10, capsys):
    person = _person()

    code = main(["people", "erase", "--id", str(person.pk)])

    assert code == 1
    assert "--yes" in capsys.readouterr().err
    assert Participant.objects.get(pk=person.pk).full_name == person.full_name


def test_erase_clears_the_person_in_the_record_and_its_history_and_keeps_the_counts(
    bomca10, capsys
):
    person = _person()
    person.email, person.phone, person.year_of_birth = "a@example.org", "+996 000", 1980
    person.save()
    before = key_figures(programme=bomca10, period=parse_period("2023Q2")).as_dict()
    attendances = Attendance.objects.filter(participant=person).count()

    code = main(["people", "erase", "--id", str(person.pk), "--yes"])

    erased = Participant.objects.get(pk=person.pk)
    assert code == 0
    assert erased.full_name == f"Erased participant #{person.pk}"
    assert (erased.email, erased.phone, erased.year_of_birth) == ("", "", None)
    history = list(erased.history.values_list("full_name", "email", "year_of_birth"))
    assert history
    assert all(row[0].startswith("Erased") for row in history)
    assert all(not email and not year for _name, email, year in history)
    assert Attendance.objects.filter(participant=person).count() == attendances
    after = key_figures(programme=bomca10, period=parse_period("2023Q2")).as_dict()
    assert after["participants"] == before["participants"]
    event = AuditEvent.objects.get(kind=AuditEventKind.ERASURE)
    assert event.detail == {"participant": person.pk}
    assert person.full_name not in json.dumps(event.detail)


def test_an_unknown_participant_is_one_line(bomca10, capsys):
    code = main(["people", "export-subject", "--id", "999999"])

    assert code == 1
    assert capsys.readouterr().err.strip() == "bomca: error: There is no participant #999999."


def _client(client: Client, personas: dict[str, User], key: str) -> Client:
    client.force_login(personas[key])
    return client


def test_the_export_leaves_contacts_out_unless_asked(client, personas):
    person = _person()
    person.email = "synthetic.person@example.org"
    person.save()
    pm = _client(client, personas, "pm")

    plain = pm.get("/people/export.csv")
    personal = pm.get("/people/export.csv", {"personal": "1"})

    plain_rows = list(
        csv.reader(io.StringIO(b"".join(plain.streaming_content).decode("utf-8-sig")))
    )
    personal_rows = list(
        csv.reader(io.StringIO(b"".join(personal.streaming_content).decode("utf-8-sig")))
    )
    assert "E-mail" not in plain_rows[0]
    assert "synthetic.person@example.org" not in str(plain_rows)
    assert "E-mail" in personal_rows[0]
    assert "synthetic.person@example.org" in str(personal_rows)
    assert AuditEvent.objects.filter(kind=AuditEventKind.EXPORT).count() == 2


def test_the_tajik_coordinator_exports_tajik_participants_only(client, personas):
    response = _client(client, personas, "tjcoord").get("/people/export.xlsx")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    countries = {row[3] for row in rows[1:]}
    assert response.status_code == 200
    assert countries == {"TJ"}


@pytest.mark.parametrize("persona", ["donor", "comms", "proc", "grants", "c2lead"])
def test_roles_without_personal_data_cannot_export_participants(client, personas, persona):
    response = _client(client, personas, persona).get("/people/export.csv")

    assert response.status_code == 403
