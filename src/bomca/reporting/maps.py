"""The map of Central Asia: activities and participants per country, activities per city.

An SVG drawn here, in Python, from the Natural Earth boundaries shipped in
``data/central_asia.json`` (made by scripts/make_map_data.py; data/README.md gives the credit):
nothing is fetched and no script runs in the browser. The five programme countries are shaded
by the activities they hosted, in the product's blues, which differ in lightness as well as hue
so that colour-blind readers and grey print tell the classes apart; each carries its name and
counts in the reader's language. The neighbours are grey. A dot whose area grows with the count
marks each city whose position the gazetteer (``data/places.json``) knows; activities in any
other place count under their country only, and the map's text says so.

The counts are those of ``key_figures`` (activities by host country and by city, participants
by their own country), shown through the same ``count`` rule as the charts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bomca.activities.selectors import NO_HOST_COUNTRY
from bomca.reference.models import _in_language
from bomca.reporting.charts import FONT, INK, MUTED, PALETTE, ChartData, number
from bomca.reporting.infographics import CountShown, country_names, exact, period_dates
from bomca.reporting.selectors import KeyFigures

WIDTH = 640
#: Room under the map for the legend and the credit.
LEGEND_HEIGHT = 78
PADDING = 14
WATER = "#e8eef3"
NEIGHBOUR = "#d4d4d4"
#: A programme country that hosted nothing in the period.
NO_ACTIVITY = "#ffffff"
#: Light to dark, ending in the product's navy: the classes of activities hosted.
SHADES = ("#c6d8ea", "#86abd0", "#3f6f9f", PALETTE[0])
DOT = PALETTE[2]
#: Largest dot radius, in the map's units.
DOT_MAX_RADIUS = 13.0

#: Where each programme country's label sits (longitude, latitude), clear of its cities.
LABEL_AT = {
    "KZ": (67.5, 48.4),
    "UZ": (63.2, 42.6),
    "TM": (58.2, 39.7),
    "KG": (76.6, 41.2),
    "TJ": (72.9, 38.5),
}
#: Neighbours and sea named for orientation: where (longitude, latitude), and the name.
PLACE_NAMES: tuple[tuple[float, float, Promise], ...] = (
    (60.0, 54.6, gettext_lazy("Russia")),
    (83.0, 38.6, gettext_lazy("China")),
    (66.0, 35.4, gettext_lazy("Afghanistan")),
    (56.0, 36.3, gettext_lazy("Iran")),
    (50.5, 40.3, gettext_lazy("Caspian Sea")),
)

Point = tuple[float, float]


# --- geography, read and projected once per process ------------------------------------------


def _albers(parallels: tuple[float, float], origin: Point) -> Callable[[float, float], Point]:
    """Albers equal-area conic (sphere), y pointing down; areas compare truly across the region."""
    first, second = (math.radians(value) for value in parallels)
    n = (math.sin(first) + math.sin(second)) / 2
    c = math.cos(first) ** 2 + 2 * n * math.sin(first)
    centre, origin_lat = math.radians(origin[0]), math.radians(origin[1])
    rho0 = math.sqrt(c - 2 * n * math.sin(origin_lat)) / n

    def project(lon: float, lat: float) -> Point:
        rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
        theta = n * (math.radians(lon) - centre)
        return rho * math.sin(theta), -(rho0 - rho * math.cos(theta))

    return project


@dataclass(frozen=True)
class Shape:
    code: str  # ISO alpha-2 of a programme country, "" for a neighbour
    name_en: str
    path: str  # SVG path data in the map's units


@dataclass(frozen=True)
class Geography:
    height: float  # of the map, without the legend
    shapes: tuple[Shape, ...]
    project: Callable[[float, float], Point]  # longitude, latitude -> the map's units

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(shape.code for shape in self.shapes if shape.code)


def _read(name: str) -> dict[str, Any]:
    text = (resources.files("bomca.reporting") / "data" / name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _ring_points(ring: list[float]) -> list[Point]:
    return list(zip(ring[::2], ring[1::2], strict=True))


@lru_cache(maxsize=1)
def geography() -> Geography:
    """The boundaries projected and fitted to ``WIDTH``, framed on the five programme countries."""
    data = _read("central_asia.json")
    sphere = _albers((38.0, 52.0), (67.0, 45.0))
    projected = [
        (country, [[sphere(*point) for point in _ring_points(ring)] for ring in country["rings"]])
        for country in data["countries"]
    ]
    inside = [
        point for country, rings in projected if country["code"] for ring in rings for point in ring
    ]
    left, right = min(x for x, _y in inside), max(x for x, _y in inside)
    top, bottom = min(y for _x, y in inside), max(y for _x, y in inside)
    scale = (WIDTH - 2 * PADDING) / (right - left)
    height = round((bottom - top) * scale + 2 * PADDING)

    def fit(point: Point) -> Point:
        return (point[0] - left) * scale + PADDING, (point[1] - top) * scale + PADDING

    shapes = []
    for country, rings in projected:
        fitted = [[fit(point) for point in ring] for ring in rings]
        shown = [ring for ring in fitted if _overlaps(ring, height)]
        if shown:
            shapes.append(
                Shape(
                    code=country["code"],
                    name_en=country["name"],
                    path="".join(_path(ring) for ring in shown),
                )
            )
    return Geography(
        height=height,
        shapes=tuple(shapes),
        project=lambda lon, lat: fit(sphere(lon, lat)),
    )


def _overlaps(ring: list[Point], height: float) -> bool:
    """Whether the ring's bounding box reaches into the picture."""
    xs, ys = [x for x, _y in ring], [y for _x, y in ring]
    return max(xs) >= 0 and min(xs) <= WIDTH and max(ys) >= 0 and min(ys) <= height


