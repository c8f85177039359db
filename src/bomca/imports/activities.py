"""The activity register from a spreadsheet: a plan or a quarter's list, in English or Russian.

Each row is one activity. A row with a code updates that activity (or creates it under that
code when the code is new); a row without one is matched to an activity of the same component
with the same start date and title, so importing a file twice creates nothing the second time.
Rows are checked by the same service as the activity form (``activities.services``), inside one
transaction: one bad row and nothing is saved; a preview runs the same saves and rolls back.
Participant counts by sex (women, men, not recorded) go to the host country, as the activity
form records them; an activity with an attendance list keeps the counts of its list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bomca.accounts import access
from bomca.accounts.models import Role
from bomca.activities import services as activity_services
from bomca.activities.models import (
    Activity,
    ActivityType,
    DeliveredBy,
    Format,
    Scope,
    Status,
)
from bomca.core.names import name_key
from bomca.imports import reading
from bomca.imports.models import ImportTemplate
from bomca.imports.services import (
    ImportResult,
    Problem,
    _add_problems,
    _DryRun,
    _RowReader,
    _text,
    sheet_read,
)
from bomca.people.models import Attendance
from bomca.people.services import ParticipantCountInput
from bomca.reference.models import Component, Country, Organisation, Programme

#: Fields an activity sheet can fill, in the order the mapping form shows them.
ACTIVITY_FIELD_LABELS: dict[str, str] = {
    "code": gettext_noop("Code"),
    "component": gettext_noop("Component"),
    "title_en": gettext_noop("Title (English)"),
    "title_ru": gettext_noop("Title (Russian)"),
    "thematic_area": gettext_noop("Thematic area"),
    "activity_type": gettext_noop("Type"),
    "scope": gettext_noop("Scope"),
    "format": gettext_noop("Format"),
    "host_country": gettext_noop("Host country"),
    "city": gettext_noop("City"),
    "abroad_country": gettext_noop("Held abroad in"),
    "dates": gettext_noop("Dates (one cell)"),
    "start_date": gettext_noop("Start date"),
    "end_date": gettext_noop("End date"),
    "status": gettext_noop("Status"),
    "delivered_by": gettext_noop("Delivered by"),
    "trainer_country": gettext_noop("National trainers from"),
    "beneficiaries": gettext_noop("Beneficiary organisations"),
    "female": gettext_noop("Women"),
    "male": gettext_noop("Men"),
    "unrecorded": gettext_noop("Sex not recorded"),
    "outputs": gettext_noop("Outputs"),
    "narrative_en": gettext_noop("Narrative (English)"),
    "narrative_ru": gettext_noop("Narrative (Russian)"),
}

# fmt: off
ACTIVITY_FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("Code", "Activity code", "Код", "Код мероприятия", "ID"),
    "component": ("Component", "Компонент", "Comp.", "Комп."),
    "title_en": (
        "Title", "Title (English)", "Title EN", "Activity", "Activity title", "Name of activity",
        "Название (англ.)", "Название на английском",
    ),
    "title_ru": (
        "Title (Russian)", "Title RU", "Название", "Название (рус.)", "Наименование",
        "Наименование мероприятия", "Мероприятие",
    ),
    "thematic_area": (
        "Thematic area", "Topic", "Theme", "Тема", "Тематика", "Тематическая область",
    ),
    "activity_type": ("Type", "Activity type", "Тип", "Вид", "Вид мероприятия", "Тип мероприятия"),
    "scope": ("Scope", "National or regional", "Level", "Уровень", "Охват"),
    "format": ("Format", "Формат", "Форма проведения"),
    "host_country": ("Host country", "Country", "Страна", "Страна проведения"),
    "city": ("City", "Place", "Venue", "Location", "Город", "Место", "Место проведения"),
    "abroad_country": ("Held abroad in", "Abroad", "Country abroad", "Страна за рубежом"),
    "dates": ("Dates", "Date", "Period", "Даты", "Дата", "Сроки", "Период", "Дата проведения"),
    "start_date": ("Start", "Start date", "From", "Начало", "Дата начала", "С"),
    "end_date": ("End", "End date", "To", "Окончание", "Дата окончания", "По"),
    "status": ("Status", "Статус", "Состояние"),
    "delivered_by": ("Delivered by", "Conducted by", "Trainers", "Проводили", "Кем проведено"),
    "trainer_country": (
        "National trainers from", "Trainers from", "Trainer country", "Тренеры из",
        "Страна тренеров",
    ),
    "beneficiaries": (
        "Beneficiary organisations", "Beneficiaries", "Beneficiary", "Agencies",
        "Бенефициары", "Организации-бенефициары", "Ведомства",
    ),
    "female": ("Women", "Female", "F", "Женщины", "Жен.", "Ж"),
    "male": ("Men", "Male", "M", "Мужчины", "Муж.", "М"),
    "unrecorded": ("Sex not recorded", "Not recorded", "Unknown", "Пол не указан"),
    "outputs": ("Outputs", "Results", "Результаты"),
    "narrative_en": ("Narrative", "Narrative (English)", "Description", "Описание (англ.)"),
    "narrative_ru": ("Narrative (Russian)", "Описание", "Описание (рус.)"),
}
# fmt: on

_LIST_SEPARATORS = (";", "\n", ",")


@dataclass
class ActivitiesReport:
    """What an activity import does (or would do), with the codes concerned."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes_created: list[str] = field(default_factory=list)
    codes_updated: list[str] = field(default_factory=list)


