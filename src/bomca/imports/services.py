"""Participant lists from spreadsheets, through the same service as the forms, all or nothing.

The pipeline: read the file (``reading.workbook_read``: the format decided by content, limits,
no formulas evaluated), choose the sheet and the header row (detected, or as the user says),
map columns to fields (suggested from headings in English and Russian, or a saved mapping),
turn every row into a person and an attendance, collecting every problem with its row and
column, then — only when there is no problem — save the list with
``people.services.attendance_list_save`` in one transaction. A preview runs the same save in a
transaction that is rolled back, so what it announces is exactly what an import will do.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bomca.accounts.models import AuditEventKind
from bomca.accounts.services import audit_event_record
from bomca.activities.models import Activity
from bomca.core.errors import ApplicationError
from bomca.core.names import name_key
from bomca.imports import reading
from bomca.imports.models import ImportKind, ImportRun, ImportTemplate, RunStatus
from bomca.people.models import AttendanceRole, PersonSex
from bomca.people.services import AttendanceInput, ListReport, PersonInput, attendance_list_save
from bomca.reference.models import Country, Organisation

#: Fields a participant list can fill, in the order the mapping form shows them.
PARTICIPANT_FIELD_LABELS: dict[str, str] = {
    "full_name": gettext_noop("Full name"),
    "last_name": gettext_noop("Last name"),
    "first_name": gettext_noop("First name"),
    "sex": gettext_noop("Sex"),
    "year_of_birth": gettext_noop("Year of birth"),
    "country": gettext_noop("Country"),
    "organisation": gettext_noop("Organisation"),
    "position": gettext_noop("Position or rank"),
    "email": gettext_noop("E-mail"),
    "phone": gettext_noop("Phone"),
    "role": gettext_noop("Role"),
    "days_attended": gettext_noop("Days attended"),
    "completed": gettext_noop("Completed"),
    "pre_test": gettext_noop("Pre-test score"),
    "post_test": gettext_noop("Post-test score"),
    "satisfaction": gettext_noop("Satisfaction (1–5)"),
}

#: At most this many problems are listed; a file with more is refused all the same.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """Something wrong in one cell (or row) of the file, in words the user can act on."""

    row: int  # the spreadsheet's own row number, 1-based
    column: str  # the column's heading, or "" for the whole row
    message: str

    def __str__(self) -> str:
        if not self.row:  # row 0: a refusal of the whole file (the record's rules), no cell
            return self.message
        where = (
            _("row %(row)s, column “%(column)s”") % {"row": self.row, "column": self.column}
            if self.column
            else _("row %(row)s") % {"row": self.row}
        )
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What a file holds and what importing it does (or would do)."""

    sheets: list[str]
    sheet: str
    header_row: int | None  # 1-based
    headers: list[str]
    mapping: dict[int, str]  # column index -> field
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    report: ListReport | None = None  # participants
    activities: Any = None  # an activities.ActivitiesReport
    items: Any = None  # a procurement_items.ItemsReport
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and self.rows > 0


