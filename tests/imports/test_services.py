"""Participant lists from spreadsheets, end to end: read, map, check, save all or nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from bomca.accounts.models import AuditEvent, AuditEventKind
from bomca.activities.models import Activity, Scope
from bomca.core.errors import ApplicationError
from bomca.imports import reading
from bomca.imports.models import ImportKind, ImportRun, ImportTemplate, RunStatus
from bomca.imports.services import (
    MAX_PROBLEMS,
    import_run_record,
    participants_import,
    template_get,
    template_mapping,
    template_save,
)
from bomca.people.models import (
    Attendance,
    AttendanceRole,
    Participant,
    ParticipantCount,
    Trainer,
)
from bomca.people.services import ListReport
from bomca.reference.models import Country, Organisation
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ProgrammeFactory,
)
from tests.imports.sheets import (
    ENGLISH_HEADINGS,
    PDF_BYTES,
    RUSSIAN_HEADINGS,
    csv_bytes,
    english_list,
    xlsx,
)

TJ = "C1-TJ-2023-004"  # national, Tajikistan, 18–20 April 2023, with a synthetic list


def table_sizes() -> dict[str, int]:
    """Rows of every table an import may write to, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for base in (Participant, Attendance, ParticipantCount, Trainer)
        for model in (base, base.history.model)
    }


def counts_of(activity: Activity) -> list[tuple[str, str | None, int, int, int]]:
    return [
        (
            row.country.code,
            row.organisation.code if row.organisation else None,
            row.female,
            row.male,
            row.unrecorded,
        )
        for row in activity.participant_counts.order_by("country__code", "organisation__code")
    ]


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.message) for problem in result.problems]


@pytest.fixture
def tajikistan(db: None) -> Country:
    return CountryFactory(code="TJ", iso3="TJK", name_en="Tajikistan", name_ru="Таджикистан")


@pytest.fixture
def kyrgyzstan(db: None) -> Country:
    return CountryFactory(code="KG", iso3="KGZ", name_en="Kyrgyzstan", name_ru="Кыргызстан")


@pytest.fixture
def border(tajikistan: Country) -> Organisation:
    return OrganisationFactory(
        code="TJ-BORDER",
        name_en="Border service of Tajikistan",
        name_ru="Пограничная служба Таджикистана",
        country=tajikistan,
    )


@pytest.fixture
def workshop(tajikistan: Country, kyrgyzstan: Country, border: Organisation) -> Activity:
    """A three-day national workshop in Tajikistan, with no list yet."""
    programme = ProgrammeFactory(countries=[tajikistan, kyrgyzstan])
    return ActivityFactory(
        component=ComponentFactory(programme=programme, number=1), host_country=tajikistan
    )


@pytest.fixture
def regional(workshop: Activity) -> Activity:
    """A regional online session with no host country."""
    return ActivityFactory(
        component=workshop.component, scope=Scope.REGIONAL, host_country=None, code="C1-RG-2023-901"
    )


def run(activity: Activity, data: bytes, filename: str = "list.xlsx", **options):
    return participants_import(data=data, filename=filename, activity=activity, **options)


# Must show: a Russian sheet as the venue fills it


def russian_sheet() -> bytes:
    """A title and a subtitle above the headings, the organisation merged down three rows,
    dates typed as text, sex as Ж/М, and empty rows prepared below the last person."""
    return xlsx(
        [
            ["Список участников национального семинара по управлению границами"],
            ["Душанбе, 20-21 June 2023"],
            RUSSIAN_HEADINGS,
            [
                1,
                "Каримова Зарина",
                "Ж",
                "12.03.1985",
                "Пограничная служба Таджикистана",
                "лейтенант",
                "20.06.2023",
                3,
            ],
            [2, "Рахимов Фарход", "М", "1979", None, "капитан", "20-21 June 2023", 2],
            [3, "Саидов Бахтиёр", "м", None, None, "майор", "20-21 June 2023", "3"],
            [
                4,
                "Назарова Мадина",
                "ж",
                "05.11.1990",
                "Таможенная служба Таджикистана",
                "инспектор",
                "20.06.2023",
                None,
            ],
        ],
        sheet="Участники",
        merges=["A1:H1", "A2:H2", "E4:E6"],
        blank_rows_after=6,
    )


