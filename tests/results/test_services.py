"""Writes of the results framework: values by hand, freezing and unfreezing a period, an
indicator's definition, targets, and loading the framework from the dataset."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from bomca.accounts.models import Role, User
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period, quarter, quarter_of
from bomca.core.records import StaleRecord
from bomca.dataset import dataset_load
from bomca.reference.models import Programme
from bomca.results.computed import Context
from bomca.results.models import Actual, Indicator, IndicatorType, Level, Result, Target
from bomca.results.selectors import logframe, value_for_period
from bomca.results.services import (
    ActualInput,
    IndicatorChanges,
    actual_record,
    actual_unfreeze,
    indicator_update,
    period_freeze,
    target_set,
)
from tests.factories import (
    ActivityFactory,
    ComponentFactory,
    CountryFactory,
    PersonaFactory,
    ProgrammeFactory,
)
from tests.results.factories import ActualFactory, IndicatorFactory, ResultFactory

Q1, Q2, Q3 = quarter(2023, 1), quarter(2023, 2), quarter(2023, 3)
TWELVE = ActualInput(value=Decimal(12), source="Progress report (synthetic)")


@pytest.fixture
def programme(db: None) -> Programme:
    programme = ProgrammeFactory(countries=[CountryFactory(code="XA")])
    ComponentFactory(programme=programme, number=1)
    return programme


@pytest.fixture
def me(db: None) -> User:
    """The M&E officer: keeps the results, but does not unfreeze them."""
    return PersonaFactory(role=Role.ME_OFFICER)


def _manual(programme: Programme, **fields: object) -> Indicator:
    return IndicatorFactory(result=ResultFactory(programme=programme), **fields)


def _computed(programme: Programme) -> Indicator:
    return IndicatorFactory(
        result=ResultFactory(programme=programme),
        selector="activities_implemented",
        disaggregations=["country"],
    )


def _activity(programme: Programme, day: date = date(2023, 5, 10)) -> None:
    ActivityFactory(component=programme.components.get(number=1), start_date=day, end_date=day)


def _values(indicator: Indicator, period: Period = Q2) -> QuerySet[Actual]:
    return Actual.objects.filter(
        indicator=indicator, period_start=period.start, period_end=period.end
    )


def _stored(indicator: Indicator, period: Period = Q2) -> Actual:
    return _values(indicator, period).get()


# --- values by hand -------------------------------------------------------------------------


def test_actual_record_keeps_the_value_its_breakdown_and_who_recorded_it(programme, me):
    indicator = _manual(programme, disaggregations=["sex"])
    data = replace(
        TWELVE,
        disaggregation={"sex": {"female": Decimal(5), "male": Decimal("7")}},
        comment="Two workshops.",
    )

    actual = actual_record(indicator=indicator, period=Q2, data=data, user=me)

    stored = _stored(indicator)
    assert stored.pk == actual.pk
    assert (stored.value, stored.comment, stored.source_of_data) == (
        12,
        "Two workshops.",
        "Progress report (synthetic)",
    )
    assert stored.disaggregation == {"sex": {"female": "5", "male": "7"}}
    assert (stored.recorded_by, stored.frozen) == (me, False)
    shown = value_for_period(indicator=indicator, period=Q2, context=Context(programme))
    assert (shown.value, shown.origin) == (12, "manual")
    assert shown.by == {"sex": {"female": Decimal(5), "male": Decimal(7)}}


def test_actual_record_corrects_the_period_s_value_in_place(programme, me, alice):
    indicator = _manual(programme)
    first = actual_record(indicator=indicator, period=Q2, data=TWELVE, user=me)

    actual_record(indicator=indicator, period=Q2, data=ActualInput(value=Decimal(13)), user=alice)

    assert list(Actual.objects.filter(indicator=indicator).values_list("pk", "value")) == [
        (first.pk, 13)
    ]
    assert _stored(indicator).recorded_by == alice


def test_actual_record_refuses_a_computed_indicator(programme, me):
    indicator = _computed(programme)

    with pytest.raises(ApplicationError) as error:
        actual_record(indicator=indicator, period=Q2, data=TWELVE, user=me)

    assert error.value.message == (
        f"{indicator.code} is computed from the records; its values cannot be entered by hand."
    )
    assert not Actual.objects.exists()


def test_actual_record_refuses_to_change_a_frozen_value(programme, me):
    frozen = ActualFactory(indicator=_manual(programme), value=Decimal(5), frozen=True)

    with pytest.raises(ApplicationError) as error:
        actual_record(indicator=frozen.indicator, period=Q2, data=TWELVE, user=me)

    assert error.value.message == (
        f"The value of {frozen.indicator.code} for 2023Q2 is frozen; unfreeze it to correct it."
    )
    frozen.refresh_from_db()
    assert frozen.value == 5


@pytest.mark.parametrize(
    ("indicator_type", "data", "message"),
    [
        (IndicatorType.YES_NO, ActualInput(value=Decimal(2)), "A yes/no indicator takes 1"),
        (IndicatorType.PERCENTAGE, ActualInput(value=Decimal(120)), "A percentage is between"),
        (IndicatorType.PERCENTAGE, ActualInput(value=Decimal(-1)), "A percentage is between"),
        (IndicatorType.NUMBER, ActualInput(text="Many."), "Enter a value."),
        (IndicatorType.QUALITATIVE, ActualInput(value=Decimal(1)), "Describe the value"),
    ],
)
def test_actual_record_refuses_a_value_its_type_does_not_take(
    programme, me, indicator_type, data, message
):
    indicator = _manual(programme, indicator_type=indicator_type)

    with pytest.raises(ApplicationError) as error:
        actual_record(indicator=indicator, period=Q2, data=data, user=me)

    assert error.value.message.startswith(message)
    assert not Actual.objects.exists()


def test_actual_record_refuses_a_breakdown_the_indicator_does_not_have(programme, me):
    indicator = _manual(programme, disaggregations=["sex"])
    data = replace(TWELVE, disaggregation={"country": {"XA": Decimal(12)}})

    with pytest.raises(ApplicationError) as error:
        actual_record(indicator=indicator, period=Q2, data=data, user=me)

    assert error.value.message == f"{indicator.code} is not disaggregated by country."
    assert not Actual.objects.exists()


def test_actual_record_refuses_a_breakdown_key_that_does_not_exist(programme, me):
    indicator = _manual(programme, disaggregations=["sex", "country"])
    data = replace(TWELVE, disaggregation={"country": {"XA": Decimal(8), "ZZ": Decimal(4)}})

    with pytest.raises(ApplicationError) as error:
        actual_record(indicator=indicator, period=Q2, data=data, user=me)

    assert error.value.message == "ZZ is not a value of country; use one of: XA, none."
    assert not _values(indicator).exists()


def test_actual_record_refuses_a_breakdown_cell_its_type_does_not_take(programme, me):
    indicator = _manual(programme, indicator_type=IndicatorType.PERCENTAGE, disaggregations=["sex"])
    data = replace(TWELVE, disaggregation={"sex": {"female": Decimal(120)}})

    with pytest.raises(ApplicationError, match="between 0 and 100"):
        actual_record(indicator=indicator, period=Q2, data=data, user=me)


def test_a_refused_correction_leaves_the_value_as_it_was(programme, me):
    indicator = _manual(programme)
    actual_record(indicator=indicator, period=Q2, data=TWELVE, user=me)

    for wrong in (
        ActualInput(value=Decimal(13), comment="x" * 1001),
        ActualInput(value=Decimal("1.00001")),
    ):
        with pytest.raises(ValidationError):
            actual_record(indicator=indicator, period=Q2, data=wrong, user=me)

    stored = _stored(indicator)
    assert (stored.value, stored.comment, stored.source_of_data) == (
        12,
        "",
        "Progress report (synthetic)",
    )
    assert stored.history.count() == 1


def test_only_the_me_officer_and_the_programme_manager_keep_the_results(
    bomca10: Programme, personas: dict[str, User]
):
    indicator = Indicator.objects.get(programme=bomca10, code="OC1.1.1")
    changes = IndicatorChanges(
        baseline_value=Decimal(1),
        baseline_date=None,
        baseline_comment="",
        target_value=Decimal(5),
        target_text="",
        means_of_verification="",
    )
    writes = {
        "record a value": lambda user: actual_record(
            indicator=indicator, period=Q3, data=TWELVE, user=user
        ),
        "set a target": lambda user: target_set(
            indicator=indicator, period=Q3, value=Decimal(2), text="", user=user
        ),
        "change the indicator": lambda user: indicator_update(
            indicator=indicator, changes=changes, version=None, user=user
        ),
        "freeze a period": lambda user: period_freeze(programme=bomca10, period=Q2, user=user),
    }

    for key in ("donor", "tjcoord", "proc"):
        for write, call in writes.items():
            with pytest.raises(ApplicationError) as error:
                call(personas[key])
            assert error.value.message == (
                "Only the M&E officer and the programme manager keep the results."
            ), (key, write)
    assert not Actual.objects.filter(period_start=Q3.start).exists()
    assert not Actual.objects.filter(frozen=True).exists()
    assert not Target.objects.filter(indicator=indicator, period_start=Q3.start).exists()
    assert Indicator.objects.get(pk=indicator.pk).target_value == 3
    for key in ("me", "pm"):
        actual_record(indicator=indicator, period=Q3, data=TWELVE, user=personas[key])


# --- freezing a period ----------------------------------------------------------------------


@pytest.fixture
def reported(programme: Programme) -> dict[str, Indicator]:
    """Two activities in 2023Q2 and one in 2023Q1; a computed indicator; manual ones with a
    value in 2023Q2, with a value in 2023Q1 only, and with none."""
    _activity(programme)
    _activity(programme, date(2023, 6, 1))
    _activity(programme, date(2023, 2, 1))
    manual = _manual(programme)
    ActualFactory(indicator=manual, value=Decimal(7))
    earlier = _manual(programme)
    ActualFactory(indicator=earlier, period=Q1, value=Decimal(3))
    return {
        "computed": _computed(programme),
        "manual": manual,
        "earlier": earlier,
        "empty": _manual(programme),
    }


def test_period_freeze_keeps_the_period_s_values_with_who_and_when(programme, reported, me):
    before = timezone.now()

    frozen = period_freeze(programme=programme, period=Q2, user=me)

    assert frozen == 2
    computed, manual = _stored(reported["computed"]), _stored(reported["manual"])
    assert (computed.value, computed.disaggregation) == (2, {"country": {"XA": "2", "none": "0"}})
    assert computed.source_of_data == "Computed from the records by activities_implemented"
    assert manual.value == 7
    for actual in (computed, manual):
        assert (actual.frozen, actual.frozen_by) == (True, me)
        assert actual.frozen_at is not None
        assert before <= actual.frozen_at <= timezone.now()
    assert not _values(reported["empty"]).exists()


def test_a_frozen_period_keeps_its_value_to_date_when_the_records_change(programme, reported, me):
    period_freeze(programme=programme, period=Q2, user=me)
    assert _stored(reported["computed"]).to_date == 3  # 2023Q1's activity and 2023Q2's two
    _activity(programme, date(2023, 3, 1))  # a correction of the past, after the report

    row = logframe(programme=programme, period=Q2).row(reported["computed"].code)

    assert (row.actual.value, row.actual.origin) == (2, "frozen")
    assert (row.to_date.value, row.to_date.origin) == (3, "frozen")


def test_hand_values_to_date_count_a_year_and_its_quarters_once(programme, me):
    indicator = _manual(programme)
    ActualFactory(indicator=indicator, period=Q1, value=Decimal(3))
    ActualFactory(indicator=indicator, period=Q2, value=Decimal(4))
    ActualFactory(
        indicator=indicator,
        period=Period(start=date(2023, 1, 1), end=date(2023, 6, 30), label="2023H1"),
        value=Decimal(7),
    )

    row = logframe(programme=programme, period=Q2).row(indicator.code)

    assert row.to_date.value == 7


def test_a_period_that_has_not_ended_cannot_be_frozen(programme, me):
    this_quarter = quarter_of(timezone.localdate())

    with pytest.raises(ApplicationError, match="has not ended yet"):
        period_freeze(programme=programme, period=this_quarter, user=me)


def test_a_period_outside_the_programme_cannot_be_frozen(programme, me):
    before = quarter(2020, 4)

    with pytest.raises(ApplicationError, match="is not within the programme"):
        period_freeze(programme=programme, period=before, user=me)


def test_a_computed_value_that_is_empty_is_frozen_empty(programme, me):
    share = IndicatorFactory(result=ResultFactory(programme=programme), selector="women_share")

    period_freeze(programme=programme, period=Q2, user=me)
    _activity(programme)  # the records change after the report

    stored = _stored(share)
    assert (stored.frozen, stored.value) == (True, None)


def test_the_target_of_a_frozen_period_stays_as_it_was_reported(programme, reported, me):
    period_freeze(programme=programme, period=Q2, user=me)

    with pytest.raises(ApplicationError, match="frozen as it was reported"):
        target_set(indicator=reported["computed"], period=Q2, value=Decimal(9), text="", user=me)
    assert not Target.objects.filter(indicator=reported["computed"]).exists()


def test_period_freeze_is_all_or_nothing(programme, reported, me):
    last = _manual(programme, code="ZZ.1")
    ActualFactory(indicator=last, source="nowhere")  # stored around the rules: refused now

    with pytest.raises(ValidationError):
        period_freeze(programme=programme, period=Q2, user=me)

    assert not Actual.objects.filter(frozen=True).exists()
    assert not _values(reported["computed"]).exists()


def test_period_freeze_does_not_touch_other_periods(programme, reported, me):
    period_freeze(programme=programme, period=Q2, user=me)

    assert not _stored(reported["earlier"], Q1).frozen
    assert not _values(reported["computed"], Q1).exists()


def test_period_freeze_twice_freezes_nothing_more(programme, reported, me, alice):
    period_freeze(programme=programme, period=Q2, user=me)
    first = {actual.pk: actual.frozen_at for actual in Actual.objects.filter(frozen=True)}

    again = period_freeze(programme=programme, period=Q2, user=alice)

    assert again == 0
    assert {actual.pk: actual.frozen_at for actual in Actual.objects.filter(frozen=True)} == first
    assert set(Actual.objects.filter(frozen=True).values_list("frozen_by", flat=True)) == {me.pk}


def test_period_freeze_keeps_a_value_already_frozen_as_it_was(programme, reported, me):
    period_freeze(programme=programme, period=Q2, user=me)
    _activity(programme, date(2023, 6, 2))
    extra = _manual(programme)
    ActualFactory(indicator=extra, value=Decimal(1))

    assert period_freeze(programme=programme, period=Q2, user=me) == 1  # the new value only

    assert _stored(reported["computed"]).value == 2


def test_the_history_records_who_froze_a_value(programme, reported, me):
    period_freeze(programme=programme, period=Q2, user=me)

    manual = _stored(reported["manual"])
    computed = _stored(reported["computed"])
    assert [(row.history_type, row.frozen) for row in manual.history.order_by("history_id")] == [
        ("+", False),
        ("~", True),
    ]
    assert [(row.history_type, row.frozen_by_id) for row in computed.history.all()] == [
        ("+", me.pk)
    ]


# --- unfreezing -----------------------------------------------------------------------------


def test_only_the_programme_manager_unfreezes(programme, reported, me):
    period_freeze(programme=programme, period=Q2, user=me)

    with pytest.raises(ApplicationError) as error:
        actual_unfreeze(indicator=reported["manual"], period=Q2, user=me)

    assert error.value.message == "Only the programme manager unfreezes a reported value."
    assert _stored(reported["manual"]).frozen


def test_an_unfrozen_computed_value_follows_the_records_again(programme, reported, me, alice):
    period_freeze(programme=programme, period=Q2, user=me)
    _activity(programme, date(2023, 6, 2))

    actual_unfreeze(indicator=reported["computed"], period=Q2, user=alice)

    assert not _values(reported["computed"]).exists()
    shown = value_for_period(indicator=reported["computed"], period=Q2, context=Context(programme))
    assert (shown.value, shown.origin) == (3, "computed")


def test_an_unfrozen_manual_value_can_be_corrected(programme, reported, me, alice):
    period_freeze(programme=programme, period=Q2, user=me)

    actual_unfreeze(indicator=reported["manual"], period=Q2, user=alice)
    actual_record(indicator=reported["manual"], period=Q2, data=TWELVE, user=me)

    manual = _stored(reported["manual"])
    assert (manual.value, manual.frozen, manual.frozen_at, manual.frozen_by) == (
        12,
        False,
        None,
        None,
    )


def test_unfreezing_a_value_that_is_not_frozen_is_refused(programme, reported, alice):
    with pytest.raises(ApplicationError) as error:
        actual_unfreeze(indicator=reported["manual"], period=Q2, user=alice)

    assert error.value.message == (
        f"The value of {reported['manual'].code} for 2023Q2 is not frozen."
    )


# --- an indicator's definition and its targets ----------------------------------------------


def _changes(
    baseline_value: Decimal = Decimal(2), target_value: Decimal = Decimal(40)
) -> IndicatorChanges:
    return IndicatorChanges(
        baseline_value=baseline_value,
        baseline_date=date(2021, 4, 1),
        baseline_comment="From the inception report.",
        target_value=target_value,
        target_text="",
        means_of_verification="Activity register",
    )


def test_indicator_update_changes_the_baseline_and_target_and_raises_the_version(programme, me):
    indicator = _manual(programme)

    indicator_update(indicator=indicator, changes=_changes(), version=1, user=me)

    stored = Indicator.objects.get(pk=indicator.pk)
    assert (stored.baseline_value, stored.target_value, stored.version) == (2, 40, 2)
    assert stored.means_of_verification == "Activity register"


def test_indicator_update_from_a_stale_version_changes_nothing(programme, me, alice):
    indicator = _manual(programme)
    mine = Indicator.objects.get(pk=indicator.pk)
    indicator_update(indicator=indicator, changes=_changes(), version=1, user=alice)

    with pytest.raises(StaleRecord):
        indicator_update(
            indicator=mine, changes=_changes(target_value=Decimal(99)), version=1, user=me
        )

    stored = Indicator.objects.get(pk=indicator.pk)
    assert (stored.target_value, stored.version) == (40, 2)


def test_indicator_update_refuses_a_target_its_type_does_not_take(programme, me):
    indicator = _manual(programme, indicator_type=IndicatorType.PERCENTAGE)

    with pytest.raises(ValidationError):
        indicator_update(
            indicator=indicator, changes=_changes(target_value=Decimal(120)), version=1, user=me
        )

    assert Indicator.objects.get(pk=indicator.pk).target_value is None


def test_target_set_creates_changes_and_removes_a_period_s_target(programme, me):
    indicator = _manual(programme)

    created = target_set(indicator=indicator, period=Q2, value=Decimal(10), text="", user=me)
    changed = target_set(indicator=indicator, period=Q2, value=Decimal(12), text="", user=me)
    assert created is not None
    assert changed is not None
    assert changed.pk == created.pk
    assert list(Target.objects.values_list("value", flat=True)) == [12]

    assert target_set(indicator=indicator, period=Q2, value=None, text="", user=me) is None
    assert not Target.objects.exists()
    assert target_set(indicator=indicator, period=Q2, value=None, text="", user=me) is None


def test_target_set_takes_a_text_for_a_qualitative_indicator(programme, me):
    indicator = _manual(programme, indicator_type=IndicatorType.QUALITATIVE)

    target = target_set(indicator=indicator, period=Q2, value=None, text="Drafted.", user=me)

    assert target is not None
    assert (target.value, target.text) == (None, "Drafted.")


def test_target_set_refuses_a_target_the_indicator_s_type_does_not_take(programme, me):
    percentage = _manual(programme, indicator_type=IndicatorType.PERCENTAGE)
    yes_no = _manual(programme, indicator_type=IndicatorType.YES_NO)

    with pytest.raises(ApplicationError, match=r"A percentage is between 0 and 100\."):
        target_set(indicator=percentage, period=Q2, value=Decimal(120), text="", user=me)
    with pytest.raises(ApplicationError, match="A yes/no indicator takes 1"):
        target_set(indicator=yes_no, period=Q2, value=Decimal(2), text="", user=me)

    assert not Target.objects.exists()


# --- loading the framework from the dataset -------------------------------------------------


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "results": list(Result.objects.order_by("pk").values_list("pk", "code", "parent", "level")),
        "indicators": list(
            Indicator.objects.order_by("pk").values_list(
                "pk", "code", "baseline_value", "target_value", "version", "updated_at"
            )
        ),
        "targets": list(Target.objects.order_by("pk").values_list("pk", "value", "updated_at")),
        "actuals": list(Actual.objects.order_by("pk").values_list("pk", "value", "updated_at")),
    }


def test_loading_the_reference_dataset_again_changes_nothing_of_the_framework(
    bomca10: Programme, me: User
):
    levels = Result.objects.filter(programme=bomca10).values_list("level", flat=True)
    assert sorted(levels) == sorted(
        [Level.OVERALL_OBJECTIVE]
        + [Level.SPECIFIC_OBJECTIVE] * 4
        + [Level.OUTCOME] * 4
        + [Level.OUTPUT] * 5
    )
    indicator = Indicator.objects.get(programme=bomca10, code="OO.1")
    indicator_update(
        indicator=indicator, changes=_changes(baseline_value=Decimal(1)), version=1, user=me
    )
    before = _snapshot()

    report = dataset_load()

    assert report.created["results frameworks"] == 0
    assert report.present["results frameworks"] == 1
    assert _snapshot() == before
    assert Indicator.objects.get(pk=indicator.pk).baseline_value == 1  # the M&E officer's
