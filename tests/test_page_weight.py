"""The page weight budget: the first pages a person sees (the login page, then the overview)
weigh under 300 KB with everything they load, and nothing comes from another host (no web font,
no CDN): many users work on modest connections, some offline from the internet."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from bomca.accounts.models import User

BUDGET = 300 * 1024
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "bomca"
ELSEWHERE = re.compile(r"^\s*(https?:)?//", flags=re.IGNORECASE)


def _assets(html: bytes, page_url: str) -> list[str]:
    """The URLs a browser loads to show the page: stylesheets, scripts, images, icons."""
    tree = lxml.html.fromstring(html)
    urls = [
        link.get("href") for link in tree.iter("link") if link.get("rel") in {"stylesheet", "icon"}
    ]
    urls += [element.get("src") for element in tree.iter("script", "img") if element.get("src")]
    return [urljoin(page_url, url) for url in urls if url]


def _static(url: str) -> bytes:
    """The bytes of one static file, found as the server finds it."""
    path = urlsplit(url).path
    assert path.startswith("/" + settings.STATIC_URL.strip("/") + "/"), url
    found = finders.find(path.split("/", 2)[2])
    assert found, f"{url} is not a static file"
    return Path(str(found)).read_bytes()


def _css_urls(css: str, css_url: str) -> list[str]:
    """What a stylesheet loads in turn (fonts, images), by ``url(...)`` and ``@import``."""
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css)
    urls += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)
    return [urljoin(css_url, url) for url in urls if not url.startswith("data:")]


def _weight(client: Client, url: str) -> tuple[int, list[str]]:
    """The page's bytes with every asset it loads, and the list of what it loaded."""
    response = client.get(url)
    assert response.status_code == 200, url
    total = len(response.content)
    loaded = [url]
    queue = _assets(response.content, f"http://testserver{url}")
    while queue:
        asset = queue.pop()
        assert not ELSEWHERE.match(asset) or urlsplit(asset).netloc == "testserver", asset
        body = _static(asset)
        total += len(body)
        loaded.append(asset)
        if urlsplit(asset).path.endswith(".css"):
            queue += _css_urls(body.decode("utf-8"), asset)
    return total, loaded


def test_the_login_page_with_everything_it_loads_is_under_300_kb(client: Client, db):
    total, loaded = _weight(client, "/accounts/login/")

    assert any(url.endswith(".css") for url in loaded)
    assert total < BUDGET, f"{total / 1024:.0f} KB: {loaded}"


def test_the_overview_after_login_is_under_300_kb(client: Client, bomca10, alice: User):
    client.force_login(alice)

    assert client.get("/").url == "/overview/"
    total, loaded = _weight(client, "/overview/")

    assert any(url.endswith(".js") for url in loaded)
    assert total < BUDGET, f"{total / 1024:.0f} KB: {loaded}"


def test_no_stylesheet_declares_a_font_or_loads_from_another_host():
    for stylesheet in (PACKAGE / "static").rglob("*.css"):
        css = stylesheet.read_text(encoding="utf-8")
        assert "@font-face" not in css, stylesheet
        assert [url for url in _css_urls(css, "/") if ELSEWHERE.match(url)] == [], stylesheet


def test_no_template_links_a_stylesheet_script_or_font_on_another_host():
    tag = re.compile(r"<(link|script|img|iframe)\b[^>]*\b(href|src)=[\"']?\s*(https?:)?//", re.I)
    offenders = [
        str(template.relative_to(PACKAGE))
        for template in PACKAGE.rglob("*.html")
        if tag.search(template.read_text(encoding="utf-8"))
        or "@font-face" in template.read_text(encoding="utf-8")
    ]

    assert offenders == []