def test_a_russian_sheet_with_title_merges_text_dates_and_blank_rows_imports_as_suggested(
    bomca10,
):
    activity = Activity.objects.get(code=TJ)

    result = run(activity, russian_sheet(), "Список.xlsx", dry_run=False)

    assert result.problems == []
    assert result.imported
    assert (result.sheet, result.header_row, result.rows) == ("Участники", 3, 4)
    assert result.mapping == {
        1: "full_name",
        2: "sex",
        3: "year_of_birth",
        4: "organisation",
        5: "position",
        7: "days_attended",
    }
    assert result.report == ListReport(participants_created=4, attendances_created=4)
    people = Participant.objects.filter(attendances__activity=activity, source="recorded")
    assert sorted(
        people.values_list("full_name", "sex", "year_of_birth", "organisation__code", "position")
    ) == [
        ("Каримова Зарина", "female", 1985, "TJ-BORDER", "лейтенант"),
        ("Назарова Мадина", "female", 1990, "TJ-CUSTOMS", "инспектор"),
        ("Рахимов Фарход", "male", 1979, "TJ-BORDER", "капитан"),
        ("Саидов Бахтиёр", "male", None, "TJ-BORDER", "майор"),
    ]
    assert set(people.values_list("country__code", flat=True)) == {"TJ"}
    assert sorted(
        Attendance.objects.filter(participant__in=people).values_list(
            "participant__full_name", "days_attended"
        )
    ) == [
        ("Каримова Зарина", 3),
        ("Назарова Мадина", None),
        ("Рахимов Фарход", 2),
        ("Саидов Бахтиёр", 3),
    ]


def test_after_the_russian_sheet_the_activitys_counts_include_its_people(bomca10):
    activity = Activity.objects.get(code=TJ)
    assert counts_of(activity) == [("TJ", "TJ-BORDER", 2, 12, 0), ("TJ", "TJ-MIGRATION", 3, 4, 0)]

    run(activity, russian_sheet(), dry_run=False)

    assert counts_of(activity) == [
        ("TJ", "TJ-BORDER", 3, 14, 0),
        ("TJ", "TJ-CUSTOMS", 1, 0, 0),
        ("TJ", "TJ-MIGRATION", 3, 4, 0),
    ]


def test_a_russian_csv_from_excel_in_windows_1251_with_semicolons_imports(workshop):
    data = csv_bytes(
        [
            ["ФИО", "Пол", "Организация", "Должность"],
            ["Каримова Зарина", "жен.", "Пограничная служба Таджикистана", "лейтенант"],
            ["Рахимов Фарход", "муж.", "Погранзастава Хорог", "капитан"],
        ],
        delimiter=";",
        encoding="cp1251",
    )

    result = run(workshop, data, "список.csv", dry_run=False)

    assert result.problems == []
    assert sorted(
        Participant.objects.values_list(
            "full_name", "sex", "organisation__code", "organisation_name"
        )
    ) == [
        ("Каримова Зарина", "female", "TJ-BORDER", ""),
        ("Рахимов Фарход", "male", None, "Погранзастава Хорог"),
    ]


# Must show: three bad rows among 500


def five_hundred_rows() -> bytes:
    """500 people on rows 2–501; rows 57, 230 and 444 each have one bad cell."""
    headings = [*ENGLISH_HEADINGS, "Country", "Satisfaction"]
    rows = [
        [
            f"Synthetic importee {number:03d}",
            "F" if number % 3 else "M",
            1970 + number % 30,
            "Border service of Tajikistan",
            "Officer",
            "Tajikistan",
            1 + number % 5,
        ]
        for number in range(1, 501)
    ]
    rows[57 - 2][1] = "X"
    rows[230 - 2][2] = "nineteen"
    rows[444 - 2][6] = "7"
    return xlsx([headings, *rows])


