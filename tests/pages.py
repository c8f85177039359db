"""Read rendered pages by element, as a person or a screen reader meets them, not by substring."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.http import HttpResponse

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def text(self) -> str:
        """The element's text with whitespace collapsed, as it reads on screen."""
        return " ".join("".join(self._strings()).split())

    def _strings(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield " "
                yield from child._strings()
                yield " "

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag) and (cls is None or cls in element.classes)
        ]

    def by_id(self, element_id: str) -> Element:
        for element in self.iter():
            if element.attrs.get("id") == element_id:
                return element
        raise AssertionError(f"No element with id {element_id!r}")

    def ancestor(self, tag: str, *, cls: str) -> Element:
        element = self.parent
        while element is not None:
            if element.tag == tag and cls in element.classes:
                return element
            element = element.parent
        raise AssertionError(f"No <{tag} class={cls!r}> around <{self.tag}>")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(
            Element(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        )

    def handle_endtag(self, tag: str) -> None:
        element: Element | None = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def page(response: HttpResponse) -> Element:
    """The response's HTML as a tree of elements."""
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def field_container(response: HttpResponse, name: str, *, prefix: str = "") -> Element:
    """The ``<div class="field">`` that holds the input of form field ``name``."""
    field_id = f"id_{prefix}-{name}" if prefix else f"id_{name}"
    return page(response).by_id(field_id).ancestor("div", cls="field")


def errors_of(container: Element) -> list[str]:
    """The error messages shown inside ``container``."""
    return [item.text for errors in container.find_all("ul", cls="errorlist") for item in errors.find_all("li")]


def text(response: HttpResponse) -> str:
    """All the text of the page, whitespace collapsed."""
    return page(response).text


def external_urls(response: HttpResponse) -> list[str]:
    """Every ``src`` or ``href`` that points at another host."""
    return [
        value
        for element in page(response).iter()
        for name, value in element.attrs.items()
        if name in {"src", "href", "action", "hx-get", "hx-post"}
        and re.match(r"^(https?:)?//", value.strip(), flags=re.IGNORECASE)
    ]
