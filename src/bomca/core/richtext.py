"""Rich text that people write (editorials, narratives): a few tags, sanitised with nh3.

Text is stored sanitised and sanitised again when it is shown, so that neither an old row nor
a bypassed form can put a script into a page, a PDF or a newsletter. Plain text (no tags) is
accepted too: blank lines separate paragraphs.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Markup is recognised by the tags we allow: "x<y and y>z" or "<name@example.org>" is text.
_TAG = re.compile(r"<\s*/?\s*(?:p|br|strong|em|b|i|ul|ol|li|a|h3)\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|ul|ol|li|h3)\b", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def rich_text_clean(text: str) -> str:
    """``text`` with only the allowed tags and attributes; plain text becomes paragraphs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if not _BLOCK_TAG.search(text):
        # Paragraphs by blank lines; inline markup (<strong>, <em>, links) is kept, and text
        # with no markup at all is escaped so that "a < b" stays text.
        plain = not _TAG.search(text)
        paragraphs = [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]
        text = "".join(
            "<p>" + (escape(paragraph) if plain else paragraph).replace("\n", "<br>") + "</p>"
            for paragraph in paragraphs
        )
    cleaned = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    ).strip()
    # Markup around nothing is nothing: an empty section must read as empty.
    return cleaned if re.sub(r"<[^>]*>|&nbsp;|\s", "", cleaned) else ""


def rich_text_html(text: str) -> SafeString:
    """Sanitised HTML, safe to place in a template."""
    return mark_safe(rich_text_clean(text))  # noqa: S308 - nh3 output is sanitised


def rich_text_plain(text: str) -> str:
    """The words without the markup: for summaries, search and tests."""
    spaced = re.sub(r"</(p|li|h3)>|<br>", " ", rich_text_clean(text))
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(spaced, tags=set()))).strip()


def rich_text_for_editing(text: str) -> str:
    """Text as a person edits it: paragraphs separated by blank lines where no other markup is
    used (``rich_text_clean`` turns it back into the same HTML); else the HTML itself."""
    paragraphs = re.findall(r"<p>(.*?)</p>", text or "", re.S)
    rest = re.sub(r"<p>.*?</p>", "", text or "", flags=re.S).strip()
    if not paragraphs or rest or any(_TAG.search(p.replace("<br>", "")) for p in paragraphs):
        return text
    return "\n\n".join(html.unescape(p.replace("<br>", "\n")).strip() for p in paragraphs)