def test_three_bad_rows_among_500_are_named_with_their_column_and_reason(bomca10):
    result = run(Activity.objects.get(code=TJ), five_hundred_rows(), dry_run=False)

    assert problems_of(result) == [
        (57, "Sex", 'Sex "X" is not understood; write F or M (Ж or М).'),
        (230, "Year of birth", '"nineteen" is not a year of birth; write a year such as 1985.'),
        (444, "Satisfaction", 'Satisfaction "7" is not a whole number from 1 to 5.'),
    ]
    assert not result.imported
    assert result.report is None
    assert str(result.problems[0]) == (
        'row 57, column “Sex”: Sex "X" is not understood; write F or M (Ж or М).'
    )


def test_three_bad_rows_among_500_leave_the_database_exactly_as_before(bomca10):
    activity = Activity.objects.get(code=TJ)
    before = table_sizes()
    counts_before = [model_to_dict(row) for row in activity.participant_counts.order_by("pk")]

    run(activity, five_hundred_rows(), dry_run=False)

    assert table_sizes() == before
    assert [model_to_dict(row) for row in activity.participant_counts.order_by("pk")] == (
        counts_before
    )


def test_the_500_rows_import_once_the_three_are_corrected(bomca10):
    activity = Activity.objects.get(code=TJ)
    fixed = five_hundred_rows()
    # The same sheet with the three cells corrected.
    rows = reading.workbook_read(fixed, filename="fixed.xlsx")[0].rows
    rows[56][1], rows[229][2], rows[443][6] = "M", 1984, 5

    result = run(activity, xlsx(rows), dry_run=False)

    assert result.problems == []
    assert result.report.participants_created == 500
    assert (
        activity.attendances.filter(participant__full_name__startswith="Synthetic importee").count()
        == 500
    )


# Must show: the same import twice


def test_the_same_import_twice_reports_0_created_0_updated_the_second_time(bomca10):
    activity = Activity.objects.get(code=TJ)
    run(activity, russian_sheet(), dry_run=False)
    before = table_sizes()

    again = run(activity, russian_sheet(), dry_run=False)

    assert again.imported
    assert again.report == ListReport(participants_matched=4, attendances_unchanged=4)
    assert (again.report.participants_created, again.report.participants_updated) == (0, 0)
    assert table_sizes() == before


# Dry run


def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(workshop):
    data = english_list([["Synthetic A", "F", 1980, "", ""], ["Synthetic B", "M", 1981, "", ""]])
    before = table_sizes()

    result = run(workshop, data, dry_run=True)

    assert result.ok
    assert not result.imported
    assert result.report == ListReport(participants_created=2, attendances_created=2)
    assert table_sizes() == before
    assert counts_of(workshop) == []


def test_the_import_does_what_its_dry_run_announced(workshop):
    data = english_list([["Synthetic A", "F", 1980, "", ""], ["Synthetic B", "M", 1981, "", ""]])
    announced = run(workshop, data, dry_run=True).report

    done = run(workshop, data, dry_run=False).report

    assert done == announced
    assert counts_of(workshop) == [("TJ", None, 1, 1, 0)]


def test_participants_import_is_a_dry_run_unless_told_otherwise(workshop):
    run(workshop, english_list([["Synthetic A", "F", 1980, "", ""]]))

    assert not Participant.objects.exists()


# Mapping: suggested, explicit, saved


def test_an_explicit_mapping_wins_over_the_suggestion(workshop):
    data = xlsx([["Full name", "Sex", "Notes"], ["Synthetic A", "F", "Synthetic inspector"]])

    result = run(workshop, data, mapping={0: "full_name", 1: "sex", 2: "position"}, dry_run=False)

    assert result.mapping == {0: "full_name", 1: "sex", 2: "position"}
    assert Participant.objects.values_list("position", flat=True).get() == "Synthetic inspector"


def test_an_explicit_mapping_can_leave_a_suggested_column_out(workshop):
    data = english_list([["Synthetic A", "F", 1980, "", "Synthetic major"]])

    run(workshop, data, mapping={0: "full_name", 1: "sex", 4: ""}, dry_run=False)

    assert Participant.objects.values_list("year_of_birth", "position").get() == (None, "")


