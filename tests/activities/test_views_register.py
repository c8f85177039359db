"""The register of activities: its pages, filters, sorting and the htmx fragment."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from bomca.activities.models import Activity
from bomca.activities.selectors import ACTIVITY_ORDERINGS
from bomca.reference.models import Programme
from tests.factories import ActivityFactory, OrganisationFactory, ParticipantCountFactory
from tests.pages import Element, errors_of, field_container, form_values, htmx_swap, page

# Savepoint, update and release of the session on every request (idle expiry).
SESSION_REFRESH = 3

REGISTER = "/activities/"
ILLUSTRATIVE = "C3-UZ-2023-001"  # the oldest activity of the quarter
Q2 = "2023Q2"  # the quarter BOMCA 10 implemented its 25 activities in; 2023Q3 is planned


def _register(client: Client, **params: str) -> Element:
    return page(client.get(REGISTER, params)).by_id("register")


def _codes(register: Element) -> list[str]:
    return [link.text for link in register.find_all("a", cls="code")]


def _count(register: Element) -> str:
    return register.find_all("p", cls="muted")[0].text


def _column(register: Element, index: int) -> list[str]:
    return [row.find_all("td")[index].text for row in register.find_all("tbody")[0].find_all("tr")]


def test_the_register_lists_the_30_activities_of_bomca_10(alice_client: Client, bomca10: Programme):
    first, second = _register(alice_client), _register(alice_client, page="2")

    assert _count(first) == "30 activities"
    assert len(_codes(first)) == 25
    assert len(_codes(second)) == 5
    assert set(_codes(first) + _codes(second)) == set(
        Activity.objects.filter(programme=bomca10).values_list("code", flat=True)
    )


def test_the_register_lists_the_25_activities_of_2023q2_on_one_page(
    alice_client: Client, bomca10: Programme
):
    register = _register(alice_client, period=Q2)

    assert _count(register) == "25 activities"
    assert len(_codes(register)) == 25
    assert register.find_all("nav", cls="pagination") == []


def test_the_register_shows_25_activities_a_page(alice_client: Client, bomca10: Programme):
    ActivityFactory(component=bomca10.components.get(number=1))  # starts in 2023Q2

    first, second = _register(alice_client, period=Q2), _register(alice_client, period=Q2, page="2")

    assert _count(first) == "26 activities"
    assert len(_codes(first)) == 25
    assert "Page 1 of 2" in first.find_all("nav", cls="pagination")[0].text
    assert _codes(second) == [ILLUSTRATIVE]
    assert ILLUSTRATIVE not in _codes(first)


@pytest.mark.parametrize(("asked", "shown"), [("50", 30), ("100", 30), ("10", 25), ("x", 25)])
def test_the_rows_per_page_are_25_50_or_100(
    alice_client: Client, bomca10: Programme, asked: str, shown: int
):
    register = _register(alice_client, per_page=asked)

    assert len(_codes(register)) == shown  # 30 activities; an unknown size is the default


def test_the_next_page_keeps_the_rows_per_page(alice_client: Client, bomca10: Programme):
    for _ in range(21):
        ActivityFactory(component=bomca10.components.get(number=1))

    first = _register(alice_client, per_page="50")
    link = first.find_all("nav", cls="pagination")[0].find_all("a")[0].attrs["href"]

    assert len(_codes(first)) == 50
    assert "per_page=50" in link


def test_the_next_page_link_keeps_the_filters(alice_client: Client, bomca10: Programme):
    for _ in range(26):
        ActivityFactory(component=bomca10.components.get(number=1))

    register = _register(alice_client, component="1")
    link = register.find_all("nav", cls="pagination")[0].find_all("a")[0].attrs["href"]

    assert "component=1" in link
    assert "page=2" in link


#: GET parameters of the register and the BOMCA 10 activities they leave.
FILTERED = [
    (
        {"component": "4"},
        "C4-KG-2023-013 C4-KG-2023-017 C4-KZ-2023-020 C4-TJ-2023-010 C4-UZ-2023-025 C4-UZ-2023-029",
    ),
    ({"country": "TM"}, "C1-TM-2023-002 C1-TM-2023-014 C3-TM-2023-009"),
    ({"country": "none"}, "C1-RG-2023-007 C1-RG-2023-030 C2-RG-2023-028"),
    ({"activity_type": "seminar"}, "C3-TJ-2023-008 C4-UZ-2023-025"),
    (
        {"scope": "regional"},
        "C1-RG-2023-007 C1-RG-2023-030 C2-KG-2023-024 C2-RG-2023-028 C3-KZ-2023-012 "
        "C3-UZ-2023-022 C4-KZ-2023-020",
    ),
    (
        {"period": "2023-04", "status": "implemented"},
        "C1-RG-2023-007 C1-TJ-2023-004 C1-TM-2023-002 C2-KG-2023-006 C2-KZ-2023-003 "
        "C3-KZ-2023-005 C3-UZ-2023-001",
    ),
    (
        {"text": "dushanbe"},
        "C1-TJ-2023-004 C1-TJ-2023-011 C2-TJ-2023-015 C3-TJ-2023-008 C3-TJ-2023-023 C3-TJ-2023-027",
    ),
    ({"component": "1", "country": "KG"}, "C1-KG-2023-018 C1-KG-2023-021 C1-KG-2023-026"),
    (
        {"period": "2023Q3"},
        "C1-KG-2023-026 C1-RG-2023-030 C2-RG-2023-028 C3-TJ-2023-027 C4-UZ-2023-029",
    ),
]


@pytest.mark.parametrize(("params", "codes"), FILTERED)
def test_the_register_filters_by_its_get_parameters(
    alice_client: Client, bomca10: Programme, params, codes
):
    register = _register(alice_client, **params)

    expected = codes.split()
    assert sorted(_codes(register)) == expected
    assert (
        _count(register) == f"{len(expected)} {'activity' if len(expected) == 1 else 'activities'}"
    )


def test_the_status_filter_leaves_out_other_statuses(alice_client: Client, bomca10: Programme):
    planned = ActivityFactory(component=bomca10.components.get(number=1), status="planned")

    assert set(_codes(_register(alice_client, status="planned"))) == {
        "C3-TJ-2023-027",
        "C2-RG-2023-028",
        "C4-UZ-2023-029",
        "C1-RG-2023-030",
        planned.code,
    }
    assert _codes(_register(alice_client, status="confirmed")) == ["C1-KG-2023-026"]
    assert planned.code not in _codes(_register(alice_client, status="implemented"))


def test_the_filter_form_shows_the_filters_applied(alice_client: Client, bomca10: Programme):
    html = page(alice_client.get(REGISTER, {"country": "TM", "text": "travel"}))

    assert html.by_id("id_text").attrs["value"] == "travel"
    options = html.by_id("id_country").find_all("option")
    selected = [option for option in options if "selected" in option.attrs]
    assert [option.text for option in selected] == ["Turkmenistan"]


def test_an_htmx_request_gets_only_the_register(alice_client: Client, bomca10: Programme):
    response = alice_client.get(REGISTER, {"component": "4"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert 'role="search"' not in html  # the filter form stays on the page
    assert _count(page(response)) == "6 activities"
    assert len(page(response).find_all("table", cls="register")) == 1


def test_nothing_matching_shows_the_empty_state(alice_client: Client, bomca10: Programme):
    register = _register(alice_client, status="cancelled")

    assert _count(register) == "0 activities"
    assert register.find_all("table") == []
    assert (
        "No activity matches these filters." in register.find_all("div", cls="empty-state")[0].text
    )


def test_an_unreadable_period_is_explained_next_to_the_period_field(
    alice_client: Client, bomca10: Programme
):
    response = alice_client.get(REGISTER, {"period": "2023Q5"})

    assert response.status_code == 200
    assert errors_of(field_container(response, "period")) == [
        "Period 2023Q5 does not exist: a year has quarters Q1 to Q4 (e.g. 2023Q2)."
    ]


def test_an_unreadable_period_does_not_drop_the_other_filters(
    alice_client: Client, bomca10: Programme
):
    register = _register(alice_client, country="TM", period="2023Q5")

    assert set(_codes(register)) == {"C1-TM-2023-002", "C1-TM-2023-014", "C3-TM-2023-009"}


def _dates(register: Element) -> list[date]:
    codes = _codes(register)
    starts = dict(Activity.objects.filter(code__in=codes).values_list("code", "start_date"))
    return [starts[code] for code in codes]


def _order_of(register: Element, key: str) -> list[object]:
    """The sorted-by value of each row, read from the page (or, for dates, the record)."""
    codes = _codes(register)
    activities = {activity.code: activity for activity in Activity.objects.filter(code__in=codes)}
    values = {
        "code": codes,
        "component": _column(register, 2),
        "participants": [int(value) for value in _column(register, 6)],
        "start": _dates(register),
        "country": [
            activity.host_country.name_en
            for activity in (activities[code] for code in codes)
            if activity.host_country  # where an activity without one goes is the database's call
        ],
    }
    return values[key]


@pytest.mark.parametrize("key", ["code", "component", "participants", "start", "country"])
@pytest.mark.parametrize("descending", [False, True])
def test_each_sortable_header_sorts_the_register(
    alice_client: Client, bomca10: Programme, key, descending
):
    register = _register(alice_client, sort=f"-{key}" if descending else key)

    values = _order_of(register, key)
    assert values == sorted(values, reverse=descending)  # type: ignore[type-var]
    assert len(set(values)) > 1


@pytest.mark.parametrize("sort", ["title", "-title"])
def test_the_title_header_sorts_the_register_as_the_database_collates(
    alice_client: Client, bomca10: Programme, sort
):
    expected = Activity.objects.order_by(*ACTIVITY_ORDERINGS[sort]).values_list("code", flat=True)
    pages = [_register(alice_client, sort=sort, page=number) for number in ("1", "2")]

    assert [code for register in pages for code in _codes(register)] == list(expected)


def test_the_sorted_header_says_so_and_offers_the_other_direction(
    alice_client: Client, bomca10: Programme
):
    header = _register(alice_client, sort="code", country="KG").find_all("th")[0]

    assert header.attrs["aria-sort"] == "ascending"
    link = header.find_all("a")[0].attrs["href"]
    assert "sort=-code" in link
    assert "country=KG" in link


def test_an_unknown_sort_falls_back_to_the_newest_first(alice_client: Client, bomca10: Programme):
    response = alice_client.get(REGISTER, {"sort": "shoe-size"})

    assert response.status_code == 200
    codes = _codes(page(response).by_id("register"))
    assert codes == _codes(_register(alice_client))
    assert codes[0] == "C1-RG-2023-030"  # the last planned activity of 2023Q3
    assert page(response).find_all("ul", cls="errorlist") == []


def test_an_unknown_sort_keeps_the_filters(alice_client: Client, bomca10: Programme):
    register = _register(alice_client, sort="shoe-size", component="4")

    assert _count(register) == "6 activities"
    assert _codes(register)[0] == "C4-UZ-2023-029"


def test_the_register_takes_the_same_queries_for_many_activities(
    alice_client: Client, bomca10: Programme, django_assert_max_num_queries
):
    for _ in range(30):
        row = ParticipantCountFactory(activity__component=bomca10.components.get(number=2))
        ParticipantCountFactory(
            activity=row.activity,
            country=row.activity.host_country,
            organisation=OrganisationFactory(country=row.activity.host_country),
        )

    with django_assert_max_num_queries(7 + SESSION_REFRESH):
        alice_client.get(REGISTER, {"page": "2"})


def test_a_filter_changed_after_sorting_keeps_the_sort(alice_client: Client, bomca10: Programme):
    # Sorting swaps only the register; the filter form, which stays, must then send that sort.
    html = page(alice_client.get(REGISTER))
    code_header = html.by_id("register").find_all("th")[0].find_all("a")[0].attrs["hx-get"]
    htmx_swap(
        html, "register", page(alice_client.get(REGISTER + code_header, HTTP_HX_REQUEST="true"))
    )
    query = {**form_values(html, html.find_all("form", cls="filters")[0]), "component": "3"}

    register = page(alice_client.get(REGISTER, query, HTTP_HX_REQUEST="true"))

    assert _codes(register) == sorted(_codes(register))
    assert query["sort"] == "code"
