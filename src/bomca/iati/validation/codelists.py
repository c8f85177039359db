"""Check coded values against the IATI codelists, where mapping.xml says each one applies."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from bomca.iati.validation.nodes import Node, describe, line_of, quoted, select, xpath_of
from bomca.iati.validation.problem import DATA_DIR, ERROR, WARNING, Problem

CODELIST_DIR = DATA_DIR / "codelists"
_LISTED_UP_TO = 12  # codelists this short are spelt out in the message
_ANYWHERE = re.compile(r"^//(iati-activity|iati-organisation)/")
_GUIDE = "https://iatistandard.org/en/iati-standard/203/codelists/{}/"

# mapping.xml names 16 codelists that the reference copy shipped here does not include:
# CashandVoucherModalities, ConditionType, CRSAddOtherFlags, CRSChannelCode, DisbursementChannel,
# EarmarkingCategory, FileFormat, GeographicExactness, GeographicLocationClass,
# GeographicLocationReach, GeographicVocabulary, HumanitarianScopeType,
# HumanitarianScopeVocabulary, LoanRepaymentPeriod, LoanRepaymentType and LocationType. The
# values they govern are not checked, rather than all rejected.


@dataclass(frozen=True)
class Code:
    """One codelist item: its English name and, when withdrawn, the withdrawal date."""

    name: str
    withdrawn: bool = False
    withdrawal_date: str = ""


@dataclass(frozen=True)
class Codelist:
    """An IATI codelist; complete=False means codes outside it are not certainly wrong."""

    name: str
    complete: bool
    codes: Mapping[str, Code]

    def current(self) -> list[str]:
        """Return the codes that are not withdrawn, in the codelist's order."""
        return [value for value, code in self.codes.items() if not code.withdrawn]

    def other_case(self, value: str) -> str | None:
        """Return the code that differs from a value only in upper and lower case."""
        folded = value.casefold()
        return next((code for code in self.codes if code.casefold() == folded), None)


@dataclass(frozen=True)
class CodelistMapping:
    """Where one codelist applies: an XPath to the values and an optional condition."""

    path: str
    codelist: str
    condition: str = ""

    @property
    def query(self) -> str:
        """Return the XPath with the condition applied to the element holding the value."""
        # The schemas allow an activity or organisation only as a child of the root, and a
        # leading // makes each of some hundred paths walk the whole tree: most of the time
        # on a large file. A misplaced activity is a schema error already.
        path = _ANYWHERE.sub(r"/*/\1/", self.path)
        if not self.condition:
            return path
        parent, _, last = path.rpartition("/")
        return f"{parent}[{self.condition}]/{last}"


@functools.cache
def codelist(name: str) -> Codelist | None:
    """Load a shipped codelist once, or return None when it is not shipped."""
    path = CODELIST_DIR / f"{name}.xml"
    if not path.is_file():
        return None
    root = etree.parse(str(path)).getroot()
    codes = {item.findtext("code", ""): _code(item) for item in root.iterfind(".//codelist-item")}
    return Codelist(name=name, complete=root.get("complete") != "0", codes=codes)


@functools.cache
def mappings() -> tuple[CodelistMapping, ...]:
    """Return every mapping of mapping.xml whose codelist is shipped."""
    root = etree.parse(str(CODELIST_DIR / "mapping.xml")).getroot()
    found = (_mapping(item) for item in root.iterfind("mapping"))
    return tuple(mapping for mapping in found if codelist(mapping.codelist) is not None)


def codelist_problems(tree: etree._ElementTree) -> list[Problem]:
    """Return a problem for each coded value that is not a current code of its codelist."""
    problems = []
    for mapping in mappings():
        listed = codelist(mapping.codelist)
        assert listed is not None  # mappings() keeps only shipped codelists
        for node in select(mapping.query, tree):
            problem = _check(node, listed)
            if problem is not None:
                problems.append(problem)
    return problems


def _mapping(item: etree._Element) -> CodelistMapping:
    reference = item.find("codelist")
    return CodelistMapping(
        path=item.findtext("path", "").strip(),
        codelist=reference.get("ref", "") if reference is not None else "",
        condition=item.findtext("condition", "").strip(),
    )


def _code(item: etree._Element) -> Code:
    names = item.xpath("name/narrative[not(@xml:lang)]/text()")
    name = str(names[0]).strip() if isinstance(names, list) and names else ""
    withdrawn = item.get("status") == "withdrawn"
    return Code(name=name, withdrawn=withdrawn, withdrawal_date=item.get("withdrawal-date", ""))


def _check(node: Node, listed: Codelist) -> Problem | None:
    # Codes are compared exactly, case included. No codelist holds two codes that differ only
    # in case, but the IATI Validator and the tools that read IATI data match codes exactly, so
    # 'usd' or 'kg' would not be understood as USD or KG; the message suggests the right case.
    value = str(node)
    code = listed.codes.get(value)
    if code is not None and not code.withdrawn:
        return None
    if code is not None:
        return _problem(node, listed, ERROR, _withdrawn(node, listed, code))
    if not listed.complete:
        return _problem(node, listed, WARNING, _unlisted(node, listed))
    return _problem(node, listed, ERROR, _unknown(node, listed))


def _unknown(node: Node, listed: Codelist) -> str:
    return f"{describe(node)} is not a code on the {listed.name} codelist; {_hint(node, listed)}."


def _unlisted(node: Node, listed: Codelist) -> str:
    return (
        f"{describe(node)} is not on the {listed.name} codelist, which IATI does not treat as "
        f"exhaustive, so check that the code is right; {_hint(node, listed)}."
    )


def _withdrawn(node: Node, listed: Codelist, code: Code) -> str:
    when = f" on {code.withdrawal_date}" if code.withdrawal_date else ""
    named = f" ({code.name})" if code.name else ""
    return (
        f"{describe(node)} is a withdrawn code{named} of the {listed.name} codelist, "
        f"withdrawn{when}; use a current code instead."
    )


def _hint(node: Node, listed: Codelist) -> str:
    other = listed.other_case(str(node))
    if other is not None:
        return f"codes are case-sensitive, so write {quoted(other)}"
    current = listed.current()
    if len(current) <= _LISTED_UP_TO:
        return f"expected one of {', '.join(current)}"
    return f"see {_GUIDE.format(listed.name.lower())} for the codes"


def _problem(node: Node, listed: Codelist, severity: str, message: str) -> Problem:
    return Problem(
        severity=severity,
        kind="codelist",
        xpath=xpath_of(node),
        line=line_of(node),
        message=message,
        rule=listed.name,
    )
