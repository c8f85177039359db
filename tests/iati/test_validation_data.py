"""The IATI reference data shipped in the package, and how the validator loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bomca.iati.validation.codelists import codelist, mappings
from bomca.iati.validation.problem import DATA_DIR
from bomca.iati.validation.rules import ruleset
from bomca.iati.validation.schema import activity_schema

SHARED = Path("/work/shared/iati")
SHIPPED = ["schema", "codelists", "rulesets"]


def files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for folder in SHIPPED
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared IATI reference folder is absent")
def test_the_shipped_data_is_byte_identical_to_the_shared_reference() -> None:
    assert files(DATA_DIR) == files(SHARED)


def test_the_package_ships_the_three_schema_files_the_codelists_and_the_ruleset() -> None:
    shipped = files(DATA_DIR)

    assert {p for p in shipped if p.startswith("schema/")} == {
        "schema/iati-activities-schema.xsd",
        "schema/iati-common.xsd",
        "schema/xml.xsd",
    }
    assert "codelists/mapping.xml" in shipped
    assert len([p for p in shipped if p.startswith("codelists/")]) == 47
    assert [p for p in shipped if p.startswith("rulesets/")] == ["rulesets/standard.json"]


def test_the_package_does_not_ship_the_conformance_documents() -> None:
    assert not (DATA_DIR / "conformance").exists()


def test_the_licence_file_carries_the_attribution_and_the_mit_notice() -> None:
    licence = (DATA_DIR / "LICENSE.md").read_text(encoding="utf-8")

    assert "IATI Standard (http://iatistandard.org/)" in licence
    assert "http://creativecommons.org/licenses/by/4.0/" in licence
    assert "Copyright (c) 2013-2014 Ben Webb" in licence
    assert "xml.xsd" in licence
    for commit in ("4c9ba1e8", "75e827ba", "7aeece77", "a88f835b"):
        assert commit in licence


def test_the_schema_is_compiled_once() -> None:
    assert activity_schema() is activity_schema()


def test_a_codelist_is_loaded_once_and_knows_its_withdrawn_codes() -> None:
    currency = codelist("Currency")

    assert currency is codelist("Currency")
    assert currency is not None
    assert currency.complete
    assert currency.codes["BYR"].withdrawn
    assert not currency.codes["BYN"].withdrawn


def test_the_country_language_and_indicator_vocabulary_codelists_are_incomplete() -> None:
    incomplete = {
        name
        for name in ("Country", "Language", "IndicatorVocabulary", "Currency")
        if (found := codelist(name)) is not None and not found.complete
    }

    assert incomplete == {"Country", "Language", "IndicatorVocabulary"}


def test_mappings_whose_codelist_is_not_shipped_are_left_out() -> None:
    kept = {mapping.codelist for mapping in mappings()}

    assert codelist("FileFormat") is None
    assert "FileFormat" not in kept
    assert {"Sector", "SectorCategory", "Currency", "Country", "Language"} <= kept


def test_a_conditional_mapping_applies_its_condition_to_the_element_holding_the_code() -> None:
    sector = next(m for m in mappings() if m.codelist == "Sector" and "transaction" not in m.path)

    assert sector.query == "/*/iati-activity/sector[@vocabulary = '1' or not(@vocabulary)]/@code"


def test_every_rule_type_of_the_ruleset_is_implemented() -> None:
    kinds = {case.kind for context in ruleset() for case in context.cases}

    assert kinds == {
        "atleast_one",
        "between_dates",
        "date_now",
        "date_order",
        "if_then",
        "loop",
        "no_more_than_one",
        "no_spaces",
        "one_or_all",
        "range",
        "regex_matches",
        "startswith",
        "strict_sum",
        "time_limit",
        "unique",
    }
