"""Period selectors people type, and the quarter arithmetic reports rely on."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bomca.core.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    Period,
    PeriodError,
    last_complete_quarter,
    next_quarter,
    parse_period,
    period_label,
    previous_quarter,
    quarter,
    quarter_of,
    quarters_between,
)

# Years whose neighbouring quarters are still calendar dates (date covers years 1 to 9999).
years = st.integers(min_value=2, max_value=9998)
quarters = st.builds(quarter, years, st.integers(min_value=1, max_value=4))
days = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31))
# No deadline: a slow machine must not fail a test about calendars.
untimed = settings(deadline=None)


def is_one_sentence(message: str) -> bool:
    """One line, ending in a full stop, with no sentence break inside (abbreviations aside)."""
    text = message.replace("e.g.", "eg").replace("i.e.", "ie")
    return "\n" not in text and text.endswith(".") and re.search(r"[.!?]\s", text) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023Q2", date(2023, 4, 1), date(2023, 6, 30)),
        ("2023q4", date(2023, 10, 1), date(2023, 12, 31)),
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-04", date(2023, 4, 1), date(2023, 4, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("2023-04-15", date(2023, 4, 15), date(2023, 4, 15)),
        ("2021-04..2025-09", date(2021, 4, 1), date(2025, 9, 30)),
        ("2023Q1..2023Q2", date(2023, 1, 1), date(2023, 6, 30)),
        (" 2023Q2 ", date(2023, 4, 1), date(2023, 6, 30)),
    ],
)
def test_parse_period_finds_the_first_and_last_day(text, start, end):
    period = parse_period(text)

    assert (period.start, period.end) == (start, end)


def test_parse_period_labels_the_period_as_it_was_asked():
    assert parse_period("2021-04..2025-09").label == "2021-04..2025-09"
    assert parse_period("2023Q2").label == "2023Q2"


def test_a_parsed_quarter_knows_it_is_a_quarter():
    assert parse_period("2023Q2").is_quarter
    assert not parse_period("2023-04").is_quarter
    assert not parse_period("2023Q1..2023Q2").is_quarter


@pytest.mark.parametrize(
    "text",
    ["2023Q5", "2023Q0", "2023-13", "2023-00", "2023-02-30", "spring", "2023Q3..2023Q1"],
)
def test_parse_period_rejects_a_bad_selector_in_one_sentence_naming_it(text):
    with pytest.raises(PeriodError) as raised:
        parse_period(text)

    message = raised.value.message
    assert text in message
    assert is_one_sentence(message), message


@pytest.mark.parametrize("text", ["0000", "0000Q1", "0000-01", "0000-01-01", "0000..2023"])
def test_parse_period_rejects_year_zero_as_a_period_error(text):
    # Year 0 is not a calendar year; the CLI shows a PeriodError as one line, anything else
    # as a traceback.
    with pytest.raises(PeriodError):
        parse_period(text)


@untimed
@given(
    st.from_regex(
        r"\A[0-9]{4}(Q[0-9]|-[0-9]{1,2}|-[0-9]{1,2}-[0-9]{1,2})?"
        r"(\.\.[0-9]{4}(Q[0-9]|-[0-9]{1,2})?)?\Z",
        fullmatch=True,
    )
)
@example("0000")
@example("9999Q4")
def test_parse_period_gives_a_period_or_a_period_error_for_any_date_like_text(text):
    try:
        period = parse_period(text)
    except PeriodError:
        return
    assert period.start <= period.end


def test_a_period_contains_exactly_its_days():
    period = parse_period("2023Q2")

    assert date(2023, 4, 1) in period
    assert date(2023, 6, 30) in period
    assert date(2023, 3, 31) not in period
    assert date(2023, 7, 1) not in period
    assert "2023-05-01" not in period


def test_quarter_refuses_a_fifth_quarter():
    with pytest.raises(PeriodError, match="Quarter 5"):
        quarter(2023, 5)


def test_quarters_between_lists_the_programme_quarters_in_order():
    labels = [q.label for q in quarters_between(date(2021, 4, 1), date(2025, 9, 30))]

    assert labels[0] == "2021Q2"
    assert labels[-1] == "2025Q3"
    assert len(labels) == 18


def test_last_complete_quarter_on_the_first_day_of_a_quarter_is_the_one_just_ended():
    assert last_complete_quarter(date(2023, 7, 1)).label == "2023Q2"
    assert last_complete_quarter(date(2024, 1, 1)).label == "2023Q4"


@untimed
@given(quarters)
def test_every_quarter_contains_its_days_and_no_others(q):
    assert q.start.day == 1
    assert q.start.month in (1, 4, 7, 10)
    assert (q.end + timedelta(days=1)).day == 1
    assert q.start in q
    assert q.end in q
    assert q.start - timedelta(days=1) not in q
    assert q.end + timedelta(days=1) not in q
    assert 90 <= (q.end - q.start).days + 1 <= 92
    assert quarter_of(q.start) == q
    assert quarter_of(q.end) == q


@untimed
@given(days)
def test_quarter_of_contains_the_day(day):
    assert day in quarter_of(day)


@untimed
@given(quarters)
def test_next_quarter_undoes_previous_quarter(q):
    assert next_quarter(previous_quarter(q)) == q
    assert previous_quarter(next_quarter(q)) == q


@untimed
@given(quarters)
def test_next_quarter_starts_the_day_after(q):
    assert next_quarter(q).start == q.end + timedelta(days=1)


@untimed
@given(days, st.integers(min_value=0, max_value=3000))
def test_quarters_between_covers_the_interval_without_gaps_or_overlaps(start, length):
    end = min(start + timedelta(days=length), date(9998, 12, 31))

    covered = quarters_between(start, end)

    assert covered[0].start <= start
    assert covered[-1].end >= end
    assert covered[-1].start <= end
    for earlier, later in pairwise(covered):
        assert later.start == earlier.end + timedelta(days=1)


@untimed
@given(days)
def test_last_complete_quarter_has_ended_before_today(today):
    latest = last_complete_quarter(today)

    assert latest.end < today
    assert isinstance(latest, Period)
    assert next_quarter(latest).end >= today


def test_a_quarter_typed_with_the_cyrillic_letter_of_kvartal_is_understood():
    assert parse_period("2023К2") == parse_period("2023Q2")
    assert parse_period("2023к2").label == "2023Q2"


# --- labels of stored periods, and whole years ----------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(2023, 4, 1), date(2023, 6, 30), "2023Q2"),
        (date(2023, 1, 1), date(2023, 12, 31), "2023"),
        (date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (date(2023, 4, 15), date(2023, 4, 15), "2023-04-15"),
        (date(2023, 2, 1), date(2023, 4, 30), "2023-02-01..2023-04-30"),  # three months, no quarter
        (date(2023, 4, 1), date(2023, 6, 29), "2023-04-01..2023-06-29"),
        (date(2022, 1, 1), date(2023, 12, 31), "2022-01-01..2023-12-31"),
        (date(2022, 10, 1), date(2023, 3, 31), "2022-10-01..2023-03-31"),
    ],
)
def test_period_label_is_the_shortest_selector_naming_exactly_the_days(start, end, label):
    assert period_label(start, end) == label


typed_days = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))


@untimed
@given(typed_days, st.integers(min_value=0, max_value=800))
@example(date(2023, 4, 1), 90)
@example(date(2023, 1, 1), 364)
def test_period_label_parses_back_to_the_same_days(start, length):
    end = min(start + timedelta(days=length), date(LAST_YEAR, 12, 31))

    period = parse_period(period_label(start, end))

    assert (period.start, period.end) == (start, end)
