"""Charts: figures -> Vega-Lite (altair) -> SVG on the server, no JavaScript in the browser.

Each chart starts as a ``ChartData``: a title, a text alternative and the rows it plots, with
labels already in the reader's language. The same rows are the chart's CSV and XLSX download,
so a picture never says something its data does not. One palette and one typography for the
product; every value is written on the chart, and the colours differ in lightness as well as
hue so that the charts stay legible in black-and-white print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

import altair as alt
import vl_convert
from django.utils.html import escape
from django.utils.translation import get_language

#: Dark to light, so that neighbouring segments differ in grey as well as in colour.
PALETTE = ("#16365c", "#2f7f86", "#d9a521", "#b9cde0", "#7a4f8c", "#8a8a8a")
SEX_COLOURS = {"female": "#7a4f8c", "male": "#2f7f86", "unrecorded": "#c8c8c8"}
#: Text on a segment: white on the dark colours, near-black on the light ones.
_DARK = frozenset({"#16365c", "#2f7f86", "#7a4f8c", "#8a8a8a"})
INK = "#1d1d1b"
MUTED = "#5b5b5b"
FONT = "DejaVu Sans, Verdana, sans-serif"
WIDTH = 480
#: The widest a chart may be drawn and still sit at its own size in the newsletter's column
#: (178 mm, 673 px), with a margin for the guesses of ``_text_width``.
COLUMN = 650
#: Room for a stacked chart's row labels: «Среднесрочная (национальный приоритет)» whole.
STACKED_LABEL_LIMIT = 280
#: A legend entry's symbol and the gap after it, in pixels.
LEGEND_SYMBOL = 30
#: Charts drawn at once (vl-convert draws outside the interpreter lock).
RENDER_THREADS = 4


@dataclass(frozen=True)
class ChartData:
    """One chart: what it shows, in words and in rows."""

    name: str  # a slug, stable across languages: the file name of its downloads
    kind: str  # bar, stacked, donut, timeline or matrix
    title: str
    summary: str  # the text alternative: what a reader who cannot see the chart needs
    columns: tuple[str, ...]  # headings of ``rows``, in the reader's language
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    #: Extra plotting hints: series order, colours, axis titles.
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def table(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        return self.columns, self.rows


def text_colour(background: str) -> str:
    return "#ffffff" if background in _DARK else INK


def number(value: int | float | None, language: str | None = None) -> str:
    """A count as the reader writes it: 1,234 in English, 1 234 in Russian; None is '<5'."""
    if value is None:
        return "<5"
    language = language or get_language() or "en"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    if language.startswith("ru"):
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


#: Text colour per datum: white where its ``ink`` says so, else near-black (no scale, no legend).
_INK_COLOUR = alt.condition("datum.ink == '#ffffff'", alt.value("#ffffff"), alt.value(INK))


def _base(chart: alt.TopLevelMixin, title: str) -> dict[str, Any]:
    spec: dict[str, Any] = chart.properties(
        title=alt.TitleParams(title, anchor="start", fontSize=14, color=INK, offset=10)
    ).to_dict(validate=False)  # validated by the tests; in production it cost ~0.1 s a chart
    spec["config"] = {
        # Vega's own ARIA labels are English ("Y-axis for a discrete scale with 5 values"); the
        # SVG is one role="img" with a translated <title> and <desc> (``_accessible``) instead.
        "aria": False,
        "font": FONT,
        "background": "#ffffff",
        "view": {"stroke": None},
        "axis": {
            "labelFont": FONT,
            "labelFontSize": 11,
            "labelColor": INK,
            "titleFont": FONT,
            "domainColor": MUTED,
            "tickColor": MUTED,
            "labelLimit": 220,
        },
        "legend": {"labelFont": FONT, "labelFontSize": 11, "titleFontSize": 11, "labelLimit": 260},
        "title": {"font": FONT},
        "text": {"font": FONT},
    }
    return spec


def _bar(data: ChartData) -> dict[str, Any]:
    """Horizontal bars, longest first as given, each with its value written at its end."""
    # ``texts`` prints values that are not plain counts (amounts with their currency).
    texts = data.options.get("texts") or [number(row[1]) for row in data.rows]
    values = [
        {"label": row[0], "value": row[1] or 0, "text": text, "order": index}
        for index, (row, text) in enumerate(zip(data.rows, texts, strict=True))
    ]
    colour = data.options.get("colour", PALETTE[0])
    lines = max((str(row[0]).count("\n") + 1 for row in data.rows), default=1)
    height = max(len(values) * (14 + 12 * lines), 40)
    source = alt.Data(values=values)
    sort = alt.SortField("order")
    y = alt.Y(
        "label:N",
        sort=sort,
        title=None,
        axis=alt.Axis(ticks=False, domain=False, labelExpr="split(datum.label, '\\n')"),
    )
    bars = (
        alt.Chart(source)
        .mark_bar(color=colour, height=18)
        .encode(y=y, x=alt.X("value:Q", axis=None))
    )
    labels = (
        alt.Chart(source)
        .mark_text(align="left", dx=4, fontSize=11, color=INK)
        .encode(y=y, x=alt.X("value:Q", axis=None), text="text:N")
    )
    return _base(alt.layer(bars, labels).properties(width=WIDTH - 200, height=height), data.title)


def _text_width(text: str) -> int:
    """About how wide ``text`` is drawn at 11 px in DejaVu Sans, in pixels (Cyrillic letters are
    about 6.7 px, Latin ones 6)."""
    return round(6.5 * len(text))


def _legend_columns(series: Sequence[str], labels: Sequence[str]) -> int:
    """How many of a stacked chart's series its legend puts in a row: as many as fit beside the
    labels, which the legend starts after, within ``COLUMN`` (one row of five Russian statuses
    made a chart 824 px wide, shrunk in the newsletter to two thirds of its size)."""
    labels_width = min(max(map(_text_width, labels), default=0), STACKED_LABEL_LIMIT)
    entry = max(map(_text_width, series), default=0) + LEGEND_SYMBOL
    room = COLUMN - labels_width
    if sum(_text_width(name) + LEGEND_SYMBOL for name in series) <= room:
        return len(series)
    return max(1, min(len(series), room // entry))


def _stacked(data: ChartData) -> dict[str, Any]:
    """Horizontal bars split into series, each segment and each total labelled."""
    series: list[str] = data.options["series"]
    colours: list[str] = data.options.get("colours") or [
        PALETTE[index % len(PALETTE)] for index in range(len(series))
    ]
    values: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    for order, row in enumerate(data.rows):
        label, cells, total = row[0], row[1:-1], row[-1]
        start = 0
        for index, (name, value) in enumerate(zip(series, cells, strict=True)):
            width = value or 0
            values.append(
                {
                    "label": label,
                    "series": name,
                    "series_order": index,
                    "start": start,
                    "end": start + width,
                    "middle": start + width / 2,
                    "text": number(value) if width else "",
                    "ink": text_colour(colours[index]),
                    "order": order,
                }
            )
            start += width
        totals.append({"label": label, "end": start, "text": number(total), "order": order})
    height = max(len(data.rows) * 28, 40)
    sort = alt.SortField("order")
    labels = [str(row[0]) for row in data.rows]
    axis = alt.Axis(ticks=False, domain=False, labelLimit=STACKED_LABEL_LIMIT)
    y = alt.Y("label:N", sort=sort, title=None, axis=axis)
    scale = alt.Scale(domain=series, range=colours)
    segments = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(height=20, stroke="#ffffff", strokeWidth=1)
        .encode(
            y=y,
            x=alt.X("start:Q", axis=None),
            x2="end:Q",
            color=alt.Color(
                "series:N",
                scale=scale,
                sort=series,
                legend=alt.Legend(
                    title=None,
                    orient="bottom",
                    direction="horizontal",
                    columns=_legend_columns(series, labels),
                ),
            ),
        )
    )
    inside = (
        alt.Chart(alt.Data(values=values))
        .mark_text(fontSize=10)
        .encode(
            y=y,
            x=alt.X("middle:Q", axis=None),
            text="text:N",
            color=_INK_COLOUR,
        )
    )
    ends = (
        alt.Chart(alt.Data(values=totals))
        .mark_text(align="left", dx=4, fontSize=11, fontWeight="bold", color=INK)
        .encode(y=y, x=alt.X("end:Q", axis=None), text="text:N")
    )
    layered = alt.layer(segments, inside, ends).properties(width=WIDTH - 200, height=height)
    return _base(layered, data.title)


def _donut(data: ChartData) -> dict[str, Any]:
    """A ring with a legend that carries each value and share (no labels to collide)."""
    colours: list[str] = data.options.get("colours") or list(PALETTE)
    total = sum(row[1] or 0 for row in data.rows)
    values = []
    for index, row in enumerate(data.rows):
        share = round(100 * (row[1] or 0) / total) if total else 0
        values.append(
            {
                "label": f"{row[0]}: {number(row[1])} ({share}%)",
                "value": row[1] or 0,
                "order": index,
            }
        )
    labels = [str(value["label"]) for value in values]
    ring = (
        alt.Chart(alt.Data(values=values))
        .mark_arc(innerRadius=52, outerRadius=90, stroke="#ffffff", strokeWidth=2)
        .encode(
            theta=alt.Theta("value:Q", stack=True),
            order=alt.Order("order:Q"),
            color=alt.Color(
                "label:N",
                sort=labels,
                scale=alt.Scale(domain=labels, range=colours[: len(labels)]),
                legend=alt.Legend(title=None, orient="right", labelFontSize=12, symbolSize=160),
            ),
        )
    )
    centre = (
        alt.Chart(alt.Data(values=[{"text": number(total)}]))
        .mark_text(fontSize=20, fontWeight="bold", color=INK)
        .encode(text="text:N")
    )
    return _base(alt.layer(ring, centre).properties(width=190, height=190), data.title)


def _matrix(data: ChartData) -> dict[str, Any]:
    """Trainers' country (rows) by host (columns), each cell with its count."""
    rows_order: list[str] = data.options["row_order"]
    columns_order: list[str] = data.options["column_order"]
    top = max((row[2] for row in data.rows), default=1) or 1
    values = [
        {
            "from": row[0],
            "to": row[1],
            "value": row[2],
            "text": number(row[2]) if row[2] else "",
            # White on the darker half of the scale, near-black on the lighter half.
            "ink": "#ffffff" if row[2] / top > 0.55 else INK,
        }
        for row in data.rows
    ]
    # Every cell of the grid, so that empty pairs show as empty squares, not as gaps.
    present = {(value["from"], value["to"]) for value in values}
    values += [
        {"from": origin, "to": host, "value": 0, "text": "", "ink": INK}
        for origin in rows_order
        for host in columns_order
        if (origin, host) not in present
    ]
    x = alt.X(
        "to:N",
        sort=columns_order,
        title=data.options["column_title"],
        axis=alt.Axis(orient="top", labelAngle=0, ticks=False, domain=False, labelLimit=110),
    )
    y = alt.Y(
        "from:N",
        sort=rows_order,
        title=data.options["row_title"],
        axis=alt.Axis(ticks=False, domain=False),
    )
    cells = (
        alt.Chart(alt.Data(values=values))
        .mark_rect(stroke="#ffffff", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "value:Q",
                scale=alt.Scale(domain=[0, top], range=["#eef2f6", PALETTE[0]]),
                legend=None,
            ),
        )
    )
    texts = (
        alt.Chart(alt.Data(values=values))
        .mark_text(fontSize=12, fontWeight="bold")
        .encode(x=x, y=y, text="text:N", color=_INK_COLOUR)
    )
    size = 96
    layered = alt.layer(cells, texts).properties(
        width=size * len(columns_order), height=40 * len(rows_order)
    )
    return _base(layered, data.title)


