"""Make the boundaries of the map of Central Asia from Natural Earth, as world-atlas ships them.

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python scripts/make_map_data.py /tmp/package/countries-50m.json

writes ``src/bomca/reporting/data/central_asia.json``: every country that reaches into the
frame around the five programme countries, its rings simplified and clipped to the frame, in
longitude and latitude rounded to 0.01 degree (about 1 km). The product reads that file and
never fetches anything; run this again only to change the frame or the precision.

TopoJSON stores each border once, as an arc shared by the two countries on either side. The
arcs are simplified before the rings are put together, so that neighbours keep one common
border (simplifying each ring on its own would open gaps between them).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "src/bomca/reporting/data/central_asia.json"

#: ISO 3166 numeric code -> alpha-2 code of the programme countries.
PROGRAMME_COUNTRIES = {"398": "KZ", "417": "KG", "762": "TJ", "795": "TM", "860": "UZ"}
#: West, south, east, north (degrees): wider than the picture, whose corners a conic
#: projection bends, so that no clipped edge shows inside it.
FRAME = (36.0, 27.0, 100.0, 62.0)
#: Douglas-Peucker tolerance in degrees (0.02 is about 2 km, under a pixel at 800 px wide).
TOLERANCE = 0.02
DECIMALS = 2

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The arcs in degrees: quantised, delta-encoded positions summed and scaled."""
    (scale_x, scale_y), (move_x, move_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative; both ends are always kept (other arcs share them)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                distance = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                distance = math.hypot(x - x1, y - y1)
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A closed ring from its arcs; ``~i`` is arc ``i`` walked backwards."""
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc[1:] if points else arc
    return points


def clip(points: list[Point], frame: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland-Hodgman against the frame's four edges (a rectangle is convex)."""
    west, south, east, north = frame
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    for inside, cross in edges:
        if not points:
            break
        result: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(cross(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(cross(previous, point))
            previous = point
        points = result
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def flat(points: list[Point]) -> list[float]:
    """Rounded, without repeated points or the closing one, as x1, y1, x2, y2, ..."""
    rounded: list[tuple[float, float]] = []
    for x, y in points:
        point = (round(x, DECIMALS), round(y, DECIMALS))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return [value for point in rounded for value in point]


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def countries(topology: dict) -> list[dict]:
    arcs = [simplify(arc, TOLERANCE) for arc in decode_arcs(topology)]
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = []
        for polygon in polygons(geometry):
            for indexes in polygon:
                clipped = flat(clip(ring(indexes, arcs), FRAME))
                if len(clipped) >= 6:  # three points at least
                    rings.append(clipped)
        if not rings:
            continue
        identifier = geometry.get("id") or ""
        result.append(
            {
                "id": identifier,
                "code": PROGRAMME_COUNTRIES.get(identifier, ""),
                "name": geometry["properties"]["name"],
                "rings": rings,
            }
        )
    # The programme countries last, so that their borders are drawn over the neighbours'.
    return sorted(result, key=lambda country: (bool(country["code"]), country["name"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="countries-50m.json of world-atlas")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    topology = json.loads(arguments.topojson.read_text(encoding="utf-8"))
    data = {
        "source": "Natural Earth 1:50m admin 0 countries (public domain), via world-atlas 2 "
        "by Mike Bostock (ISC licence); simplified and clipped by scripts/make_map_data.py",
        "frame": list(FRAME),
        "countries": countries(topology),
    }
    found = {country["code"] for country in data["countries"]} - {""}
    missing = set(PROGRAMME_COUNTRIES.values()) - found
    if missing:
        raise SystemExit(f"Not in the input: {sorted(missing)}")
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(text + "\n", encoding="utf-8")
    points = sum(len(ring) // 2 for country in data["countries"] for ring in country["rings"])
    print(
        f"{arguments.output}: {len(data['countries'])} countries, {points} points, "
        f"{len(text):,} bytes"
    )


if __name__ == "__main__":
    main()
