"""Writes of participation records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bomca.activities.models import Activity
from bomca.core.history import bulk_create_audited, bulk_insert_audited, bulk_update_audited
from bomca.core.models import Source
from bomca.core.names import name_key
from bomca.core.records import record_maker
from bomca.people.models import (
    Attendance,
    AttendanceRole,
    Participant,
    ParticipantCount,
    PersonSex,
    Trainer,
)
from bomca.reference.models import Country, Organisation


@dataclass(frozen=True)
class ParticipantCountInput:
    """One row of aggregate participation: a country (and organisation) with counts by sex."""

    country: Country
    organisation: Organisation | None = None
    female: int = 0
    male: int = 0
    unrecorded: int = 0
    source: str = Source.RECORDED
    source_note: str = ""


@transaction.atomic
def participant_counts_replace(
    *, activity: Activity, rows: Sequence[ParticipantCountInput]
) -> list[ParticipantCount]:
    """Make the activity's participant counts exactly ``rows``; all rows valid or none saved.

    Rows are matched to the existing ones by country and organisation: a row that did not
    change is not written (so its history stays quiet), a changed one is updated, a new one
    created and a missing one deleted.
    """
    existing = {
        (record.country_id, record.organisation_id): record
        for record in activity.participant_counts.all()
    }
    seen: set[tuple[int, int | None]] = set()
    kept: list[ParticipantCount] = []
    created: list[ParticipantCount] = []
    for index, row in enumerate(rows, start=1):
        key = (row.country.pk, row.organisation.pk if row.organisation else None)
        if key in seen:
            raise ValidationError(
                _("Row %(row)s repeats the country and organisation of an earlier row.")
                % {"row": index}
            )
        seen.add(key)
        record = existing.get(key) or ParticipantCount(
            activity=activity, country=row.country, organisation=row.organisation
        )
        values = {
            "female": row.female,
            "male": row.male,
            "unrecorded": row.unrecorded,
            "source": row.source,
            "source_note": row.source_note,
        }
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, values[name])
        record.full_clean()
        if record.pk is None:
            created.append(record)
        elif changed:
            record.save(update_fields=[*changed, "updated_at"])
        kept.append(record)
    for key, record in existing.items():
        if key not in seen:
            record.delete()
    bulk_create_audited(ParticipantCount, created)
    return kept


# --- named participants and attendance ----------------------------------------------------


@dataclass(frozen=True)
class PersonInput:
    """A person as an attendance list gives them."""

    full_name: str
    country: Country
    sex: str = PersonSex.UNRECORDED
    year_of_birth: int | None = None
    organisation: Organisation | None = None
    organisation_name: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""

    @cached_property
    def key(self) -> tuple[str, int, int | None, str]:
        """What makes two rows the same person: name, country and organisation."""
        return (
            name_key(self.full_name),
            self.country.pk,
            self.organisation.pk if self.organisation else None,
            "" if self.organisation else name_key(self.organisation_name),
        )


@dataclass(frozen=True)
class AttendanceInput:
    """What a person did in one activity."""

    role: str = AttendanceRole.PARTICIPANT
    days_attended: int | None = None
    completed: bool | None = None
    pre_test: Decimal | None = None
    post_test: Decimal | None = None
    satisfaction: int | None = None


@dataclass
class ListReport:
    """What an attendance list did (or, in a dry run, would do)."""

    participants_created: int = 0
    participants_updated: int = 0
    participants_matched: int = 0
    attendances_created: int = 0
    attendances_updated: int = 0
    attendances_unchanged: int = 0
    attendances_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.participants_created
            or self.participants_updated
            or self.attendances_created
            or self.attendances_updated
            or self.attendances_removed
        )


_PERSON_FIELDS = ("sex", "year_of_birth", "position", "email", "phone")
_ATTENDANCE_FIELDS = ("role", "days_attended", "completed", "pre_test", "post_test", "satisfaction")


def participant_find(person: PersonInput) -> Participant | None:
    """The participant this row is, if recorded: same name key, country and organisation, and
    the same year of birth where both give one."""
    candidates = _participants_by_key([person]).get(person.key[:2], [])
    return _match(candidates, person)


@transaction.atomic
def attendance_list_save(
    *,
    activity: Activity,
    rows: Sequence[tuple[PersonInput, AttendanceInput]],
    source: str = Source.RECORDED,
    source_note: str = "",
    replace: bool = False,
) -> ListReport:
    """Record the activity's attendance list; all rows or none.

    People are found (``participant_find``'s rule) or created; a found person's missing details
    are filled in, never overwritten with blanks. Saving the same list twice changes nothing the
    second time. With ``replace`` the activity's attendance not in ``rows`` is removed. The
    activity's participant counts are then made from the list (people in the role
    *participant*), so every figure counts the same people.

    Written in bulk (a few queries per thousand rows, history included): a list of 100,000
    rows is one transaction of seconds, not of 100,000 round trips.
    """
    report = ListReport()
    duration = (activity.end_date - activity.start_date).days + 1
    seen: dict[tuple[str, int, int | None, str], int] = {}
    for index, (person, attendance) in enumerate(rows, start=1):
        if person.key in seen:
            raise ValidationError(
                _("Row %(row)s is the same person as row %(first)s.")
                % {"row": index, "first": seen[person.key]}
            )
        seen[person.key] = index
        if attendance.days_attended is not None and attendance.days_attended > duration:
            raise ValidationError(
                _("Row %(row)s: the activity lasted %(days)s days; fewer were attended.")
                % {"row": index, "days": duration}
            )
    known = _participants_by_key([person for person, _attendance in rows])
    new_participant, new_attendance = record_maker(Participant), record_maker(Attendance)
    created: list[Participant] = []
    updated: dict[int, tuple[Participant, set[str]]] = {}
    people: list[Participant] = []
    for person, _attendance in rows:
        participant = _match(known.get(person.key[:2], []), person)
        if participant is None:
            # Ids, not instances, and no Model.__init__: at 100,000 rows they cost more than
            # the database's own work.
            participant = new_participant(
                {
                    "full_name": " ".join(person.full_name.split()),
                    "name_key": person.key[0],
                    "country_id": person.country.pk,
                    "organisation_id": person.organisation.pk if person.organisation else None,
                    "organisation_name": "" if person.organisation else person.organisation_name,
                    "source": source,
                    "source_note": source_note,
                    **{name: getattr(person, name) or _blank(name) for name in _PERSON_FIELDS},
                }
            )
            created.append(participant)
            known.setdefault(person.key[:2], []).append(participant)
        else:
            filled = _fill(participant, person)
            if filled and participant.pk is not None:
                updated.setdefault(participant.pk, (participant, set()))[1].update(filled)
        people.append(participant)
    bulk_insert_audited(Participant, created)
    fields = sorted({name for _record, names in updated.values() for name in names})
    bulk_update_audited(Participant, [record for record, _names in updated.values()], fields)
    report.participants_created = len(created)
    report.participants_updated = len(updated)
    report.participants_matched = len(rows) - len(created) - len(updated)

    existing = {record.participant_id: record for record in activity.attendances.all()}
    new_attendances: list[Attendance] = []
    changed_attendances: list[Attendance] = []
    changed_fields: set[str] = set()
    for participant, (_person, attendance) in zip(people, rows, strict=True):
        record = existing.get(participant.pk)
        if record is None:
            new_attendances.append(
                new_attendance(
                    {
                        "participant_id": participant.pk,
                        "activity_id": activity.pk,
                        "source": source,
                        "source_note": source_note,
                        **{name: getattr(attendance, name) for name in _ATTENDANCE_FIELDS},
                    }
                )
            )
            continue
        changed = [
            name
            for name in _ATTENDANCE_FIELDS
            if getattr(record, name) != getattr(attendance, name)
        ]
        for name in changed:
            setattr(record, name, getattr(attendance, name))
        if changed:
            changed_attendances.append(record)
            changed_fields.update(changed)
    bulk_insert_audited(Attendance, new_attendances)
    bulk_update_audited(Attendance, changed_attendances, sorted(changed_fields))
    report.attendances_created = len(new_attendances)
    report.attendances_updated = len(changed_attendances)
    report.attendances_unchanged = len(rows) - len(new_attendances) - len(changed_attendances)
    _trainers_ensure(
        [
            participant
            for participant, (_person, attendance) in zip(people, rows, strict=True)
            if attendance.role == AttendanceRole.TRAINER
        ]
    )
    if replace:
        kept = {participant.pk for participant in people}
        for participant_id, record in existing.items():
            if participant_id not in kept:
                record.delete()
                report.attendances_removed += 1
    if report.changed:
        participant_counts_from_list(activity=activity, source=source)
    # A person whose sex the list told us is counted anew in their other activities too.
    resexed = [pk for pk, (_record, names) in updated.items() if "sex" in names]
    if resexed:
        for other in (
            Activity.objects.filter(attendances__participant_id__in=resexed)
            .exclude(pk=activity.pk)
            .distinct()
        ):
            participant_counts_from_list(activity=other, source=source)
    return report


def _trainers_ensure(people: Sequence[Participant]) -> None:
    """Who trains in a list joins the pool of national trainers, with their country as home."""
    pooled = set(
        Trainer.objects.filter(participant__in=people).values_list("participant_id", flat=True)
    )
    bulk_create_audited(
        Trainer,
        [
            Trainer(
                participant=participant,
                home_country_id=participant.country_id,
                source=participant.source,
                source_note=str(_("Trainer in an attendance list.")),
            )
            for participant in people
            if participant.pk not in pooled
        ],
    )


def _participants_by_key(
    people: Sequence[PersonInput],
) -> dict[tuple[str, int], list[Participant]]:
    """Recorded participants with the rows' name keys, by (name key, country), in chunks that
    stay under SQLite's limit of bound parameters."""
    keys = sorted({person.key[0] for person in people})
    found: dict[tuple[str, int], list[Participant]] = {}
    for start in range(0, len(keys), 500):
        for participant in Participant.objects.filter(name_key__in=keys[start : start + 500]):
            found.setdefault((participant.name_key, participant.country_id), []).append(participant)
    return found