def _timeline(data: ChartData) -> dict[str, Any]:
    """Gantt-like: the programme's span, the time elapsed, the period, then each milestone."""
    values = []
    for order, row in enumerate(data.rows):
        label, start, end, kind, text = row
        if kind == "period":  # drawn to the end of its last day
            end = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
        values.append(
            {
                "label": label,
                "start": start,
                "end": end,
                "kind": kind,
                "text": text,
                "order": order,
            }
        )
    kinds = ["span", "elapsed", "period", "reached", "expected"]
    colours = ["#dde5ee", PALETTE[3], PALETTE[0], PALETTE[0], "#ffffff"]
    y = alt.Y(
        "label:N",
        sort=alt.SortField("order"),
        title=None,
        axis=alt.Axis(ticks=False, domain=False, labelLimit=300),
    )
    x_axis = alt.Axis(
        format="%Y", tickCount="year", title=None, grid=True, gridColor="#e6e6e6", labelFontSize=11
    )
    domain = data.options["domain"]
    x_scale = alt.Scale(domain=domain)
    colour = alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=colours), legend=None)
    source = alt.Data(values=values)
    bars = (
        alt.Chart(source)
        .transform_filter(
            alt.FieldOneOfPredicate(field="kind", oneOf=["span", "elapsed", "period"])
        )
        .mark_bar(height=16, stroke=PALETTE[0], strokeWidth=0.5)
        .encode(
            y=y,
            x=alt.X("start:T", axis=x_axis, scale=x_scale),
            x2="end:T",
            color=colour,
        )
    )
    points = (
        alt.Chart(source)
        .transform_filter(alt.FieldOneOfPredicate(field="kind", oneOf=["reached", "expected"]))
        .mark_point(shape="diamond", size=120, filled=True, stroke=PALETTE[0], strokeWidth=1.5)
        .encode(y=y, x=alt.X("start:T", scale=x_scale), color=colour)
    )
    inside = (
        alt.Chart(source)
        .transform_filter(alt.FieldOneOfPredicate(field="kind", oneOf=["span", "elapsed"]))
        .mark_text(align="left", dx=6, fontSize=10, color=INK)
        .encode(y=y, x=alt.X("start:T", scale=x_scale), text="text:N")
    )
    after = (
        alt.Chart(source)
        .transform_filter(
            alt.FieldOneOfPredicate(field="kind", oneOf=["period", "reached", "expected"])
        )
        .mark_text(align="left", dx=9, fontSize=10, color=INK)
        .encode(y=y, x=alt.X("end:T", scale=x_scale), text="text:N")
    )
    height = 26 * len(values)
    layered = alt.layer(bars, points, inside, after).properties(width=WIDTH - 150, height=height)
    return _base(layered, data.title)


