"""Each named selector on small hand-built records: its value and its disaggregations.

Every selector's tests are named ``test_<selector>_...``; the last test fails when a selector is
added to ``SELECTORS`` without one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bomca.activities.models import Activity, DeliveredBy, Scope, Status
from bomca.core.periods import Period, quarter
from bomca.grants.models import GrantProject, ProjectStatus
from bomca.grants.services import people_reached_record, report_create
from bomca.people.models import Attendance, AttendanceRole, Participant, PersonSex
from bomca.procurement.models import NeedStatus, ProcurementNeed, StatusChange
from bomca.reference.models import Country, OrganisationKind, Programme
from bomca.results.computed import SELECTORS, Context
from bomca.results.models import Indicator, Level, Result
from bomca.results.selectors import Value, value_for_period
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    OrganisationFactory,
    ParticipantCountFactory,
    ProgrammeFactory,
)
from tests.grants.factories import GrantProjectFactory, project_in
from tests.procurement.factories import ItemFactory, LotFactory, NeedFactory, hand_over
from tests.results.factories import IndicatorFactory, ResultFactory

Q1, Q2, Q3 = quarter(2023, 1), quarter(2023, 2), quarter(2023, 3)


@pytest.fixture
def programme(db: None) -> Programme:
    """A synthetic programme in XA and XB with components 1 and 2, in EUR."""
    programme = ProgrammeFactory(countries=[CountryFactory(code="XA"), CountryFactory(code="XB")])
    for number in (1, 2):
        ComponentFactory(programme=programme, number=number)
    return programme


def _country(programme: Programme, code: str | None) -> Country | None:
    return None if code is None else programme.countries.get(code=code)


def _activity(
    programme: Programme, component: int = 1, country: str | None = "XA", **fields: object
) -> Activity:
    """An implemented national workshop of 10 May 2023 hosted by ``country`` (None: regional)."""
    return ActivityFactory(
        component=programme.components.get(number=component),
        host_country=_country(programme, country),
        **fields,
    )


def _indicator(programme: Programme, selector: str, result: Result | None = None) -> Indicator:
    """An indicator computed by ``selector``, disaggregated by every dimension it offers."""
    dimensions = list(SELECTORS[selector].dimensions)
    result = result or ResultFactory(programme=programme)
    return IndicatorFactory(result=result, selector=selector, disaggregations=dimensions)


def _value(indicator: Indicator, period: Period = Q2) -> Value:
    return value_for_period(
        indicator=indicator, period=period, context=Context(indicator.programme)
    )


def _measure(programme: Programme, selector: str, period: Period = Q2) -> Value:
    return _value(_indicator(programme, selector), period)


def _decimals(**cells: int | str) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in cells.items()}


# --- activities -----------------------------------------------------------------------------


@pytest.fixture
def activities(programme: Programme) -> Programme:
    """2023Q2: two C1 workshops in XA, one C2 in XB, one regional C2 meeting; besides, a
    cancelled workshop, one of 2023Q3 and a cancelled regional one."""
    _activity(programme, 1, "XA")
    _activity(programme, 1, "XA")
    _activity(programme, 2, "XB")
    _activity(programme, 2, None, scope=Scope.REGIONAL)
    _activity(programme, 1, "XA", status=Status.CANCELLED)
    _activity(programme, 1, "XA", start_date=date(2023, 7, 3), end_date=date(2023, 7, 4))
    _activity(programme, 2, None, scope=Scope.REGIONAL, status=Status.CANCELLED)
    return programme


def test_activities_implemented_counts_the_period_s_implemented_activities_by_country(activities):
    value = _measure(activities, "activities_implemented")

    assert value.value == 4
    assert value.by == {"country": _decimals(XA=2, XB=1, none=1)}
    assert value.origin == "computed"
    assert _measure(activities, "activities_implemented", Q3).value == 1


def test_activities_implemented_under_a_component_s_result_counts_that_component_s(activities):
    objective = ResultFactory(programme=activities, code="OO")
    results = {
        number: ResultFactory(
            programme=activities,
            code=f"SO{number}",
            level=Level.SPECIFIC_OBJECTIVE,
            parent=objective,
            component=activities.components.get(number=number),
        )
        for number in (1, 2)
    }

    first = _value(_indicator(activities, "activities_implemented", results[1]))
    second = _value(_indicator(activities, "activities_implemented", results[2]))

    assert (first.value, first.by) == (2, {})
    assert (second.value, second.by) == (2, {})


def test_activities_implemented_is_zero_in_a_period_without_activities(programme):
    value = _measure(programme, "activities_implemented")

    assert value.value == 0
    assert value.by == {"country": _decimals(XA=0, XB=0, none=0)}


def test_regional_activities_counts_the_implemented_regional_ones(activities):
    value = _measure(activities, "regional_activities")

    assert (value.value, value.by) == (1, {})


# --- participants ---------------------------------------------------------------------------


@pytest.fixture
def participants(programme: Programme) -> Programme:
    """2023Q2: 10 people of a border agency of XA (3 women), 7 of a customs agency of XB (2
    women, 1 not recorded), 4 men of XB with no organisation recorded; 20 more in a cancelled
    workshop."""
    xa, xb = _country(programme, "XA"), _country(programme, "XB")
    border = OrganisationFactory(country=xa, kind=OrganisationKind.BORDER)
    customs = OrganisationFactory(country=xb, kind=OrganisationKind.CUSTOMS)
    first, second = _activity(programme, 1, "XA"), _activity(programme, 2, "XB")
    ParticipantCountFactory(activity=first, country=xa, organisation=border, female=3, male=7)
    ParticipantCountFactory(
        activity=second, country=xb, organisation=customs, female=2, male=4, unrecorded=1
    )
    ParticipantCountFactory(activity=second, country=xb, organisation=None, female=0, male=4)
    cancelled = _activity(programme, 1, "XA", status=Status.CANCELLED)
    ParticipantCountFactory(activity=cancelled, country=xa, female=10, male=10)
    return programme


def test_officers_trained_counts_the_participants_by_sex_country_and_organisation_kind(
    participants,
):
    value = _measure(participants, "officers_trained")

    assert value.value == 21
    assert value.by == {
        "sex": _decimals(female=5, male=15, unrecorded=1),
        "country": _decimals(XA=10, XB=11),
        "organisation_kind": _decimals(border=10, customs=7, unknown=4),
    }


def test_officers_trained_gives_only_the_disaggregations_the_indicator_asks_for(participants):
    indicator = _indicator(participants, "officers_trained")
    indicator.disaggregations = ["sex"]

    assert _value(indicator).by == {"sex": _decimals(female=5, male=15, unrecorded=1)}


def test_women_share_is_the_share_of_women_among_all_participants(participants):
    value = _measure(participants, "women_share")

    # 5 women of 21 people; XA 3 of 10, XB 2 of 11: as the dashboard's "24% women".
    assert value.value == Decimal("23.81")
    assert value.by == {"country": _decimals(XA="30.00", XB="18.18")}


def test_women_share_is_none_when_nobody_took_part(programme):
    _activity(programme, 1, "XA")

    value = _measure(programme, "women_share")

    assert value.value is None
    assert value.by == {"country": {}}


# --- national trainers ----------------------------------------------------------------------


@pytest.fixture
def trainers(programme: Programme) -> Programme:
    """2023Q2: five activities; national trainers of XA delivered one in XA and a regional
    one, mixed teams with trainers of XB one in XA; EU experts one, and national trainers whose
    country is not recorded one."""
    xa, xb = _country(programme, "XA"), _country(programme, "XB")
    national = DeliveredBy.NATIONAL_TRAINERS
    _activity(programme, 1, "XA", delivered_by=national, trainer_country=xa)
    _activity(programme, 1, None, scope=Scope.REGIONAL, delivered_by=national, trainer_country=xa)
    _activity(programme, 2, "XA", delivered_by=DeliveredBy.MIXED, trainer_country=xb)
    _activity(programme, 2, "XB", delivered_by=DeliveredBy.EU_EXPERTS, trainer_country=xb)
    _activity(programme, 2, "XB", delivered_by=national, trainer_country=None)
    return programme


def test_national_trainers_share_is_the_share_of_activities_national_trainers_delivered(
    trainers,
):
    value = _measure(trainers, "national_trainers_share")

    # Four of five: XA's two, the mixed team's, and the one whose trainers' country is not
    # recorded (the exchanges of trainers leave that one out; this share does not).
    assert (value.value, value.by) == (Decimal("80.00"), {})


def test_national_trainers_share_is_none_without_activities(programme):
    assert _measure(programme, "national_trainers_share").value is None


def test_exchanges_across_borders_counts_by_the_trainers_country(trainers):
    value = _measure(trainers, "exchanges_across_borders")

    # XA's trainers at home do not count; their regional activity and XB's in XA do.
    assert value.value == 2
    assert value.by == {"country": _decimals(XA=1, XB=1)}


# --- training results -----------------------------------------------------------------------


def _attended(activity: Activity, country: str, sex: str, pre: int, post: int, **fields: object):
    person = Participant.objects.create(
        full_name=f"Synthetic person {Participant.objects.count() + 1}",
        country=activity.programme.countries.get(code=country),
        sex=sex,
    )
    Attendance.objects.create(
        participant=person,
        activity=activity,
        pre_test=Decimal(pre),
        post_test=Decimal(post),
        **fields,
    )


def test_knowledge_gain_is_the_mean_gain_of_the_tested_participants(programme):
    workshop = _activity(programme, 1, "XA")
    _attended(workshop, "XA", PersonSex.FEMALE, 50, 70)
    _attended(workshop, "XA", PersonSex.MALE, 60, 60)
    _attended(workshop, "XB", PersonSex.FEMALE, 40, 55)
    _attended(workshop, "XB", PersonSex.MALE, 80, 75)
    _attended(workshop, "XB", PersonSex.MALE, 0, 100, role=AttendanceRole.TRAINER)
    cancelled = _activity(programme, 1, "XA", status=Status.CANCELLED)
    _attended(cancelled, "XA", PersonSex.MALE, 0, 100)

    value = _measure(programme, "knowledge_gain")

    assert value.value == Decimal("7.50")  # +20, 0, +15, -5
    # Groups of fewer than 5 tested people are left out: a mean of two is nearly a person's.
    assert value.by == {"sex": {}, "country": {}}


def test_knowledge_gain_breaks_down_groups_of_five_or_more(programme):
    workshop = _activity(programme, 1, "XA")
    for gain in (10, 20, 30, 40, 50):
        _attended(workshop, "XA", PersonSex.FEMALE, 40, 40 + gain)
    for gain in (0, 5, 10, 15):
        _attended(workshop, "XB", PersonSex.MALE, 50, 50 + gain)

    value = _measure(programme, "knowledge_gain")

    assert value.by == {
        "sex": _decimals(female="30.00"),
        "country": _decimals(XA="30.00"),
    }


def test_knowledge_gain_is_none_when_nobody_was_tested(programme):
    _activity(programme, 1, "XA")

    value = _measure(programme, "knowledge_gain")

    assert (value.value, value.by) == (None, {"sex": {}, "country": {}})


# --- procurement ----------------------------------------------------------------------------


@pytest.fixture
def handed_over(programme: Programme) -> Programme:
    """One need: of an EUR item of 10 (900 EUR contracted) 4 handed over in 2023Q1 and 6 in
    2023Q2; of an EUR item of 10 with only an estimate (1 000 EUR) 5 in 2023Q2; of a USD item
    of 10 (500 USD) all in 2023Q2."""
    need = NeedFactory(programme=programme)
    lot = LotFactory(need=need)
    contracted = ItemFactory(lot=lot, contracted_value=Decimal(900))
    estimated = ItemFactory(lot=lot, contracted_value=None, estimated_value=Decimal(1000))
    dollars = ItemFactory(lot=lot, contracted_value=Decimal(500), currency="USD")
    hand_over(need, [(contracted, 4)], day=date(2023, 2, 20))
    hand_over(need, [(contracted, 6), (estimated, 5), (dollars, 10)], day=date(2023, 5, 10))
    return programme


def test_equipment_value_handed_over_is_in_the_programme_s_currency(handed_over):
    assert _measure(handed_over, "equipment_value_handed_over").value == Decimal("1040.00")
    assert _measure(handed_over, "equipment_value_handed_over", Q1).value == Decimal("360.00")
    handed_over.currency = "USD"
    assert _measure(handed_over, "equipment_value_handed_over").value == Decimal("500.00")


def test_equipment_value_handed_over_is_zero_without_hand_overs(programme):
    assert _measure(programme, "equipment_value_handed_over").value == 0


def _handed_over_on(need: ProcurementNeed, day: date) -> None:
    StatusChange.objects.create(
        need=need, from_status=NeedStatus.DELIVERED, to_status=NeedStatus.HANDED_OVER, date=day
    )


def test_needs_handed_over_counts_the_needs_handed_over_by_the_period_s_end(programme):
    _handed_over_on(NeedFactory(programme=programme), date(2023, 5, 20))
    _handed_over_on(NeedFactory(programme=programme), date(2023, 8, 1))
    NeedFactory(programme=programme)  # identified only
    _handed_over_on(NeedFactory(), date(2023, 5, 20))  # another programme's

    assert _measure(programme, "needs_handed_over").value == 1
    assert _measure(programme, "needs_handed_over", Q3).value == 2


# --- grants ---------------------------------------------------------------------------------


def _project(programme: Programme, status: str, country: str) -> GrantProject:
    """A project of 1 April 2023 in ``country``, brought to ``status`` (terminated on 1
    September 2023)."""
    return project_in(
        status,
        application__call__programme=programme,
        application__country=_country(programme, country),
    )


def test_ngo_projects_ongoing_counts_the_projects_ongoing_at_the_period_s_end(programme):
    _project(programme, ProjectStatus.ONGOING, "XA")
    _project(programme, ProjectStatus.TERMINATED, "XB")
    _project(programme, ProjectStatus.CONTRACTED, "XA")

    second, third = (
        _measure(programme, "ngo_projects_ongoing"),
        _measure(programme, "ngo_projects_ongoing", Q3),
    )

    assert (second.value, second.by) == (2, {"country": _decimals(XA=1, XB=1)})
    assert (third.value, third.by) == (1, {"country": _decimals(XA=1, XB=0)})


def _reached(programme: Programme, country: str, received: date, **counts: int) -> None:
    project = GrantProjectFactory(
        application__call__programme=programme,
        application__country=_country(programme, country),
    )
    report = report_create(
        project=project,
        data={"kind": "interim", "due_date": date(2023, 6, 15), "received_on": received},
    )
    people_reached_record(report=report, counts=counts)


def test_people_reached_by_grants_counts_the_reports_received_by_the_period_s_end(programme):
    _reached(programme, "XA", date(2023, 6, 20), women=12, men=11, children=3)
    _reached(programme, "XB", date(2023, 7, 10), women=4, men=6)

    second = _measure(programme, "people_reached_by_grants")
    third = _measure(programme, "people_reached_by_grants", Q3)

    assert second.value == 23
    assert second.by == {
        "sex": _decimals(female=12, male=11),
        "country": _decimals(XA=23, XB=0),
    }
    assert third.value == 33
    assert third.by["sex"] == _decimals(female=16, male=17)


# --- the registry ---------------------------------------------------------------------------


def test_a_context_reads_each_figure_once_however_many_indicators_use_it(activities):
    context = Context(activities)
    context.activities(Q2)

    with CaptureQueriesContext(connection) as again:
        context.activities(Q2)
        context.activities(Q2)
    with CaptureQueriesContext(connection) as other_period:
        context.activities(Q3)

    assert len(again) == 0
    assert len(other_period) > 0


def test_every_selector_offers_the_dimensions_its_values_are_broken_down_by(programme):
    for name, spec in SELECTORS.items():
        value = _measure(programme, name)
        assert set(value.by) == set(spec.dimensions), name


def test_every_selector_has_a_test_here():
    tests = [name for name in globals() if name.startswith("test_")]

    untested = [
        name for name in SELECTORS if not any(test.startswith(f"test_{name}_") for test in tests)
    ]

    assert untested == []
