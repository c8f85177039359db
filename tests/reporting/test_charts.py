"""Charts: the figures of a period drawn as SVG and PNG, with their values and a text
alternative on them, in English and in Russian."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import altair as alt
import pytest
from PIL import Image

from bomca.core.periods import parse_period
from bomca.reference.models import Programme
from bomca.reporting.charts import ChartData, chart_png, chart_spec, chart_svg
from bomca.reporting.infographics import period_charts
from bomca.reporting.selectors import KeyFigures, key_figures
from tests.factories import (
    ComponentFactory,
    CountryFactory,
    ProgrammeFactory,
)

Q2 = parse_period("2023Q2")
SVG = "{http://www.w3.org/2000/svg}"
CHART_NAMES = [
    "timeline",
    "activities-by-component",
    "activities-by-country",
    "activities-by-type",
    "activities-by-scope",
    "activities-by-format",
    "participants-by-sex",
    "participants-by-country",
    "participants-by-organisation",
    "trainer-exchanges",
    "procurement-progress",
    "procurement-value",
    "procurement-status",
    "procurement-by-horizon",
    "grants-projects",
    "grants-money",
    "grants-people-reached",
]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture
def figures(bomca10: Programme) -> KeyFigures:
    return key_figures(programme=bomca10, period=Q2)


@pytest.fixture
def empty_figures(db: None) -> KeyFigures:
    """A synthetic programme with two components and nothing implemented in 2023Q2."""
    programme = ProgrammeFactory(countries=[CountryFactory(code="XA"), CountryFactory(code="XB")])
    ComponentFactory(programme=programme, number=1)
    ComponentFactory(programme=programme, number=2)
    return key_figures(programme=programme, period=Q2)


def _charts(figures: KeyFigures, **kwargs: Any) -> dict[str, ChartData]:
    return {chart.name: chart for chart in period_charts(figures, **kwargs)}


def _svg(chart: ChartData, language: str = "en") -> ET.Element:
    """The chart's SVG, parsed: it must be a well-formed XML document."""
    # Our own renderer's output, not untrusted input.
    return ET.fromstring(chart_svg(chart, language=language))  # noqa: S314


def _texts(root: ET.Element) -> list[str]:
    """The text drawn on the chart, one string per <text> element."""
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every (key, string) pair of a specification, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield key, item
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


# --- every chart, as SVG ---------------------------------------------------------------------


def test_the_quarter_has_the_seventeen_charts_in_the_order_of_the_newsletter(figures):
    assert [chart.name for chart in period_charts(figures)] == CHART_NAMES


def test_every_chart_renders_to_svg_with_a_title_and_a_description(figures):
    for chart in period_charts(figures):
        root = _svg(chart)
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")

        assert root.tag == f"{SVG}svg", chart.name
        assert title is not None, chart.name
        assert desc is not None, chart.name
        assert title.text == chart.title
        assert desc.text == chart.summary
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_a_chart_carries_none_of_vegas_english_labels_of_its_parts(figures):
    for chart in period_charts(figures):
        root = _svg(chart)

        labelled = [
            element.get("aria-label") or element.get("aria-roledescription")
            for element in root.iter()
            if element.get("aria-label") or element.get("aria-roledescription")
        ]
        assert labelled == [], chart.name


def test_a_charts_parts_have_no_role_of_their_own(figures):
    """One picture with one name: a part with a role and no name fails axe-core (svg-img-alt)."""
    for chart in period_charts(figures):
        root = _svg(chart)

        assert [element.get("role") for element in root.iter() if element.get("role")] == ["img"], (
            chart.name
        )


def test_a_title_with_markup_is_escaped_in_the_svg(db):
    chart = ChartData(
        name="markup",
        kind="bar",
        title='Tom & Jerry <script>alert("x")</script>',
        summary="Only <b>text</b> & values",
        columns=("Label", "Value"),
        rows=[("One", 1)],
    )

    root = _svg(chart)

    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.summary
    assert root.find(f".//{SVG}script") is None


