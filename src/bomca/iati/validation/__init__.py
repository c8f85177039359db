"""Validate IATI 2.03 activity files: the XML schema, the codelists and the standard ruleset.

Pure lxml and the standard library, so that it runs on any file without Django. The reference
data (schema, codelists, ruleset) is shipped unmodified in bomca/iati/data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from lxml import etree

from bomca.iati.validation.codelists import codelist_problems
from bomca.iati.validation.problem import Problem
from bomca.iati.validation.rules import rule_problems
from bomca.iati.validation.schema import schema_problems, syntax_problem

__all__ = ["Problem", "validate_file", "validate_tree"]


def validate_file(path: Path) -> list[Problem]:
    """Validate an IATI file; a file that is not well-formed XML gives one schema problem."""
    # Entities are not expanded and nothing is fetched: the file may come from anyone.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        return [syntax_problem(error)]
    return validate_tree(tree)


def validate_tree(tree: etree._ElementTree, *, today: date | None = None) -> list[Problem]:
    """Validate a parsed IATI file: schema problems first, then the rest in line order."""
    day = today if today is not None else datetime.now(tz=UTC).date()
    others = codelist_problems(tree) + rule_problems(tree, today=day)
    return schema_problems(tree) + sorted(others, key=lambda problem: problem.line or 0)