_BUILDERS = {
    "bar": _bar,
    "stacked": _stacked,
    "donut": _donut,
    "matrix": _matrix,
    "timeline": _timeline,
}


def chart_spec(data: ChartData) -> dict[str, Any]:
    """The Vega-Lite specification of a chart (what ``chart_svg`` renders)."""
    return _BUILDERS[data.kind](data)


Locale = Literal["en-GB", "ru-RU"]


def _locale(language: str) -> Locale:
    return "ru-RU" if language.startswith("ru") else "en-GB"


@lru_cache(maxsize=512)
def _render_svg(spec_json: str, locale: Locale) -> str:
    return str(
        vl_convert.vegalite_to_svg(
            spec_json,
            format_locale=locale,
            time_format_locale=locale,
            allowed_base_urls=[],  # the data is inline: nothing is ever fetched
        )
    )


@lru_cache(maxsize=128)
def _render_png(spec_json: str, locale: Locale) -> bytes:
    return bytes(
        vl_convert.vegalite_to_png(
            spec_json,
            scale=2,
            format_locale=locale,
            time_format_locale=locale,
            allowed_base_urls=[],
        )
    )


_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
#: What Vega labels its groups with even when told not to describe them: English words, and
#: roles ("graphics-symbol") that then name nothing, which axe-core reports as serious; the
#: parts of a role="img" are one picture to a screen reader.
_VEGA_ARIA = re.compile(r'\s(?:aria-label|aria-roledescription|role)="[^"]*"')