def _match(candidates: Sequence[Participant], person: PersonInput) -> Participant | None:
    """The candidate that is this person: same organisation, year of birth not contradicting."""
    organisation_id = person.organisation.pk if person.organisation else None
    written = name_key(person.organisation_name) if organisation_id is None else ""
    for candidate in sorted(candidates, key=lambda record: record.pk or 0):
        if candidate.organisation_id != organisation_id:
            continue
        if organisation_id is None and name_key(candidate.organisation_name) != written:
            continue
        if (
            person.year_of_birth is None
            or candidate.year_of_birth is None
            or candidate.year_of_birth == person.year_of_birth
        ):
            return candidate
    return None


def _fill(participant: Participant, person: PersonInput) -> list[str]:
    """Fill in the details the record lacks; a list never blanks or overrides what is known."""
    filled = [
        name
        for name in _PERSON_FIELDS
        if getattr(person, name)
        and getattr(person, name) != PersonSex.UNRECORDED
        and getattr(participant, name) in (None, "", PersonSex.UNRECORDED)
    ]
    for name in filled:
        setattr(participant, name, getattr(person, name))
    return filled


def _blank(field: str) -> object:
    return {"sex": PersonSex.UNRECORDED, "year_of_birth": None}.get(field, "")


def participant_counts_from_list(
    *, activity: Activity, source: str = Source.RECORDED
) -> list[ParticipantCount]:
    """The activity's counts by country, organisation and sex, made from its attendance list."""
    totals: dict[tuple[int, int | None], dict[str, int]] = {}
    people = activity.attendances.filter(role=AttendanceRole.PARTICIPANT).values_list(
        "participant__country_id", "participant__organisation_id", "participant__sex"
    )
    for country_id, organisation_id, sex in people:
        cell = totals.setdefault(
            (country_id, organisation_id), {"female": 0, "male": 0, "unrecorded": 0}
        )
        cell[sex] += 1
    countries = Country.objects.in_bulk({key[0] for key in totals})
    organisations = Organisation.objects.in_bulk({key[1] for key in totals if key[1]})
    # A count the list confirms keeps its provenance (e.g. "seed": the newsletter says so).
    known = {
        (row.country_id, row.organisation_id): row for row in activity.participant_counts.all()
    }

    def provenance(key: tuple[int, int | None], cell: dict[str, int]) -> tuple[str, str]:
        row = known.get(key)
        if row is not None and (row.female, row.male, row.unrecorded) == (
            cell["female"],
            cell["male"],
            cell["unrecorded"],
        ):
            return row.source, row.source_note
        return source, str(_("Counted from the attendance list."))

    rows = [
        ParticipantCountInput(
            country=countries[country_id],
            organisation=organisations.get(organisation_id) if organisation_id else None,
            female=cell["female"],
            male=cell["male"],
            unrecorded=cell["unrecorded"],
            source=provenance((country_id, organisation_id), cell)[0],
            source_note=provenance((country_id, organisation_id), cell)[1],
        )
        for (country_id, organisation_id), cell in sorted(
            totals.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        )
    ]
    return participant_counts_replace(activity=activity, rows=rows)


