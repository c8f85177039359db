"""Load a programme dataset file (reference data, activities, participant counts).

The file shipped in ``bomca/reference/data/`` reconstructs BOMCA 10 from newsletter issue 6.
Loading inserts what is missing and never changes what exists, so running it twice is the same
as running it once, and corrections made in the app survive a re-run.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bomca.activities.models import Activity
from bomca.activities.selectors import implemented_in
from bomca.activities.services import activity_create
from bomca.core.errors import ApplicationError
from bomca.core.models import Source
from bomca.core.periods import Period, parse_period
from bomca.core.records import describe_validation_error
from bomca.grants.services import call_ensure
from bomca.iati.services import publication_ensure
from bomca.people.models import AttendanceRole
from bomca.people.services import (
    AttendanceInput,
    ParticipantCountInput,
    PersonInput,
    attendance_list_save,
)
from bomca.procurement.services import need_ensure
from bomca.reference.models import Component, Country, Organisation, Programme
from bomca.reference.services import country_ensure, organisation_ensure, programme_ensure
from bomca.reporting.services import newsletter_issue_ensure
from bomca.results.services import framework_ensure

DATASET_FORMAT = 1

T = TypeVar("T")


def reference_dataset_path() -> Path:
    """The BOMCA 10 dataset that ships with the package."""
    return Path(str(resources.files("bomca.reference") / "data" / "bomca10.json"))


@dataclass
class LoadReport:
    """How many records of each kind were created and how many were already there."""

    created: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)

    def count(self, kind: str, *, created: bool) -> None:
        (self.created if created else self.present)[kind] += 1


def dataset_read(path: Path) -> dict[str, Any]:
    """The parsed dataset file; an ``ApplicationError`` naming the line when it is not JSON."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ApplicationError(
            _("Dataset file %(path)s does not exist.") % {"path": path}
        ) from None
    except json.JSONDecodeError as error:
        raise ApplicationError(
            _("Dataset file %(path)s is not valid JSON: line %(line)s, column %(column)s: %(msg)s.")
            % {"path": path, "line": error.lineno, "column": error.colno, "msg": error.msg}
        ) from None
    if not isinstance(data, dict) or data.get("format") != DATASET_FORMAT:
        raise ApplicationError(
            _("Dataset file %(path)s is not a format-%(format)s dataset.")
            % {"path": path, "format": DATASET_FORMAT}
        )
    return data


@transaction.atomic
def dataset_load(*, path: Path | None = None) -> LoadReport:
    """Insert the dataset's missing records; all or nothing."""
    data = dataset_read(path or reference_dataset_path())
    report = LoadReport()
    _each(
        data, "countries", lambda record: _count(report, "countries", country_ensure(record=record))
    )
    _each(
        data,
        "organisations",
        lambda record: _count(report, "organisations", organisation_ensure(record=record)),
    )
    programme_record = data["programme"]
    programme, created = _located("programme", 0, lambda: programme_ensure(record=programme_record))
    report.count("programmes", created=created)
    _each(data, "activities", lambda record: _activity_ensure(programme, record, report))
    if synthetic := data.get("synthetic_attendance"):
        period = parse_period(synthetic["period"])
        listed = implemented_in(programme=programme, period=period).filter(
            attendances__isnull=False
        )
        for _existing in range(listed.distinct().count()):
            report.count("synthetic attendance lists", created=False)
        made = synthetic_attendance_ensure(
            programme=programme, period=period, seed=synthetic["seed"]
        )
        for _made in range(made):
            report.count("synthetic attendance lists", created=True)
    _each(
        data,
        "procurement",
        lambda record: _count(
            report, "procurement needs", need_ensure(programme=programme, record=record)
        ),
    )
    _each(
        data,
        "newsletters",
        lambda record: _count(
            report, "newsletter issues", newsletter_issue_ensure(programme=programme, record=record)
        ),
    )
    _each(
        data,
        "grants",
        lambda record: _count(
            report, "grant calls", call_ensure(programme=programme, record=record)
        ),
    )
    _each(
        data,
        "iati",
        lambda record: _count(
            report, "IATI publications", publication_ensure(programme=programme, record=record)
        ),
    )
    _each(
        data,
        "results",
        lambda record: _count(
            report, "results frameworks", framework_ensure(programme=programme, record=record)
        ),
    )
    return report


def _count(report: LoadReport, kind: str, result: tuple[object, bool]) -> None:
    report.count(kind, created=result[1])


def _each(data: Mapping[str, Any], key: str, load: Callable[[Mapping[str, Any]], None]) -> None:
    for index, record in enumerate(data.get(key, [])):
        _located(key, index, partial(load, record))


