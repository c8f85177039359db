"""The main pages in a real browser, in both languages: no serious or critical accessibility
violation found by axe-core, and nothing wider than a 360 px phone screen."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bomca.accounts.models import User
from bomca.reporting.models import NewsletterIssue
from tests.e2e.conftest import NARROW, Browse, Steps

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
#: The impacts that fail the test; "moderate" and "minor" ones are reported by axe, not here.
FAILING = {"serious", "critical"}

#: The pages checked, as the programme manager sees them: (name, address) in groups of about the
#: same weight, so that xdist can share them out among its workers.
PAGES = {
    "figures": [
        ("overview", "/overview/"),  # the home page, "/", redirects here
        ("dashboard", "/dashboard/"),
    ],
    "records": [
        ("register", "/activities/"),
        ("activity", "/activities/C2-KZ-2023-003/"),
        ("activity-form", "/activities/new/"),
        ("participants", "/people/"),
        ("procurement", "/procurement/"),
        ("grants", "/grants/"),
        ("results", "/results/"),
        ("newsletters", "/newsletters/"),
        ("grant-project", "/grants/BOMCA10-CfP-1-G01/"),
        ("procurement-need", "/procurement/PR-TJ-2023-004/"),
    ],
    # "{issue}" is the pk of the reference data's issue 6 of BOMCA 10, known once it is loaded;
    # the issue is previewed in the test's language, so both previews are seen.
    "newsletter": [
        ("newsletter-issue", "/newsletters/{issue}/"),
        ("newsletter-preview", "/newsletters/{issue}/preview/{language}/"),
    ],
}
EVERY_PAGE = [page for group in PAGES.values() for page in group]


def _address(address: str, language: str) -> str:
    if "{issue}" not in address:
        return address
    issue = NewsletterIssue.objects.get(programme__code="BOMCA10", number=6)
    return address.format(issue=issue.pk, language=language)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;undefined"


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now.

    The script is run through the DevTools protocol (``page.evaluate``), which the page's
    Content-Security-Policy does not govern; a ``<script>`` tag would be refused by it, and the
    pages are tested under their real policy.
    """
    page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def _described(name: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{name}: {violation['id']} ({violation['impact']}) {violation['help']}; "
        f"{[node['target'] for node in violation['nodes']][:5]} {violation['helpUrl']}"
        for violation in violations
        if violation["impact"] in FAILING
    ]


@pytest.mark.parametrize("group", PAGES)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_main_pages_have_no_serious_accessibility_violation(
    browse: Browse, steps: Steps, personas: dict[str, User], language: str, group: str
):
    signed_in = browse.page(personas["pm"], language=language)
    found: list[str] = []
    for name, address in PAGES[group]:
        signed_in.goto(_address(address, language))
        expect(signed_in.locator("html")).to_have_attribute("lang", language)
        found += _described(name, _axe_violations(signed_in))
        steps.take(name, signed_in)
    if group == "figures":
        login = browse.page(language=language)
        login.goto("/accounts/login/")
        found += _described("login", _axe_violations(login))
        steps.take("login", login)

    assert found == [], "\n".join(found)


def _wider_than_the_screen(page: Page) -> list[str]:
    """When the whole page scrolls sideways, the elements that stick out of the screen on the
    right, outermost first. What sits in a box that scrolls on its own (a wide table in its
    ``.table-scroll``) is fine.

    Text can stick out of an element that itself fits (a long word in a big title): then the
    innermost elements whose text spills out of them are named, and failing those, the page."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const scrolls = (element) => {
            for (let up = element.parentElement; up && up !== document.body; up = up.parentElement)
              if (getComputedStyle(up).overflowX !== 'visible') return true;
            return false;
          };
          const out = [];
          if (document.documentElement.scrollWidth <= width) return out;
          for (const element of document.body.querySelectorAll('*')) {
            const box = element.getBoundingClientRect();
            if (!box.width || box.right <= width + 1) continue;
            // Positioned out of its scrolling box, it widens the page all the same.
            const loose = ['absolute', 'fixed'].includes(getComputedStyle(element).position);
            if (scrolls(element) && !loose) continue;
            if (!out.some((outer) => outer.contains(element))) out.push(element);
          }
          const spills = [];
          if (!out.length)
            for (const element of document.body.querySelectorAll('*')) {
              const right = element.getBoundingClientRect().left + element.scrollWidth;
              if (right <= width + 1 || getComputedStyle(element).overflowX !== 'visible') continue;
              if (scrolls(element)) continue;
              spills.push([element, right]);
            }
          const named = (element, right) => {
            const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '');
            const classes = typeof element.className === 'string' && element.className
              ? '.' + element.className.trim().split(/\\s+/).join('.') : '';
            return `${name}${classes} (${Math.round(right)} px)`;
          };
          if (out.length)
            return out.map((element) => named(element, element.getBoundingClientRect().right));
          const innermost = spills.filter(([outer]) =>
            !spills.some(([inner]) => inner !== outer && outer.contains(inner)));
          if (innermost.length) return innermost.map(([element, right]) => named(element, right));
          return [`the page (${document.documentElement.scrollWidth} px)`];
        }"""
    )


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_main_pages_fit_a_360_pixel_screen_with_no_serious_violation(
    browse: Browse, steps: Steps, personas: dict[str, User], language: str
):
    page = browse.page(personas["pm"], language=language, viewport=NARROW)
    found: list[str] = []
    for name, address in EVERY_PAGE:
        page.goto(_address(address, language))
        found += [f"{name}: {element}" for element in _wider_than_the_screen(page)]
        # What scrolls in its own box at this width must take focus and be named (axe's
        # scrollable-region-focusable), and nothing else may break here either.
        found += _described(f"{name} at 360 px", _axe_violations(page))
        steps.take(name, page)
    login = browse.page(language=language, viewport=NARROW)
    login.goto("/accounts/login/")
    found += [f"login: {element}" for element in _wider_than_the_screen(login)]
    steps.take("login", login)

    assert found == [], "\n".join(found)
