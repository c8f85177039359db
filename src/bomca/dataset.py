"""Load a programme dataset file (reference data, activities, participant counts).

The file shipped in ``bomca/reference/data/`` reconstructs BOMCA 10 from newsletter issue 6.
Loading inserts what is missing and never changes what exists, so running it twice is the same
as running it once, and corrections made in the app survive a re-run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bomca.activities.models import Activity
from bomca.activities.services import activity_create
from bomca.core.errors import ApplicationError
from bomca.core.records import describe_validation_error
from bomca.people.services import ParticipantCountInput
from bomca.reference.models import Component, Country, Organisation, Programme
from bomca.reference.services import country_ensure, organisation_ensure, programme_ensure
from bomca.reporting.services import newsletter_issue_ensure

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
    _each(
        data,
        "newsletters",
        lambda record: _count(
            report, "newsletter issues", newsletter_issue_ensure(programme=programme, record=record)
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
