"""The rule types of the IATI standard ruleset, one function each.

Each check takes the context element, the rule case (its XPaths and parameters) and today's
date, and returns a finding for each thing that breaks the case. The semantics follow the IATI
Validator (IATI/js-validator-api) and IATI-Rulesets' Python reference; where they differ, the
choice is explained at the check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from bomca.core.numbers import decimal_text
from bomca.iati.validation.nodes import (
    Node,
    describe,
    holds,
    line_of,
    name_of,
    owner,
    quoted,
    select,
    tag,
    text_of,
)

_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_LISTED = 3  # offending nodes named in one message before "and N more"

# For one_or_all: where the "all" alternative looks, and what each match lacks.
_ALL = {
    "lang": ("descendant::narrative[not(@xml:lang)]", "<narrative> element", "@xml:lang"),
    "sector": ("transaction[not(sector)]", "<transaction> element", "<sector>"),
    "currency": (
        "descendant::value[not(@currency)] | descendant::forecast[not(@currency)]"
        " | descendant::loan-status[not(@currency)]",
        "amount element",
        "@currency",
    ),
}


@dataclass(frozen=True)
class Finding:
    """Where a rule case is broken, and what was found there."""

    node: Node
    detail: str


@dataclass(frozen=True)
class Dated:
    """A date read from the file (or today), with the words that name it."""

    node: Node
    day: date
    label: str


Case = Mapping[str, Any]
Check = Callable[[etree._Element, Case, date], list[Finding]]


def atleast_one(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """At least one of the paths matches."""
    if _matches(element, case):
        return []
    return [Finding(element, f"{tag(element)} has no {' or '.join(case['paths'])}")]


def no_more_than_one(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """The paths match one node at most."""
    found = _matches(element, case)
    if len(found) <= 1:
        return []
    return [Finding(found[1], f"found {len(found)}: {_listing(found)}")]


def unique(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """No two matches of the paths have the same value."""
    seen: dict[str, Node] = {}
    for node in _matches(element, case):
        first = seen.setdefault(text_of(node), node)
        if first is not node:
            return [Finding(node, f"{describe(first)} and {describe(node)} are the same")]
    return []


def startswith(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """Each match starts with one of the prefixes (followed by the separator, if any)."""
    if case["prefix"] == ["ORG-ID-PREFIX"]:
        return []  # needs org-id.guide's list of registration agencies, which is not shipped
    separator = case.get("separator", "")
    starts = [text_of(n) + separator for path in case["prefix"] for n in select(path, element)]
    if not starts:
        return []  # no reporting-org/@ref to compare with: the schema reports that
    expected = " or ".join(quoted(start) for start in starts)
    return [
        Finding(node, f"found {describe(node)}, which does not start with {expected}")
        for node in _matches(element, case)
        if not any(text_of(node).startswith(start) for start in starts)
    ]


def regex_matches(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """Each non-empty match fits the regular expression."""
    pattern = _pattern(case["regex"])
    return [
        Finding(node, f"found {describe(node)}")
        for node in _matches(element, case)
        if text_of(node) and not pattern.search(text_of(node))
    ]


def no_spaces(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """No match starts or ends with white space."""
    return [
        Finding(node, f"found {name_of(node)} {quoted(text_of(node))}")
        for node in _matches(element, case)
        if text_of(node) != text_of(node).strip()
    ]


def range_(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """Each numeric match lies between min and max, inclusive."""
    low, high = _decimal(case.get("min")), _decimal(case.get("max"))
    findings = []
    for node in _matches(element, case):
        number = _decimal(text_of(node))
        if number is None:
            continue  # not a number at all: the schema reports that
        if (low is not None and number < low) or (high is not None and number > high):
            findings.append(Finding(node, f"found {describe(node)}"))
    return findings


def strict_sum(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """The matches add up to exactly the given sum."""
    found = _matches(element, case)
    numbers = [_decimal(text_of(node)) for node in found]
    if any(number is None for number in numbers):
        return []  # a value that is not a number is a schema error; a sum would mislead
    total = sum((n for n in numbers if n is not None), Decimal(0))
    target = _decimal(case["sum"])
    if total == target:
        return []
    detail = f"the {_owners(found)} add up to {_plain(total)}, not {_plain(target)}"
    return [Finding(element, detail)]


def date_order(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """Each "less" date is on or before each "more" date (NOW meaning today)."""
    # The reference validators compare only the first match of each path; comparing all
    # of them also catches, say, the second of two transactions dated in the future.
    later = _dates(element, case["more"], today)
    findings = []
    for earlier in _dates(element, case["less"], today):
        after = next((other for other in later if earlier.day > other.day), None)
        if after is not None:
            detail = f"found {earlier.label}, which is after {after.label}"
            findings.append(Finding(earlier.node, detail))
    return findings


def time_limit(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """The period from start to end is no longer than one calendar year."""
    # IATI-Rulesets allows exactly one calendar year (1 January to 1 January next year);
    # the JavaScript validator counts 365 days, which rejects a year that spans 29 February.
    start = _first_date(element, case["start"], today)
    end = _first_date(element, case["end"], today)
    if start is None or end is None or end.day <= _one_year_after(start.day):
        return []
    detail = f"the period runs from {start.day} to {end.day}, more than one year"
    return [Finding(element, detail)]


def date_now(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """The date and time is not in the future."""
    findings = []
    for node in select(case["date"], element):
        moment = _utc_day(text_of(node))
        if moment is not None and moment > today:
            findings.append(Finding(node, f"found {describe(node)}, after today ({today})"))
    return findings


def between_dates(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """Each date lies within the period from start to end, both included."""
    start = _first_date(element, case["start"], today)
    end = _first_date(element, case["end"], today)
    if start is None or end is None:
        return []
    return [
        Finding(dated.node, f"found {dated.label}, outside {start.day} to {end.day}")
        for dated in _dates(element, case["date"], today)
        if not start.day <= dated.day <= end.day
    ]


def if_then(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """When the "if" XPath holds, the "then" XPath holds too."""
    if not holds(case["if"], element) or holds(case["then"], element):
        return []
    found = _matches(element, case)
    if not found:
        return [Finding(element, f"{tag(element)} has no {' or '.join(case['paths'])}")]
    return [Finding(element, f"found {_listing(found)}")]


def one_or_all(element: etree._Element, case: Case, today: date) -> list[Finding]:
    """Either the "one" XPath matches, or every node of the "all" kind has its own value."""
    if select(case["one"], element) or case["all"] not in _ALL:
        return []
    query, noun, lacking = _ALL[case["all"]]
    missing = select(query, element)
    if not missing:
        return []
    count = f"{len(missing)} {noun}{'' if len(missing) == 1 else 's'}"
    detail = (
        f"{tag(element)} has no {case['one']}, and {count} without {lacking}, "
        f"the first at line {line_of(missing[0])}"
    )
    return [Finding(missing[0], detail)]


CHECKS: dict[str, Check] = {
    "atleast_one": atleast_one,
    "no_more_than_one": no_more_than_one,
    "unique": unique,
    "startswith": startswith,
    "regex_matches": regex_matches,
    "no_spaces": no_spaces,
    "range": range_,
    "strict_sum": strict_sum,
    "date_order": date_order,
    "time_limit": time_limit,
    "date_now": date_now,
    "between_dates": between_dates,
    "if_then": if_then,
    "one_or_all": one_or_all,
}


def _matches(element: etree._Element, case: Case) -> list[Node]:
    """Return the nodes the paths match, each once (two paths of a case may overlap)."""
    found: dict[tuple[object, ...], Node] = {}
    for path in case.get("paths", []):
        for node in select(path, element):
            found.setdefault(_identity(node), node)
    return list(found.values())


def _identity(node: Node) -> tuple[object, ...]:
    if isinstance(node, etree._Element):
        return (node,)
    return (owner(node), node.attrname, node.is_text, node.is_tail)


def _listing(found: list[Node]) -> str:
    named = [f"{describe(node)} at line {line_of(node)}" for node in found[:_LISTED]]
    more = len(found) - _LISTED
    return ", ".join(named) + (f" and {more} more" if more > 0 else "")


def _owners(found: list[Node]) -> str:
    """Name what a sum covers, e.g. "@percentage values of <sector> in vocabulary 2"."""
    elements = [element for node in found if (element := owner(node)) is not None]
    names = " and ".join(dict.fromkeys(f"<{element.tag}>" for element in elements)) or "values"
    listed = dict.fromkeys(element.get("vocabulary", "") for element in elements)
    vocabularies = ", ".join(vocabulary for vocabulary in listed if vocabulary)
    where = f" in vocabulary {vocabularies}" if vocabularies else ""
    return f"@percentage values of {names}{where}"


def _dates(element: etree._Element, path: str, today: date) -> list[Dated]:
    if path == "NOW":
        return [Dated(element, today, f"today ({today})")]
    dated = []
    for node in select(path, element):
        day = _day(text_of(node))
        if day is not None:  # a malformed date is a schema error
            dated.append(Dated(node, day, describe(node)))
    return dated


def _first_date(element: etree._Element, path: str, today: date) -> Dated | None:
    return next(iter(_dates(element, path, today)), None)


def _day(text: str) -> date | None:
    match = _DATE.match(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _utc_day(text: str) -> date | None:
    """Return the UTC date of an xs:dateTime; without a time zone it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return _day(text)
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal | None) -> str:
    """Write 90.00 as 90 and 33.50 as 33.5."""
    if number is None:
        return ""
    return decimal_text(number)


@functools.cache
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)
