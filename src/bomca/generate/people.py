"""Who took part: counts by sex for every implemented activity, and named attendance lists of
obviously synthetic people ("Synthetic person SYN07-00042") for most of them.

People come back: each list mostly draws on the people of the same agencies who attended
before, so that a person has several attendances, as in life. The counts of an activity with a
list are made from the list (its people in the role participant), as the importer makes them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from itertools import islice

from bomca.activities.models import ActivityType as T
from bomca.activities.models import DeliveredBy, Format, Scope, Status
from bomca.core.names import name_key
from bomca.generate import shapes
from bomca.generate.activities import Cell, Planned
from bomca.generate.common import Run
from bomca.generate.reference import ProgrammePlan
from bomca.people.models import (
    Attendance,
    AttendanceRole,
    Participant,
    ParticipantCount,
    PersonSex,
    Trainer,
)
from bomca.reference.models import Country, Organisation

#: Activities whose people are written at a time: bounds the memory a programme takes.
CHUNK = 400
_INTERPRETERS = "Synthetic interpretation service"
_COMMUNITY = "Synthetic community group"

#: A person of a list and their role.
Row = tuple[Participant, str]


class People:
    """The people of one programme, by where they work; new ones are made as lists need them."""

    def __init__(self, run: Run, plan: ProgrammePlan) -> None:
        self.run, self.plan = run, plan
        self.rng = run.rng(plan.number, "people")
        self.made = 0
        self.new: list[Participant] = []
        self.pools: dict[tuple[str, str, int | None], list[Participant]] = {}
        self.trainers: set[int] = set()  # id() of people already in the pool of trainers
        self.new_trainers: list[tuple[Participant, str]] = []

    def pick(
        self,
        pool_key: tuple[str, str, int | None],
        taken: set[int],
        make: Callable[[], Participant],
        newcomers: float,
    ) -> Participant:
        """Someone of the pool not yet in this list; a newcomer now and then (or when all are)."""
        pool = self.pools.setdefault(pool_key, [])
        if pool and self.rng.random() >= newcomers:
            for _attempt in range(4):
                person = pool[self.rng.randrange(len(pool))]
                if id(person) not in taken:
                    taken.add(id(person))
                    return person
        person = make()
        pool.append(person)
        taken.add(id(person))
        return person

    def person(
        self,
        country: Country,
        organisation: Organisation | None,
        kind: str | None,
        *,
        position: str = "",
        organisation_name: str = "",
    ) -> Participant:
        rng = self.rng
        self.made += 1
        name = f"Synthetic person {self.plan.programme.code}-{self.made:05d}"
        if rng.random() < shapes.UNRECORDED_SHARE:
            sex = PersonSex.UNRECORDED
        elif rng.random() < shapes.WOMEN_SHARE.get(kind, shapes.WOMEN_SHARE[None]):
            sex = PersonSex.FEMALE
        else:
            sex = PersonSex.MALE
        born = self.plan.programme.start_date.year - rng.randint(23, 58)
        person = Participant(
            full_name=name,
            name_key=name_key(name),
            sex=sex,
            year_of_birth=born if rng.random() < shapes.YEAR_OF_BIRTH_SHARE else None,
            country_id=country.pk,
            organisation_id=organisation.pk if organisation is not None else None,
            organisation_name=organisation_name,
            position=position or rng.choice(shapes.POSITIONS),
            source="illustrative",
            source_note=self.run.note,
        )
        self.new.append(person)
        return person


def people_write(run: Run, plan: ProgrammePlan, planned: Sequence[Planned]) -> None:
    """Counts for every implemented activity; lists, people and trainers for the listed ones."""
    people = People(run, plan)
    implemented = [row for row in planned if row.activity.status == Status.IMPLEMENTED]
    for chunk in _chunks(implemented, CHUNK):
        lists = {id(row): _attendance_list(people, row) for row in chunk if row.listed}
        run.insert(Participant, people.new)
        people.new = []
        run.insert(Trainer, _trainers(run, people))
        attendances: list[Attendance] = []
        counts: list[ParticipantCount] = []
        for row in chunk:
            rows = lists.get(id(row))
            if rows is None:
                counts += _counts_by_hand(run, people.rng, row)
                continue
            attendances += _attendances(run, people.rng, row, rows)
            counts += _counts_from_list(run, row, rows)
        run.insert(Attendance, attendances)
        run.insert(ParticipantCount, counts)


def _chunks(rows: Sequence[Planned], size: int) -> Iterator[list[Planned]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _attendance_list(people: People, row: Planned) -> list[Row]:
    """The people of one activity and their roles."""
    rng, activity = people.rng, row.activity
    taken: set[int] = set()
    rows: list[Row] = []
    for cell in row.cells:
        rows += [
            (_participant(people, cell, taken), AttendanceRole.PARTICIPANT)
            for _person in range(cell.people)
        ]
    if activity.delivered_by != DeliveredBy.EU_EXPERTS:
        home = activity.trainer_country or activity.host_country or row.cells[0].country
        for _each in range(rng.randint(1, 2)):
            rows.append((_trainer_person(people, home, row.area, taken), AttendanceRole.TRAINER))
    if rng.random() < 0.3:
        cell = rng.choice(row.cells)
        for _each in range(rng.randint(1, 2)):
            rows.append((_participant(people, cell, taken), AttendanceRole.SPEAKER))
    interpreted = activity.format != Format.ONLINE and (
        activity.scope == Scope.REGIONAL or activity.activity_type == T.STUDY_VISIT
    )
    if interpreted:
        country = activity.host_country or row.cells[0].country
        for _each in range(rng.randint(1, 2)):
            rows.append((_interpreter(people, country, taken), AttendanceRole.INTERPRETER))
    return rows


def _participant(people: People, cell: Cell, taken: set[int]) -> Participant:
    organisation = cell.organisation
    return people.pick(
        ("staff", cell.country.code, organisation.pk if organisation else None),
        taken,
        lambda: people.person(
            cell.country,
            organisation,
            cell.kind,
            organisation_name="" if organisation else _COMMUNITY,
        ),
        shapes.NEWCOMER_SHARE,
    )


def _trainer_person(people: People, country: Country, area: str, taken: set[int]) -> Participant:
    training = people.run.directory.training[country.code]
    person = people.pick(
        ("trainer", country.code, None),
        taken,
        lambda: people.person(country, training, training.kind, position="National trainer"),
        0.1,
    )
    if id(person) not in people.trainers:
        people.trainers.add(id(person))
        people.new_trainers.append((person, area))
    return person


def _interpreter(people: People, country: Country, taken: set[int]) -> Participant:
    return people.pick(
        ("interpreter", country.code, None),
        taken,
        lambda: people.person(
            country, None, None, position="Interpreter", organisation_name=_INTERPRETERS
        ),
        0.1,
    )


def _trainers(run: Run, people: People) -> list[Trainer]:
    trainers = [
        Trainer(
            participant_id=person.pk,
            home_country_id=person.country_id,
            topics=area,
            source="illustrative",
            source_note=run.note,
        )
        for person, area in people.new_trainers
    ]
    people.new_trainers = []
    return trainers


def _attendances(run: Run, rng: random.Random, row: Planned, rows: list[Row]) -> list[Attendance]:
    days = row.days
    tested = rng.random() < shapes.TESTED_SHARE
    rated = rng.random() < shapes.RATED_SHARE
    records = []
    for person, role in rows:
        record = Attendance(
            participant_id=person.pk,
            activity_id=row.activity.pk,
            role=role,
            days_attended=days if rng.random() > 0.1 else rng.randint(1, days),
            source="illustrative",
            source_note=run.note,
        )
        if role == AttendanceRole.PARTICIPANT:
            record.completed = rng.random() > 0.05
            if tested:
                pre = rng.randint(30, 75)
                record.pre_test = Decimal(pre)
                record.post_test = Decimal(min(100, pre + rng.randint(-5, 30)))
            if rated:
                record.satisfaction = rng.choice((2, 3, 4, 4, 5, 5, 5))
        records.append(record)
    return records


def _counts_from_list(run: Run, row: Planned, rows: list[Row]) -> list[ParticipantCount]:
    cells: dict[tuple[int, int | None], Counter[str]] = {}
    for person, role in rows:
        if role == AttendanceRole.PARTICIPANT:
            cells.setdefault((person.country_id, person.organisation_id), Counter())[
                person.sex
            ] += 1
    return [
        _count(run, row, country_id, organisation_id, sexes)
        for (country_id, organisation_id), sexes in sorted(
            cells.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        )
    ]


def _counts_by_hand(run: Run, rng: random.Random, row: Planned) -> list[ParticipantCount]:
    records = []
    for cell in row.cells:
        sexes: Counter[str] = Counter()
        women = shapes.WOMEN_SHARE.get(cell.kind, shapes.WOMEN_SHARE[None])
        for _person in range(cell.people):
            if rng.random() < shapes.UNRECORDED_SHARE:
                sexes[PersonSex.UNRECORDED] += 1
            else:
                sexes[PersonSex.FEMALE if rng.random() < women else PersonSex.MALE] += 1
        organisation_id = cell.organisation.pk if cell.organisation else None
        records.append(_count(run, row, cell.country.pk, organisation_id, sexes))
    return records


def _count(
    run: Run, row: Planned, country_id: int, organisation_id: int | None, sexes: Counter[str]
) -> ParticipantCount:
    return ParticipantCount(
        activity_id=row.activity.pk,
        country_id=country_id,
        organisation_id=organisation_id,
        female=sexes[PersonSex.FEMALE],
        male=sexes[PersonSex.MALE],
        unrecorded=sexes[PersonSex.UNRECORDED],
        source="illustrative",
        source_note=run.note,
    )
