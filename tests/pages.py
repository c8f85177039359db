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
    return [
        item.text
        for errors in container.find_all("ul", cls="errorlist")
        for item in errors.find_all("li")
    ]


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


def htmx_swap(root: Element, target_id: str, fragment: Element) -> None:
    """What htmx does with a fragment: out-of-band elements replace their namesakes by id,
    the rest becomes the content of the target."""
    for element in [element for element in fragment.iter() if "hx-swap-oob" in element.attrs]:
        assert element.parent is not None
        element.parent.children.remove(element)
        _replace(root.by_id(element.attrs["id"]), element)
    target = root.by_id(target_id)
    target.children = list(fragment.children)
    for child in target.children:
        if isinstance(child, Element):
            child.parent = target


def _replace(old: Element, new: Element) -> None:
    assert old.parent is not None
    old.parent.children[old.parent.children.index(old)] = new
    new.parent = old.parent


def form_values(root: Element, form: Element) -> dict[str, str]:
    """What submitting ``form`` sends: its fields and those of any ``hx-include``d element."""
    scopes = [form]
    if include := form.attrs.get("hx-include", "").strip():
        scopes += [root.by_id(selector.strip()[1:]) for selector in include.split(",")]
    values: dict[str, str] = {}
    for scope in scopes:
        for element in scope.iter():
            name = element.attrs.get("name")
            if not name or element.tag not in {"input", "select"}:
                continue
            if element.tag == "input":
                if (
                    element.attrs.get("type") not in {"checkbox", "radio"}
                    or "checked" in element.attrs
                ):
                    values[name] = element.attrs.get("value", "")
                continue
            options = element.find_all("option")
            chosen = [option for option in options if "selected" in option.attrs] or options[:1]
            values[name] = chosen[0].attrs.get("value", chosen[0].text) if chosen else ""
    return values
