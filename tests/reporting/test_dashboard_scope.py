"""The dashboard's lists of coming deliveries and grant reports name only records the reader
may open: a national coordinator sees those of their countries, the totals stay the programme's."""

from __future__ import annotations

import pytest

from tests.pages import page

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/?programme=BOMCA10&period=2023Q2"


def _coming_rows(html):
    section = html.by_id("upcoming-heading").parent
    tables = section.find_all("table")
    rows = []
    for table in tables:
        for row in table.find_all("tr"):
            links = [link.attrs["href"] for link in row.find_all("a")]
            if any(href.startswith(("/procurement/", "/grants/")) for href in links):
                rows.append((links[0], row.find_all("td")[2].text))
    return rows


def test_the_programme_manager_sees_what_comes_in_every_country(client, personas):
    client.force_login(personas["pm"])

    rows = _coming_rows(page(client.get(DASHBOARD)))

    assert len({country for _link, country in rows}) > 1


def test_a_national_coordinator_sees_only_the_coming_records_of_their_country(client, personas):
    client.force_login(personas["tjcoord"])
    html = page(client.get(DASHBOARD))

    rows = _coming_rows(html)
    assert rows
    assert {country for _link, country in rows} == {"Tajikistan"}
    for link, _country in rows:
        assert client.get(link).status_code == 200
    # The sentences keep the programme's totals, as the published newsletter prints them.
    procurement = html.by_id("procurement-heading").parent.find_all("p")[0].text
    assert procurement.startswith("9 needs of equipment are going ahead")


# The training results table counts people as every other count on the page


def _tested_column(html):
    table = html.by_id("training-heading").parent.find_all("table")[0]
    return {
        row.find_all("th")[0].text: row.find_all("td")[0].text for row in table.find_all("tr")[1:]
    }


def test_the_number_tested_is_exact_for_the_manager_and_rounded_for_the_donor(client, personas):
    client.force_login(personas["pm"])
    exact = _tested_column(page(client.get(DASHBOARD)))
    client.force_login(personas["donor"])
    shown = _tested_column(page(client.get(DASHBOARD)))

    assert exact.keys() == shown.keys()
    assert "All participants" in exact
    for group, text in shown.items():
        tested = int(exact[group])
        expected = "<5" if tested < 5 else str(5 * round(tested / 5))
        assert text == expected, group