@dataclass
class _ActivityRow:
    number: int
    existing: Activity | None
    code: str | None
    data: dict[str, Any]
    counts: tuple[int, int, int] | None


class _Choices:
    """A model's choice from its value or its label in English or Russian ("Семинар")."""

    def __init__(self, choices: type[Any], hint: str) -> None:
        self.hint = hint
        self.by_key: dict[str, str] = {}
        for value, label in choices.choices:
            self.by_key[name_key(value.replace("_", " "))] = value
            for language in ("en", "ru"):
                with translation.override(language):
                    self.by_key[name_key(str(label))] = value

    def __call__(self, cell: reading.Cell) -> str:
        value = self.by_key.get(name_key(str(cell)))
        if value is None:
            raise reading.ValueProblem(
                _("“%(value)s” is not understood; write one of: %(choices)s.")
                % {"value": _text(cell)[:60], "choices": self.hint}
            )
        return value


def _hint(choices: type[Any]) -> str:
    return ", ".join(str(label) for _value, label in choices.choices)


class _Lookup:
    """Components, countries and organisations by the names people write for them."""

    def __init__(self, programme: Programme) -> None:
        self.components: dict[str, Component] = {}
        for component in Component.objects.filter(programme=programme):
            number = str(component.number)
            for text in (
                number,
                f"C{number}",
                f"Component {number}",
                f"Компонент {number}",
                f"К{number}",
                component.title_en,
                component.title_ru,
            ):
                if text:
                    self.components[name_key(text)] = component
        self.countries: dict[str, Country] = {}
        for country in Country.objects.all():
            for text in (
                country.code,
                country.iso3,
                country.name_en,
                country.name_ru,
                country.adjective_en,
            ):
                if text:
                    self.countries[name_key(text)] = country
        self.organisations: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.all():
            for text in {
                organisation.name_en,
                organisation.name_ru,
                organisation.acronym,
                organisation.code,
            }:
                if text:
                    self.organisations.setdefault(name_key(text), []).append(organisation)

    def component(self, cell: reading.Cell) -> Component:
        text = _text(cell)
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        found = self.components.get(name_key(text))
        if found is None:
            raise reading.ValueProblem(
                _("“%(value)s” is not a component of the programme; write its number, e.g. 1.")
                % {"value": text[:60]}
            )
        return found

    def country(self, cell: reading.Cell) -> Country:
        found = self.countries.get(name_key(_text(cell)))
        if found is None:
            raise reading.ValueProblem(
                _("“%(value)s” is not a country the system knows.") % {"value": _text(cell)[:60]}
            )
        return found

    def organisations_in(self, cell: reading.Cell) -> list[Organisation]:
        """Several organisations in one cell, separated by semicolons, commas or new lines."""
        text = _text(cell)
        separator = next((mark for mark in _LIST_SEPARATORS if mark in text), None)
        parts = [part.strip() for part in (text.split(separator) if separator else [text])]
        found: list[Organisation] = []
        unknown: list[str] = []
        for part in filter(None, parts):
            candidates = self.organisations.get(name_key(part), [])
            if len(candidates) == 1:
                found.append(candidates[0])
            elif candidates:
                raise reading.ValueProblem(
                    _("“%(value)s” names more than one organisation; write its full name.")
                    % {"value": part[:60]}
                )
            else:
                unknown.append(part[:60])
        if unknown:
            raise reading.ValueProblem(
                _("Not organisations the system knows: %(names)s.")
                % {"names": ", ".join(f"“{name}”" for name in unknown)}
            )
        return list(dict.fromkeys(found))


