"""Every table sits in a box that scrolls sideways (at 360 px most tables are wider than the
screen), and a table or chart that scrolls in its box can be scrolled from the keyboard: its box
takes focus and is named (axe-core's scrollable-region-focusable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "bomca"
BOX = re.compile(r'<div class="(?:table-scroll|chart-scroll|map-table)"([^>]*)>')
#: A ``<div ...>``, a ``</div>`` or the start of a ``<table``, in the order the template has them.
TAGS = re.compile(r"<div\b[^>]*>|</div>|<table\b")
#: Boxes around a form's rows of inputs: each input takes focus and scrolls its column into view.
FORMS = {"activities/form.html", "procurement/_rows.html", "imports/preview.html"}
#: Tables known to fit a 360 px screen as they are, and why.
TINY = {
    # A label that wraps, a count and a bar that shrinks, in a card of the dashboard's grid.
    "reporting/_breakdown.html",
}


def _templates() -> list[tuple[str, str]]:
    return [
        (path.relative_to(path.parents[1]).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES.rglob("templates/**/*.html"))
    ]


def _tables_out_of_boxes(text: str) -> list[int]:
    """The line of every ``<table`` that no scrolling box holds, reading the ``<div>``s as they
    open and close (every template opens and closes its own)."""
    opened: list[bool] = []
    lines = []
    for match in TAGS.finditer(text):
        tag = match[0]
        if tag == "</div>":
            if opened:
                opened.pop()
        elif tag.startswith("<div"):
            opened.append(BOX.match(tag) is not None)
        elif not any(opened):
            lines.append(text.count("\n", 0, match.start()) + 1)
    return lines


def _boxes() -> list[tuple[str, str]]:
    return [(name, match[1]) for name, text in _templates() for match in BOX.finditer(text)]


def test_tables_scroll_in_boxes_somewhere():
    assert len(_boxes()) > 20


@pytest.mark.parametrize(("template", "attributes"), _boxes(), ids=lambda value: value)
def test_a_scrolling_table_box_takes_focus_and_has_a_name(template: str, attributes: str):
    if template in FORMS:
        assert 'tabindex="0"' not in attributes, "a form's inputs take focus themselves"
        return
    assert 'tabindex="0"' in attributes
    assert 'role="region"' in attributes
    assert "aria-label=" in attributes or "aria-labelledby=" in attributes


def test_every_table_sits_in_a_box_that_scrolls_sideways():
    """A table out of its box makes the whole page scroll sideways at 360 px as soon as a column
    is wider than the screen's share of it (a grant's payments made the page 573 px wide)."""
    loose = [
        f"{name}:{line}"
        for name, text in _templates()
        if name not in TINY
        for line in _tables_out_of_boxes(text)
    ]
    assert loose == []


def test_the_table_reading_counts_tables_out_of_their_boxes_only():
    box = '<div class="table-scroll" tabindex="0" role="region" aria-label="Table">'
    assert (
        _tables_out_of_boxes(f"<div class='card'>{box}<div><table></table></div></div></div>") == []
    )
    assert _tables_out_of_boxes(f"{box}<table></table></div>\n<table></table>") == [2]
    assert _tables_out_of_boxes('<div class="card">\n<table></table></div>') == [2]


def test_every_table_known_to_fit_is_still_there():
    tables = {name for name, text in _templates() if "<table" in text}
    assert tables >= TINY, "a table of TINY is gone: take it off the list"
