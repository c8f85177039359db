"""The IATI schema's own conformance documents, copied into the repository for CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from bomca.iati.validation import validate_file

CONFORMANCE = Path(__file__).parent / "conformance"
SHOULD_PASS = sorted((CONFORMANCE / "should-pass").rglob("*.xml"))
SHOULD_FAIL = sorted((CONFORMANCE / "should-fail").rglob("*.xml"))


def name(path: Path) -> str:
    return str(path.relative_to(CONFORMANCE))


def test_all_the_conformance_documents_are_in_the_repository() -> None:
    assert (len(SHOULD_PASS), len(SHOULD_FAIL)) == (58, 225)


@pytest.mark.parametrize("path", SHOULD_PASS, ids=name)
def test_a_should_pass_document_has_no_schema_error(path: Path) -> None:
    problems = validate_file(path)

    assert [p for p in problems if p.kind == "schema" and p.severity == "error"] == []


@pytest.mark.parametrize("path", SHOULD_FAIL, ids=name)
def test_a_should_fail_document_has_a_located_schema_error_in_plain_words(path: Path) -> None:
    problems = validate_file(path)

    errors = [p for p in problems if p.kind == "schema" and p.severity == "error"]
    assert errors, path
    assert all(p.xpath.startswith("/iati-activities") and p.line for p in errors)
    # libxml2's own wording ("Element 'x': ... atomic type 'xs:date'") is rephrased
    assert not [p.message for p in errors if "Element '" in p.message or "xs:" in p.message]
