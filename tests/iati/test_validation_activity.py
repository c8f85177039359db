"""A minimal valid IATI 2.03 activity, and what the validator says when it is broken."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lxml import etree

from bomca.iati.validation import Problem, validate_file, validate_tree

TODAY = date(2025, 1, 1)
ACTIVITY = "/iati-activities/iati-activity"

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2024-05-01T10:00:00Z">
  <iati-activity last-updated-datetime="2024-05-01T10:00:00Z" xml:lang="en" default-currency="EUR">
    <iati-identifier>XM-DAC-41114-BOMCA-10</iati-identifier>
    <reporting-org ref="XM-DAC-41114" type="40">
      <narrative>United Nations Development Programme</narrative>
    </reporting-org>
    <title>
      <narrative>Border Management Programme in Central Asia, phase 10</narrative>
    </title>
    <description type="1">
      <narrative>Helps the border agencies of Central Asia to manage borders.</narrative>
    </description>
    <participating-org ref="XI-IATI-EC_INTPA" role="1" type="15">
      <narrative>European Commission</narrative>
    </participating-org>
    <activity-status code="2"/>
    <activity-date iso-date="2023-01-01" type="1"/>
    <activity-date iso-date="2023-02-01" type="2"/>
    <activity-date iso-date="2026-12-31" type="3"/>
    <recipient-country code="KZ" percentage="40"/>
    <recipient-country code="KG" percentage="30"/>
    <recipient-country code="TJ" percentage="30"/>
    <sector vocabulary="1" code="15190" percentage="50"/>
    <sector vocabulary="1" code="33120" percentage="30"/>
    <sector vocabulary="1" code="15160" percentage="20"/>
    <budget type="1" status="2">
      <period-start iso-date="2024-01-01"/>
      <period-end iso-date="2024-12-31"/>
      <value currency="EUR" value-date="2024-01-01">1500000</value>
    </budget>
    <transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="2024-03-15"/>
      <value currency="EUR" value-date="2024-03-15">250000</value>
    </transaction>
  </iati-activity>
</iati-activities>
"""


def changed(*replacements: tuple[str, str], xml: str = MINIMAL) -> str:
    """Return the activity with each (old, new) text replaced; old must occur."""
    for old, new in replacements:
        assert old in xml, old
        xml = xml.replace(old, new)
    return xml


def validate(xml: str, today: date = TODAY) -> list[Problem]:
    """Validate an IATI document given as text."""
    tree = etree.ElementTree(etree.fromstring(xml.encode()))
    return validate_tree(tree, today=today)


def only(problems: list[Problem], kind: str, rule: str = "") -> Problem:
    """Return the one problem of a kind (and rule), failing if there is not exactly one."""
    found = [p for p in problems if p.kind == kind and (not rule or p.rule == rule)]
    assert len(found) == 1, problems
    return found[0]


def test_a_minimal_valid_activity_has_no_problems() -> None:
    assert validate(MINIMAL) == []


def test_a_minimal_valid_activity_read_from_a_file_has_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "activities.xml"
    path.write_text(MINIMAL, encoding="utf-8")

    assert validate_file(path) == []


def test_a_missing_reporting_org_is_a_schema_error_at_the_activity() -> None:
    start = MINIMAL.index("    <reporting-org")
    end = MINIMAL.index("</reporting-org>\n") + len("</reporting-org>\n")

    problem = only(validate(MINIMAL[:start] + MINIMAL[end:]), "schema")

    assert problem.severity == "error"
    assert problem.xpath == f"{ACTIVITY}/title"
    assert problem.line == 5
    assert "<title> is not allowed here" in problem.message
    assert "<reporting-org>" in problem.message


def test_an_activity_status_not_on_its_codelist_is_a_codelist_error() -> None:
    problems = validate(changed(('<activity-status code="2"/>', '<activity-status code="9"/>')))

    problem = only(problems, "codelist")
    assert problem.severity == "error"
    assert problem.rule == "ActivityStatus"
    assert problem.xpath == f"{ACTIVITY}/activity-status/@code"
    assert problem.line == 17
    assert "'9'" in problem.message
    assert "expected one of 1, 2, 3, 4, 5, 6" in problem.message


def test_a_sector_code_not_on_the_dac_list_is_a_codelist_error() -> None:
    problems = validate(changed(('code="33120"', 'code="99999"')))

    problem = only(problems, "codelist")
    assert (problem.severity, problem.rule) == ("error", "Sector")
    assert problem.xpath == f"{ACTIVITY}/sector[2]/@code"
    assert "'99999'" in problem.message


def test_a_sector_code_of_vocabulary_2_is_checked_against_the_dac_categories() -> None:
    problems = validate(
        changed(("<budget ", '<sector vocabulary="2" code="15190"/>\n    <budget '))
    )

    problem = only(problems, "codelist")
    assert problem.rule == "SectorCategory"
    assert problem.xpath == f"{ACTIVITY}/sector[4]/@code"
    assert "<sector vocabulary='2'> @code '15190'" in problem.message


def test_a_currency_not_on_its_codelist_is_a_codelist_error() -> None:
    problems = validate(
        changed(
            (
                '<value currency="EUR" value-date="2024-01-01">',
                '<value currency="XXX" value-date="2024-01-01">',
            )
        )
    )

    problem = only(problems, "codelist")
    assert (problem.severity, problem.rule) == ("error", "Currency")
    assert problem.xpath == f"{ACTIVITY}/budget/value/@currency"
    assert "'XXX'" in problem.message