def _located(key: str, index: int, load: Callable[[], T]) -> T:
    """Run ``load``; turn a failure into one sentence naming the record."""
    try:
        return load()
    except ValidationError as error:
        problem = describe_validation_error(error)
    except (KeyError, ObjectDoesNotExist, ValueError) as error:
        problem = f"{type(error).__name__}: {error}"
    raise ApplicationError(
        _("Dataset record %(key)s[%(index)s] is invalid: %(problem)s")
        % {"key": key, "index": index, "problem": problem}
    )


SYNTHETIC_NOTE = (
    "Synthetic person made by the dataset loader so that the quarter's activities have "
    "attendance lists; the list reproduces the activity's counts by country, organisation and "
    "sex. Not a real person; test scores and ratings are illustrative."
)


def synthetic_attendance_ensure(*, programme: Programme, period: Period, seed: int) -> int:
    """Give the period's implemented activities that have counts but no list a synthetic list.

    Deterministic: the same people (named "Synthetic participant KZ-BORDER-F-003") come back
    for every activity of the same country and organisation, so people attend several
    activities as in life. Returns how many lists were made.
    """
    made = 0
    activities = (
        implemented_in(programme=programme, period=period)
        .filter(attendances__isnull=True)
        .prefetch_related("participant_counts__country", "participant_counts__organisation")
        .select_related("trainer_country")
        .order_by("start_date", "code")
    )
    for activity in activities:
        counts = list(activity.participant_counts.all())
        if not counts:
            continue
        rng = random.Random(f"{seed}-{activity.code}")  # noqa: S311 - synthetic data, not secrets
        rows: list[tuple[PersonInput, AttendanceInput]] = []
        days = (activity.end_date - activity.start_date).days + 1
        for count in counts:
            unit = count.organisation.code if count.organisation else f"{count.country.code}-OTHER"
            for sex, number in (
                ("female", count.female),
                ("male", count.male),
                ("unrecorded", count.unrecorded),
            ):
                for index in range(1, number + 1):
                    pre = rng.randint(35, 70)
                    rows.append(
                        (
                            PersonInput(
                                full_name=f"Synthetic participant {unit}-{sex[0].upper()}"
                                f"-{index:03d}",
                                country=count.country,
                                organisation=count.organisation,
                                sex=sex,
                            ),
                            AttendanceInput(
                                days_attended=days,
                                completed=rng.random() > 0.05,
                                pre_test=Decimal(pre),
                                post_test=Decimal(min(100, pre + rng.randint(-5, 30))),
                                satisfaction=rng.choice([3, 4, 4, 5, 5, 5]),
                            ),
                        )
                    )
        if activity.trainer_country is not None:
            rows.append(
                (
                    PersonInput(
                        full_name=f"Synthetic trainer {activity.trainer_country.code}-01",
                        country=activity.trainer_country,
                        sex=rng.choice(["female", "male"]),
                    ),
                    AttendanceInput(role=AttendanceRole.TRAINER, days_attended=days),
                )
            )
        attendance_list_save(
            activity=activity,
            rows=rows,
            source=Source.ILLUSTRATIVE,
            source_note=SYNTHETIC_NOTE,
        )
        made += 1
    return made


def _activity_ensure(programme: Programme, record: Mapping[str, Any], report: LoadReport) -> None:
    if Activity.objects.filter(code=record["code"]).exists():
        report.count("activities", created=False)
        return
    data = {
        field: record.get(field, "")
        for field in (
            "title_en",
            "title_ru",
            "thematic_area",
            "activity_type",
            "scope",
            "format",
            "city",
            "status",
            "delivered_by",
            "outputs",
            "narrative_en",
            "narrative_ru",
        )
    }
    data["component"] = Component.objects.get(programme=programme, number=record["component"])
    data["start_date"] = date.fromisoformat(record["start_date"])
    data["end_date"] = date.fromisoformat(record["end_date"])
    for key in ("host_country", "abroad_country", "trainer_country"):
        data[key] = Country.objects.get(code=record[key]) if record.get(key) else None
    for key in ("beneficiary_organisations", "co_organisers"):
        data[key] = list(Organisation.objects.filter(code__in=record.get(key, [])))
        if len(data[key]) != len(set(record.get(key, []))):
            raise ValueError(f"{key} names an organisation that is not in the dataset")
    counts = [_participant_row(row) for row in record.get("participants", [])]
    activity_create(
        programme=programme,
        data=data,
        participant_counts=counts,
        code=record["code"],
        source=record["source"],
        source_note=record.get("source_note", ""),
    )
    report.count("activities", created=True)


def _participant_row(row: Mapping[str, Any]) -> ParticipantCountInput:
    organisation = row.get("organisation")
    return ParticipantCountInput(
        country=Country.objects.get(code=row["country"]),
        organisation=Organisation.objects.get(code=organisation) if organisation else None,
        female=int(row.get("female", 0)),
        male=int(row.get("male", 0)),
        unrecorded=int(row.get("unrecorded", 0)),
        source=row["source"],
        source_note=row.get("source_note", ""),
    )
