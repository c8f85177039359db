"""Compiled XPaths, and how to name and locate the nodes they match."""

from __future__ import annotations

import functools

from lxml import etree

XML_NS = "http://www.w3.org/XML/1998/namespace"

# An XPath match: an element, or an attribute value or text node as an lxml "smart string".
Node = etree._Element | etree._ElementUnicodeResult

# Attributes that tell apart elements of the same name, shown when naming an attribute's owner.
_IDENTIFYING = ("type", "vocabulary", "code", "role")


@functools.cache
def compiled(expr: str) -> etree.XPath:
    """Compile an XPath once; the ruleset and the codelist mapping reuse a few hundred."""
    return etree.XPath(expr, smart_strings=True)


def select(expr: str, context: etree._Element | etree._ElementTree) -> list[Node]:
    """Return the elements, attributes and text nodes that an XPath matches."""
    result = compiled(expr)(context)
    if not isinstance(result, list):
        return []
    return [n for n in result if isinstance(n, etree._Element | etree._ElementUnicodeResult)]


def holds(expr: str, context: etree._Element) -> bool:
    """Return the XPath boolean value of an expression (an empty node-set is false)."""
    return bool(compiled(f"boolean({expr})")(context))


def owner(node: Node) -> etree._Element | None:
    """Return the element itself, or the element that holds an attribute or text."""
    if isinstance(node, etree._Element):
        return node
    return node.getparent()


def text_of(node: Node) -> str:
    """Return an attribute's value or an element's text content."""
    if isinstance(node, etree._Element):
        return "".join(str(text) for text in node.itertext())
    return str(node)


def attribute_name(node: etree._ElementUnicodeResult) -> str:
    """Return an attribute's name as written in the file (xml:lang, not {namespace}lang)."""
    name = str(node.attrname or "")
    return name.replace(f"{{{XML_NS}}}", "xml:")


def xpath_of(node: Node) -> str:
    """Return the absolute XPath of an element, or of an attribute as .../@name."""
    element = owner(node)
    if element is None:
        return "/"
    path = element.getroottree().getpath(element)
    if isinstance(node, etree._ElementUnicodeResult) and node.is_attribute:
        return f"{path}/@{attribute_name(node)}"
    return path


def line_of(node: Node) -> int | None:
    """Return the source line of a node (an attribute's is its element's)."""
    element = owner(node)
    return source_line(element) if element is not None else None


def source_line(element: etree._Element) -> int | None:
    """Return an element's line in the file (lxml-stubs leave sourceline untyped)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def quoted(text: str) -> str:
    """Quote a value so that leading, trailing and embedded white space stays visible."""
    return "'" + text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'"


def tag(element: etree._Element, skip: str = "") -> str:
    """Return an element's name as <name>, with the attributes that identify it."""
    names = [name for name in _IDENTIFYING if name in element.attrib and name != skip]
    shown = " ".join(f"{name}={quoted(element.get(name, ''))}" for name in names)
    return f"<{element.tag} {shown}>" if shown else f"<{element.tag}>"


def name_of(node: Node) -> str:
    """Name a node without its value, e.g. <sector vocabulary='1'> @percentage."""
    if isinstance(node, etree._Element):
        return tag(node)
    element = owner(node)
    name = attribute_name(node) if node.is_attribute else ""
    where = tag(element, skip=name) if element is not None else ""
    return f"{where} @{name}".strip() if node.is_attribute else f"{where} text".strip()


def describe(node: Node) -> str:
    """Name a node and its value, e.g. <sector vocabulary='1'> @percentage '50'."""
    if isinstance(node, etree._Element):
        # A leaf's text is its value, shown even when empty if the element has nothing else
        # (an empty <iati-identifier>); a container's text is only layout.
        text = text_of(node).strip() if len(node) == 0 else ""
        bare = len(node) == 0 and not node.attrib
        return f"{tag(node)} {quoted(text)}" if text or bare else tag(node)
    return f"{name_of(node)} {quoted(str(node))}"
