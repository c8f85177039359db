"""Writes of calls for proposals and of the applications to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bomca.core.models import Source
from bomca.core.records import save_versioned
from bomca.grants.models import Application, CallForProposals, GrantProject, months_after
from bomca.grants.services.common import apply_fields, check_not_future
from bomca.reference.models import Country, Programme

# --- calls for proposals ------------------------------------------------------------------

CALL_FIELDS = (
    "reference",
    "title_en",
    "title_ru",
    "themes",
    "budget_ceiling",
    "currency",
    "max_grant_amount",
    "opens_on",
    "closes_on",
    "min_duration_months",
    "max_duration_months",
)


def _check_call_countries(programme: Programme, countries: Iterable[Country]) -> list[Country]:
    chosen = list(countries)
    if not chosen:
        raise ValidationError({"countries": _("Choose at least one country.")})
    own = set(programme.countries.values_list("pk", flat=True))
    if any(country.pk not in own for country in chosen):
        raise ValidationError({"countries": _("A call is open only in the programme's countries.")})
    return chosen


@transaction.atomic
def call_create(
    *,
    programme: Programme,
    data: Mapping[str, Any],
    countries: Iterable[Country],
    source: str = Source.RECORDED,
    source_note: str = "",
) -> CallForProposals:
    """Open a call for proposals of the programme in some of its countries."""
    chosen = _check_call_countries(programme, countries)
    call = CallForProposals(programme=programme, source=source, source_note=source_note)
    apply_fields(call, CALL_FIELDS, data)
    call.full_clean()
    call.save()
    call.countries.set(chosen)
    return call


@transaction.atomic
def call_update(
    *,
    call: CallForProposals,
    data: Mapping[str, Any],
    countries: Iterable[Country],
    expected_version: int | None,
) -> CallForProposals:
    """Change a call; refused when its applications or projects would no longer keep its rules."""
    chosen = _check_call_countries(call.programme, countries)
    apply_fields(call, CALL_FIELDS, data)
    save_versioned(call, expected_version=expected_version)
    call.countries.set(chosen)
    if conflicts := _call_conflicts(call):
        raise ValidationError(conflicts)  # the atomic block undoes the save above
    return call


def _codes(applications: Iterable[Application]) -> str:
    return ", ".join(application.code for application in applications)


def _call_conflicts(call: CallForProposals) -> dict[str, str]:
    """What the call's own applications and projects say against its new rules."""
    errors: dict[str, str] = {}
    applications = call.applications.select_related("call").order_by("number")
    if elsewhere := list(applications.exclude(country__in=call.countries.all())):
        errors["countries"] = _(
            "Applications %(codes)s come from countries the call would no longer cover."
        ) % {"codes": _codes(elsewhere)}
    if early := list(applications.filter(submitted_on__lt=call.opens_on)):
        errors["opens_on"] = _("Applications %(codes)s were submitted before this date.") % {
            "codes": _codes(early)
        }
    if late := list(applications.filter(submitted_on__gt=call.closes_on)):
        errors["closes_on"] = _("Applications %(codes)s were submitted after this date.") % {
            "codes": _codes(late)
        }
    projects = list(GrantProject.objects.filter(application__call=call))
    too_short = [p for p in projects if p.duration_months < call.min_duration_months]
    too_long = [p for p in projects if _longer_than(p, call.max_duration_months)]
    too_big = [
        p for p in projects if p.currency == call.currency and p.amount > call.max_grant_amount
    ]
    for field, found in (
        ("min_duration_months", too_short),
        ("max_duration_months", too_long),
        ("max_grant_amount", too_big),
    ):
        if found:
            errors[field] = _("Projects %(numbers)s would break this rule.") % {
                "numbers": ", ".join(p.contract_number for p in found)
            }
    return errors


def _longer_than(project: GrantProject, months: int) -> bool:
    return project.end_date >= months_after(project.start_date, months)


# --- applications -------------------------------------------------------------------------

APPLICATION_FIELDS = (
    "organisation",
    "country",
    "title_en",
    "title_ru",
    "submitted_on",
    "requested_amount",
    "currency",
    "score",
    "decision",
    "decision_date",
)


def _check_application(application: Application) -> None:
    check_not_future(
        application,
        {
            "submitted_on": _("An application cannot be submitted in the future."),
            "decision_date": _("A decision cannot be dated in the future."),
        },
    )


@transaction.atomic
def application_create(
    *,
    call: CallForProposals,
    data: Mapping[str, Any],
    number: int | None = None,
    source: str = Source.RECORDED,
    source_note: str = "",
) -> Application:
    """Record an application to a call; it gets the call's next running number."""
    if number is None:
        # The call row is locked so that two applications recorded at once get two numbers.
        CallForProposals.objects.select_for_update().filter(pk=call.pk).first()
        number = (call.applications.aggregate(last=Max("number"))["last"] or 0) + 1
    application = Application(call=call, number=number, source=source, source_note=source_note)
    apply_fields(application, APPLICATION_FIELDS, data)
    _check_application(application)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_update(
    *, application: Application, data: Mapping[str, Any], expected_version: int | None
) -> Application:
    """Change an application or record the decision on it; a contracted one keeps its NGO,
    country and decision."""
    before = _fixed_under_contract(application)
    apply_fields(application, APPLICATION_FIELDS, data)
    after = _fixed_under_contract(application)
    if before != after and GrantProject.objects.filter(application=application).exists():
        changed = next(field for field in before if before[field] != after[field])
        raise ValidationError(
            {
                changed: _(
                    "Application %(code)s is under contract: its NGO, country and decision "
                    "stay as they are."
                )
                % {"code": application.code}
            }
        )
    _check_application(application)
    return save_versioned(application, expected_version=expected_version)


def _fixed_under_contract(application: Application) -> dict[str, object]:
    """What a contracted application keeps: its project depends on them."""
    return {
        "organisation": application.organisation_id,
        "country": application.country_id,
        "decision": application.decision,
    }