def test_a_saved_mapping_maps_the_next_file_of_the_same_shape(workshop):
    headings = ["ФИО", "Пол", "Подразделение"]  # the last heading is not one the importer knows
    first = run(workshop, xlsx([headings, ["Synthetic A", "Ж", "Khorog post"]]))
    assert first.mapping == {0: "full_name", 1: "sex"}
    template_save(
        kind=ImportKind.PARTICIPANTS,
        name="Khatlon sheets",
        mapping=template_mapping(first.headers, {**first.mapping, 2: "organisation"}),
    )

    result = run(
        workshop,
        xlsx([headings, ["Synthetic B", "М", "Panj post"]]),
        template=template_get(name="Khatlon sheets"),
        dry_run=False,
    )

    assert result.mapping == {0: "full_name", 1: "sex", 2: "organisation"}
    assert Participant.objects.values_list("organisation_name", flat=True).get() == "Panj post"


def test_a_saved_mapping_is_kept_by_normalised_heading():
    mapping = template_mapping(["1. Ф.И.О.", "", "Пол"], {0: "full_name", 1: "position", 2: "sex"})

    assert mapping == {"ф и о": "full_name", "пол": "sex"}


def test_saving_a_mapping_under_a_used_name_replaces_it(db):
    template_save(kind=ImportKind.PARTICIPANTS, name="Khatlon", mapping={"фио": "full_name"})

    template_save(kind=ImportKind.PARTICIPANTS, name=" Khatlon ", mapping={"имя": "full_name"})

    assert ImportTemplate.objects.get().mapping == {"имя": "full_name"}


def test_a_mapping_needs_a_name(db):
    with pytest.raises(ValidationError) as raised:
        template_save(kind=ImportKind.PARTICIPANTS, name="  ", mapping={})

    assert raised.value.message_dict == {"name": ["Give the mapping a name."]}
    assert not ImportTemplate.objects.exists()


def test_an_unknown_saved_mapping_is_refused_naming_the_saved_ones(db):
    template_save(kind=ImportKind.PARTICIPANTS, name="Khatlon", mapping={})
    template_save(kind=ImportKind.PARTICIPANTS, name="Sughd", mapping={})

    with pytest.raises(ApplicationError) as raised:
        template_get(name="Osh")

    assert raised.value.message == (
        "There is no saved mapping “Osh”; saved mappings: Khatlon, Sughd."
    )


def test_a_saved_mapping_finds_the_headings_it_knows_in_the_next_file(workshop):
    headings = ["Слушатель курса", "Гендер", "Служба"]
    template = template_save(
        kind=ImportKind.PARTICIPANTS,
        name="Course sheets",
        mapping=template_mapping(headings, {0: "full_name", 1: "sex", 2: "organisation"}),
    )

    result = run(workshop, xlsx([headings, ["Synthetic A", "Ж", "Khorog post"]]), template=template)

    assert result.problems == []
    assert result.header_row == 1


def test_two_columns_mapped_to_one_field_is_a_problem(workshop):
    data = english_list([["Synthetic A", "F", 1980, "", ""]])

    result = run(workshop, data, mapping={0: "full_name", 1: "sex", 4: "sex"})

    assert problems_of(result) == [(1, "", "Two columns are mapped to “Sex”; map one of them.")]
    assert result.report is None


def test_a_mapping_to_a_field_that_does_not_exist_is_a_problem(workshop):
    result = run(
        workshop,
        english_list([["Synthetic A", "F", 1980, "", ""]]),
        mapping={0: "full_name", 1: "nickname"},
    )

    assert problems_of(result) == [(1, "", "Unknown field nickname.")]


def test_a_mapping_without_a_name_column_is_a_problem(workshop):
    result = run(workshop, english_list([["Synthetic A", "F", 1980, "", ""]]), mapping={1: "sex"})

    assert problems_of(result) == [
        (1, "", "No column is mapped to the name (“Full name”, or “Last name” and “First name”).")
    ]


