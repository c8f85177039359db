"""Run the IATI standard ruleset (rulesets/standard.json) over a parsed file.

The ruleset is keyed by a context XPath; each rule type there has cases, and each case its
XPaths and a ruleInfo (id, severity, message). Contexts under /iati-organisations match only
organisation files. Two parts of the ruleset need data from outside the IATI Standard that is
not shipped, so they work differently here than in the IATI Validator:

* idCondition NOT_EXISTING_ORG_ID(_PREFIX) exempts identifiers of publishers registered with
  IATI from the symbol rules (1.3.13, 1.8.13, 1.10.13 ...). Without the registry every
  identifier is treated as unregistered, so those warnings apply to everyone.
* startswith with the prefix ORG-ID-PREFIX (1.14.8, 1.18.8) checks reporting-org/@ref against
  org-id.guide's registration agencies; it is skipped.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from bomca.iati.validation.checks import CHECKS, Finding
from bomca.iati.validation.nodes import holds, line_of, select, xpath_of
from bomca.iati.validation.problem import DATA_DIR, ERROR, WARNING, Problem

RULESET_PATH = DATA_DIR / "rulesets" / "standard.json"


@dataclass(frozen=True)
class Case:
    """One case of a rule type: its XPaths and parameters, and its ruleInfo."""

    kind: str
    spec: Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """The cases that apply to each element an XPath selects."""

    xpath: str
    cases: tuple[Case, ...]


@functools.cache
def ruleset() -> tuple[Context, ...]:
    """Load the shipped ruleset once, refusing rule types that no check implements."""
    data = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
    contexts = tuple(Context(xpath, tuple(_cases(rules))) for xpath, rules in data.items() if rules)
    for context in contexts:
        for case in context.cases:
            _require_known(case)
    return contexts


def rule_problems(tree: etree._ElementTree, *, today: date) -> list[Problem]:
    """Return a problem for each rule case that an element of the file breaks."""
    problems = []
    for context in ruleset():
        for element in select(context.xpath, tree):
            if isinstance(element, etree._Element):
                for case in context.cases:
                    problems.extend(_run(element, case, today))
    return problems


def _cases(rules: Mapping[str, Any]) -> list[Case]:
    return [Case(kind, spec) for kind, rule in rules.items() for spec in rule["cases"]]


def _require_known(case: Case) -> None:
    if case.kind == "loop":
        for sub in _cases(case.spec["do"]):
            _require_known(sub)
    elif case.kind not in CHECKS:
        raise ValueError(f"The IATI ruleset uses the rule type {case.kind!r}, not implemented.")


def _run(element: etree._Element, case: Case, today: date) -> list[Problem]:
    if case.kind == "loop":
        return [p for sub in _expand(element, case.spec) for p in _run(element, sub, today)]
    condition = case.spec.get("condition")
    if condition and not holds(condition, element):
        return []
    findings = CHECKS[case.kind](element, case.spec, today)
    return [_problem(case, finding) for finding in findings]


def _expand(element: etree._Element, loop: Mapping[str, Any]) -> list[Case]:
    """Turn a loop into one case per distinct value of its foreach XPath, for $1."""
    values = dict.fromkeys(str(value) for value in select(loop["foreach"], element))
    # A value with an apostrophe cannot go inside the '$1' quotes; such a code is not on any
    # vocabulary codelist and is reported there.
    usable = [value for value in values if "'" not in value]
    return [
        Case(sub.kind, _substitute(sub.spec, value))
        for sub in _cases(loop["do"])
        for value in usable
    ]


def _substitute(spec: Mapping[str, Any], value: str) -> dict[str, Any]:
    # $1 is replaced in every XPath of the case, not only in the keys the loop lists in "subs":
    # the sector loop of rule 2.1.2 leaves its condition out of "subs", so the reference
    # validators test the literal '$1', find no such sector and never check that sector
    # percentages add up to 100 within vocabularies other than 1.
    return {key: item if key == "ruleInfo" else _replace(item, value) for key, item in spec.items()}


def _replace(item: Any, value: str) -> Any:
    if isinstance(item, str):
        return item.replace("$1", value)
    if isinstance(item, list):
        return [_replace(part, value) for part in item]
    return item


def _problem(case: Case, finding: Finding) -> Problem:
    info = case.spec["ruleInfo"]
    return Problem(
        severity=ERROR if info["severity"] == "error" else WARNING,
        kind="rule",
        xpath=xpath_of(finding.node),
        line=line_of(finding.node),
        message=f"{info['message'].strip().rstrip('.')}; {finding.detail}.",
        rule=info["id"],
    )
