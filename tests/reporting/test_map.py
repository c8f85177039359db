"""The map of Central Asia: the five countries with their counts, cities as dots, in both
languages, on the dashboard and in the newsletter."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from importlib import resources

import pypdf
import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from bomca.accounts.models import User
from bomca.core.periods import parse_period
from bomca.reference.models import Country, Programme
from bomca.reporting.charts import ChartData
from bomca.reporting.infographics import published
from bomca.reporting.maps import (
    DOT_MAX_RADIUS,
    SHADES,
    WIDTH,
    activity_map,
    classes,
    gazetteer,
    geography,
    map_svg,
    place_of,
)
from bomca.reporting.models import NewsletterIssue
from bomca.reporting.newsletter import newsletter_html, newsletter_pdf
from bomca.reporting.selectors import KeyFigures, key_figures
from tests.factories import ActivityFactory
from tests.pages import Element, page

SVG = "{http://www.w3.org/2000/svg}"
Q2 = parse_period("2023Q2")
#: BOMCA 10 in 2023Q2: activities hosted, participants from the country (the reference data).
COUNTS = {
    "KZ": ("Kazakhstan", "Казахстан", 4, 70),
    "KG": ("Kyrgyzstan", "Кыргызстан", 7, 130),
    "TJ": ("Tajikistan", "Таджикистан", 6, 130),
    "TM": ("Turkmenistan", "Туркменистан", 3, 63),
    "UZ": ("Uzbekistan", "Узбекистан", 4, 79),
}


@pytest.fixture
def q2(bomca10: Programme) -> KeyFigures:
    return key_figures(programme=bomca10, period=Q2)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own renderer


def _map(figures: KeyFigures, language: str = "en") -> tuple[ChartData, ET.Element]:
    with translation.override(language):
        data = activity_map(figures)
        return data, _parse(map_svg(data))


def _texts(svg: ET.Element) -> list[str]:
    return [text.text or "" for text in svg.iter(f"{SVG}text")]


def _label(svg: ET.Element, name: str) -> list[str]:
    """The three lines of a country's label: its name and its two counts."""
    texts = _texts(svg)
    start = texts.index(name)
    return texts[start : start + 3]


