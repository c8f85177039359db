"""What the validator reports, and where its reference data lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The unmodified IATI 2.03 schema, codelists and ruleset shipped with the package.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an IATI file, located by XPath and, when known, by line."""

    severity: str  # "error" or "warning"
    kind: str  # "schema", "codelist" or "rule"
    xpath: str  # of the offending element or attribute
    line: int | None  # source line when known
    message: str  # one plain sentence: what was found and what was expected
    rule: str = ""  # ruleset rule id, or codelist name, when there is one