def test_last_and_first_name_columns_make_the_full_name(workshop):
    data = xlsx([["Фамилия", "Имя", "Пол"], ["Каримова", "Зарина", "Ж"]])

    result = run(workshop, data, dry_run=False)

    assert result.mapping == {0: "last_name", 1: "first_name", 2: "sex"}
    assert Participant.objects.values_list("full_name", flat=True).get() == "Каримова Зарина"


# Countries and organisations


def test_without_a_country_column_the_activitys_host_country_is_used(workshop):
    run(workshop, english_list([["Synthetic A", "F", 1980, "", ""]]), dry_run=False)

    assert Participant.objects.values_list("country__code", flat=True).get() == "TJ"


def test_a_country_column_takes_names_in_english_russian_or_as_codes(workshop):
    data = xlsx(
        [
            ["Full name", "Country"],
            ["Synthetic A", "Кыргызстан"],
            ["Synthetic B", "kyrgyzstan"],
            ["Synthetic C", "KGZ"],
            ["Synthetic D", "TJ"],
            ["Synthetic E", None],  # blank: the host country
        ]
    )

    run(workshop, data, dry_run=False)

    assert sorted(Participant.objects.values_list("full_name", "country__code")) == [
        ("Synthetic A", "KG"),
        ("Synthetic B", "KG"),
        ("Synthetic C", "KG"),
        ("Synthetic D", "TJ"),
        ("Synthetic E", "TJ"),
    ]


def test_an_unknown_country_is_a_problem_of_its_row_and_column(workshop):
    data = xlsx(
        [["Full name", "Country"], ["Synthetic A", "Tajikistan"], ["Synthetic B", "Atlantis"]]
    )

    result = run(workshop, data, dry_run=False)

    assert problems_of(result) == [(3, "Country", "“Atlantis” is not a country the system knows.")]
    assert not Participant.objects.exists()


def test_an_activity_without_host_country_needs_a_country_on_every_row(regional):
    data = xlsx([["Full name", "Sex"], ["Synthetic A", "F"], ["Synthetic B", "M"]])

    result = run(regional, data, dry_run=False)

    missing = "The country is missing, and the activity has no host country to assume."
    assert problems_of(result) == [(2, "", missing), (3, "", missing)]
    assert not Participant.objects.exists()


def test_an_activity_without_host_country_takes_the_rows_that_give_one(regional):
    data = xlsx([["Full name", "Country"], ["Synthetic A", "Kyrgyzstan"], ["Synthetic B", None]])

    result = run(regional, data, dry_run=False)

    assert problems_of(result) == [
        (3, "", "The country is missing, and the activity has no host country to assume.")
    ]

    fixed = xlsx([["Full name", "Country"], ["Synthetic A", "Kyrgyzstan"], ["Synthetic B", "TJ"]])
    assert run(regional, fixed, dry_run=False).imported
    assert counts_of(regional) == [("KG", None, 0, 0, 1), ("TJ", None, 0, 0, 1)]


def test_an_organisation_is_found_by_its_name_in_its_own_country_only(workshop, kyrgyzstan):
    OrganisationFactory(
        code="KG-BORDER", name_en="Border service of Kyrgyzstan", country=kyrgyzstan
    )
    data = xlsx(
        [
            ["Full name", "Country", "Organisation"],
            ["Synthetic A", "Tajikistan", "border service of tajikistan"],
            ["Synthetic B", "Tajikistan", "TJ-BORDER"],
            ["Synthetic C", "Kyrgyzstan", "Border service of Kyrgyzstan"],
            ["Synthetic D", "Tajikistan", "Border service of Kyrgyzstan"],
        ]
    )

    run(workshop, data, dry_run=False)

    assert sorted(
        Participant.objects.values_list("full_name", "organisation__code", "organisation_name")
    ) == [
        ("Synthetic A", "TJ-BORDER", ""),
        ("Synthetic B", "TJ-BORDER", ""),
        ("Synthetic C", "KG-BORDER", ""),
        ("Synthetic D", None, "Border service of Kyrgyzstan"),
    ]


# Values and rows


