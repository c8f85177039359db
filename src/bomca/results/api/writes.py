"""Writes of the results framework: a period's value and target, and an indicator's baseline,
end target and means of verification. The same forms, access rules, services and messages as
the web's pages, with the version check of ``If-Match`` on the indicator's ``ETag``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Schema

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.api.concurrency import problem, required_version, stale_names_if_match
from bomca.api.schemas import StrictSchema
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period, parse_period
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request
from bomca.results.api.reads import (
    IndicatorDetailOut,
    PeriodQuery,
    indicator_response,
    requested_period,
    router,
)
from bomca.results.forms import ActualForm, actual_api_form, indicator_api_form, target_api_form
from bomca.results.models import Indicator, IndicatorType
from bomca.results.selectors import indicators_of
from bomca.results.services import (
    actual_by_hand_check,
    actual_record,
    indicator_update,
    indicator_version_check,
    target_set,
)

#: A number as the answers give it (decimal text, "12.5") or as a JSON number.
Number = Decimal | str

_IF_MATCH = 'The ETag of the indicator as read, e.g. "indicator-OC1.1.1-v3".'
_PERIOD = "The period: 2023Q2, 2023, 2023-04 or 2023-04..2023-06."


class ValueIn(StrictSchema):
    """The value of a period as the web form takes it. The whole value is replaced: a field
    left out is emptied."""

    value: Number | None = Field(
        None,
        description="Numeric indicators: a number (a yes/no takes 1 or 0; a percentage 0 to 100).",
    )
    text: str | None = Field(None, description="Qualitative indicators: the value described.")
    disaggregation: dict[str, dict[str, Number | None]] = Field(
        {},
        description='Dimension -> key -> number, e.g. {"sex": {"female": 5, "male": 7}}: the '
        "indicator's dimensions (sex, country, organisation_kind) and their keys (female, male, "
        "unrecorded; country codes and none; organisation kinds and unknown).",
    )
    source: str = Field("", description="Where the value comes from.")
    comment: str = ""


class TargetIn(StrictSchema):
    """The target of a period; neither a value nor a text removes it."""

    value: Number | None = Field(None, description="Numeric indicators.")
    text: str | None = Field(None, description="Qualitative indicators.")


class IndicatorChange(StrictSchema):
    """A change of an indicator's baseline, end target and means of verification: the fields
    given change, the others keep their values (null empties one)."""

    baseline_value: Number | None = Field(None, description="Numeric indicators.")
    baseline_date: date | None = None
    baseline_comment: str | None = None
    target_value: Number | None = Field(None, description="The end target (numeric indicators).")
    target_text: str | None = Field(None, description="The end target (qualitative indicators).")
    means_of_verification: str | None = None


class ProgrammeQuery(Schema):
    programme: str | None = Field(None, description="A programme's code; without one, the default.")


@router.put(
    "/indicators/{code}/values/{period}",
    response=IndicatorDetailOut,
    summary="Record the value of a period",
)
def actual_record_endpoint(
    request: HttpRequest,
    code: str,
    period: str,
    payload: ValueIn,
    query: Query[ProgrammeQuery],
    if_match: str | None = Header(None, alias="If-Match", description=_IF_MATCH),
) -> HttpResponse:
    """Record or correct the value of a manual indicator for a period (``period``: 2023Q2,
    2023, …), as the web form does: the M&E officer and the programme manager; refused for an
    indicator computed from the records (409) and for a frozen value (400, naming
    ``period``). Needs ``If-Match``: 428 without it, 412 and nothing saved when the indicator
    changed since. Answers the indicator for that period with its new ``ETag``."""
    programme, indicator = _managed(request, code)
    when = _period(period)
    read = _version(indicator, if_match)
    try:
        actual_by_hand_check(indicator=indicator)
    except ApplicationError as error:
        return problem(409, error.message)
    values = payload.dict(exclude={"disaggregation"})
    form = actual_api_form(values, indicator=indicator, disaggregation=payload.disaggregation)
    _valid(form, values, indicator, names=_cell_names(payload.disaggregation))
    with _written():
        actual_record(
            indicator=indicator,
            period=when,
            data=form.service_data(),
            user=_user(request),
            expected_version=read,
        )
    return indicator_response(request, programme=programme, code=code, period=when)


@router.put(
    "/indicators/{code}/targets/{period}",
    response=IndicatorDetailOut,
    summary="Set the target of a period",
)
def target_set_endpoint(
    request: HttpRequest,
    code: str,
    period: str,
    payload: TargetIn,
    query: Query[ProgrammeQuery],
    if_match: str | None = Header(None, alias="If-Match", description=_IF_MATCH),
) -> HttpResponse:
    """Set, change or remove (neither a value nor a text) the target of a period, as the web
    form does; refused for a frozen period (400, naming ``period``). Needs ``If-Match`` (428
    without it, 412 when stale). Answers the indicator for that period with its new ``ETag``."""
    programme, indicator = _managed(request, code)
    when = _period(period)
    read = _version(indicator, if_match)
    values = payload.dict()
    form = target_api_form(values, indicator=indicator)
    _valid(form, values, indicator)
    with _written():
        target_set(
            indicator=indicator,
            period=when,
            value=form.value(),
            text=form.text(),
            user=_user(request),
            expected_version=read,
        )
    return indicator_response(request, programme=programme, code=code, period=when)


@router.patch("/indicators/{code}", response=IndicatorDetailOut, summary="Change an indicator")
def indicator_update_endpoint(
    request: HttpRequest,
    code: str,
    payload: IndicatorChange,
    query: Query[PeriodQuery],
    if_match: str | None = Header(None, alias="If-Match", description=_IF_MATCH),
) -> HttpResponse:
    """Change an indicator's baseline, end target and means of verification as the web form
    does (the fields given; the others keep their values). Needs ``If-Match`` (428 without it,
    412 when stale). Answers the indicator (for ``period``, as a read) with its new ``ETag``."""
    programme, indicator = _managed(request, code)
    when = requested_period(programme, query.period)
    read = _version(indicator, if_match)
    changes = payload.dict(exclude_unset=True)
    form = indicator_api_form(changes, indicator=indicator, version=read)
    _valid(form, changes, indicator)
    with _written():
        indicator_update(
            indicator=indicator, changes=form.changes(), version=read, user=_user(request)
        )
    return indicator_response(request, programme=programme, code=code, period=when)


def _managed(request: HttpRequest, code: str) -> tuple[Programme, Indicator]:
    """The programme and its indicator ``code`` for a user who keeps the results: as the web
    pages, 403 for a role that does not read them, 404 for no such indicator, 403 for a role
    that does not keep them."""
    if not access.may_view_results(request.user):
        raise PermissionDenied
    programme = programme_for_request(request)
    indicator = get_object_or_404(indicators_of(programme=programme), code=code)
    if not access.may_manage_results(request.user):
        raise PermissionDenied
    return programme, indicator


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _period(text: str) -> Period:
    """The period the path names (never the default one); a wrong one is named."""
    try:
        return parse_period(text)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="period") from None


def _version(indicator: Indicator, if_match: str | None) -> int:
    """The version ``If-Match`` names, checked before anything else: a change made from an
    old copy is refused whatever it says."""
    read = required_version(if_match, kind="indicator", key=indicator.code, noun=_("the indicator"))
    with stale_names_if_match():
        indicator_version_check(indicator=indicator, expected_version=read)
    return read


def _valid(
    form: forms.Form,
    values: Mapping[str, Any],
    indicator: Indicator,
    *,
    names: Mapping[str, str] | None = None,
) -> None:
    """Refuse the call with every message by field (the API's names: ``names`` maps a form
    field to its own) if the form is not valid or a value is given that the indicator's type
    does not take (a text for a number, a number for a qualitative indicator)."""
    errors = {
        (names or {}).get(name, name): list(messages)
        for name, messages in form.errors.items()
        if name != "version"  # the version is If-Match's, checked before
    }
    for name, value in values.items():
        if name not in form.fields and name in _TYPED and value not in (None, ""):
            errors[name] = [_not_taken(indicator, name)]
    if errors:
        raise ValidationError(errors)


#: The fields that only some types of indicator have (numbers or text).
_TYPED = frozenset({"value", "text", "baseline_value", "target_value", "target_text"})


def _not_taken(indicator: Indicator, name: str) -> str:
    kind = IndicatorType(indicator.indicator_type).label
    return _("%(code)s is a “%(type)s” indicator: it takes no %(name)s.") % {
        "code": indicator.code,
        "type": kind,
        "name": name,
    }


def _cell_names(disaggregation: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The form's cell fields by the API's names (``disaggregation.sex.female``)."""
    return {
        ActualForm.cell_name(dimension, key): f"disaggregation.{dimension}.{key}"
        for dimension, keys in disaggregation.items()
        for key in keys
    }


@contextmanager
def _written() -> Iterator[None]:
    """A service's refusal as the API says it: a stale version is ``If-Match``'s fault, and
    the value's source is ``source`` in the body."""
    with stale_names_if_match():
        try:
            yield
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {
                    _BODY_NAMES.get(name, name): messages
                    for name, messages in error.error_dict.items()
                }
            ) from None


#: The service's (model's) field names that the API's body names otherwise.
_BODY_NAMES = {"source_of_data": "source"}
