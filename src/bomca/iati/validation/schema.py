"""Check an IATI file against the IATI 2.03 activity XML schema."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from typing import Protocol, cast

from lxml import etree

from bomca.iati.validation.codelists import codelist
from bomca.iati.validation.nodes import quoted, source_line
from bomca.iati.validation.problem import DATA_DIR, ERROR, WARNING, Problem

SCHEMA_PATH = DATA_DIR / "schema" / "iati-activities-schema.xsd"
VERSION = "2.03"

# An XMLSchema keeps its error log on itself; the lock stops two threads mixing their logs.
_VALIDATING = threading.Lock()

_ERROR = re.compile(
    r"Element '(?P<element>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<rest>.*)"
)
_EXPECTED = r"(?: Expected is (?:one of )?\( (?P<expected>.*) \)\.)?"
_MISSING_CHILD = re.compile(r"Missing child element\(s\)\." + _EXPECTED)
_NOT_EXPECTED = re.compile(r"This element is not expected\." + _EXPECTED)
_MISSING_ATTRIBUTE = re.compile(r"The attribute '(?P<name>[^']+)' is required but missing\.")
_NOT_ALLOWED = re.compile(r"The attribute '(?P<name>[^']+)' is not allowed\.")
_BAD_VALUE = re.compile(
    r"'(?P<value>.*)' is not a valid value of the (?:local )?\w+ type '(?P<type>[^']+)'\."
)
_TEXT_IN_ELEMENT = re.compile(r"Character content other than whitespace is not allowed.*")
_FACET = re.compile(r"\[facet '\w+'\] (?P<detail>.*)")

# What each XML Schema type means, in the words of someone filling in IATI data.
_TYPE_NAMES = {
    "date": "date written YYYY-MM-DD",
    "dateTime": "date and time written YYYY-MM-DDThh:mm:ss",
    "decimal": "decimal number (digits and an optional point, without % or separators)",
    "anyURI": "web address",
    "boolean": "yes/no value (true, false, 1 or 0)",
    "int": "whole number",
    "integer": "whole number",
    "nonNegativeInteger": "whole number of 0 or more",
    "positiveInteger": "whole number of 1 or more",
    "gYear": "year written YYYY",
    "NMTOKEN": "code without spaces",
    "language": "language code such as 'en'",
}


class _LogEntry(Protocol):
    line: int
    path: str
    message: str


@functools.cache
def activity_schema() -> etree.XMLSchema:
    """Compile the shipped activity schema once; it includes its two sibling files."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def schema_problems(tree: etree._ElementTree) -> list[Problem]:
    """Return the schema problems of a parsed file, or why its root cannot be checked."""
    root = tree.getroot()
    if root.tag == "iati-organisations":
        return [_organisation_file(root)]
    if root.tag != "iati-activities":
        return [_unknown_root(root)]
    schema = activity_schema()
    with _VALIDATING:
        schema.validate(tree)
        entries = list(cast(Iterable[_LogEntry], schema.error_log))
    return _version_warnings(root) + [_schema_problem(entry) for entry in entries]


def syntax_problem(error: etree.XMLSyntaxError) -> Problem:
    """Report a file that is not well-formed XML, at the line where parsing stopped."""
    detail = error.msg or str(error)
    return Problem(
        severity=ERROR,
        kind="schema",
        xpath="/",
        line=error.lineno,
        message=f"The file is not well-formed XML, so nothing else could be checked: {detail}.",
    )


def _schema_problem(entry: _LogEntry) -> Problem:
    match = _ERROR.fullmatch(entry.message.strip())
    attribute = match["attribute"] if match else None
    xpath = f"{entry.path}/@{attribute}" if attribute else entry.path
    message = _plain(match["element"], attribute, match["rest"]) if match else entry.message
    return Problem(
        severity=ERROR, kind="schema", xpath=xpath, line=entry.line or None, message=message
    )


def _plain(element: str, attribute: str | None, rest: str) -> str:
    """Turn libxml2's wording into a sentence naming the element, the value and the need."""
    if match := _MISSING_CHILD.fullmatch(rest):
        return f"<{element}> is missing a required child element{_expected(match['expected'])}."
    if match := _NOT_EXPECTED.fullmatch(rest):
        return (
            f"<{element}> is not allowed here (it is repeated, out of order or unknown)"
            f"{_expected(match['expected'])}."
        )
    if match := _MISSING_ATTRIBUTE.fullmatch(rest):
        return f"<{element}> is missing its required attribute @{match['name']}."
    if match := _NOT_ALLOWED.fullmatch(rest):
        return f"<{element}> may not have the attribute @{match['name']}."
    subject = f"The attribute @{attribute} of <{element}>" if attribute else f"<{element}>"
    if match := _BAD_VALUE.fullmatch(rest):
        kind = match["type"].rpartition(":")[2]
        name = _TYPE_NAMES.get(kind, f"value of type {kind}")
        return f"{subject} is {quoted(match['value'])}, which is not a valid {name}."
    if _TEXT_IN_ELEMENT.fullmatch(rest):
        return f"<{element}> must not contain text; its content belongs in child elements."
    if match := _FACET.fullmatch(rest):
        return f"{subject} is not allowed: {match['detail']}"
    return f"{subject}: {rest}"


def _expected(listed: str | None) -> str:
    """Name the elements the schema expected; ##other* means extensions from other namespaces."""
    if listed is None:
        return ""
    names = [f"<{name}>" for name in listed.split(", ") if not name.startswith("##")]
    if not names:
        return "; no further IATI element may follow at this point"
    if len(names) == 1:
        return f"; expected {names[0]}"
    return f"; expected one of {', '.join(names)}"


def _version_warnings(root: etree._Element) -> list[Problem]:
    version = root.get("version", "")
    versions = codelist("Version")
    if version == VERSION or versions is None or version not in versions.current():
        return []  # a missing version is a schema error, an unknown one a codelist error
    message = (
        f"The file declares IATI version {quoted(version)}, but it was checked against "
        f"the IATI {VERSION} schema, codelists and rules."
    )
    return [Problem(WARNING, "schema", "/iati-activities/@version", source_line(root), message)]


def _organisation_file(root: etree._Element) -> Problem:
    message = (
        "The root element is <iati-organisations>: only IATI activity files are checked "
        "against the schema, so the structure of this organisation file was not checked "
        "(its codes and organisation rules were)."
    )
    return Problem(WARNING, "schema", "/iati-organisations", source_line(root), message)


def _unknown_root(root: etree._Element) -> Problem:
    message = (
        f"The root element is <{root.tag}>, but an IATI activity file must start with "
        "<iati-activities>."
    )
    return Problem(ERROR, "schema", root.getroottree().getpath(root), source_line(root), message)