def _path(ring: list[Point]) -> str:
    return "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in ring) + "Z"


def _n(value: float) -> str:
    """A coordinate to a tenth of a unit, without a trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --- the gazetteer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    country: str
    name_en: str
    name_ru: str
    lon: float
    lat: float

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_ru)


@lru_cache(maxsize=1)
def gazetteer() -> dict[tuple[str, str], Place]:
    """(country code, any spelling of the city, case-folded) -> the place."""
    index = {}
    for row in _read("places.json")["places"]:
        place = Place(row["country"], row["name_en"], row["name_ru"], row["lon"], row["lat"])
        for spelling in (row["name_en"], row["name_ru"], *row["aliases"]):
            index[(row["country"], spelling.casefold())] = place
    return index


def place_of(country: str, city: str) -> Place | None:
    """The known place of a city as recorded, in its host country; ``None`` when not known."""
    return gazetteer().get((country, city.strip().casefold()))


# --- the map's figures --------------------------------------------------------------------------


def activity_map(figures: KeyFigures, *, count: CountShown = exact) -> ChartData:
    """The map's figures as a chart's data: one row per programme country (its name, activities
    hosted, participants from it as ``count`` shows them), the cities placed on it in
    ``options["cities"]`` and those that are not in ``options["unplaced"]``."""
    activities, participants = figures.activities, figures.participants
    codes = geography().codes
    names = country_names(set(codes))
    english = {shape.code: shape.name_en for shape in geography().shapes if shape.code}
    rows = sorted(
        (
            names.get(code, english[code]),
            activities.by_country.get(code, 0),
            count(participants.by_country.get(code, 0), code),
            code,
        )
        for code in codes
    )
    cities, unplaced = [], []
    for code, recorded in activities.by_city.items():
        for city, value in recorded.items():
            place = place_of(code, city)
            if place is None:
                unplaced.append((city, names.get(code, code), value))
            else:
                cities.append((place.name, names.get(code, code), value, place.lon, place.lat))
    cities.sort(key=lambda row: (-row[2], row[0]))
    regional = activities.by_country.get(NO_HOST_COUNTRY, 0)
    period = period_dates(figures.period.start, figures.period.end)
    return ChartData(
        name="activities-map",
        kind="map",
        title=_("Activities and participants by country, %(period)s") % {"period": period},
        summary=_map_summary(rows, cities, unplaced, regional),
        columns=(_("Country"), _("Activities"), _("Participants")),
        rows=[row[:3] for row in rows],
        options={
            "codes": [row[3] for row in rows],
            "cities": cities,
            "unplaced": unplaced,
            "regional": regional,
        },
    )


def _activities(value: int) -> str:
    return ngettext("%(count)s activity", "%(count)s activities", value) % {"count": number(value)}


def _participants(value: int | None) -> str:
    if value is None:
        return _("fewer than 5 participants")
    return ngettext("%(count)s participant", "%(count)s participants", value) % {
        "count": number(value)
    }


def _map_summary(
    rows: list[tuple[str, int, int | None, str]],
    cities: list[tuple[str, str, int, float, float]],
    unplaced: list[tuple[str, str, int]],
    regional: int,
) -> str:
    """The map in words, for readers who cannot see it."""
    parts = [
        _("Activities by host country and participants by their own country: %(countries)s.")
        % {
            "countries": "; ".join(
                f"{name}: {_activities(hosted)}, {_participants(people)}"
                for name, hosted, people, _code in rows
            )
        }
    ]
    if cities:
        parts.append(
            _("Activities by city: %(cities)s.")
            % {"cities": "; ".join(f"{city} {number(value)}" for city, _c, value, *_p in cities)}
        )
    if unplaced:
        parts.append(
            _(
                "Places not on the map, their activities counted under the country recorded "
                "for them: %(places)s."
            )
            % {
                "places": "; ".join(
                    f"{city} — {country}, {_activities(value)}" for city, country, value in unplaced
                )
            }
        )
    if regional:
        parts.append(
            ngettext(
                "%(count)s regional or online activity has no host country and is not on the map.",
                "%(count)s regional or online activities have no host country and are not on "
                "the map.",
                regional,
            )
            % {"count": number(regional)}
        )
    return " ".join(parts)


# --- the picture ---------------------------------------------------------------------------------


def classes(maximum: int, steps: int = len(SHADES)) -> list[tuple[int, int, str]]:
    """The legend's classes of activities hosted: (from, to, colour), at most ``steps``, the
    darkest for the most; none when no country hosted anything."""
    if maximum <= 0:
        return []
    uppers = sorted({math.ceil(maximum * step / steps) for step in range(1, steps + 1)})
    lowers = [1, *(upper + 1 for upper in uppers[:-1])]
    shades = SHADES[len(SHADES) - len(uppers) :]
    return list(zip(lowers, uppers, shades, strict=True))


def _shade(value: int, bins: list[tuple[int, int, str]]) -> str:
    return next((colour for low, high, colour in bins if low <= value <= high), NO_ACTIVITY)


def dot_radius(value: int, largest: int) -> float:
    """Area in proportion to the count, the largest city at ``DOT_MAX_RADIUS``."""
    return round(DOT_MAX_RADIUS * math.sqrt(value / largest), 1) if largest else 0.0


def _text(
    x: float, y: float, text: str, *, size: float = 11, fill: str = INK, **attributes: str
) -> str:
    """A <text>; ``text_anchor="middle"`` writes text-anchor="middle"."""
    extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"{extra}>'
        f"{escape(text)}</text>"
    )


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """About how wide ``text`` is drawn in DejaVu Sans (there is no font metrics at hand)."""
    return len(text) * size * (0.68 if bold else 0.6)


def _place_name(x: float, y: float, name: str, size: float = 10) -> str:
    """A neighbour's or the sea's name in grey italics, a word a line when it is long, and
    kept inside the picture ("Каспийское море" is wider than the sea's corner of the map)."""
    lines = name.split() if len(name) > 10 else [name]
    half = max(_text_width(line, size) for line in lines) / 2
    x = min(max(x, half + 2), WIDTH - half - 2)
    top = y - (len(lines) - 1) * size / 2
    return "".join(
        _text(
            x,
            top + index * size,
            line,
            size=size,
            fill=MUTED,
            text_anchor="middle",
            font_style="italic",
        )
        for index, line in enumerate(lines)
    )


def _country_label(x: float, y: float, lines: list[str]) -> str:
    """Name and counts on a white card, readable over any shade (WCAG AA for every class)."""
    sizes = [12.0, 10.5, 10.5]
    width = 10 + max(
        _text_width(line, size, bold=index == 0)
        for index, (line, size) in enumerate(zip(lines, sizes, strict=True))
    )
    height = 4 + sum(size + 2 for size in sizes) + 2
    top = y - height / 2
    parts = [
        f'<rect x="{_n(x - width / 2)}" y="{_n(top)}" width="{_n(width)}" height="{_n(height)}" '
        f'rx="3" fill="#ffffff" fill-opacity="0.9" stroke="{PALETTE[0]}" stroke-width="0.6"/>'
    ]
    baseline = top + 4
    for line, size, weight in zip(lines, sizes, ("bold", "normal", "normal"), strict=True):
        baseline += size + 1
        parts.append(_text(x, baseline, line, size=size, text_anchor="middle", font_weight=weight))
    return "".join(parts)


def map_svg(data: ChartData) -> str:
    """The map as an SVG document: shapes, dots, labels and legend, titled for screen readers."""
    world = geography()
    height = world.height + LEGEND_HEIGHT
    counts = dict(zip(data.options["codes"], data.rows, strict=True))
    bins = classes(max((row[1] for row in data.rows), default=0))
    identifier = f"chart-{data.name}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{WIDTH}" height="{_n(height)}" role="img" '
        f'aria-labelledby="{identifier}-title {identifier}-desc" font-family="{FONT}">',
        f'<title id="{identifier}-title">{escape(data.title)}</title>',
        f'<desc id="{identifier}-desc">{escape(data.summary)}</desc>',
        f'<rect width="{WIDTH}" height="{_n(world.height)}" fill="{WATER}"/>',
        *(_shape(shape, counts, bins) for shape in world.shapes),
    ]
    for lon, lat, name in PLACE_NAMES:
        parts.append(_place_name(*world.project(lon, lat), str(name)))
    parts += _dots(data.options["cities"], world.project)
    for code, (name, hosted, people) in counts.items():
        x, y = world.project(*LABEL_AT[code])
        parts.append(_country_label(x, y, [name, _activities(hosted), _participants(people)]))
    # The legend's band, white, hides whatever of the neighbours reaches below the map.
    parts.append(
        f'<rect y="{_n(world.height)}" width="{WIDTH}" height="{LEGEND_HEIGHT}" fill="#ffffff"/>'
    )
    parts.append(_legend(world.height, bins, data))
    parts.append("</svg>")
    return "".join(parts)


