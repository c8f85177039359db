"""The IATI 2.03 export of the reference data: valid by the official schema, codelists and rules,
made from the same figures as the logframe, and free of personal data."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from bomca.cli import main
from bomca.core.errors import ApplicationError
from bomca.core.periods import parse_period
from bomca.dataset import dataset_load
from bomca.grants.models import GrantProject, Payment
from bomca.iati.export import activity_status, iati_export
from bomca.iati.models import Budget, Publication, Transaction
from bomca.iati.validation import validate_tree
from bomca.people.models import Participant
from bomca.reporting.selectors import key_figures
from bomca.results.selectors import logframe
from tests.factories import ProgrammeFactory

SHARED_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "iati" / "schema"
PACKAGED_SCHEMA = Path(__file__).resolve().parents[2] / "src" / "bomca" / "iati" / "data" / "schema"
TODAY = date(2026, 11, 27)
#: The file's stamp on that day: a test pins both, or the file is dated in the future of TODAY
#: from the next day on (the rule that last-updated is not after today would fail).
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def exported(programme, **options) -> etree._ElementTree:
    buffer = io.BytesIO()
    options.setdefault("today", TODAY)
    options.setdefault("now", NOW)
    iati_export(programmes=[programme], out=buffer, **options)
    return etree.parse(io.BytesIO(buffer.getvalue()))


def errors_of(tree: etree._ElementTree) -> list:
    return [problem for problem in validate_tree(tree, today=TODAY) if problem.severity == "error"]


def schema() -> etree.XMLSchema:
    folder = SHARED_SCHEMA if SHARED_SCHEMA.exists() else PACKAGED_SCHEMA
    return etree.XMLSchema(etree.parse(str(folder / "iati-activities-schema.xsd")))


def test_the_reference_export_passes_a_plain_lxml_check_against_the_official_schema(bomca10):
    tree = exported(bomca10)

    checker = schema()
    assert checker.validate(tree), [str(error) for error in checker.error_log]


def test_the_reference_export_has_no_problem_of_schema_codelist_or_rule(bomca10):
    problems = validate_tree(exported(bomca10), today=TODAY)

    assert problems == []


def test_bomca_iati_export_writes_a_file_that_bomca_iati_validate_accepts(
    bomca10, tmp_path, capsys
):
    output = tmp_path / "bomca10.xml"

    assert main(["iati", "export", "--programme", "BOMCA10", "-o", str(output)]) == 0
    assert "5 IATI activities" in capsys.readouterr().out
    assert main(["iati", "validate", str(output)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*partial"))


def test_the_programme_and_its_components_are_linked_both_ways(bomca10):
    tree = exported(bomca10)

    identifiers = tree.xpath("//iati-activity/iati-identifier/text()")
    assert identifiers == [
        "XI-IATI-ICMPD-BOMCA10",
        *(f"XI-IATI-ICMPD-BOMCA10-C{number}" for number in range(1, 5)),
    ]
    parent = tree.xpath("//iati-activity[1]")[0]
    assert parent.get("hierarchy") == "1"
    assert parent.xpath("related-activity[@type='2']/@ref") == identifiers[1:]
    for child in tree.xpath("//iati-activity[@hierarchy='2']"):
        assert child.xpath("related-activity/@ref") == [identifiers[0]]
        assert child.xpath("related-activity/@type") == ["1"]


def test_the_programme_carries_its_countries_sectors_budgets_and_dates(bomca10):
    activity = exported(bomca10).xpath("//iati-activity[1]")[0]

    countries = dict(
        zip(
            activity.xpath("recipient-country/@code"),
            activity.xpath("recipient-country/@percentage"),
            strict=True,
        )
    )
    assert countries == dict.fromkeys(["KG", "KZ", "TJ", "TM", "UZ"], "20")
    assert activity.xpath("sector/@code") == ["15190", "15210", "33120", "15160"]
    assert sum(Decimal(value) for value in activity.xpath("sector/@percentage")) == 100
    budgets = [Decimal(value) for value in activity.xpath("budget/value/text()")]
    assert sum(budgets) == bomca10.budget == Decimal("21650050.00")
    assert activity.xpath("activity-date[@type='2']/@iso-date") == ["2021-04-01"]
    # BOMCA 10 ended on 30 September 2025: on 27 November 2026 it has an actual end.
    assert activity.xpath("activity-date[@type='4']/@iso-date") == ["2025-09-30"]
    assert activity.xpath("activity-status/@code") == ["3"]


def test_the_activity_status_follows_the_programme_dates(bomca10):
    assert activity_status(bomca10, date(2021, 3, 31)) == "1"
    assert activity_status(bomca10, date(2023, 6, 30)) == "2"
    assert activity_status(bomca10, date(2025, 10, 1)) == "3"


def test_before_the_programme_ends_no_actual_end_date_is_published(bomca10):
    activity = exported(bomca10, today=date(2024, 1, 15)).xpath("//iati-activity[1]")[0]

    assert activity.xpath("activity-date[@type='4']") == []
    assert activity.xpath("activity-status/@code") == ["2"]
    # Payments after that day are not published yet either.
    dates = activity.xpath("transaction/transaction-date/@iso-date")
    assert dates
    assert all(day <= "2024-01-15" for day in dates)


def test_grant_contracts_are_commitments_and_payments_disbursements(bomca10):
    activity = exported(bomca10).xpath("//iati-activity[1]")[0]

    commitments = activity.xpath("transaction[transaction-type/@code='2']")
    disbursements = activity.xpath("transaction[transaction-type/@code='3']")
    projects = GrantProject.objects.filter(application__call__programme=bomca10)
    assert len(commitments) == projects.count() == 9
    assert sum(Decimal(row.findtext("value")) for row in commitments) == sum(
        project.amount for project in projects
    )
    assert len(disbursements) == Payment.objects.filter(project__in=projects).count()
    recorded = Transaction.objects.filter(programme=bomca10).count()
    assert len(activity.xpath("transaction")) == recorded + len(commitments) + len(disbursements)


def test_computed_indicators_publish_what_the_logframe_shows(bomca10):
    tree = exported(bomca10)
    row = logframe(programme=bomca10, period=parse_period("2023Q2")).row("OO.1")

    period = tree.xpath(
        "//indicator[starts-with(title/narrative[1], 'OO.1 ')]"
        "/period[period-start/@iso-date='2023-04-01']"
    )[0]
    assert period.xpath("actual[not(dimension)]/@value") == [str(row.actual.value)] == ["25"]
    assert period.xpath("target/@value") == ["24"]


def test_counts_of_people_follow_the_published_newsletter_s_rule(bomca10):
    tree = exported(bomca10)
    figures = key_figures(programme=bomca10, period=parse_period("2023Q2"))

    period = tree.xpath(
        "//indicator[starts-with(title/narrative[1], 'OO.2 ')]"
        "/period[period-start/@iso-date='2023-04-01']"
    )[0]
    # Exact, as the published issue 6 prints them: 472 participants, 133 women.
    assert period.xpath("actual[not(dimension)]/@value") == [str(figures.participants.total)]
    assert period.xpath("actual[dimension/@value='female']/@value") == ["133"]
    values = [int(value) for value in period.xpath("actual[dimension]/@value")]
    assert values
    # ... but no cell of 1 to 4 people is published.
    assert all(value == 0 or value >= 5 for value in values)


def test_small_groups_of_people_are_left_out_of_the_file(bomca10):
    from bomca.reference.models import OrganisationKind
    from tests.factories import ActivityFactory, OrganisationFactory, ParticipantCountFactory

    academy = OrganisationFactory(kind=OrganisationKind.TRAINING_INSTITUTION)
    activity = ActivityFactory(
        programme=bomca10,
        component=bomca10.components.get(number=1),
        start_date=date(2023, 5, 3),
        end_date=date(2023, 5, 4),
    )
    ParticipantCountFactory(activity=activity, organisation=academy, female=1, male=2)

    period = exported(bomca10).xpath(
        "//indicator[starts-with(title/narrative[1], 'OO.2 ')]"
        "/period[period-start/@iso-date='2023-04-01']"
    )[0]

    assert period.xpath("actual[not(dimension)]/@value") == ["475"]
    kinds = period.xpath("actual/dimension[@name='organisation_kind']/@value")
    assert "border" in kinds
    assert "training" not in kinds  # three people of one academy


def test_texts_made_for_the_file_are_english_whatever_the_reader_s_language(bomca10):
    from django.utils import translation

    with translation.override("ru"):
        tree = exported(bomca10)

    descriptions = tree.xpath("//transaction/description/narrative/text()")
    assert any(text.startswith("Pre-financing") for text in descriptions)
    assert not any("Предварительное" in text for text in descriptions)


def test_results_sit_on_the_activity_of_their_component(bomca10):
    tree = exported(bomca10)

    assert tree.xpath("//iati-activity[1]/result/@type") == ["3"]
    component_one = tree.xpath("//iati-activity[iati-identifier='XI-IATI-ICMPD-BOMCA10-C1']")[0]
    titles = component_one.xpath("result/indicator/title/narrative[1]/text()")
    assert any(title.startswith("SO1.1 ") for title in titles)
    assert not any(title.startswith("OO.") for title in titles)


def test_without_published_components_every_result_sits_on_the_programme(bomca10):
    Publication.objects.filter(programme=bomca10).update(publish_components=False)

    tree = exported(bomca10)

    assert len(tree.xpath("//iati-activity")) == 1
    assert set(tree.xpath("//result/@type")) == {"1", "2", "3"}
    assert errors_of(tree) == []


def test_no_personal_data_appears_in_the_file(bomca10):
    buffer = io.BytesIO()
    iati_export(programmes=[bomca10], out=buffer, today=TODAY, now=NOW)
    text = buffer.getvalue().decode("utf-8")

    people = Participant.objects.exclude(full_name="")
    assert people.exists()
    for person in people:
        assert person.full_name not in text
        if person.email:
            assert person.email not in text


def test_a_programme_without_iati_settings_is_refused_with_a_sentence(db, tmp_path, capsys):
    programme = ProgrammeFactory(code="NOIATI")

    with pytest.raises(ApplicationError, match="no IATI publication settings"):
        iati_export(programmes=[programme], out=tmp_path / "x.xml")
    assert main(["iati", "export", "--programme", "NOIATI", "-o", str(tmp_path / "y.xml")]) == 1
    assert "no IATI publication settings" in capsys.readouterr().err
    assert not (tmp_path / "y.xml").exists()


def test_loading_the_reference_data_twice_adds_no_second_publication(bomca10):
    budgets, transactions = Budget.objects.count(), Transaction.objects.count()

    dataset_load()

    assert Publication.objects.count() == 1
    assert (Budget.objects.count(), Transaction.objects.count()) == (budgets, transactions)


# --- a broken file is reported, each problem with its place ------------------------------------


def broken(bomca10, damage) -> list:
    tree = exported(bomca10)
    damage(tree.getroot())
    return validate_tree(tree, today=TODAY)


def test_a_missing_reporting_org_is_reported(bomca10):
    def damage(root):
        for element in root.xpath("//reporting-org"):
            element.getparent().remove(element)

    problems = broken(bomca10, damage)

    assert any(
        problem.kind == "schema" and "reporting-org" in problem.message for problem in problems
    ), problems


def test_a_code_not_on_its_codelist_is_reported_with_its_xpath(bomca10):
    def damage(root):
        root.xpath("//iati-activity[1]/activity-status")[0].set("code", "9")
        root.xpath("//iati-activity[1]/sector")[0].set("code", "99999")

    problems = [problem for problem in broken(bomca10, damage) if problem.kind == "codelist"]

    paths = {problem.xpath for problem in problems}
    assert "/iati-activities/iati-activity[1]/activity-status/@code" in paths
    assert any(path.startswith("/iati-activities/iati-activity[1]/sector") for path in paths)


def test_sector_percentages_summing_to_90_are_reported(bomca10):
    def damage(root):
        root.xpath("//iati-activity[1]/sector")[0].set("percentage", "30")

    problems = broken(bomca10, damage)

    assert any(
        problem.kind == "rule" and problem.rule == "2.1.2" and problem.severity == "error"
        for problem in problems
    ), problems


def test_recipient_country_percentages_summing_to_90_are_reported(bomca10):
    def damage(root):
        root.xpath("//iati-activity[1]/recipient-country")[0].set("percentage", "10")

    problems = broken(bomca10, damage)

    assert any(problem.kind == "rule" and problem.rule == "3.1.2" for problem in problems)


def test_an_identifier_not_prefixed_by_the_reporting_org_is_reported(bomca10):
    def damage(root):
        root.xpath("//iati-activity[1]/iati-identifier")[0].text = "BOMCA10"

    problems = broken(bomca10, damage)

    assert any(problem.rule == "1.1.21" for problem in problems)


def test_bomca_iati_validate_fails_on_a_broken_file_and_names_the_place(bomca10, tmp_path, capsys):
    tree = exported(bomca10)
    tree.xpath("//iati-activity[1]/activity-status")[0].set("code", "9")
    path = tmp_path / "broken.xml"
    tree.write(str(path), xml_declaration=True, encoding="utf-8")

    assert main(["iati", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "/iati-activities/iati-activity[1]/activity-status/@code" in out


# --- the settings' own rules --------------------------------------------------------------------


def test_the_identifier_must_start_with_the_reporting_organisations(bomca10):
    publication = Publication.objects.get(programme=bomca10)
    publication.identifier = "XI-IATI-OTHER-BOMCA10"

    with pytest.raises(Exception, match="must start with “XI-IATI-ICMPD-”"):
        publication.full_clean()


def test_a_budget_longer_than_a_year_is_refused(bomca10):
    budget = Budget(
        programme=bomca10,
        period_start=date(2022, 1, 1),
        period_end=date(2023, 3, 31),
        value=Decimal(1),
        value_date=date(2022, 1, 1),
    )

    with pytest.raises(Exception, match="at most one year"):
        budget.full_clean()


def test_a_sector_code_not_on_the_dac_list_is_refused_when_it_is_recorded(bomca10):
    from bomca.iati.models import SectorShare

    share = SectorShare(
        publication=Publication.objects.get(programme=bomca10), code="99999", percentage=10
    )

    with pytest.raises(Exception, match="99999 is not a current code of the IATI Sector"):
        share.full_clean()


def test_a_default_code_not_on_its_codelist_is_refused(bomca10):
    publication = Publication.objects.get(programme=bomca10)
    publication.default_flow_type = "99"

    with pytest.raises(Exception, match="not a current code of the IATI FlowType codelist"):
        publication.full_clean()
