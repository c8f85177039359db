"""Reads of procurement: late deliveries, and the figures of the dashboard and the newsletter on
the reference data; statuses as they were at the end of a period; the queries they take."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bomca.accounts.models import Role
from bomca.core.periods import parse_period
from bomca.procurement.models import NeedStatus
from bomca.procurement.selectors import late_deliveries, need_list, need_totals, procurement_figures
from bomca.reference.models import Country
from tests.factories import UserFactory
from tests.procurement.factories import ItemFactory, NeedFactory, deliver, need_at

S = NeedStatus
Q2 = parse_period("2023Q2")
FIGURE_QUERIES = 8


# Late deliveries


def test_late_deliveries_are_items_past_their_date_not_all_in(bomca10, personas):
    rows = late_deliveries(user=personas["pm"], today=date(2023, 7, 20), programme=bomca10)

    assert [(row.reference, row.item, row.outstanding, row.days_late) for row in rows] == [
        ("PR-KZ-2023-006", "Laptop", Decimal("9.00"), 6),
        ("PR-KZ-2023-006", "Document scanner", Decimal("15.00"), 6),
    ]
    assert rows[0].due == date(2023, 7, 14)


def test_an_item_late_on_its_own_date_is_late_before_its_need(bomca10, personas):
    rows = late_deliveries(user=personas["pm"], today=date(2023, 8, 1), programme=bomca10)

    assert ("PR-TM-2023-001", "Passport and ID card reader") in {
        (row.reference, row.item) for row in rows
    }
    assert ("PR-TM-2023-001", "Video spectral comparator") not in {
        (row.reference, row.item) for row in rows
    }


def test_late_deliveries_leave_out_closed_needs(db):
    need_at(S.CANCELLED, complete=False, planned_delivery_date=date(2023, 4, 1))
    open_need = need_at(S.CONTRACTED, complete=False, planned_delivery_date=date(2023, 4, 1))

    rows = late_deliveries(user=UserFactory(role=Role.PROGRAMME_MANAGER), today=date(2023, 5, 1))

    assert [row.reference for row in rows] == [open_need.reference]


def test_late_deliveries_follow_the_users_countries(bomca10, personas):
    rows = late_deliveries(user=personas["tjcoord"], today=date(2024, 1, 1), programme=bomca10)

    assert {row.country for row in rows} == {"TJ"}
    assert {row.reference for row in rows} == {"PR-TJ-2022-001"}


def test_late_deliveries_take_one_query(bomca10, personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = late_deliveries(user=personas["pm"], today=date(2024, 1, 1), programme=bomca10)

    assert len(rows) == 12


# Figures on the reference data


@pytest.fixture
def q2(bomca10):
    return procurement_figures(programme=bomca10, period=Q2)


def test_the_figures_are_plain_json(q2):
    assert json.loads(json.dumps(q2)) == q2


def test_the_figures_count_needs_and_items_by_status_at_the_end_of_the_quarter(q2):
    assert q2["as_of"] == "2023-06-30"
    assert q2["needs"] == 9
    counts = {status: (cell["needs"], cell["items"]) for status, cell in q2["by_status"].items()}
    assert counts == {
        "identified": (0, 0),
        "specified": (0, 0),
        "tendered": (1, 3),
        "evaluated": (2, 3),
        "contracted": (3, 6),
        "delivered": (1, 2),
        "handed_over": (2, 4),
        "on_hold": (0, 0),
        "cancelled": (0, 0),
    }
    assert q2["by_status"]["contracted"]["contracted"] == {"EUR": "460100.00", "USD": "26400.00"}


def test_the_figures_break_down_by_country_and_horizon(q2):
    assert list(q2["by_country"]) == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert q2["by_country"]["KZ"]["estimated"] == {"EUR": "50400.00", "USD": "27750.00"}
    assert {key: cell["needs"] for key, cell in q2["by_horizon"].items()} == {
        "short_term": 4,
        "mid_term": 5,
    }


def test_the_value_is_the_contracted_one_once_there_is_one(q2):
    kyrgyz = q2["by_country"]["KG"]
    assert kyrgyz["estimated"] == {"EUR": "113400.00"}
    assert kyrgyz["contracted"] == {"EUR": "10600.00"}
    assert kyrgyz["value"] == {"EUR": "112600.00"}  # 102,000 estimated + 10,600 contracted


def test_the_funnel_counts_the_needs_that_reached_each_step(q2):
    assert [(row["status"], row["needs"]) for row in q2["funnel"]] == [
        ("identified", 9),
        ("specified", 9),
        ("tendered", 9),
        ("evaluated", 8),
        ("contracted", 6),
        ("delivered", 3),
        ("handed_over", 2),
    ]


def test_the_figures_say_what_was_handed_over_in_the_quarter(q2):
    assert q2["handed_over"] == {
        "period": {"label": "2023Q2", "start": "2023-04-01", "end": "2023-06-30"},
        "hand_overs": 3,
        "needs": 2,
        "items": 4,
        "value": {"EUR": "34000.00"},
    }


def test_the_figures_say_what_is_planned_for_the_next_quarter(q2):
    planned = q2["planned_next_quarter"]

    assert planned["period"]["label"] == "2023Q3"
    assert [(row["reference"], row["planned"]) for row in planned["rows"]] == [
        ("PR-KZ-2023-006", "2023-07-14"),
        ("PR-TM-2023-001", "2023-07-31"),
        ("PR-TJ-2022-001", "2023-09-15"),
    ]
    # Of the laptops, 6 of 15 had arrived: only the 9 still to come count.
    assert planned["value"] == {"EUR": "460100.00", "USD": "18420.00"}


def test_statuses_are_those_at_the_end_of_the_period(bomca10):
    q1 = procurement_figures(programme=bomca10, period=parse_period("2023Q1"))

    assert q1["needs"] == 5  # the four short-term needs were identified in April and May
    assert {status: cell["needs"] for status, cell in q1["by_status"].items() if cell["needs"]} == {
        "tendered": 1,
        "specified": 4,
    }
    assert q1["handed_over"]["hand_overs"] == 0


def test_a_coordinator_sees_the_figures_of_their_countries(bomca10, personas):
    figures = procurement_figures(programme=bomca10, period=Q2, user=personas["tjcoord"])

    assert figures["needs"] == 2
    assert list(figures["by_country"]) == ["TJ"]
    assert figures["handed_over"]["hand_overs"] == 2


def test_the_figures_take_the_same_queries_however_many_needs(bomca10, django_assert_num_queries):
    kyrgyzstan = Country.objects.get(code="KG")
    for _ in range(20):
        item = ItemFactory(lot__need=NeedFactory(programme=bomca10, country=kyrgyzstan))
        deliver(item, 3)

    with django_assert_num_queries(FIGURE_QUERIES):
        figures = procurement_figures(programme=bomca10, period=Q2)

    assert figures["needs"] == 29


# The list


def test_need_totals_count_by_status(bomca10):
    totals = need_totals(need_list(programme=bomca10, today=date(2023, 7, 1)))

    assert (totals.needs, totals.items) == (9, 18)
    assert totals.by_status == {
        "tendered": 1,
        "evaluated": 2,
        "contracted": 3,
        "delivered": 1,
        "handed_over": 2,
    }