class _DryRun(Exception):
    """Raised inside the preview's transaction to roll it back."""


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def participants_import(
    *,
    data: bytes,
    filename: str,
    activity: Activity,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[int, str] | None = None,
    template: ImportTemplate | None = None,
    dry_run: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read, check and (unless ``dry_run``) import an activity's participant list.

    ``header_row`` is 1-based; ``mapping`` maps column indexes to field names and wins over
    ``template``, which wins over the suggestion from the headings. Nothing is written when any
    row has a problem; the result lists the problems by row and column.
    """
    result, rows, header_index = sheet_read(
        data=data,
        filename=filename,
        sheet=sheet,
        header_row=header_row,
        mapping=mapping,
        template=template,
        fields=reading.PARTICIPANT_FIELDS,
        labels=PARTICIPANT_FIELD_LABELS,
        check=_check_participant_mapping,
        missing_headings=_(
            "No row of headings was found (such as “Full name”, “Sex”, "
            "“Organisation” or «ФИО», «Пол», «Организация»); say which row holds them."
        ),
    )
    if result.problems or header_index is None:
        return result
    parsed = _rows(rows, header_index, result, activity=activity, progress=progress)
    result.rows = len(parsed)
    if result.problems or not parsed:
        if not parsed and not result.problems:
            result.problems.append(
                Problem(
                    row=header_index + 2,
                    column="",
                    message=_("There are no rows under the headings."),
                )
            )
        return result
    try:
        with transaction.atomic():
            result.report = attendance_list_save(
                activity=activity,
                rows=[(person, attendance) for _row, person, attendance in parsed],
                source_note=str(_("Imported from %(file)s.") % {"file": filename[:200]}),
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ValidationError as error:
        result.problems.extend(
            Problem(row=0, column="", message=message) for message in error.messages
        )
        result.report = None
        return result
    result.imported = not dry_run
    return result


def sheet_read(
    *,
    data: bytes,
    filename: str,
    sheet: str | None,
    header_row: int | None,
    mapping: Mapping[int, str] | None,
    template: ImportTemplate | None,
    fields: Mapping[str, Sequence[str]],
    labels: Mapping[str, str],
    check: Callable[[ImportResult], None],
    missing_headings: str,
) -> tuple[ImportResult, list[list[reading.Cell]], int | None]:
    """The steps every kind of import shares: read the file, choose the sheet, find the row of
    headings and map the columns to ``fields``. The result carries any problem found so far;
    the rows and the header row's index are returned for the kind's own row reader."""
    sheets = reading.workbook_read(data, filename=filename)
    if not sheets:
        raise reading.FileProblem(_("The file has no sheet."))
    chosen = next((item for item in sheets if item.name == sheet), None) if sheet else None
    if sheet and chosen is None:
        raise ApplicationError(
            _("The file has no sheet “%(sheet)s”; it has: %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(item.name for item in sheets)}
        )
    chosen = chosen or _best_sheet(sheets, fields)
    rows = chosen.rows
    header_index = (
        header_row - 1
        if header_row
        else reading.header_row_detect(rows, _fields_with(template, fields))
    )
    result = ImportResult(
        sheets=[item.name for item in sheets],
        sheet=chosen.name,
        header_row=header_index + 1 if header_index is not None else None,
        headers=[],
        mapping={},
    )
    if header_index is None or header_index >= len(rows):
        result.problems.append(Problem(row=1, column="", message=str(missing_headings)))
        return result, rows, None
    headers = [_text(cell) for cell in rows[header_index]]
    result.headers = headers
    result.mapping = _mapping_for(headers, mapping=mapping, template=template, fields=fields)
    _check_known_fields(result, labels)
    check(result)
    return result, rows, header_index


def _fields_with(
    template: ImportTemplate | None, synonyms: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """The heading synonyms, plus the headings a saved mapping was made from."""
    fields = {name: tuple(values) for name, values in synonyms.items()}
    if template is not None:
        for heading, name in template.mapping.items():
            if name in fields:
                fields[name] = (*fields[name], heading)
    return fields


def sheet_layout(
    *,
    data: bytes,
    filename: str,
    sheet: str | None,
    header_row: int | None,
    fields: Mapping[str, Sequence[str]] = reading.PARTICIPANT_FIELDS,
) -> tuple[list[str], list[str]]:
    """The file's sheet names and the headings of the chosen sheet: what the mapping form
    offers, without checking or saving any row."""
    sheets = reading.workbook_read(data, filename=filename)
    if not sheets:
        return [], []
    chosen = next((item for item in sheets if item.name == sheet), None) or _best_sheet(
        sheets, fields
    )
    index = header_row - 1 if header_row else reading.header_row_detect(chosen.rows, fields)
    headers = (
        [_text(cell) for cell in chosen.rows[index]]
        if index is not None and index < len(chosen.rows)
        else []
    )
    return [item.name for item in sheets], headers


def _best_sheet(
    sheets: Sequence[reading.Sheet], fields: Mapping[str, Sequence[str]]
) -> reading.Sheet:
    """The first sheet whose headings can be recognised, else the first sheet."""
    for sheet in sheets:
        if reading.header_row_detect(sheet.rows, fields) is not None:
            return sheet
    return sheets[0]


def _text(value: reading.Cell) -> str:
    return "" if value is None else str(value).strip()


def _mapping_for(
    headers: Sequence[str],
    *,
    mapping: Mapping[int, str] | None,
    template: ImportTemplate | None,
    fields: Mapping[str, Sequence[str]],
) -> dict[int, str]:
    if mapping is not None:
        return {int(index): name for index, name in mapping.items() if name}
    if template is not None:
        by_heading = template.mapping
        return {
            index: by_heading[reading.normalise_header(heading)]
            for index, heading in enumerate(headers)
            if by_heading.get(reading.normalise_header(heading))
        }
    return dict(reading.columns_suggest(list(headers), fields))


def template_mapping(headers: Sequence[str], mapping: Mapping[int, str]) -> dict[str, str]:
    """A mapping keyed by normalised heading, as a template keeps it for the next file."""
    return {
        reading.normalise_header(headers[index]): name
        for index, name in mapping.items()
        if index < len(headers) and headers[index]
    }


def _check_known_fields(result: ImportResult, labels: Mapping[str, str]) -> None:
    """Every mapped field is one of the kind's, and none is mapped twice."""
    fields = list(result.mapping.values())
    for name in sorted(set(fields)):
        if name not in labels:
            result.problems.append(
                Problem(
                    row=result.header_row or 1,
                    column="",
                    message=_("Unknown field %(field)s.") % {"field": name},
                )
            )
        elif fields.count(name) > 1:
            result.problems.append(
                Problem(
                    row=result.header_row or 1,
                    column="",
                    message=_("Two columns are mapped to “%(field)s”; map one of them.")
                    % {"field": _(labels[name])},
                )
            )


def _check_participant_mapping(result: ImportResult) -> None:
    fields = list(result.mapping.values())
    has_name = "full_name" in fields or "last_name" in fields
    if not has_name:
        result.problems.append(
            Problem(
                row=result.header_row or 1,
                column="",
                message=_(
                    "No column is mapped to the name "
                    "(“Full name”, or “Last name” and “First name”)."
                ),
            )
        )


class _Lookup:
    """Countries and organisations by the names people write for them."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = {}
        for country in Country.objects.all():
            for name in (
                country.code,
                country.iso3,
                country.name_en,
                country.name_ru,
                country.adjective_en,
            ):
                if name:
                    self.countries[name_key(name)] = country
        self.organisations: dict[tuple[int | None, str], Organisation] = {}
        for organisation in Organisation.objects.all():
            for name in (
                organisation.name_en,
                organisation.name_ru,
                organisation.acronym,
                organisation.code,
            ):
                if name:
                    self.organisations[(organisation.country_id, name_key(name))] = organisation

    def country(self, text: str) -> Country | None:
        return self.countries.get(name_key(text))

    def organisation(self, text: str, country: Country) -> Organisation | None:
        key = name_key(text)
        return self.organisations.get((country.pk, key)) or self.organisations.get((None, key))


def _rows(
    rows: Sequence[Sequence[reading.Cell]],
    header_index: int,
    result: ImportResult,
    *,
    activity: Activity,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[int, PersonInput, AttendanceInput]]:
    lookup = _Lookup()
    columns = {name: index for index, name in result.mapping.items()}
    headings = result.headers
    default_country = activity.host_country
    duration = (activity.end_date - activity.start_date).days + 1
    # Excel keeps 85% as 0.85: a column of numbers within 0–1 is read as fractions throughout,
    # so that its 100% (stored as 1) is not taken for 1 point.
    score_parsers = {
        name: functools.partial(
            reading.parse_score,
            fraction=name in columns
            and reading.scores_are_fractions(
                row[columns[name]] for row in rows[header_index + 1 :] if columns[name] < len(row)
            ),
        )
        for name in ("pre_test", "post_test")
    }
    parsed: list[tuple[int, PersonInput, AttendanceInput]] = []
    total = len(rows) - header_index - 1
    for offset, row in enumerate(rows[header_index + 1 :], start=1):
        number = header_index + 1 + offset  # the spreadsheet's row number
        if progress is not None and offset % 1000 == 0:
            progress(offset, total)
        if not any(_text(cell) for cell in row):
            continue
        problems: list[Problem] = []
        reader = _RowReader(row, number, columns, headings, problems)
        cell, parse = reader.cell, reader.parse
        full_name = _text(cell("full_name")) or " ".join(
            part for part in (_text(cell("last_name")), _text(cell("first_name"))) if part
        )
        if not full_name:
            column = "full_name" if "full_name" in columns else "last_name"
            problems.append(
                Problem(
                    row=number, column=headings[columns[column]], message=_("The name is empty.")
                )
            )
        country = default_country
        if "country" in columns and _text(cell("country")):
            country = lookup.country(_text(cell("country")))
            if country is None:
                problems.append(
                    Problem(
                        row=number,
                        column=headings[columns["country"]],
                        message=_("“%(value)s” is not a country the system knows.")
                        % {"value": _text(cell("country"))},
                    )
                )
        elif country is None:
            problems.append(
                Problem(
                    row=number,
                    column="",
                    message=_(
                        "The country is missing, and the activity has no host country to assume."
                    ),
                )
            )
        organisation_text = _text(cell("organisation"))
        organisation = (
            lookup.organisation(organisation_text, country)
            if organisation_text and country
            else None
        )
        email = _text(cell("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(
                    Problem(
                        row=number,
                        column=headings[columns["email"]],
                        message=_("“%(value)s” is not an e-mail address.") % {"value": email},
                    )
                )
                email = ""
        person_values = {
            "sex": parse("sex", reading.parse_sex) or PersonSex.UNRECORDED,
            "year_of_birth": parse("year_of_birth", reading.parse_year_of_birth),
            "position": _text(cell("position"))[:200],
            "email": email,
            "phone": _text(cell("phone"))[:40],
        }
        pre_test = parse("pre_test", score_parsers["pre_test"])
        post_test = parse("post_test", score_parsers["post_test"])
        attendance = AttendanceInput(
            role=parse("role", reading.parse_role) or AttendanceRole.PARTICIPANT,
            days_attended=parse("days_attended", reading.parse_int),
            completed=parse("completed", reading.parse_bool),
            pre_test=Decimal(str(round(pre_test, 2))) if pre_test is not None else None,
            post_test=Decimal(str(round(post_test, 2))) if post_test is not None else None,
            satisfaction=parse("satisfaction", reading.parse_satisfaction),
        )
        if attendance.days_attended is not None and attendance.days_attended > duration:
            problems.append(
                Problem(
                    row=number,
                    column=headings[columns["days_attended"]],
                    message=_("The activity lasted %(days)s days; fewer were attended.")
                    % {"days": duration},
                )
            )
        if problems:
            _add_problems(result, problems)
            continue
        assert country is not None
        parsed.append(
            (
                number,
                PersonInput(
                    full_name=full_name[:200],
                    country=country,
                    organisation=organisation,
                    organisation_name="" if organisation else organisation_text[:255],
                    **person_values,
                ),
                attendance,
            )
        )
    _duplicates(parsed, result)
    return parsed


class _RowReader:
    """The cells of one row by field name, parsed, with each problem noted by row and column."""

    def __init__(
        self,
        row: Sequence[reading.Cell],
        number: int,
        columns: Mapping[str, int],
        headings: Sequence[str],
        problems: list[Problem],
    ) -> None:
        self.row, self.number, self.columns = row, number, columns
        self.headings, self.problems = headings, problems

    def cell(self, name: str) -> reading.Cell:
        index = self.columns.get(name)
        return self.row[index] if index is not None and index < len(self.row) else None

    def parse(self, name: str, parser: Callable[[Any], Any]) -> Any:
        value = self.cell(name)
        if value is None or _text(value) == "":
            return None
        try:
            return parser(value)
        except ValueError as error:  # reading.ValueProblem is a ValueError
            self.problems.append(
                Problem(
                    row=self.number,
                    column=self.headings[self.columns[name]],
                    message=str(error),
                )
            )
            return None


def _duplicates(
    parsed: list[tuple[int, PersonInput, AttendanceInput]], result: ImportResult
) -> None:
    first: dict[tuple[str, int, int | None, str], int] = {}
    for number, person, _attendance in parsed:
        if person.key in first:
            _add_problems(
                result,
                [
                    Problem(
                        row=number,
                        column="",
                        message=_(
                            "The same person as row %(row)s (same name, country and organisation)."
                        )
                        % {"row": first[person.key]},
                    )
                ],
            )
        else:
            first[person.key] = number


def _add_problems(result: ImportResult, problems: Sequence[Problem]) -> None:
    for problem in problems:
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(problem)
        else:
            result.more_problems += 1


def template_save(
    *, kind: str, name: str, mapping: Mapping[str, str], user: Any = None
) -> ImportTemplate:
    """Save (or replace) the named mapping for the next file of that shape."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    template, _created = ImportTemplate.objects.update_or_create(
        kind=kind, name=name, defaults={"mapping": dict(mapping), "created_by": user}
    )
    return template