def _shape(
    shape: Shape, counts: dict[str, tuple[Any, ...]], bins: list[tuple[int, int, str]]
) -> str:
    """A programme country shaded by its class, or a grey neighbour with white borders."""
    if shape.code:
        fill = _shade(counts[shape.code][1], bins)
        return (
            f'<path d="{shape.path}" fill="{fill}" fill-rule="evenodd" stroke="{PALETTE[0]}" '
            f'stroke-width="0.8" stroke-linejoin="round" data-country="{shape.code}"/>'
        )
    return (
        f'<path d="{shape.path}" fill="{NEIGHBOUR}" fill-rule="evenodd" stroke="#ffffff" '
        f'stroke-width="0.6" stroke-linejoin="round"/>'
    )


def _dots(
    cities: list[tuple[str, str, int, float, float]], project: Callable[[float, float], Point]
) -> list[str]:
    largest = max((row[2] for row in cities), default=0)
    dots = []
    # The largest first, so that a small dot next to a large one stays on top and visible.
    for city, country, value, lon, lat in sorted(cities, key=lambda row: -row[2]):
        x, y = project(lon, lat)
        label = f"{city} ({country}): {_activities(value)}"
        dots.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(dot_radius(value, largest))}" fill="{DOT}" '
            f'fill-opacity="0.9" stroke="{INK}" stroke-width="0.8" data-city="{escape(city)}">'
            f"<title>{escape(label)}</title></circle>"
        )
    return dots