def test_scores_ratings_roles_and_completion_are_read_as_people_write_them(workshop):
    data = xlsx(
        [
            ["ФИО", "Роль", "Пре-тест", "Пост-тест", "Оценка", "Сертификат"],
            ["Synthetic A", "участник", "45%", "17/20", "4 из 5", "да"],
            ["Synthetic B", "тренер", None, None, 5, "нет"],
        ]
    )

    run(workshop, data, dry_run=False)

    learner = Attendance.objects.get(participant__full_name="Synthetic A")
    assert (learner.role, learner.pre_test, learner.post_test) == (
        AttendanceRole.PARTICIPANT,
        Decimal(45),
        Decimal(85),
    )
    assert (learner.satisfaction, learner.completed) == (4, True)
    trainer = Attendance.objects.get(participant__full_name="Synthetic B")
    assert (trainer.role, trainer.completed) == (AttendanceRole.TRAINER, False)
    assert Trainer.objects.get().participant.full_name == "Synthetic B"


def test_the_same_person_twice_in_a_sheet_is_a_problem_naming_both_rows(workshop):
    data = english_list(
        [
            ["Synthetic A", "F", 1980, "", ""],
            ["Synthetic B", "M", "", "", ""],
            ["SYNTHETIC  A", "F", "", "", ""],
        ]
    )

    result = run(workshop, data, dry_run=False)

    assert problems_of(result) == [
        (4, "", "The same person as row 2 (same name, country and organisation).")
    ]
    assert not Participant.objects.exists()


def test_a_row_without_a_name_and_a_wrong_email_are_problems_of_their_cells(workshop):
    data = xlsx(
        [
            ["Full name", "Sex", "E-mail"],
            [None, "F", "a@example.org"],
            ["Synthetic B", "M", "not an address"],
        ]
    )

    result = run(workshop, data)

    assert problems_of(result) == [
        (2, "Full name", "The name is empty."),
        (3, "E-mail", "“not an address” is not an e-mail address."),
    ]


def test_a_sheet_with_more_problems_than_are_listed_counts_the_rest(workshop):
    rows = [["Synthetic person", "?"] for _ in range(MAX_PROBLEMS + 50)]
    rows = [[f"{name} {number}", sex] for number, (name, sex) in enumerate(rows)]

    result = run(workshop, xlsx([["Full name", "Sex"], *rows]))

    assert len(result.problems) == MAX_PROBLEMS
    assert result.more_problems == 50


def test_a_sheet_without_headings_is_a_problem_asking_which_row_holds_them(workshop):
    result = run(workshop, xlsx([["Synthetic A", "F"], ["Synthetic B", "M"]]))

    assert [problem.row for problem in result.problems] == [1]
    assert result.problems[0].message.startswith("No row of headings was found")
    assert result.header_row is None


def test_a_header_row_given_by_the_user_is_used(workshop):
    data = xlsx([["Synthetic list"], ["Who", "F/M"], ["Synthetic A", "F"]])

    result = run(workshop, data, header_row=2, mapping={0: "full_name", 1: "sex"}, dry_run=False)

    assert result.header_row == 2
    assert Participant.objects.values_list("full_name", "sex").get() == ("Synthetic A", "female")


def test_headings_with_nobody_under_them_are_a_problem(workshop):
    result = run(workshop, xlsx([ENGLISH_HEADINGS]))

    assert problems_of(result) == [(2, "", "There are no rows under the headings.")]
    assert not result.ok


def test_the_sheet_with_headings_is_chosen_over_an_instructions_sheet(workshop):
    data = xlsx(
        [["Fill in the second sheet."]],
        sheet="Инструкция",
        other_sheets={"Участники": [["ФИО", "Пол"], ["Synthetic A", "Ж"]]},
    )

    result = run(workshop, data)

    assert (result.sheets, result.sheet, result.rows) == (
        ["Инструкция", "Участники"],
        "Участники",
        1,
    )


def test_a_sheet_that_is_not_in_the_file_is_refused_naming_the_sheets(workshop):
    with pytest.raises(ApplicationError) as raised:
        run(workshop, english_list([["Synthetic A", "F", 1980, "", ""]]), sheet="Лист2")

    assert raised.value.message == "The file has no sheet “Лист2”; it has: Sheet1."


