"""Writes of the results framework: values by hand, freezing computed values, loading a
framework from a dataset file."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.activities.selectors import NO_HOST_COUNTRY as NO_HOST
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period
from bomca.core.records import StaleRecord, insert_missing, save_versioned
from bomca.people.models import Sex
from bomca.people.selectors import UNKNOWN_ORGANISATION
from bomca.reference.models import Component, OrganisationKind, Programme
from bomca.results.computed import Context
from bomca.results.models import (
    Actual,
    Dimension,
    Indicator,
    IndicatorType,
    Method,
    Result,
    Target,
)
from bomca.results.selectors import indicators_of, value_for_period, value_to_date_live


def _require_manager(user: User) -> None:
    if not access.may_manage_results(user):
        raise ApplicationError(
            _("Only the M&E officer and the programme manager keep the results.")
        )


@dataclass(frozen=True)
class ActualInput:
    """A value entered by hand for one period."""

    value: Decimal | None = None
    text: str = ""
    disaggregation: Mapping[str, Mapping[str, Decimal]] | None = None
    source: str = ""
    comment: str = ""


def actual_record(
    *,
    indicator: Indicator,
    period: Period,
    data: ActualInput,
    user: User,
    expected_version: int | None = None,
) -> Actual:
    """Record (or correct) the hand-entered value of a manual indicator for ``period``; the
    indicator's version rises (refused when it is no longer ``expected_version``, if given)."""
    _require_manager(user)
    actual_by_hand_check(indicator=indicator)
    _check_value(indicator, data)
    with transaction.atomic():
        version = _version_raise(indicator, expected_version)
        actual = (
            Actual.objects.select_for_update()
            .filter(indicator=indicator, period_start=period.start, period_end=period.end)
            .first()
        )
        if actual is not None and actual.frozen:
            raise ApplicationError(
                _("The value of %(code)s for %(period)s is frozen; unfreeze it to correct it.")
                % {"code": indicator.code, "period": period.label},
                field="period",
            )
        actual = actual or Actual(
            indicator=indicator, period_start=period.start, period_end=period.end
        )
        actual.value = data.value
        actual.text = data.text
        actual.disaggregation = _jsonable(data.disaggregation or {})
        actual.source_of_data = data.source
        actual.comment = data.comment
        actual.recorded_by = user
        actual.full_clean()
        actual.save()
    indicator.version = version
    return actual


def actual_by_hand_check(*, indicator: Indicator) -> None:
    """Refuse (``ApplicationError``) values by hand of an indicator computed from the records."""
    if indicator.is_computed:
        raise ApplicationError(
            _("%(code)s is computed from the records; its values cannot be entered by hand.")
            % {"code": indicator.code}
        )


def indicator_version_check(*, indicator: Indicator, expected_version: int | None) -> None:
    """Refuse (``StaleRecord``) a change made from another version than ``indicator``'s."""
    if expected_version is not None and indicator.version != expected_version:
        raise _stale(indicator, expected_version)