def _points(path: str) -> list[tuple[float, float]]:
    numbers = [float(value) for value in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def _dots(svg: ET.Element) -> dict[str, float]:
    """City -> radius of its dot (the legend's dots name no city)."""
    return {
        dot.get("data-city", ""): float(dot.get("r", 0))
        for dot in svg.iter(f"{SVG}circle")
        if dot.get("data-city")
    }


# --- the picture -----------------------------------------------------------------------------


def test_the_map_shows_the_five_countries_with_their_counts_in_english(q2):
    data, svg = _map(q2)

    shaded = {path.get("data-country") for path in svg.iter(f"{SVG}path")} - {None}
    assert shaded == set(COUNTS)
    for name, _russian, activities, people in COUNTS.values():
        assert _label(svg, name) == [name, f"{activities} activities", f"{people} participants"]
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Activities and participants by country, April–June 2023"
    description = svg.find(f"{SVG}desc").text
    assert "Kyrgyzstan: 7 activities, 130 participants" in description
    assert "1 regional or online activity has no host country" in description
    assert data.rows == sorted(
        (name, hosted, people) for name, _r, hosted, people in COUNTS.values()
    )


def test_the_map_names_the_countries_in_russian(q2):
    _data, svg = _map(q2, "ru")

    texts = _texts(svg)
    for english, russian, _activities, _people in COUNTS.values():
        assert russian in texts
        assert english not in texts
    assert "Казахстан" in svg.find(f"{SVG}desc").text
    with translation.override("ru"):
        assert svg.find(f"{SVG}title").text == activity_map(q2).title


def test_the_darkest_shade_marks_the_country_that_hosted_most(q2):
    _data, svg = _map(q2)

    fills = {path.get("data-country"): path.get("fill") for path in svg.iter(f"{SVG}path")}
    assert fills["KG"] == SHADES[-1]  # 7 activities, the most
    assert fills["TM"] != fills["KG"]
    assert classes(7) == [
        (1, 2, SHADES[0]),
        (3, 4, SHADES[1]),
        (5, 6, SHADES[2]),
        (7, 7, SHADES[3]),
    ]


def test_classes_never_repeat_a_bound_and_vanish_when_nothing_was_hosted():
    assert classes(1) == [(1, 1, SHADES[-1])]
    assert classes(2) == [(1, 1, SHADES[-2]), (2, 2, SHADES[-1])]
    assert classes(0) == []


def test_the_projection_keeps_every_programme_country_and_label_inside_the_picture(q2):
    _data, svg = _map(q2)
    height = geography().height

    for path in svg.iter(f"{SVG}path"):
        if path.get("data-country"):
            points = _points(path.get("d", ""))
            assert all(0 <= x <= WIDTH and 0 <= y <= height for x, y in points)
    _left, _top, width, total = (float(value) for value in svg.get("viewBox", "").split())
    assert width == WIDTH
    for card in svg.iter(f"{SVG}rect"):
        x, w = float(card.get("x", 0)), float(card.get("width", 0))
        assert x >= 0
        assert x + w <= WIDTH
        assert 0 <= float(card.get("y", 0)) <= total


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_five_labels_do_not_cover_one_another(q2, language):
    _data, svg = _map(q2, language)

    cards = [
        tuple(float(rect.get(name, 0)) for name in ("x", "y", "width", "height"))
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("rx")  # the labels' cards are the rounded rectangles
    ]
    assert len(cards) == 5
    for index, (x, y, width, height) in enumerate(cards):
        for other_x, other_y, other_width, other_height in cards[index + 1 :]:
            apart_across = x + width <= other_x or other_x + other_width <= x
            apart_down = y + height <= other_y or other_y + other_height <= y
            assert apart_across or apart_down


def test_cities_of_the_gazetteer_get_dots_the_size_of_their_count(q2):
    data, svg = _map(q2)

    dots = _dots(svg)
    assert set(dots) == {
        "Almaty",
        "Astana",
        "Batken",
        "Bishkek",
        "Dushanbe",
        "Khujand",
        "Ashgabat",
        "Turkmenabat",
        "Tashkent",
    }
    # Bishkek and Dushanbe (5 each) are the largest; a dot's area follows its count.
    assert dots["Bishkek"] == dots["Dushanbe"] == DOT_MAX_RADIUS
    assert dots["Batken"] == pytest.approx(DOT_MAX_RADIUS / 5**0.5, abs=0.1)
    # The study visit recorded in Kyrgyzstan with the city Berlin counts under Kyrgyzstan only.
    assert data.options["unplaced"] == [("Berlin", "Kyrgyzstan", 1)]
    assert _label(svg, "Kyrgyzstan")[1] == "7 activities"


def _inside(lon: float, lat: float, ring: list[float]) -> bool:
    """Whether a point is inside a ring of the boundaries file (longitude, latitude pairs)."""
    points = list(zip(ring[::2], ring[1::2], strict=True))
    crossings = 0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def test_every_city_of_the_gazetteer_lies_in_its_own_country_and_no_other():
    """Coordinates typed from gazetteers are checked against the boundaries the map draws."""
    boundaries = json.loads(
        (resources.files("bomca.reporting") / "data" / "central_asia.json").read_text("utf-8")
    )
    rings: dict[str, list[list[float]]] = {}
    for country in boundaries["countries"]:
        rings.setdefault(country["code"] or country["name"], []).extend(country["rings"])
    places = {(spot.country, spot.name_en, spot.lon, spot.lat) for spot in gazetteer().values()}

    found = {
        (name, code): sorted(
            other
            for other, shapes in rings.items()
            if any(_inside(lon, lat, ring) for ring in shapes)
        )
        for code, name, lon, lat in places
    }

    assert len(found) >= 16
    assert {key: inside for key, inside in found.items() if inside != [key[1]]} == {}


def test_the_russian_map_names_the_cities_in_russian(q2):
    data, _svg_element = _map(q2, "ru")

    assert ("Бишкек", "Кыргызстан", 5) in [row[:3] for row in data.options["cities"]]


def test_unknown_and_misplaced_cities_count_under_their_country_only(q2):
    by_city = {
        "KZ": {"Nur-Sultan": 2, "Nowhere-on-Earth": 3, "Tashkent": 1},  # Tashkent is in UZ
        "TJ": {"ХУДЖАНД": 1},
    }
    figures = replace(q2, activities=replace(q2.activities, by_city=by_city))

    data, svg = _map(figures)

    assert {row[0]: row[2] for row in data.options["cities"]} == {"Astana": 2, "Khujand": 1}
    assert sorted(data.options["unplaced"]) == [
        ("Nowhere-on-Earth", "Kazakhstan", 3),
        ("Tashkent", "Kazakhstan", 1),
    ]
    assert set(_dots(svg)) == {"Astana", "Khujand"}
    assert "Nowhere-on-Earth — Kazakhstan, 3 activities" in svg.find(f"{SVG}desc").text


def test_a_period_with_nothing_draws_the_countries_blank_with_no_dot(bomca10):
    figures = key_figures(programme=bomca10, period=parse_period("2019Q1"))

    data, svg = _map(figures)

    assert [row[1] for row in data.rows] == [0] * 5
    assert _dots(svg) == {}
    assert {path.get("fill") for path in svg.iter(f"{SVG}path") if path.get("data-country")} == {
        "#ffffff"
    }


def test_cities_are_counted_as_recorded_with_spaces_trimmed(bomca10):
    kazakhstan = Country.objects.get(code="KZ")
    component = bomca10.components.get(number=1)
    ActivityFactory(component=component, host_country=kazakhstan, city=" Almaty ")
    ActivityFactory(component=component, host_country=kazakhstan, city="Aktau")

    figures = key_figures(programme=bomca10, period=Q2)

    assert figures.activities.by_city["KZ"] == {"Aktau": 1, "Almaty": 4, "Astana": 1}
    assert place_of("KZ", " almaty ") == place_of("KZ", "Алма-Ата")


def test_small_counts_of_people_follow_the_rule_of_the_reader(q2):
    few = replace(
        q2,
        participants=replace(q2.participants, by_country={**q2.participants.by_country, "TM": 3}),
    )
    with translation.override("en"):
        data = activity_map(few, count=published)
        svg = _parse(map_svg(data))

    assert _label(svg, "Turkmenistan")[2] == "fewer than 5 participants"
    assert ("Turkmenistan", 3, None) in data.rows


def test_the_map_asks_the_database_once_for_the_countries_names(q2, django_assert_num_queries):
    with django_assert_num_queries(1):
        map_svg(activity_map(q2))


# --- where it is shown -------------------------------------------------------------------------


def _map_table(html: Element) -> dict[str, tuple[str, str]]:
    table = html.find_all("div", cls="map-table")[0].find_all("table")[0]
    return {
        row.find_all("th")[0].text: tuple(cell.text for cell in row.find_all("td"))
        for row in table.find_all("tbody")[0].find_all("tr")
    }


def test_the_dashboard_shows_the_map_with_its_table(client: Client, personas: dict[str, User]):
    client.force_login(personas["pm"])

    html = page(client.get("/dashboard/?period=2023Q2"))

    card = html.by_id("map-activities-map")
    assert card.find_all("svg")[0].attrs["role"] == "img"
    assert _map_table(html) == {
        name: (str(activities), str(people)) for name, _r, activities, people in COUNTS.values()
    }


def test_a_donor_sees_the_map_s_counts_of_people_rounded(client: Client, personas: dict[str, User]):
    client.force_login(personas["donor"])

    html = page(client.get("/dashboard/?period=2023Q2"))

    assert _map_table(html)["Turkmenistan"] == ("3", "65")  # 63 people, rounded to 5
    assert "65 participants" in html.by_id("map-activities-map").text


def test_the_russian_dashboard_shows_the_map_in_russian(client: Client, personas: dict[str, User]):
    coordinator = personas["tjcoord"]
    coordinator.language = "ru"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)

    html = page(client.get("/dashboard/?period=2023Q2", HTTP_ACCEPT_LANGUAGE="ru"))

    table = _map_table(html)
    assert set(table) == {russian for _e, russian, _a, _p in COUNTS.values()}
    assert table["Таджикистан"] == ("6", "130")  # the coordinator's own country: exact


def _issue6(bomca10: Programme) -> NewsletterIssue:
    return NewsletterIssue.objects.get(programme=bomca10, number=6)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_newsletter_places_the_map_as_its_first_figure(bomca10, language):
    html = page(HttpResponse(newsletter_html(_issue6(bomca10), language=language)))

    figure = html.by_id("figure-activities-map")
    assert figure.find_all("span", cls="figure-number")[0].text.endswith(" 1")
    names = {english if language == "en" else russian for english, russian, *_c in COUNTS.values()}
    assert names <= {text.text for text in figure.find_all("text")}
    assert set(_map_table(html)) == names


def test_the_newsletter_pdf_builds_with_the_map(bomca10):
    data = newsletter_pdf(_issue6(bomca10), language="ru")

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF-")
    assert "Туркменистан" in text
    assert "Natural Earth" in text
