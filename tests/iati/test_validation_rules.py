"""The ruleset engine on variations of the minimal activity, and organisation files."""

from __future__ import annotations

from tests.iati.test_validation_activity import ACTIVITY, changed, only, validate

ORGANISATION = """<iati-organisations version="2.03">
  <iati-organisation last-updated-datetime="2024-05-01T10:00:00Z" xml:lang="en"
      default-currency="EUR">
    <organisation-identifier>XM-DAC-41114</organisation-identifier>
    <name><narrative>United Nations Development Programme</narrative></name>
    <reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
    <recipient-country-budget status="2">
      <recipient-country code="KG"/>
      <period-start iso-date="2024-01-01"/>
      <period-end iso-date="2024-12-31"/>
      <value currency="EUR" value-date="2024-01-01">1000000</value>
      <budget-line ref="1">
        <value currency="EUR" value-date="2024-01-01">400000</value>
        <narrative>Border posts</narrative>
      </budget-line>
    </recipient-country-budget>
  </iati-organisation>
</iati-organisations>
"""

BEFORE_BUDGET = "    <budget "


def test_sector_percentages_within_vocabulary_2_must_add_up_to_100_as_well() -> None:
    sectors = '<sector vocabulary="2" code="151" percentage="50"/>\n'
    sectors += '    <sector vocabulary="2" code="331" percentage="40"/>\n'

    problems = validate(changed((BEFORE_BUDGET, f"    {sectors}{BEFORE_BUDGET}")))

    problem = only(problems, "rule")
    assert problem.rule == "2.1.2"
    assert "<sector> in vocabulary 2 add up to 90, not 100" in problem.message


def test_a_single_sector_with_a_percentage_below_100_breaks_rule_2_1_4() -> None:
    problems = validate(
        changed(
            ('    <sector vocabulary="1" code="33120" percentage="30"/>\n', ""),
            ('    <sector vocabulary="1" code="15160" percentage="20"/>\n', ""),
        )
    )

    problem = only(problems, "rule")
    assert (problem.rule, problem.xpath) == ("2.1.4", ACTIVITY)
    assert "<sector vocabulary='1' code='15190'> at line 24" in problem.message


def test_a_sector_percentage_above_100_breaks_rule_12_3_1() -> None:
    problems = validate(changed(('code="15190" percentage="50"', 'code="15190" percentage="150"')))

    problem = only(problems, "rule", "12.3.1")
    assert problem.xpath == f"{ACTIVITY}/sector[1]/@percentage"
    assert "@percentage '150'" in problem.message


def test_a_budget_of_exactly_one_calendar_year_is_allowed_even_across_29_february() -> None:
    xml = changed(('<period-end iso-date="2024-12-31"/>', '<period-end iso-date="2025-01-01"/>'))

    assert validate(xml) == []


def test_a_budget_one_day_longer_than_a_calendar_year_breaks_rule_7_5_3() -> None:
    xml = changed(('<period-end iso-date="2024-12-31"/>', '<period-end iso-date="2025-01-02"/>'))

    assert only(validate(xml), "rule").rule == "7.5.3"


def test_a_budget_that_ends_before_it_starts_breaks_rule_8_6_3() -> None:
    xml = changed(('<period-end iso-date="2024-12-31"/>', '<period-end iso-date="2023-12-31"/>'))

    problem = only(validate(xml), "rule")
    assert (problem.rule, problem.xpath) == ("8.6.3", f"{ACTIVITY}/budget/period-start/@iso-date")


def test_a_second_transaction_dated_in_the_future_breaks_rules_11_2_1_and_11_2_2() -> None:
    future = """<transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="2025-06-01"/>
      <value currency="EUR" value-date="2025-06-01">100</value>
    </transaction>
  </iati-activity>"""

    problems = validate(changed(("</iati-activity>", future)))

    assert [(p.rule, p.xpath) for p in problems] == [
        ("11.2.1", f"{ACTIVITY}/transaction[2]/transaction-date/@iso-date"),
        ("11.2.2", f"{ACTIVITY}/transaction[2]/value/@value-date"),
    ]


def test_a_last_update_stamped_in_a_time_zone_ahead_of_utc_is_not_in_the_future() -> None:
    stamp = 'last-updated-datetime="2025-01-02T01:00:00+06:00"'

    problems = validate(changed(('last-updated-datetime="2024-05-01T10:00:00Z"', stamp)))

    assert problems == []