def _version_raise(indicator: Indicator, expected_version: int | None) -> int:
    """Raise the indicator's version, in the caller's transaction, and return the new one: a
    value or target of a period changes what a reader of the indicator saw. One conditional
    ``UPDATE``, so of two writes made from one version exactly one wins; None: no check."""
    rows = Indicator.objects.filter(pk=indicator.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise _stale(indicator, expected_version)
    return Indicator.objects.values_list("version", flat=True).get(pk=indicator.pk)


def _stale(indicator: Indicator, read: int | None) -> StaleRecord:
    now = Indicator.objects.filter(pk=indicator.pk).values_list("version", flat=True).first()
    return StaleRecord(
        _(
            "Someone changed %(code)s since you read it: you have version %(read)s, it is now "
            "at version %(now)s. Read it again, check their change, then make yours again."
        )
        % {"code": indicator.code, "read": read, "now": now},
        field="version",
    )


def _check_value(indicator: Indicator, data: ActualInput) -> None:
    if indicator.indicator_type == IndicatorType.QUALITATIVE:
        if not data.text.strip():
            raise ApplicationError(
                _("Describe the value: this indicator is qualitative."), field="text"
            )
    elif data.value is None:
        raise ApplicationError(_("Enter a value."), field="value")
    else:
        _check_number(indicator, data.value, field="value")
    # A qualitative value's breakdown too: only the indicator's dimensions and their keys.
    for dimension, cells in (data.disaggregation or {}).items():
        if dimension not in (indicator.disaggregations or []):
            raise ApplicationError(
                _("%(code)s is not disaggregated by %(dimension)s.")
                % {"code": indicator.code, "dimension": _dimension_name(dimension)},
                field="disaggregation",
            )
        known = dimension_keys(programme=indicator.programme, dimension=dimension)
        for key, value in cells.items():
            if key not in known:
                raise ApplicationError(
                    _("%(key)s is not a value of %(dimension)s; use one of: %(known)s.")
                    % {
                        "key": key,
                        "dimension": _dimension_name(dimension),
                        "known": ", ".join(known),
                    },
                    field="disaggregation",
                )
            _check_number(indicator, value, field="disaggregation")


def _dimension_name(dimension: str) -> str:
    """The dimension as a reader names it (sex, country, organisation type)."""
    return str(Dimension(dimension).label).lower() if dimension in Dimension.values else dimension


def dimension_keys(*, programme: Programme, dimension: str) -> list[str]:
    """The keys a disaggregation by ``dimension`` has: sexes, the programme's countries (and
    ``none`` for activities without a host country), organisation kinds."""
    if dimension == Dimension.SEX:
        return list(Sex.values)
    if dimension == Dimension.COUNTRY:
        return [*programme.countries.order_by("code").values_list("code", flat=True), NO_HOST]
    return [*OrganisationKind.values, UNKNOWN_ORGANISATION]


def _check_number(indicator: Indicator, value: Decimal, *, field: str) -> None:
    """The rules of the indicator's type, for a value and for a target alike."""
    if indicator.indicator_type == IndicatorType.YES_NO and value not in (0, 1):
        raise ApplicationError(_("A yes/no indicator takes 1 (yes) or 0 (no)."), field=field)
    if indicator.indicator_type == IndicatorType.PERCENTAGE and not 0 <= value <= 100:
        raise ApplicationError(_("A percentage is between 0 and 100."), field=field)


def _jsonable(cells: Mapping[str, Mapping[str, Decimal]]) -> dict[str, dict[str, str]]:
    """Decimals as exact strings: JSON has no decimal type."""
    return {
        dimension: {key: str(value) for key, value in values.items()}
        for dimension, values in cells.items()
    }


def period_freeze(*, programme: Programme, period: Period, user: User) -> int:
    """Keep today's computed values of ``period`` as they are; return how many were frozen.

    Hand-entered values of the period are frozen too, so that the report stays what it was.
    All or nothing; values already frozen stay as they were frozen.
    """
    _require_manager(user)
    _check_reportable(programme, period, today=timezone.localdate())
    context = Context(programme)
    frozen = 0
    now = timezone.now()
    with transaction.atomic():
        for indicator in indicators_of(programme=programme):
            value = value_for_period(indicator=indicator, period=period, context=context)
            stored = Actual.objects.filter(
                indicator=indicator, period_start=period.start, period_end=period.end
            ).first()
            if stored is not None and stored.frozen:
                continue
            if stored is None:
                if value.is_empty and not indicator.is_computed:
                    continue  # nothing was entered by hand: nothing was reported
                stored = Actual(
                    indicator=indicator, period_start=period.start, period_end=period.end
                )
            if indicator.is_computed:
                stored.value = value.value
                stored.disaggregation = _jsonable(value.by)
                stored.source_of_data = _("Computed from the records by %(name)s") % {
                    "name": indicator.selector
                }
            stored.to_date = value_to_date_live(
                indicator=indicator, period=period, context=context, actual=value
            ).value
            stored.frozen = True
            stored.frozen_at = now
            stored.frozen_by = user
            stored.full_clean()
            stored.save()
            frozen += 1
    return frozen


def _check_reportable(programme: Programme, period: Period, *, today: date) -> None:
    """Only a period that has ended, within the programme, has been reported on."""
    if period.end >= today:
        raise ApplicationError(
            _("%(period)s has not ended yet: its values cannot have been reported.")
            % {"period": period.label}
        )
    if period.start < programme.start_date or period.end > programme.end_date:
        raise ApplicationError(
            _("%(period)s is not within the programme (%(start)s to %(end)s).")
            % {"period": period.label, "start": programme.start_date, "end": programme.end_date}
        )


def actual_unfreeze(*, indicator: Indicator, period: Period, user: User) -> None:
    """Let the value of ``period`` follow the records again (computed) or be corrected (manual)."""
    if not access.may_unfreeze_results(user):
        raise ApplicationError(_("Only the programme manager unfreezes a reported value."))
    with transaction.atomic():
        actual = (
            Actual.objects.select_for_update()
            .filter(indicator=indicator, period_start=period.start, period_end=period.end)
            .first()
        )
        if actual is None or not actual.frozen:
            raise ApplicationError(
                _("The value of %(code)s for %(period)s is not frozen.")
                % {"code": indicator.code, "period": period.label}
            )
        if indicator.is_computed:
            actual.delete()  # the history keeps what it was
            return
        actual.frozen = False
        actual.frozen_at = None
        actual.frozen_by = None
        actual.to_date = None
        actual.save()


@dataclass(frozen=True)
class IndicatorChanges:
    """What the M&E officer may change of an indicator's definition."""

    baseline_value: Decimal | None
    baseline_date: date | None
    baseline_comment: str
    target_value: Decimal | None
    target_text: str
    means_of_verification: str


def indicator_update(
    *, indicator: Indicator, changes: IndicatorChanges, version: int | None, user: User
) -> Indicator:
    """Change an indicator's baseline, end target and means of verification."""
    _require_manager(user)
    changed = copy.copy(indicator)  # a refused change leaves the caller's record as it was
    for name, value in vars(changes).items():
        setattr(changed, name, value)
    changed.full_clean()
    return save_versioned(changed, expected_version=version)


def target_set(
    *,
    indicator: Indicator,
    period: Period,
    value: Decimal | None,
    text: str,
    user: User,
    expected_version: int | None = None,
) -> Target | None:
    """Set the indicator's target for ``period``; no value and no text removes it. The
    indicator's version rises (refused when it is no longer ``expected_version``, if given)."""
    _require_manager(user)
    if value is not None:
        _check_number(indicator, value, field="value")
    if Actual.objects.filter(
        indicator=indicator, period_start=period.start, period_end=period.end, frozen=True
    ).exists():
        raise ApplicationError(
            _("%(period)s of %(code)s is frozen as it was reported; its target stays too.")
            % {"code": indicator.code, "period": period.label},
            field="period",
        )
    with transaction.atomic():
        version = _version_raise(indicator, expected_version)
        target = Target.objects.filter(
            indicator=indicator, period_start=period.start, period_end=period.end
        ).first()
        if value is None and not text:
            if target is not None:
                target.delete()
            target = None
        else:
            target = target or Target(
                indicator=indicator, period_start=period.start, period_end=period.end
            )
            target.value = value
            target.text = text
            target.full_clean()
            target.save()
    indicator.version = version
    return target


# --- loading from a dataset file ---------------------------------------------------------------


def framework_ensure(*, programme: Programme, record: Mapping[str, Any]) -> tuple[Result, bool]:
    """A result of the dataset with its indicators and children, created where missing."""
    with transaction.atomic():
        return _result_ensure(programme, record, parent=None, position=0)


def _result_ensure(
    programme: Programme, record: Mapping[str, Any], *, parent: Result | None, position: int
) -> tuple[Result, bool]:
    component = None
    if record.get("component") is not None:
        component = Component.objects.get(programme=programme, number=record["component"])
    result, created = insert_missing(
        Result,
        lookup={"programme": programme, "code": record["code"]},
        values={
            "parent": parent,
            "level": record["level"],
            "component": component,
            "title_en": record["title_en"],
            "title_ru": record.get("title_ru", ""),
            "position": record.get("position", position),
            **_provenance(record),
        },
    )
    for index, item in enumerate(record.get("indicators", [])):
        _indicator_ensure(programme, result, item, index)
    for index, child in enumerate(record.get("children", [])):
        _result_ensure(programme, child, parent=result, position=index)
    return result, created


def _provenance(record: Mapping[str, Any]) -> dict[str, str]:
    return {
        "source": record.get("source", "illustrative"),
        "source_note": record.get("source_note", ""),
    }


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def _indicator_ensure(
    programme: Programme, result: Result, record: Mapping[str, Any], position: int
) -> None:
    selector = record.get("selector", "")
    indicator, _created = insert_missing(
        Indicator,
        lookup={"programme": programme, "code": record["code"]},
        values={
            "result": result,
            "title_en": record["title_en"],
            "title_ru": record.get("title_ru", ""),
            "unit_en": record.get("unit_en", ""),
            "unit_ru": record.get("unit_ru", ""),
            "indicator_type": record.get("indicator_type", IndicatorType.NUMBER),
            "direction": record.get("direction", "increase"),
            "accumulation": record.get("accumulation", "sum"),
            "method": Method.COMPUTED if selector else Method.MANUAL,
            "selector": selector,
            "disaggregations": [
                Dimension(name).value for name in record.get("disaggregations", [])
            ],
            "baseline_value": _decimal(record.get("baseline")),
            "baseline_date": _day(record.get("baseline_date")),
            "baseline_comment": record.get("baseline_comment", ""),
            "target_value": _decimal(record.get("target")),
            "target_text": record.get("target_text", ""),
            "means_of_verification": record.get("means_of_verification", ""),
            "position": record.get("position", position),
            **_provenance(record),
        },
    )
    for target in record.get("targets", []):
        insert_missing(
            Target,
            lookup={
                "indicator": indicator,
                "period_start": _day(target["start"]),
                "period_end": _day(target["end"]),
            },
            values={
                "value": _decimal(target.get("value")),
                "text": target.get("text", ""),
                **_provenance(target | {"source": target.get("source", indicator.source)}),
            },
        )
    for actual in record.get("actuals", []):
        insert_missing(
            Actual,
            lookup={
                "indicator": indicator,
                "period_start": _day(actual["start"]),
                "period_end": _day(actual["end"]),
            },
            values={
                "value": _decimal(actual.get("value")),
                "text": actual.get("text", ""),
                "source_of_data": actual.get("source_of_data", ""),
                "comment": actual.get("comment", ""),
                "disaggregation": actual.get("disaggregation", {}),
                **_provenance(actual | {"source": actual.get("source", indicator.source)}),
            },
        )


def _day(value: object) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value))