# --- duplicates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePlan:
    """What merging ``duplicates`` into ``keep`` will do; shown to the user before it is done."""

    keep: Participant
    duplicates: list[Participant]
    attendances_moved: int
    attendances_dropped: int  # the same activity on both records: the kept one's stays
    details_filled: dict[str, object]


def merge_plan(*, keep: Participant, duplicates: Sequence[Participant]) -> MergePlan:
    if any(duplicate.pk == keep.pk for duplicate in duplicates):
        raise ValidationError(_("A participant cannot be merged into itself."))
    kept_activities = set(keep.attendances.values_list("activity_id", flat=True))
    moved = dropped = 0
    details: dict[str, object] = {}
    for duplicate in duplicates:
        for activity_id in duplicate.attendances.values_list("activity_id", flat=True):
            if activity_id in kept_activities:
                dropped += 1
            else:
                kept_activities.add(activity_id)
                moved += 1
        for name in (*_PERSON_FIELDS, "organisation_name"):
            value = getattr(duplicate, name)
            if (
                value not in (None, "", PersonSex.UNRECORDED)
                and getattr(keep, name) in (None, "", PersonSex.UNRECORDED)
                and name not in details
            ):
                details[name] = value
    return MergePlan(
        keep=keep,
        duplicates=list(duplicates),
        attendances_moved=moved,
        attendances_dropped=dropped,
        details_filled=details,
    )