def _accessible(data: ChartData, svg: str) -> str:
    """``svg`` with a <title> and a <desc> for screen readers, and role="img" (Vega's own
    English labels and roles of its parts taken out)."""
    identifier = f"chart-{data.name}"
    labels = (
        f' role="img" aria-labelledby="{identifier}-title {identifier}-desc">'
        f'<title id="{identifier}-title">{escape(data.title)}</title>'
        f'<desc id="{identifier}-desc">{escape(data.summary)}</desc>'
    )
    svg = _VEGA_ARIA.sub("", svg)
    # A function, not a replacement string: a backslash in a title is text, not a group.
    return _SVG_OPEN.sub(lambda match: f"<svg{match[1]}{labels}", svg, count=1)


def chart_svg(data: ChartData, *, language: str | None = None) -> str:
    """The chart as a standalone SVG document with a <title> and a <desc> for screen readers.

    Rendering is cached by specification: the same figures give the same picture, so a
    dashboard that nobody changed is drawn once.
    """
    return charts_svg([data], language=language)[0]


def charts_svg(charts: Sequence[ChartData], *, language: str | None = None) -> list[str]:
    """Several charts as SVG, drawn side by side on the machine's cores.

    The specifications are made here (labels and numbers follow the active language); the
    Vega engine releases the interpreter while it draws, so threads draw in parallel.
    """
    language = language or get_language() or "en"
    locale = _locale(language)
    specs = [json.dumps(chart_spec(data), sort_keys=True, ensure_ascii=False) for data in charts]
    if len(specs) > 1:
        with ThreadPoolExecutor(max_workers=min(len(specs), RENDER_THREADS)) as pool:
            svgs = list(pool.map(lambda spec: _render_svg(spec, locale), specs))
    else:
        svgs = [_render_svg(spec, locale) for spec in specs]
    return [_accessible(data, svg) for data, svg in zip(charts, svgs, strict=True)]


def chart_png(data: ChartData, *, language: str | None = None) -> bytes:
    """The chart as a PNG at twice the screen size, for slides and documents."""
    language = language or get_language() or "en"
    spec_json = json.dumps(chart_spec(data), sort_keys=True, ensure_ascii=False)
    return _render_png(spec_json, _locale(language))
