"""Browser tests: Playwright for Python driving Debian's chromium against a live server.

No browser is downloaded: the tests launch Debian's ``chromium`` (``make test`` installs it with
scripts/browser-deps) and skip, saying so, where it is absent. One chromium serves all the tests
of a module in a worker.

Every step a test names with ``steps.take("...")`` is photographed; the pictures are written to
``tests/e2e/artifacts/<test>/`` when the test fails (with the whole of every page as the test
left it), and always with ``E2E_SCREENSHOTS=1`` (whole pages).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from bomca.accounts.models import User

#: Playwright's sync API runs an asyncio loop in the test's thread for as long as the browser is
#: open, and Django refuses ORM calls from a thread with a running loop. The tests call the ORM
#: (fixtures, assertions, the flush at the end) while no Playwright call is in flight, so the
#: refusal guards against nothing here. Set only while a module's browser is open: set for the
#: whole process, it reached other tests' subprocesses (``check --deploy`` refuses it).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

#: Debian's chromium; Playwright's own browsers are never downloaded.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDE = ViewportSize(width=1280, height=900)
NARROW = ViewportSize(width=360, height=780)
#: Playwright waits this long for an element (ms): long enough for a loaded 2-core CI machine.
TIMEOUT = 15_000


expect.set_options(timeout=TIMEOUT)


def every_step_kept() -> bool:
    return os.environ.get("E2E_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium for the module's tests.

    Module-scoped, not session-scoped: while Playwright runs, its event loop runs in the
    worker's thread, and the other tests that land in the same xdist worker (the API docs test
    starts a Playwright of its own) must not run inside it.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("the browser tests need Debian's chromium (apt-get install chromium)")
    # Root (a container, CI) cannot use chromium's sandbox.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv(ASYNC_UNSAFE, "true")
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield launched
        launched.close()


@dataclass
class Steps:
    """The pictures of a test's steps, named in order; kept in memory until the test ends."""

    folder: Path
    pictures: list[tuple[str, bytes]] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    def take(self, name: str, page: Page | None = None) -> None:
        """The step as the screen shows it, kept until the test ends; with ``E2E_SCREENSHOTS=1``
        the whole page, written at once (a whole-page PNG costs five times the time)."""
        page = page or self.pages[-1]
        width = _width(page)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        stem = f"{len(self.pictures) + 1:02d}-{slug}-{width}"
        if every_step_kept():
            self.pictures.append((f"{stem}.png", page.screenshot(full_page=True)))
            self.write(self.pictures[-1:])
        else:
            self.pictures.append((f"{stem}.jpg", page.screenshot(type="jpeg", quality=70)))

    def write(self, pictures: list[tuple[str, bytes]] | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, picture in self.pictures if pictures is None else pictures:
            (self.folder / name).write_bytes(picture)


def _width(page: Page) -> int:
    return page.viewport_size["width"] if page.viewport_size else 0


@pytest.fixture
def steps(request: pytest.FixtureRequest) -> Steps:
    folder_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    kept = Steps(folder=ARTIFACTS / folder_name)
    shutil.rmtree(kept.folder, ignore_errors=True)  # the pictures of an earlier run
    request.node.e2e_steps = kept
    return kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On a failure, the pictures of the steps so far and of every page as the test left it."""
    report = yield
    kept: Steps | None = getattr(item, "e2e_steps", None)
    if kept is not None and report.when == "call" and report.failed:
        for number, page in enumerate(kept.pages):
            if not page.is_closed():
                name = f"failed-page{number + 1}-{_width(page)}.png"
                kept.pictures.append((name, page.screenshot(full_page=True)))
        kept.write()
        report.sections.append(("browser pictures", f"saved in {kept.folder}"))
    return report


@dataclass
class Browse:
    """Opens pages in the live server, signed in as a user or not, in a language, at a width."""

    browser: Browser
    base_url: str
    steps: Steps
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(
        self,
        user: User | None = None,
        *,
        language: str | None = None,
        viewport: ViewportSize = WIDE,
    ) -> Page:
        """A new page in a fresh context. A ``language`` is the browser's and, for ``user``,
        their saved choice (which wins over the browser's); without one, the user's saved
        choice stays as it is."""
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            locale="ru-RU" if language == "ru" else "en-GB",
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT)
        if language is not None:
            context.add_cookies([self._cookie(settings.LANGUAGE_COOKIE_NAME, language)])
        if user is not None and language is not None:
            User.objects.filter(pk=user.pk).update(language=language)
        if user is not None:
            context.add_cookies([self._cookie(settings.SESSION_COOKIE_NAME, _session_of(user))])
        self.contexts.append(context)
        page = context.new_page()
        self.steps.pages.append(page)
        return page

    def _cookie(self, name: str, value: str) -> dict[str, Any]:
        return {"name": name, "value": value, "url": self.base_url}

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _session_of(user: User) -> str:
    """A signed-in session for ``user``, made the way Django's test client makes one (the
    login form itself is tested once, in test_journeys)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def browse(browser: Browser, live_server: LiveServer, steps: Steps) -> Iterator[Browse]:
    opened = Browse(browser=browser, base_url=live_server.url, steps=steps)
    yield opened
    opened.close()
