"""Activities from a spreadsheet: read in English or Russian, checked by the activity rules,
all or nothing, and idempotent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bomca.accounts.models import User
from bomca.activities.models import Activity
from bomca.imports.activities import activities_import
from bomca.imports.services import ImportResult
from bomca.people.models import ParticipantCount
from bomca.reference.models import Programme
from tests.imports.sheets import Row, csv_bytes, xlsx

LISTED = "C2-KG-2023-006"  # national, Kyrgyzstan, component 2, with an attendance list
UNLISTED = "C1-KG-2023-026"  # national, Kyrgyzstan, component 1, confirmed, no counts yet
ENGLISH = [
    "Component",
    "Title",
    "Type",
    "Host country",
    "Start date",
    "End date",
    "Women",
    "Men",
    "Beneficiaries",
]


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for base in (Activity, ParticipantCount)
        for model in (base, base.history.model)
    } | {"beneficiaries": Activity.beneficiary_organisations.through.objects.count()}


def run(
    programme: Programme, rows: list[Row], *, user: User | None = None, **options: Any
) -> ImportResult:
    """Import ``rows`` as an XLSX (unless ``data`` is given), for real unless told otherwise."""
    options.setdefault("dry_run", False)
    data = options.pop("data", None) or xlsx(rows)
    return activities_import(
        data=data,
        filename=options.pop("filename", "plan.xlsx"),
        programme=programme,
        user=user,
        **options,
    )


def problems(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.message) for problem in result.problems]


def created(result: ImportResult) -> list[Activity]:
    assert result.problems == [], problems(result)
    return [Activity.objects.get(code=code) for code in result.activities.codes_created]


def counts(activity: Activity) -> list[tuple[str, int, int, int]]:
    return list(
        activity.participant_counts.values_list("country__code", "female", "male", "unrecorded")
    )


def english_row(title: str, country: str = "Kyrgyzstan", **cells: object) -> list[object]:
    """A new activity of component 1 in October 2023, with ``cells`` changed by heading."""
    values: dict[str, object] = {
        "Component": 1,
        "Title": title,
        "Type": "Workshop",
        "Host country": country,
        "Start date": "03.10.2023",
        "End date": "05.10.2023",
        "Women": 4,
        "Men": 9,
        "Beneficiaries": "",
    }
    values.update({heading.replace("_", " "): value for heading, value in cells.items()})
    return [values[heading] for heading in ENGLISH]


# Reading


RUSSIAN_PLAN: list[Row] = [
    ["План мероприятий БОМКА на III квартал 2023 года"],
    [],
    ["№", "Компонент", "Название", "Тип", "Страна", "Даты", "Статус", "Ж", "М"],
    [
        1,
        2,
        "Семинар по анализу рисков",
        "Семинар",
        "Таджикистан",
        "12–14 сентября 2023 г.",
        "Запланировано",
        5,
        12,
    ],
    [
        2,
        "К1",
        "Региональная онлайн-сессия по профилированию",
        "Онлайн-сессия",
        "",
        "20.09.2023",
        "Проведено",
        None,
        None,
    ],
]


def test_a_russian_plan_under_a_title_row_creates_its_activities(bomca10):
    result = run(bomca10, RUSSIAN_PLAN)

    assert (result.header_row, result.rows, result.imported) == (3, 2, True)
    national, regional = created(result)
    assert national.code == "C2-TJ-2023-031"
    assert (national.component.number, national.activity_type, national.scope) == (
        2,
        "seminar",
        "national",
    )
    assert (national.host_country.code, national.start_date, national.end_date) == (
        "TJ",
        date(2023, 9, 12),
        date(2023, 9, 14),
    )
    assert (national.status, national.title_ru, national.title_en) == (
        "planned",
        "Семинар по анализу рисков",
        "Семинар по анализу рисков",
    )
    assert counts(national) == [("TJ", 5, 12, 0)]
    assert regional.code == "C1-RG-2023-032"
    assert (regional.component.number, regional.activity_type, regional.scope) == (
        1,
        "online_session",
        "regional",
    )
    assert (regional.host_country, regional.start_date, regional.end_date) == (
        None,
        date(2023, 9, 20),
        date(2023, 9, 20),
    )
    assert (regional.status, counts(regional)) == ("implemented", [])


def test_english_headings_with_separate_start_and_end_dates_work(bomca10):
    rows: list[Row] = [
        [
            "Component",
            "Title",
            "Type",
            "Country",
            "Start",
            "End",
            "Status",
            "Female",
            "Male",
            "Beneficiaries",
        ],
        [
            "C3",
            "Training on customs risk management",
            "Training",
            "KZ",
            datetime(2023, 10, 3),
            datetime(2023, 10, 5),
            "Confirmed",
            3,
            14,
            "Customs service of Kazakhstan; KZ-BORDER",
        ],
        [
            4,
            "Study visit on diaspora policies",
            "Study visit",
            "Uzbekistan",
            "17.10.2023",
            "20 October 2023",
            "Planned",
            "",
            "",
            "",
        ],
    ]

    training, visit = created(run(bomca10, rows))

    assert (training.component.number, training.activity_type, training.status) == (
        3,
        "training",
        "confirmed",
    )
    assert (training.start_date, training.end_date) == (date(2023, 10, 3), date(2023, 10, 5))
    assert sorted(training.beneficiary_organisations.values_list("code", flat=True)) == [
        "KZ-BORDER",
        "KZ-CUSTOMS",
    ]
    assert counts(training) == [("KZ", 3, 14, 0)]
    assert (visit.activity_type, visit.host_country.code, visit.end_date) == (
        "study_visit",
        "UZ",
        date(2023, 10, 20),
    )
    assert (visit.title_en, visit.title_ru, counts(visit)) == (
        "Study visit on diaspora policies",
        "",
        [],
    )


def test_a_semicolon_csv_saved_in_windows_1251_works(bomca10):
    data = csv_bytes(
        [
            [
                "Компонент",
                "Наименование мероприятия",
                "Вид",
                "Страна проведения",
                "Дата начала",
                "Дата окончания",
                "Женщины",
                "Мужчины",
            ],
            [
                "3",
                "Тренинг по таможенному контролю",
                "Тренинг",
                "Узбекистан",
                "03.10.2023",
                "05.10.2023",
                "2",
                "9",
            ],
        ],
        delimiter=";",
        encoding="cp1251",
    )

    (activity,) = created(run(bomca10, [], data=data, filename="plan.csv"))

    assert (activity.title_ru, activity.activity_type, activity.host_country.code) == (
        "Тренинг по таможенному контролю",
        "training",
        "UZ",
    )
    assert counts(activity) == [("UZ", 2, 9, 0)]


def test_a_preview_says_what_it_would_do_and_writes_nothing(bomca10):
    before = table_sizes()

    result = run(bomca10, RUSSIAN_PLAN, dry_run=True)

    assert (result.problems, result.imported) == ([], False)
    assert (result.activities.created, result.activities.updated) == (2, 0)
    assert table_sizes() == before


# Idempotency and codes


def test_importing_the_same_file_twice_changes_nothing_the_second_time(bomca10):
    run(bomca10, RUSSIAN_PLAN)
    after_first = table_sizes()

    result = run(bomca10, RUSSIAN_PLAN)

    assert result.problems == []
    outcome = result.activities
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    assert table_sizes() == after_first


def test_a_changed_cell_updates_exactly_that_activity(bomca10):
    national, regional = created(run(bomca10, RUSSIAN_PLAN))
    changed = [list(row) for row in RUSSIAN_PLAN]
    changed[3][6] = "Проведено"
    before = table_sizes()

    result = run(bomca10, changed)

    outcome = result.activities
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert outcome.codes_updated == [national.code]
    national.refresh_from_db()
    assert national.status == "implemented"
    assert table_sizes() == before | {
        "activities.HistoricalActivity": before["activities.HistoricalActivity"] + 1
    }
    assert regional.history.count() == 1


def test_a_row_with_an_existing_code_updates_that_activity(bomca10):
    result = run(
        bomca10,
        [["Code", "Status", "Women", "Men"], [UNLISTED.lower(), "Implemented", 6, 15]],
    )

    assert result.activities.codes_updated == [UNLISTED]
    activity = Activity.objects.get(code=UNLISTED)
    assert (activity.status, activity.title_en) == (
        "implemented",
        "Workshop on document security for border guards",
    )
    assert counts(activity) == [("KG", 6, 15, 0)]


def test_a_new_well_formed_code_creates_the_activity_under_that_code(bomca10):
    rows: list[Row] = [["Code", *ENGLISH], ["C4-TM-2023-101", *english_row("A", "Turkmenistan")]]

    result = run(bomca10, rows)

    assert result.activities.codes_created == ["C4-TM-2023-101"]
    assert Activity.objects.get(code="C4-TM-2023-101").host_country.code == "TM"


def test_a_mistyped_code_is_a_problem_of_its_row_and_column(bomca10):
    before = table_sizes()

    result = run(
        bomca10, [["Code", "Status"], [UNLISTED, "Implemented"], ["C1-KG-23-26", "Implemented"]]
    )

    assert problems(result) == [
        (
            3,
            "Code",
            "“C1-KG-23-26” is not an activity code such as C1-KG-2023-014; leave it empty for a "
            "new activity.",
        )
    ]
    assert table_sizes() == before


# Bad rows


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(bomca10, personas):
    rows: list[Row] = [
        ENGLISH,
        english_row("Good 1", "Tajikistan"),
        english_row("Unknown component", "Tajikistan", Component=7),
        english_row("Good 2", "Tajikistan", Beneficiaries="TJ-BORDER"),
        english_row("Unknown type", "Tajikistan", Type="Picnic"),
        english_row("Unknown country", "Atlantis"),
        english_row("Bad date", "Tajikistan", Start_date="soon"),
        english_row("End before start", "Tajikistan", End_date="02.10.2023"),
        english_row("Late", "Tajikistan", Start_date="29.09.2025", End_date="02.10.2025"),
        english_row("Unknown agency", "Tajikistan", Beneficiaries="Ministry of Magic"),
        english_row("Negative", "Tajikistan", Women=-3),
        english_row("Another country", "Kyrgyzstan"),
        english_row("Good 3", "Tajikistan"),
    ]
    before = table_sizes()

    result = run(bomca10, rows, user=personas["tjcoord"])

    outside = "The programme runs from 1 April 2021 to 30 September 2025; this date is outside it."
    assert problems(result) == [
        (3, "Component", "“7” is not a component of the programme; write its number, e.g. 1."),
        (
            5,
            "Type",
            "“Picnic” is not understood; write one of: Workshop, Seminar, Training, Study visit, "
            "Online session, Exchange of trainers, Assessment, Conference, Event, "
            "Management meeting.",
        ),
        (6, "Host country", "“Atlantis” is not a country the system knows."),
        (7, "Start date", '"soon" is not a date; write it as 20.06.2023.'),
        (8, "End date", "The end date is before the start date."),
        (9, "End date", outside),
        (10, "Beneficiaries", "Not organisations the system knows: “Ministry of Magic”."),
        (11, "Women", "A number of people cannot be negative."),
        (
            12,
            "Host country",
            "You may not record this activity: it is outside your components or countries.",
        ),
    ]
    assert (result.imported, result.activities) == (False, None)
    assert table_sizes() == before


def test_the_same_activity_twice_in_one_file_is_a_problem(bomca10):
    rows: list[Row] = [
        ["Code", *ENGLISH],
        ["", *english_row("Twice")],
        ["", *english_row("Once")],
        ["", *english_row("twice ")],
        [UNLISTED, *english_row("By code")],
        [UNLISTED, *english_row("By code")],
    ]
    before = table_sizes()

    result = run(bomca10, rows)

    assert problems(result) == [
        (4, "", "The same activity as row 2."),
        (6, "", "The same activity as row 5."),
    ]
    assert table_sizes() == before


def test_a_regional_activitys_counts_are_sent_to_its_form(bomca10):
    result = run(bomca10, [ENGLISH, english_row("Regional", "")])

    assert problems(result) == [
        (
            2,
            "Women",
            "A regional activity's counts are kept by country; record them in the activity's form.",
        )
    ]


# Counts and attendance lists


def test_counts_for_an_activity_with_an_attendance_list_are_refused(bomca10):
    before = table_sizes()

    result = run(bomca10, [["Code", "Women", "Men"], [LISTED, 1, 1]])

    assert problems(result) == [
        (
            2,
            "Women",
            "The activity has an attendance list: its counts come from the list; correct the "
            "list instead.",
        )
    ]
    assert table_sizes() == before


def test_the_counts_an_activity_has_leave_it_unchanged_even_with_a_list(bomca10):
    activity = Activity.objects.get(code=LISTED)
    assert activity.attendances.exists()
    female = sum(row.female for row in activity.participant_counts.all())
    male = sum(row.male for row in activity.participant_counts.all())
    before = table_sizes()

    result = run(bomca10, [["Code", "Status", "Women", "Men"], [LISTED, "Проведено", female, male]])

    outcome = result.activities
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)
    assert table_sizes() == before


# Who may import what


@pytest.mark.parametrize(
    ("persona", "component", "country", "column"),
    [
        ("c2lead", 2, "Uzbekistan", ""),
        ("c2lead", 1, "Uzbekistan", "Component"),
        ("tjcoord", 3, "Tajikistan", ""),
        ("tjcoord", 3, "Uzbekistan", "Host country"),
    ],
)
def test_a_lead_imports_only_their_component_and_a_coordinator_only_their_country(
    bomca10, personas, persona, component, country, column
):
    result = run(
        bomca10,
        [ENGLISH, english_row("Mine?", country, Component=component)],
        user=personas[persona],
    )

    if column:
        assert problems(result) == [
            (
                2,
                column,
                "You may not record this activity: it is outside your components or countries.",
            )
        ]
    else:
        assert len(created(result)) == 1


@pytest.mark.parametrize(
    ("persona", "row"),
    [("tjcoord", ["Host country", "Tajikistan"]), ("c2lead", ["Component", 2])],
)
def test_no_one_takes_an_activity_they_may_not_change_by_rewriting_its_row(
    bomca10, personas, persona, row
):
    before = table_sizes()

    result = run(bomca10, [["Code", row[0]], [UNLISTED, row[1]]], user=personas[persona])

    assert problems(result) == [
        (2, row[0], "You may not record this activity: it is outside your components or countries.")
    ]
    assert table_sizes() == before
    activity = Activity.objects.get(code=UNLISTED)
    assert (activity.host_country.code, activity.component.number) == ("KG", 1)


def test_an_empty_end_date_is_a_one_day_activity_when_new_and_kept_when_existing(bomca10):
    rows: list[Row] = [
        ["Code", "Component", "Title", "Start date", "End date"],
        ["", 2, "One day", "12.09.2023", ""],
        [UNLISTED, "", "", "19.07.2023", None],
    ]

    result = run(bomca10, rows)

    (new,) = created(result)
    assert (new.start_date, new.end_date) == (date(2023, 9, 12), date(2023, 9, 12))
    existing = Activity.objects.get(code=UNLISTED)
    assert (existing.start_date, existing.end_date) == (date(2023, 7, 19), date(2023, 7, 20))
