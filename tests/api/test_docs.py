"""The interactive API docs (/api/v1/docs): Swagger UI from the app's own static files, working
under the app's Content-Security-Policy, with nothing loaded from another host."""

from __future__ import annotations

import gc
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from bomca.activities.models import Activity
from bomca.api.services import token_create

DOCS = "/api/v1/docs"
#: Debian's chromium; Playwright's own browsers are not downloaded.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_the_docs_page_references_nothing_on_another_host(client: Client):
    response = client.get(DOCS)

    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, "the page references no script or style"
    assert [url for url in urls if urlsplit(url).netloc or url.startswith("//")] == []
    assert not re.search(r"https?://", html), "an absolute URL in the page"


def test_the_docs_page_loads_swagger_ui_from_the_apps_static_files(client: Client):
    html = client.get(DOCS).content.decode()
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html)

    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset


def test_the_docs_page_runs_no_inline_script(client: Client):
    """The policy runs scripts from 'self' only: an inline one would be blocked."""
    response = client.get(DOCS)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.DOTALL)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )

    # Swagger UI's settings are a JSON data block, which the browser never runs.
    code = [body for attributes, body in scripts if body.strip() and "json" not in attributes]
    assert code == []
    assert policy["script-src"] == "'self'"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_swagger_ui_renders_the_api_under_the_content_security_policy(live_server: Any):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            seen = _render(browser, live_server.url + DOCS)
        finally:
            browser.close()

    assert seen["swagger_errors"] == ""
    assert seen["title"].startswith("BOMCA Programme Information System")
    assert "/api/v1/activities" in seen["paths"]
    assert seen["violations"] == []
    assert seen["errors"] == []
    assert [url for url in seen["requests"] if not url.startswith(live_server.url)] == []
    assert seen["csp"].startswith("default-src 'self'")


def _keep_error(errors: list[str], message: Any) -> None:
    if message.type == "error":
        errors.append(message.text)


def _render(browser: Any, url: str) -> dict[str, Any]:
    """Open the docs page and wait for Swagger UI to draw the operations; what it saw."""
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    # Injected by the browser, not the page: the policy does not apply to it.
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));"
    )
    response = page.goto(url)
    # Swagger UI draws the operations, or the errors that stopped it.
    page.wait_for_selector(".opblock-summary-path, .errors-wrapper", timeout=15_000)
    return {
        "swagger_errors": " ".join(page.locator(".errors-wrapper").all_inner_texts()),
        "csp": response.headers.get("content-security-policy", ""),
        "title": " ".join(page.locator(".information-container .title").all_inner_texts()),
        "paths": page.locator(".opblock-summary-path").all_inner_texts(),
        "violations": page.evaluate("window.cspViolations"),
        "errors": errors,
        "requests": [request for request in requests if not request.startswith("data:")],
    }


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BEGIN, END = "<!-- endpoints: begin -->\n", "<!-- endpoints: end -->\n"


def test_the_guide_lists_every_endpoint_of_the_openapi_document(client: Client):
    """docs/api.md ends with the list of endpoints generated from the document;
    ``BOMCA_WRITE_API_DOCS=1`` rewrites it after a change of the API."""
    document = client.get("/api/v1/openapi.json").json()
    text = GUIDE.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN)
    _old, tail = rest.split(END)
    expected = head + BEGIN + endpoint_table(document) + END + tail
    if os.environ.get("BOMCA_WRITE_API_DOCS") == "1":
        GUIDE.write_text(expected, encoding="utf-8")
    assert text == expected, "docs/api.md lists other endpoints than the API has; see its end"


def endpoint_table(document: dict[str, Any]) -> str:
    """A Markdown table of the document's operations, in its order."""
    lines = ["| method | path | what |", "|---|---|---|"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            summary = operation.get("summary") or operation["operationId"]
            lines.append(f"| `{method.upper()}` | `{path}` | {summary} |")
    return "\n".join(lines) + "\n"


def test_the_guides_python_example_runs_against_the_app(live_server: Any, personas, capsys):
    """The worked example of docs/api.md, as written, against a live server: every page of a
    list, then the ETag flow (a change saved, the same change with the old ETag refused)."""
    _token, secret = token_create(user=personas["pm"], name="guide", days=1, read_only=False)
    text = GUIDE.read_text(encoding="utf-8")
    example = text.split("## Worked example: Python")[1].split("```python\n")[1].split("```")[0]
    example = example.replace("https://pis.example.org", live_server.url).replace(
        "bomca_2mQ…", secret
    )
    # Small pages, so that the example follows several ``next`` links.
    assert '"page_size": 500' in example
    example = example.replace('"page_size": 500', '"page_size": 7')

    namespace: dict[str, Any] = {}
    try:
        exec(compile(example, "docs/api.md", "exec"), namespace)  # noqa: S102 (our own guide)
    finally:
        # The example's answers keep its kept-alive socket open, and the socket a server
        # thread with its database session (PostgreSQL would not drop the test database).
        if "session" in namespace:
            namespace["session"].close()
        namespace.clear()
        gc.collect()

    printed = capsys.readouterr().out
    listed = re.search(r"^(\d+) activities in 2023$", printed, re.MULTILINE)
    assert listed is not None
    assert int(listed.group(1)) == Activity.objects.filter(start_date__year=2023).count() > 7
    assert "saved; the new ETag is" in printed