@transaction.atomic
def participants_merge(*, keep: Participant, duplicates: Sequence[Participant]) -> MergePlan:
    """Make ``duplicates`` one person with ``keep``: their attendance moves, they are deleted.

    Where both attended the same activity, ``keep``'s attendance stays. Details ``keep`` lacks
    are taken from the duplicates. The activities' counts are made again from their lists.
    """
    plan = merge_plan(keep=keep, duplicates=duplicates)
    activities: set[int] = set()
    kept_activities = set(keep.attendances.values_list("activity_id", flat=True))
    for duplicate in duplicates:
        for attendance in duplicate.attendances.all():
            activities.add(attendance.activity_id)
            if attendance.activity_id in kept_activities:
                attendance.delete()
            else:
                attendance.participant = keep
                attendance.save(update_fields=["participant", "updated_at"])
                kept_activities.add(attendance.activity_id)
        if hasattr(duplicate, "trainer") and not hasattr(keep, "trainer"):
            trainer = duplicate.trainer
            trainer.participant = keep
            trainer.save(update_fields=["participant", "updated_at"])
        duplicate.delete()
    for name, value in plan.details_filled.items():
        setattr(keep, name, value)
    if plan.details_filled:
        keep.full_clean()
        keep.save(update_fields=[*plan.details_filled, "updated_at"])
    activities.update(keep.attendances.values_list("activity_id", flat=True))
    for activity in Activity.objects.filter(pk__in=activities):
        participant_counts_from_list(activity=activity)
    return plan


# --- data-subject requests -------------------------------------------------------------------

#: The personal fields of a participant: what an export shows and an erasure clears.
PERSONAL_FIELDS = ("full_name", "year_of_birth", "position", "email", "phone", "organisation_name")


def participant_export(participant: Participant) -> dict[str, object]:
    """Everything the system holds on one person, for a data-subject access request."""
    return {
        "participant": {
            "id": participant.pk,
            "full_name": participant.full_name,
            "sex": participant.sex,
            "year_of_birth": participant.year_of_birth,
            "country": participant.country.code,
            "organisation": participant.organisation.name_en if participant.organisation else None,
            "organisation_as_written": participant.organisation_name,
            "position": participant.position,
            "email": participant.email,
            "phone": participant.phone,
            "source": participant.source,
            "recorded": participant.created_at.isoformat(),
        },
        "national_trainer": (
            {
                "home_country": participant.trainer.home_country.code,
                "topics": participant.trainer.topics,
            }
            if hasattr(participant, "trainer")
            else None
        ),
        "attendance": [
            {
                "activity": attendance.activity.code,
                "title": attendance.activity.title_en,
                "dates": f"{attendance.activity.start_date}..{attendance.activity.end_date}",
                "role": attendance.role,
                "days_attended": attendance.days_attended,
                "completed": attendance.completed,
                "pre_test": str(attendance.pre_test) if attendance.pre_test is not None else None,
                "post_test": str(attendance.post_test)
                if attendance.post_test is not None
                else None,
                "satisfaction": attendance.satisfaction,
            }
            for attendance in participant.attendances.select_related("activity").order_by(
                "activity__start_date"
            )
        ],
        "history_entries": participant.history.count(),
    }


@transaction.atomic
def participant_erase(participant: Participant) -> None:
    """Erase a person's personal data, now and in the history, keeping what the counts need.

    Sex, country, organisation and attendance stay (so every figure is unchanged); the name
    becomes "Erased participant #id" and contacts, year of birth and position are cleared, in
    the record and in each of its history rows. The caller logs the erasure (who, when, which
    id) in the security log; the log never holds the erased data.
    """
    blank = {
        "full_name": str(_("Erased participant #%(id)s") % {"id": participant.pk}),
        "name_key": "",
        "year_of_birth": None,
        "position": "",
        "email": "",
        "phone": "",
        "organisation_name": "",
    }
    participant.history.all().update(**blank)
    Participant.objects.filter(pk=participant.pk).update(**blank)
    if hasattr(participant, "trainer"):
        Trainer.objects.filter(pk=participant.trainer.pk).update(topics="")
        Trainer.history.filter(participant_id=participant.pk).update(topics="")