def test_a_pdf_renamed_xlsx_is_refused_and_nothing_is_written(workshop):
    before = table_sizes()

    with pytest.raises(reading.FileProblem) as raised:
        run(workshop, PDF_BYTES, "list.xlsx", dry_run=False)

    assert raised.value.message == (
        "The file list.xlsx is not a spreadsheet; save it from Excel as .xlsx or .csv and "
        "upload it again."
    )
    assert table_sizes() == before


def test_an_empty_file_is_refused(workshop):
    with pytest.raises(reading.FileProblem):
        run(workshop, b"", "list.csv")


def test_progress_is_reported_every_thousand_rows(workshop):
    rows = [[f"Synthetic person {number}", "F"] for number in range(2500)]
    seen: list[tuple[int, int]] = []

    run(
        workshop,
        csv_bytes([["Full name", "Sex"], *rows]),
        "list.csv",
        progress=lambda done, total: seen.append((done, total)),
    )

    assert seen == [(1000, 2500), (2000, 2500)]


def test_more_days_than_the_activity_lasted_is_a_problem_of_its_spreadsheet_row(workshop):
    data = xlsx(
        [
            ["Synthetic attendance list"],
            ["Full name", "Sex", "Days"],
            ["Synthetic A", "F", 1],
            ["Synthetic B", "M", 9],
        ]
    )

    result = run(workshop, data)

    assert [(problem.row, problem.column) for problem in result.problems] == [(4, "Days")]


# The record of a run


def test_an_import_is_recorded_as_a_run_and_in_the_security_log(workshop, alice):
    data = english_list([["Synthetic Karimova", "F", 1985, "", "Synthetic lieutenant"]])
    result = run(workshop, data, dry_run=False)

    record = import_run_record(
        result=result, data=data, filename="list.xlsx", activity=workshop, user=alice
    )

    assert (record.status, record.rows, record.problems) == (RunStatus.IMPORTED, 1, 0)
    assert (record.kind, record.activity, record.created_by) == ("participants", workshop, alice)
    assert record.sheet == "Sheet1"
    assert record.header_row == 1
    assert record.mapping == {
        "0": "full_name",
        "1": "sex",
        "2": "year_of_birth",
        "3": "organisation",
        "4": "position",
    }
    assert record.summary["participants_created"] == 1
    assert len(record.file_sha256) == 64
    event = AuditEvent.objects.get(kind=AuditEventKind.IMPORT)
    assert event.user == alice
    assert event.detail["activity"] == workshop.code
    assert event.detail["rows"] == 1


def test_the_record_of_a_run_holds_no_personal_data(workshop, alice):
    data = english_list([["Synthetic Karimova", "F", 1985, "", "Synthetic lieutenant"]])
    result = run(workshop, data, dry_run=False)

    record = import_run_record(
        result=result, data=data, filename="list.xlsx", activity=workshop, user=alice
    )

    # Every field people could read, the file's checksum aside (hex digits may spell 1985).
    kept = model_to_dict(record, exclude=["file_sha256"])
    stored = json.dumps(
        [kept, model_to_dict(AuditEvent.objects.get(kind="import"))],
        default=str,
        ensure_ascii=False,
    )
    for personal in ("Karimova", "1985", "lieutenant"):
        assert personal.casefold() not in stored.casefold()


@pytest.mark.parametrize(
    ("bad", "status"), [(False, RunStatus.PREVIEWED), (True, RunStatus.REFUSED)]
)
def test_a_preview_or_a_refused_file_is_recorded_without_a_security_event(workshop, bad, status):
    data = english_list([["Synthetic A", "X" if bad else "F", 1980, "", ""]])
    result = run(workshop, data, dry_run=True)

    record = import_run_record(result=result, data=data, filename="list.xlsx", activity=workshop)

    assert (record.status, record.problems) == (status, int(bad))
    assert ImportRun.objects.count() == 1
    assert not AuditEvent.objects.filter(kind=AuditEventKind.IMPORT).exists()