def _legend(top: float, bins: list[tuple[int, int, str]], data: ChartData) -> str:
    """Classes of activities hosted, the dots, and the credit, in the band under the map."""
    y = top + 18
    parts = [_text(PADDING, y, _("Activities hosted:"), size=10.5, font_weight="bold")]
    x = PADDING + _text_width(_("Activities hosted:"), 10.5, bold=True) + 8
    entries = [(f"{low}–{high}" if low != high else f"{low}", colour) for low, high, colour in bins]
    if any(row[1] == 0 for row in data.rows):
        entries.insert(0, ("0", NO_ACTIVITY))
    for label, colour in entries:
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="14" height="12" fill="{colour}" '
            f'stroke="{PALETTE[0]}" stroke-width="0.6"/>'
        )
        parts.append(_text(x + 18, y, label, size=10.5))
        x += 18 + _text_width(label, 10.5) + 12
    cities = data.options["cities"]
    if cities:
        largest = max(row[2] for row in cities)
        x += 10
        for value in sorted({1, largest}):
            radius = dot_radius(value, largest)
            parts.append(
                f'<circle cx="{_n(x + radius)}" cy="{_n(y - 4)}" r="{_n(radius)}" fill="{DOT}" '
                f'stroke="{INK}" stroke-width="0.8"/>'
            )
            parts.append(_text(x + 2 * radius + 4, y, number(value), size=10.5))
            x += 2 * radius + 10 + _text_width(number(value), 10.5)
        parts.append(_text(x, y, _("activities in a city"), size=10.5))
    notes = [
        _("Participants: people from the country, wherever the activity took place."),
        _(
            "Boundaries: Natural Earth (public domain), via world-atlas; they imply no position "
            "on any border."
        ),
    ]
    for index, note in enumerate(notes):
        parts.append(_text(PADDING, y + 22 + 16 * index, note, size=9.5, fill=MUTED))
    return "".join(parts)