def test_a_lower_case_currency_is_an_error_that_names_the_upper_case_code() -> None:
    problems = validate(changed(('default-currency="EUR"', 'default-currency="eur"')))

    problem = only(problems, "codelist")
    assert problem.severity == "error"
    assert problem.xpath == f"{ACTIVITY}/@default-currency"
    assert "case-sensitive, so write 'EUR'" in problem.message


def test_a_withdrawn_currency_is_an_error_that_says_it_was_withdrawn() -> None:
    problems = validate(changed(('default-currency="EUR"', 'default-currency="BYR"')))

    problem = only(problems, "codelist")
    assert (problem.severity, problem.rule) == ("error", "Currency")
    assert problem.xpath == f"{ACTIVITY}/@default-currency"
    assert "withdrawn" in problem.message
    assert "2018-08-08" in problem.message


def test_a_withdrawn_sector_code_is_an_error_that_says_it_was_withdrawn() -> None:
    problems = validate(changed(('code="15160"', 'code="15120"')))

    problem = only(problems, "codelist")
    assert problem.xpath == f"{ACTIVITY}/sector[3]/@code"
    assert "withdrawn code (Public sector financial management)" in problem.message


def test_a_country_not_on_the_incomplete_country_list_is_only_a_warning() -> None:
    problems = validate(changed(('code="TJ"', 'code="XX"')))

    problem = only(problems, "codelist")
    assert (problem.severity, problem.rule) == ("warning", "Country")
    assert problem.xpath == f"{ACTIVITY}/recipient-country[3]/@code"


def test_sector_percentages_adding_up_to_90_break_rule_2_1_2() -> None:
    problems = validate(changed(('code="15160" percentage="20"', 'code="15160" percentage="10"')))

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("error", "2.1.2")
    assert problem.xpath == ACTIVITY
    assert "<sector> in vocabulary 1 add up to 90, not 100" in problem.message


def test_recipient_country_percentages_adding_up_to_90_break_rule_3_1_2() -> None:
    problems = validate(changed(('code="TJ" percentage="30"', 'code="TJ" percentage="20"')))

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("error", "3.1.2")
    assert problem.xpath == ACTIVITY
    assert "<recipient-country> add up to 90, not 100" in problem.message


def test_an_identifier_not_prefixed_by_the_reporting_org_breaks_rule_1_1_21() -> None:
    problems = validate(changed(("XM-DAC-41114-BOMCA-10", "BOMCA-10")))

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("warning", "1.1.21")
    assert problem.xpath == f"{ACTIVITY}/iati-identifier"
    assert "<iati-identifier> 'BOMCA-10'" in problem.message
    assert "'XM-DAC-41114-'" in problem.message


def test_a_planned_end_before_the_planned_start_breaks_rule_11_1_2() -> None:
    problems = validate(
        changed(('iso-date="2026-12-31" type="3"', 'iso-date="2022-12-31" type="3"'))
    )

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("error", "11.1.2")
    assert problem.xpath == f"{ACTIVITY}/activity-date[1]/@iso-date"
    assert "'2023-01-01', which is after <activity-date type='3'>" in problem.message


def test_an_actual_start_in_the_future_breaks_rule_11_1_4() -> None:
    problems = validate(MINIMAL, today=date(2023, 1, 15))

    problem = only(problems, "rule", "11.1.4")
    assert problem.rule == "11.1.4"
    assert problem.xpath == f"{ACTIVITY}/activity-date[2]/@iso-date"
    assert "after today (2023-01-15)" in problem.message


def test_a_budget_period_longer_than_a_year_breaks_rule_7_5_3() -> None:
    problems = validate(
        changed(('<period-end iso-date="2024-12-31"/>', '<period-end iso-date="2025-06-30"/>'))
    )

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("error", "7.5.3")
    assert problem.xpath == f"{ACTIVITY}/budget"
    assert "from 2024-01-01 to 2025-06-30" in problem.message


def test_a_last_update_in_the_future_breaks_rule_11_1_1() -> None:
    problems = validate(MINIMAL, today=date(2024, 4, 30))

    problem = only(problems, "rule", "11.1.1")
    assert problem.xpath == f"{ACTIVITY}/@last-updated-datetime"


def test_a_file_that_is_not_well_formed_gives_one_schema_problem_with_its_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(changed(("</title>", "</titel>")), encoding="utf-8")

    [problem] = validate_file(path)

    assert (problem.severity, problem.kind) == ("error", "schema")
    assert problem.line == 10
    assert problem.message.startswith("The file is not well-formed XML")
    assert "titel" in problem.message


def test_an_empty_file_gives_one_schema_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")

    [problem] = validate_file(path)

    assert (problem.kind, problem.line) == ("schema", 1)


def test_problems_come_schema_first_then_in_line_order() -> None:
    problems = validate(
        changed(
            ('<activity-status code="2"/>', '<activity-status code="9"/>'),
            ('code="TJ" percentage="30"', 'code="TJ" percentage="20"'),
            (
                '<transaction-date iso-date="2024-03-15"/>',
                '<transaction-date iso-date="2024-3-15"/>',
            ),
        )
    )

    assert [(p.kind, p.line) for p in problems] == [("schema", 34), ("rule", 3), ("codelist", 17)]