def activities_import(
    *,
    data: bytes,
    filename: str,
    programme: Programme,
    user: Any = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[int, str] | None = None,
    template: ImportTemplate | None = None,
    dry_run: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read, check and (unless ``dry_run``) import activities into ``programme``.

    With a ``user``, each row must be an activity the user may record (their components or
    countries); without one (the command line, data loads) every row may be. Nothing is
    written when any row has a problem.
    """
    result, rows, header_index = sheet_read(
        data=data,
        filename=filename,
        sheet=sheet,
        header_row=header_row,
        mapping=mapping,
        template=template,
        fields=ACTIVITY_FIELDS,
        labels=ACTIVITY_FIELD_LABELS,
        check=_check_activity_mapping,
        missing_headings=_(
            "No row of headings was found (such as “Component”, “Title”, “Type”, “Dates” or "
            "«Компонент», «Название», «Даты»); say which row holds them."
        ),
    )
    if result.problems or header_index is None:
        return result
    parsed = _activity_rows(rows, header_index, result, programme=programme, progress=progress)
    result.rows = len(parsed)
    if not parsed and not result.problems:
        result.problems.append(
            Problem(
                row=header_index + 2, column="", message=_("There are no rows under the headings.")
            )
        )
    try:
        # Even when some rows could not be read, the others are checked by the activity rules
        # (rolled back), so that one round of corrections fixes the whole file.
        with transaction.atomic():
            report = _activities_save(parsed, result, programme=programme, user=user)
            if result.problems or dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if result.problems:
        result.problems.sort(key=lambda problem: problem.row)
        return result
    result.activities = report
    result.imported = not dry_run
    return result


def _check_activity_mapping(result: ImportResult) -> None:
    fields = set(result.mapping.values())
    missing = []
    if "code" not in fields:
        if "component" not in fields:
            missing.append(_("Component"))
        if not fields & {"title_en", "title_ru"}:
            missing.append(_("Title (English)"))
        if "dates" not in fields and "start_date" not in fields:
            missing.append(_("Start date"))
    if "dates" in fields and fields & {"start_date", "end_date"}:
        result.problems.append(
            Problem(
                row=result.header_row or 1,
                column="",
                message=_("Map either one column of dates or the start and end dates, not both."),
            )
        )
    if missing:
        result.problems.append(
            Problem(
                row=result.header_row or 1,
                column="",
                message=_(
                    "No column is mapped to %(fields)s; a new activity needs them (or map "
                    "the code of existing activities)."
                )
                % {"fields": ", ".join(f"“{name}”" for name in missing)},
            )
        )


def _activity_rows(
    rows: Sequence[Sequence[reading.Cell]],
    header_index: int,
    result: ImportResult,
    *,
    programme: Programme,
    progress: Callable[[int, int], None] | None,
) -> list[_ActivityRow]:
    lookup = _Lookup(programme)
    columns = {name: index for index, name in result.mapping.items()}
    headings = result.headers
    existing_by_code = {
        activity.code: activity
        for activity in Activity.objects.filter(programme=programme).prefetch_related(
            "beneficiary_organisations", "participant_counts"
        )
    }
    existing_by_key = {
        (activity.component_id, activity.start_date, name_key(activity.title_en)): activity
        for activity in existing_by_code.values()
    }
    parsers: dict[str, Callable[[reading.Cell], Any]] = {
        "component": lookup.component,
        "activity_type": _Choices(ActivityType, _hint(ActivityType)),
        "scope": _Choices(Scope, _hint(Scope)),
        "format": _Choices(Format, _hint(Format)),
        "status": _Choices(Status, _hint(Status)),
        "delivered_by": _Choices(DeliveredBy, _hint(DeliveredBy)),
        "host_country": lookup.country,
        "abroad_country": lookup.country,
        "trainer_country": lookup.country,
        "beneficiary_organisations": lookup.organisations_in,
        "start_date": reading.parse_date,
        "end_date": reading.parse_date,
        "dates": reading.parse_date_range,
        "female": _count,
        "male": _count,
        "unrecorded": _count,
    }
    parsed: list[_ActivityRow] = []
    first_row: dict[str, int] = {}
    total = len(rows) - header_index - 1
    for offset, row in enumerate(rows[header_index + 1 :], start=1):
        number = header_index + 1 + offset
        if progress is not None and offset % 100 == 0:
            progress(offset, total)
        if not any(_text(cell) for cell in row):
            continue
        problems: list[Problem] = []
        reader = _RowReader(row, number, columns, headings, problems)
        code = _text(reader.cell("code")).upper() or None
        existing = existing_by_code.get(code) if code else None
        mistyped = bool(
            code and existing is None and not activity_services.CODE_PATTERN.match(code)
        )
        if code and mistyped:
            problems.append(
                Problem(
                    row=number,
                    column=headings[columns["code"]],
                    message=_(
                        "“%(value)s” is not an activity code such as C1-KG-2023-014; leave it "
                        "empty for a new activity."
                    )
                    % {"value": code[:60]},
                )
            )
        data: dict[str, Any] = {}
        for name in ACTIVITY_FIELD_LABELS:
            if name not in columns or name in ("code", "female", "male", "unrecorded"):
                continue
            target = "beneficiary_organisations" if name == "beneficiaries" else name
            parser = parsers.get(target, _text)
            value = reader.parse(name, parser)
            if value is None:
                continue  # an empty cell leaves an existing activity's value; a bad one is noted
            if name == "dates":
                data["start_date"], data["end_date"] = value
            else:
                data[target] = value
        counts = _row_counts(reader, columns)
        key = (
            getattr(data.get("component"), "pk", None),
            data.get("start_date"),
            name_key(data.get("title_en") or data.get("title_ru") or ""),
        )
        if existing is None and code is None:
            existing = existing_by_key.get(key)  # type: ignore[arg-type]
        # A new activity without an end date lasts one day; an existing one keeps its end date
        # when its cell is empty.
        if (
            "start_date" in data
            and "end_date" not in data
            and (existing is None or "end_date" not in columns)
        ):
            data["end_date"] = data["start_date"]
        # Two new rows are the same activity when they would be matched to the same one on the
        # next import (component, start date, title), or that import would refuse the file.
        identity = (
            existing.code
            if existing
            else code or repr(key if all(key) else sorted(map(str, data.items())))
        )
        if identity in first_row:
            problems.append(
                Problem(
                    row=number,
                    column="",
                    message=_("The same activity as row %(row)s.") % {"row": first_row[identity]},
                )
            )
        else:
            first_row[identity] = number
        if existing is None and not mistyped:  # a mistyped code meant an existing activity
            noted = {problem.column for problem in problems}
            problems.extend(
                gap
                for gap in _new_activity_gaps(data, number, columns, headings)
                if not gap.column or gap.column not in noted
            )
        if problems:
            _add_problems(result, problems)
            continue
        parsed.append(
            _ActivityRow(number=number, existing=existing, code=code, data=data, counts=counts)
        )
    return parsed


def _count(cell: reading.Cell) -> int:
    value = reading.parse_int(cell)
    if value < 0:
        raise reading.ValueProblem(_("A number of people cannot be negative."))
    return value


def _row_counts(reader: _RowReader, columns: Mapping[str, int]) -> tuple[int, int, int] | None:
    names = ("female", "male", "unrecorded")
    if not any(name in columns and _text(reader.cell(name)) for name in names):
        return None
    values = [reader.parse(name, _count) or 0 for name in names]
    return values[0], values[1], values[2]


def _new_activity_gaps(
    data: Mapping[str, Any], number: int, columns: Mapping[str, int], headings: Sequence[str]
) -> Iterable[Problem]:
    """What a new activity lacks, named by the column to fill (or the field to map)."""
    if "title_en" not in data and "title_ru" in data:
        return []  # the English title is taken from the Russian one below
    needed = {
        "component": _("The component is empty."),
        "title_en": _("The title is empty."),
        "start_date": _("The dates are empty."),
    }
    gaps = []
    for name, message in needed.items():
        if name not in data:
            column = "dates" if name == "start_date" and "dates" in columns else name
            heading = headings[columns[column]] if column in columns else ""
            gaps.append(Problem(row=number, column=heading, message=message))
    return gaps


_FIELD_OF_ERROR = {"beneficiary_organisations": "beneficiaries"}


def _activities_save(
    parsed: Sequence[_ActivityRow], result: ImportResult, *, programme: Programme, user: Any
) -> ActivitiesReport:
    """Create or update each row's activity through the activity services; collect problems."""
    report = ActivitiesReport()
    columns = {name: index for index, name in result.mapping.items()}
    listed = set(
        Attendance.objects.filter(activity__programme=programme)
        .values_list("activity_id", flat=True)
        .distinct()
    )
    for row in parsed:
        data = dict(row.data)
        if "title_en" not in data and "title_ru" in data and row.existing is None:
            data["title_en"] = data["title_ru"]
        if row.existing is None:
            data.setdefault("activity_type", ActivityType.WORKSHOP)
            data.setdefault("scope", Scope.NATIONAL if data.get("host_country") else Scope.REGIONAL)
        problems: list[Problem] = []
        if user is not None and row.existing and not access.may_change_activity(user, row.existing):
            # As the form does: checked before the change as well as after, or a coordinator
            # could take another country's activity by writing their own country in its row.
            _add_problems(result, [_outside_problem(row.number, user, result, columns)])
            continue
        try:
            with transaction.atomic():
                activity, action = _activity_write(row, data, programme=programme, listed=listed)
                if user is not None and not access.may_change_activity(user, activity):
                    problems.append(_outside_problem(row.number, user, result, columns))
        except ValidationError as error:
            for name, messages in _error_items(error):
                column = _FIELD_OF_ERROR.get(name, name)
                if column == "start_date" and "dates" in columns:
                    column = "dates"
                if column == "end_date" and "dates" in columns:
                    column = "dates"
                heading = result.headers[columns[column]] if column in columns else ""
                label = "" if heading or name == "__all__" else f"{_field_label(name)}: "
                problems.extend(
                    Problem(row=row.number, column=heading, message=label + message)
                    for message in messages
                )
        if problems:
            _add_problems(result, problems)
            continue
        if action == "created":
            report.created += 1
            report.codes_created.append(activity.code)
        elif action == "updated":
            report.updated += 1
            report.codes_updated.append(activity.code)
        else:
            report.unchanged += 1
    return report


#: The column that puts a row outside what a role may record.
_OUTSIDE_COLUMN = {Role.COMPONENT_LEAD: "component", Role.NATIONAL_COORDINATOR: "host_country"}


def _outside_problem(
    number: int, user: Any, result: ImportResult, columns: Mapping[str, int]
) -> Problem:
    """A row the user may not record, named by the column of their components or countries."""
    role = access.role_of(user)
    name = _OUTSIDE_COLUMN.get(role, "") if role else ""
    return Problem(
        row=number,
        column=result.headers[columns[name]] if name in columns else "",
        message=_("You may not record this activity: it is outside your components or countries."),
    )


def _error_items(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return list(error.message_dict.items())
    return [("__all__", list(error.messages))]


def _field_label(name: str) -> str:
    label = ACTIVITY_FIELD_LABELS.get(name)
    return _(label) if label else name


def _activity_write(
    row: _ActivityRow, data: dict[str, Any], *, programme: Programme, listed: set[int]
) -> tuple[Activity, str]:
    """Create, update or leave the row's activity; ``(activity, "created"|"updated"|"same")``."""
    if row.existing is None:
        counts = _counts_input(data.get("host_country"), row.counts, row.number)
        activity = activity_services.activity_create(
            programme=programme,
            data=data,
            participant_counts=counts or (),
            code=row.code,
            source_note="",
        )
        return activity, "created"
    activity = row.existing
    changed = {name: value for name, value in data.items() if _differs(activity, name, value)}
    counts = None
    if row.counts is not None and _count_totals(activity) != row.counts:
        if activity.pk in listed:
            raise ValidationError(
                {
                    "female": _(
                        "The activity has an attendance list: its counts come from the list; "
                        "correct the list instead."
                    )
                }
            )
        if activity.participant_counts.count() > 1:
            raise ValidationError(
                {
                    "female": _(
                        "The activity's counts are broken down by country or organisation; "
                        "change them in the activity's form."
                    )
                }
            )
        counts = _counts_input(
            changed.get("host_country", activity.host_country), row.counts, row.number
        )
    if not changed and counts is None:
        return activity, "same"
    activity_services.activity_update(activity=activity, data=changed, participant_counts=counts)
    return activity, "updated"


def _differs(activity: Activity, name: str, value: Any) -> bool:
    if name == "beneficiary_organisations":
        current = {organisation.pk for organisation in activity.beneficiary_organisations.all()}
        return current != {organisation.pk for organisation in value}
    current = getattr(activity, name)
    if isinstance(current, date) or current is None or not isinstance(current, str):
        return bool(current != value)
    return current.strip() != str(value).strip()


def _count_totals(activity: Activity) -> tuple[int, int, int]:
    rows = list(activity.participant_counts.all())
    return (
        sum(row.female for row in rows),
        sum(row.male for row in rows),
        sum(row.unrecorded for row in rows),
    )


def _counts_input(
    country: Country | None, counts: tuple[int, int, int] | None, number: int
) -> list[ParticipantCountInput] | None:
    if counts is None:
        return None
    if country is None:
        raise ValidationError(
            {
                "female": _(
                    "A regional activity's counts are kept by country; record them in the "
                    "activity's form."
                )
            }
        )
    female, male, unrecorded = counts
    if not any(counts):
        return []
    return [ParticipantCountInput(country=country, female=female, male=male, unrecorded=unrecorded)]
