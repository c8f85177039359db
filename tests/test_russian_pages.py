"""Every page in Russian, as each role sees it, with no English left.

The test signs in as each persona with Russian as their language, starts at the home page and
follows the links of the product's own pages (``href`` and ``hx-get``, GET only), one URL per
URL-pattern name (the first one found), so each kind of page is read once per role. Downloads
(exports, PDFs, spreadsheets, the IATI file) and the API are not pages and are left out; of
the admin, only its index is read.

On each HTML page it reads what a person or a screen reader meets: the text, and the ``title``,
``aria-label``, ``placeholder`` and ``alt`` attributes and the labels of buttons. Two checks:

1. **A string of the catalogue left in English**: a text or attribute equal to an English msgid
   of ``locale/ru/LC_MESSAGES/django.po`` that has a Russian translation. Exact, no false alarms.
   Likewise a text equal to a record's English side (``title_en``) when it has a Russian one:
   the Russian page should have shown that (history pages excepted, see below).
2. **English not wrapped for translation**: a run of three or more Latin words of which all but
   the first are in lower case ("Add an activity", "no records yet"). A heuristic; it lets pass
   what is not the product's words:

   - records' own text (names, narratives, notes: what users typed), read from the database,
     except the English side of a text that has a Russian one (``title_en`` or ``title`` next to
     ``title_ru``): where the Russian exists, the Russian page must show it. History pages show
     the English side of a change as it was typed, so there the English side counts as content;
   - text inside ``<code>``, ``<kbd>``, ``<pre>``, ``<samp>``, ``<textarea>`` (a field's value)
     and ``<script>``/``<style>``;
   - anything marked as another language (``lang="en"``) or as not to be translated
     (``translate="no"``): the page says so itself, as it should for screen readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polib
import pytest
from django.apps import apps
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

from bomca.accounts.models import User
from tests.pages import Element, page

CATALOGUE = Path(__file__).resolve().parents[1] / "src/bomca/locale/ru/LC_MESSAGES/django.po"
ROLES = [
    "pm",
    "admin",
    "super",
    "me",
    "c2lead",
    "tjcoord",
    "proc",
    "grants",
    "comms",
    "donor",
    "staff",
]
#: Pages read per role at most: the product has about 60 kinds of page.
PAGE_CAP = 120
#: URL-pattern names that are files, actions or the API, not pages to read.
SKIPPED_NAMES = re.compile(
    r"(export|download|template|certificate|logout|language|redraft|chart_download)"
)
SKIPPED_PREFIXES = ("/api/v1/", "/static/", "/media/")
#: The admin is Django's; its index (our apps and models, in our words) is read.
ADMIN_READ = {"admin:index"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
UNREAD_TAGS = {"code", "kbd", "pre", "samp", "textarea", "script", "style"}
ENGLISH_RUN = re.compile(r"(?<![\w@./:-])[A-Za-z][a-z]*(?:[ ,]+[a-z]+){2,}(?![\w@/-])")


@dataclass(frozen=True)
class Finding:
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}: {self.kind}: {self.text!r}"


@cache
def english_msgids() -> frozenset[str]:
    """English strings of the catalogue that Russian translates into something else."""
    strings = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        russian = entry.msgstr or (entry.msgstr_plural or {}).get(0, "")
        if not russian:
            continue
        for english in (entry.msgid, entry.msgid_plural):
            if english and english != russian and not re.search(r"%|\{|<", english):
                strings.add(" ".join(english.split()))
    return frozenset(strings)


def _content(*, with_english_sides: bool) -> str:
    """The text of every record, lower case, one value a line (see the module's docstring)."""
    values: list[str] = []
    for model in apps.get_models():
        if model.__module__ == "simple_history.models" or model.__name__.startswith("Historical"):
            continue
        names = {
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        }
        if not names:
            continue
        for row in model._default_manager.values(*names).iterator():
            for name in names:
                value = row[name]
                if not value:
                    continue
                russian = _russian_side(name, names)
                if russian and row[russian] and not with_english_sides:
                    continue
                values.append(" ".join(str(value).split()).lower())
    return "\n".join(values)


def _english_sides() -> frozenset[str]:
    """The English texts of records that have a Russian one: a Russian page shows the Russian."""
    sides = set()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        names = {field.name for field in model._meta.concrete_fields}
        pairs = [(name, _russian_side(name, names)) for name in names]
        pairs = [(english, russian) for english, russian in pairs if russian]
        for english, russian in pairs:
            for row in model._default_manager.values(english, russian).iterator():
                text = " ".join(str(row[english] or "").split())
                if text and row[russian] and text != " ".join(row[russian].split()):
                    sides.add(text)
    return frozenset(sides)


def _russian_side(name: str, names: set[str]) -> str | None:
    base = name.removesuffix("_en")
    russian = f"{base}_ru"
    return russian if russian in names and russian != name else None


def _readable(root: Element) -> Iterator[str]:
    """Texts and attributes as a person meets them, minus what the page marks as not ours."""
    stack: list[Element] = [root]
    while stack:
        element = stack.pop()
        lang = element.attrs.get("lang", "")
        if element.tag in UNREAD_TAGS or element.attrs.get("translate") == "no":
            continue
        if lang and not lang.startswith("ru") and element.tag != "html":
            continue
        for name in ATTRIBUTES:
            if element.attrs.get(name):
                yield element.attrs[name]
        if element.tag == "input" and element.attrs.get("type") in {"submit", "button", "reset"}:
            yield element.attrs.get("value", "")
        for child in element.children:
            if isinstance(child, str):
                yield child
            else:
                stack.append(child)


def findings_of(
    url: str, root: Element, content: str, english_sides: frozenset[str] = frozenset()
) -> list[Finding]:
    found = []
    catalogue = english_msgids()
    for raw in _readable(root):
        text = " ".join(raw.split())
        if not text:
            continue
        if text in catalogue:
            found.append(Finding(url, "untranslated", text))
            continue
        if text in english_sides:
            found.append(Finding(url, "a record's English where it has Russian", text))
            continue
        for match in ENGLISH_RUN.finditer(text):
            if match.group().lower() not in content:
                found.append(Finding(url, "English not in the catalogue", text))
                break
    return found


def _links(url: str, root: Element) -> Iterator[str]:
    for element in root.iter():
        for name in ("href", "hx-get"):
            target = element.attrs.get(name)
            if target and not target.startswith(("#", "mailto:", "javascript:")):
                yield urljoin(url, target)


def _pattern_name(path: str) -> str | None:
    """The URL pattern's name; a page made in a chosen language (a newsletter preview) counts
    once per language."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    language = match.kwargs.get("language")
    return f"{match.view_name}[{language}]" if language else match.view_name


def crawl(client: Client) -> Iterator[tuple[str, HttpResponse]]:
    """Every kind of page reachable from the home page, once, with its response."""
    queue = ["/"]
    seen_names: set[str] = set()
    read = 0
    while queue and read < PAGE_CAP:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        name = _pattern_name(parts.path)
        if name is None or name in seen_names or SKIPPED_NAMES.search(name):
            continue
        if name.startswith("admin:") and name not in ADMIN_READ:
            continue
        seen_names.add(name)
        response = client.get(url)
        read += 1
        if response.status_code in (301, 302):
            seen_names.discard(name)  # the page it leads to is read, not the redirect
            queue.append(urljoin(url, response["Location"]))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        yield url, response
        queue.extend(
            _links(parts.path + (f"?{parts.query}" if parts.query else ""), page(response))
        )


@pytest.fixture
def russian_personas(personas: dict[str, User]) -> dict[str, User]:
    for user in personas.values():
        user.language = "ru"
        user.save(update_fields=["language"])
    return personas


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_russian_for(role: str, russian_personas: dict[str, User], client: Client):
    client.force_login(russian_personas[role])
    content = _content(with_english_sides=False)
    history_content = _content(with_english_sides=True)
    english_sides = _english_sides()
    findings: list[Finding] = []
    pages = 0

    for url, response in crawl(client):
        pages += 1
        root = page(response)
        if url.endswith("/en/"):  # the English version of a document, asked for by name
            continue
        assert root.find_all("html")[0].attrs.get("lang") == "ru", url
        if "history" in (_pattern_name(urlsplit(url).path) or ""):
            findings += findings_of(url, root, history_content)
        else:
            findings += findings_of(url, root, content, english_sides)

    assert pages > 5
    unique = sorted(set(map(str, findings)))
    assert not unique, f"{len(unique)} English strings on Russian pages:\n" + "\n".join(unique)


def test_the_check_finds_an_untranslated_catalogue_string():
    root = page(HttpResponse("<html lang='ru'><body><button>Log in</button></body></html>"))

    assert findings_of("/x/", root, "") == [Finding("/x/", "untranslated", "Log in")]


def test_the_check_finds_english_that_is_not_in_the_catalogue():
    root = page(HttpResponse("<p>Мероприятия: nothing to show here</p>"))

    assert [f.kind for f in findings_of("/x/", root, "")] == ["English not in the catalogue"]


def test_the_check_lets_records_code_and_marked_english_pass():
    html = (
        "<p>training of border guards</p><code>bomca import the file</code>"
        "<span lang='en'>Log in to see more</span><span translate='no'>send me the file</span>"
        "<option lang='en'>English</option>"
    )

    assert findings_of("/x/", page(HttpResponse(html)), "a training of border guards") == []


FORMS = [
    "/activities/new/?programme=BOMCA10",
    "/procurement/new/?programme=BOMCA10",
    "/grants/calls/new/?programme=BOMCA10",
    "/api/tokens/new/",
]


@pytest.mark.parametrize("url", FORMS)
def test_a_forms_errors_are_russian(url: str, russian_personas: dict[str, User], client: Client):
    client.force_login(russian_personas["pm"])

    response = client.post(url, {"title_en": "", "name": "", "days": "0"})

    root = page(response)
    errors = [element.text for element in root.find_all("ul", cls="errorlist")]
    assert errors, url
    assert findings_of(url, root, _content(with_english_sides=False)) == []


def test_a_failed_login_is_explained_in_russian(client: Client, db: None):
    client.cookies["django_language"] = "ru"

    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})

    root = page(response)
    assert "правильные имя пользователя и пароль" in root.text
    assert findings_of("/accounts/login/", root, "") == []