def template_get(*, kind: str = ImportKind.PARTICIPANTS, name: str) -> ImportTemplate:
    template = ImportTemplate.objects.filter(kind=kind, name=name).first()
    if template is None:
        names = ", ".join(ImportTemplate.objects.filter(kind=kind).values_list("name", flat=True))
        raise ApplicationError(
            _("There is no saved mapping “%(name)s”; saved mappings: %(names)s.")
            % {"name": name, "names": names or _("none")}
        )
    return template


def import_run_record(
    *,
    result: ImportResult,
    data: bytes,
    filename: str,
    activity: Activity | None = None,
    programme: Any = None,
    need: Any = None,
    kind: str = ImportKind.PARTICIPANTS,
    user: Any = None,
    request: Any = None,
) -> ImportRun:
    """Keep the run (and, for an import that wrote, a security-log event); no personal data."""
    status = (
        RunStatus.IMPORTED
        if result.imported
        else RunStatus.REFUSED
        if result.problems
        else RunStatus.PREVIEWED
    )
    outcome = result.report or result.activities or result.items
    summary = dataclasses.asdict(outcome) if outcome else {}
    run = ImportRun.objects.create(
        kind=kind,
        activity=activity,
        need=need,
        programme=(
            programme
            if programme is not None
            else getattr(activity, "programme", None) or getattr(need, "programme", None)
        ),
        file_name=filename[:255],
        file_sha256=file_digest(data),
        sheet=result.sheet[:100],
        header_row=result.header_row,
        mapping={str(index): name for index, name in result.mapping.items()},
        status=status,
        rows=result.rows,
        problems=len(result.problems) + result.more_problems,
        summary=summary,
        created_by=user,
    )
    if result.imported:
        target = {"activity": activity.code} if activity is not None else {}
        if need is not None:
            target = {"need": need.reference}
        counts = {key: value for key, value in summary.items() if isinstance(value, int | float)}
        audit_event_record(
            kind=AuditEventKind.IMPORT,
            request=request,
            user=user,
            detail={
                "what": kind,
                **target,
                "file": filename[:100],
                "rows": result.rows,
                **counts,
            },
        )
    return run
