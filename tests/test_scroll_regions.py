"""A table or chart that scrolls sideways in its box (at 360 px most do) can be scrolled from
the keyboard: its box takes focus and is named (axe-core's scrollable-region-focusable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "bomca"
BOX = re.compile(r'<div class="(?:table-scroll|chart-scroll|map-table)"([^>]*)>')
#: Boxes around a form's rows of inputs: each input takes focus and scrolls its column into view.
FORMS = {"activities/form.html", "procurement/_rows.html", "imports/preview.html"}


def _boxes() -> list[tuple[str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("templates/**/*.html")):
        name = path.relative_to(path.parents[1]).as_posix()
        found += [(name, match[1]) for match in BOX.finditer(path.read_text(encoding="utf-8"))]
    return found


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