def test_an_identifier_with_a_slash_breaks_rule_1_3_13() -> None:
    problems = validate(changed(("XM-DAC-41114-BOMCA-10", "XM-DAC-41114-BOMCA/10")))

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("warning", "1.3.13")
    assert "<iati-identifier> 'XM-DAC-41114-BOMCA/10'" in problem.message


def test_an_identifier_with_a_trailing_space_breaks_rule_1_3_1() -> None:
    problems = validate(changed(("BOMCA-10</iati-identifier>", "BOMCA-10 </iati-identifier>")))

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("warning", "1.3.1")
    assert "'XM-DAC-41114-BOMCA-10 '" in problem.message


def test_an_identifier_equal_to_the_reporting_org_ref_breaks_rule_1_1_3() -> None:
    problems = validate(changed(("XM-DAC-41114-BOMCA-10", "XM-DAC-41114")))

    problem = only(problems, "rule", "1.1.3")
    assert problem.severity == "error"
    assert problem.xpath == f"{ACTIVITY}/iati-identifier"


def test_narratives_without_a_language_break_rule_4_1_1_at_the_first_one() -> None:
    problems = validate(changed((' xml:lang="en"', "")))

    problem = only(problems, "rule")
    assert problem.rule == "4.1.1"
    assert problem.xpath == f"{ACTIVITY}/reporting-org/narrative"
    assert "4 <narrative> elements without @xml:lang, the first at line 6" in problem.message


def test_recipient_countries_at_activity_and_transaction_level_break_rule_3_6_2() -> None:
    in_transaction = '<recipient-country code="KG"/>\n    </transaction>'

    problems = validate(changed(("</transaction>", in_transaction)))

    problem = only(problems, "rule")
    assert (problem.rule, problem.xpath) == ("3.6.2", ACTIVITY)


def test_two_default_aid_types_of_one_vocabulary_break_rule_107_1_2() -> None:
    aid_types = '<default-aid-type code="A01"/>\n    <default-aid-type code="A02"/>\n'

    problems = validate(changed((BEFORE_BUDGET, f"    {aid_types}{BEFORE_BUDGET}")))

    problem = only(problems, "rule")
    assert (problem.severity, problem.rule) == ("warning", "107.1.2")
    assert problem.xpath == f"{ACTIVITY}/default-aid-type[2]"


def test_a_file_of_an_older_iati_version_gets_a_warning_that_it_was_checked_as_2_03() -> None:
    problems = validate(changed(('version="2.03"', 'version="2.02"')))

    problem = only(problems, "schema")
    assert (problem.severity, problem.xpath) == ("warning", "/iati-activities/@version")
    assert "'2.02'" in problem.message


def test_a_file_with_another_root_is_a_schema_error() -> None:
    problem = only(validate("<activities/>"), "schema")

    assert (problem.severity, problem.xpath, problem.line) == ("error", "/activities", 1)
    assert "<iati-activities>" in problem.message


def test_an_organisation_file_gets_a_warning_that_its_structure_was_not_checked() -> None:
    problems = validate(ORGANISATION)

    problem = only(problems, "schema")
    assert (problem.severity, problem.xpath) == ("warning", "/iati-organisations")
    assert "only IATI activity files" in problem.message
    assert [p.kind for p in problems] == ["schema"]


def test_an_organisation_budget_line_dated_outside_its_period_breaks_rule_11_3_1() -> None:
    line_value = '<value currency="EUR" value-date="2024-01-01">400000'
    late_value = '<value currency="EUR" value-date="2025-03-01">400000'

    problems = validate(changed((line_value, late_value), xml=ORGANISATION))

    problem = only(problems, "rule")
    assert problem.rule == "11.3.1"
    assert problem.xpath.endswith("/recipient-country-budget/budget-line/value/@value-date")
    assert "outside 2024-01-01 to 2024-12-31" in problem.message


def test_organisation_codes_are_checked_against_their_codelists() -> None:
    problems = validate(
        changed(
            ('<recipient-country code="KG"/>', '<recipient-country code="kg"/>'), xml=ORGANISATION
        )
    )

    problem = only(problems, "codelist")
    assert problem.severity == "warning"  # Country is not an exhaustive codelist
    assert "case-sensitive, so write 'KG'" in problem.message