# --- PNG ----------------------------------------------------------------------------------------


def test_every_chart_renders_to_png_at_twice_the_svg_size(figures):
    for chart in period_charts(figures):
        data = chart_png(chart, language="en")
        svg_width = float(_svg(chart).get("width"))

        assert data.startswith(b"\x89PNG\r\n\x1a\n"), chart.name
        with Image.open(io.BytesIO(data)) as picture:
            assert picture.format == "PNG"
            assert picture.width == pytest.approx(2 * svg_width, abs=2), chart.name


# --- what a reader may see --------------------------------------------------------------------


def test_the_count_function_hides_the_counts_of_people(figures):
    charts = _charts(figures, count=lambda value, country: None)

    assert {row[1] for row in charts["participants-by-sex"].rows} == {None}
    assert {row[1] for row in charts["participants-by-organisation"].rows} == {None}
    assert {cell for row in charts["participants-by-country"].rows for cell in row[1:]} == {None}
    texts = _texts(_svg(charts["participants-by-country"]))
    assert "<5" in texts
    assert not {"130", "70", "63", "79", "472"} & set(texts)
    assert "472" not in _texts(_svg(charts["participants-by-sex"]))
    assert "Women <5" in charts["participants-by-sex"].summary
    # Counts of activities are not counts of people: they stay.
    assert [row[1] for row in charts["activities-by-component"].rows] == [7, 5, 8, 5]
    assert [row[2] for row in charts["trainer-exchanges"].rows] == [1, 1, 2, 1]


def test_the_count_function_is_told_the_country_of_each_count(figures):
    calls: list[tuple[int, str | None]] = []

    def count(value: int, country: str | None) -> int:
        calls.append((value, country))
        return value

    period_charts(figures, count=count)

    assert (70, "KZ") in calls  # Kazakhstan's participants
    assert (14, "UZ") in calls  # Uzbeks whose sex is not recorded
    assert (133, None) in calls  # all women: a figure that mixes countries
    assert (140, None) in calls  # border services
    assert {country for _value, country in calls} == {None, "KG", "KZ", "TJ", "TM", "UZ"}


def test_rounded_counts_are_what_the_chart_shows(figures):
    charts = _charts(figures, count=lambda value, country: 5 * round(value / 5))

    turkmenistan = next(
        row for row in charts["participants-by-country"].rows if row[0] == "Turkmenistan"
    )
    assert turkmenistan == ("Turkmenistan", 10, 50, 0, 65)
    assert "65" in _texts(_svg(charts["participants-by-country"]))
    assert "63" not in _texts(_svg(charts["participants-by-country"]))


# --- nothing is fetched ------------------------------------------------------------------------


def test_every_chart_spec_is_valid_vega_lite(figures, empty_figures):
    # chart_spec skips altair's validation for speed; this is where it is validated.
    for chart in period_charts(figures) + period_charts(empty_figures):
        alt.TopLevelSpec.validate(chart_spec(chart))


def test_no_chart_spec_fetches_data_from_a_url(figures, empty_figures):
    for chart in period_charts(figures) + period_charts(empty_figures):
        spec = chart_spec(chart)

        assert "url" not in set(_keys(spec)), chart.name
        assert [
            (key, value) for key, value in _strings(spec) if "http" in value and key != "$schema"
        ] == [], chart.name
        assert all("values" in data for key, data in _items(spec, "data")), chart.name


def _items(value: Any, wanted: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == wanted:
                yield key, item
            yield from _items(item, wanted)
    elif isinstance(value, list):
        for item in value:
            yield from _items(item, wanted)


def test_no_chart_svg_refers_to_another_file(figures):
    for chart in period_charts(figures):
        svg = chart_svg(chart, language="en")

        assert re.findall(r'(?:href|src)="([^"]*)"', svg) == [], chart.name
        assert "<script" not in svg
