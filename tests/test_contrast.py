"""Colour contrast of the stylesheet, by the WCAG 2 relative-luminance formula: the pairs the
stylesheet documents, and every rule that sets both a text colour and a background."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "src" / "bomca" / "static" / "bomca" / "app.css"
MINIMUM = {"text": 4.5, "large": 3.0, "ui": 3.0}


def _stylesheet() -> str:
    return CSS.read_text(encoding="utf-8")


def _variables(css: str) -> dict[str, str]:
    """The custom properties of ``:root``, by name."""
    root = re.search(r":root\s*\{(.*?)\}", css, flags=re.DOTALL)
    assert root is not None
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1)))


def _hex(value: str, variables: dict[str, str]) -> str | None:
    """``value`` as a six-digit hex colour, following var(); None when it is no plain colour."""
    value = value.strip().removesuffix("!important").strip()
    if match := re.fullmatch(r"var\((--[\w-]+)\)", value):
        value = variables.get(match.group(1), "")
    elif value.startswith("--"):
        value = variables.get(value, "")
    value = value.strip().lower()
    if value in {"#fff", "white"}:
        return "#ffffff"
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        return "#" + "".join(digit * 2 for digit in value[1:])
    return value if re.fullmatch(r"#[0-9a-f]{6}", value) else None


def luminance(colour: str) -> float:
    """The WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _documented_pairs() -> list[tuple[str, str, str]]:
    """(kind, foreground, background) from the stylesheet's ``contrast <kind>:`` lines."""
    pairs = []
    for kind, listed in re.findall(r"contrast (text|large|ui):([^\n]*)", _stylesheet()):
        for pair in listed.split(";"):
            foreground, background = (part.strip() for part in pair.split(" on "))
            pairs.append((kind, foreground, background))
    return pairs


def _rules_with_colour_and_background(css: str) -> list[tuple[str, str, str]]:
    """(selector, colour, background) of each rule that sets both, as plain colours."""
    variables = _variables(css)
    found = []
    for selector, body in re.findall(
        r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    ):
        colour = re.search(r"(?<![-\w])color\s*:\s*([^;]+)", body)
        background = re.search(r"background(?:-color)?\s*:\s*([^;]+)", body)
        if colour and background:
            foreground_hex = _hex(colour.group(1), variables)
            background_hex = _hex(background.group(1), variables)
            if foreground_hex and background_hex:
                found.append((" ".join(selector.split()), foreground_hex, background_hex))
    return found


def test_the_formula_gives_the_known_extremes():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_the_stylesheet_documents_its_colour_pairs():
    kinds = {kind for kind, _, _ in _documented_pairs()}

    assert {"text", "ui"} <= kinds
    assert len(_documented_pairs()) >= 20


@pytest.mark.parametrize(("kind", "foreground", "background"), _documented_pairs())
def test_each_documented_pair_meets_wcag_aa(kind: str, foreground: str, background: str):
    variables = _variables(_stylesheet())
    foreground_hex = _hex(foreground, variables)
    background_hex = _hex(background, variables)
    assert foreground_hex, f"{foreground} is no colour"
    assert background_hex, f"{background} is no colour"

    ratio = contrast(foreground_hex, background_hex)

    assert ratio >= MINIMUM[kind], f"{foreground} on {background}: {ratio:.2f}"


def test_every_rule_that_sets_text_and_background_colours_meets_wcag_aa():
    rules = _rules_with_colour_and_background(_stylesheet())
    failing = [
        f"{selector}: {contrast(fg, bg):.2f}"
        for selector, fg, bg in rules
        if contrast(fg, bg) < MINIMUM["text"]
    ]

    assert len(rules) >= 10
    assert failing == []
