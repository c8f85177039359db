"""The forms of the results framework: a value by hand, an indicator's baseline and end target,
a period's target, freezing a period and unfreezing one value. Only the M&E officer, the
programme manager and the administrator see and use them (unfreezing: not the M&E officer);
anyone else gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from bomca.accounts import access
from bomca.accounts.models import User
from bomca.core.errors import ApplicationError
from bomca.core.periods import Period
from bomca.core.records import describe_validation_error
from bomca.reference.models import Programme
from bomca.reference.selectors import programme_for_request
from bomca.results.computed import Context
from bomca.results.forms import (
    ActualForm,
    IndicatorForm,
    TargetForm,
    actual_initial,
    expected_cells,
)
from bomca.results.models import Indicator
from bomca.results.selectors import value_for_period
from bomca.results.services import (
    actual_record,
    actual_unfreeze,
    indicator_update,
    period_freeze,
    target_set,
)
from bomca.results.views.common import (
    form_page,
    period_in_path,
    require_manager,
    require_viewer,
    visible_indicator,
)
from bomca.results.views.shown import Reader, dimension_label

FORM = "results/form.html"


def _managed(request: HttpRequest, code: str) -> tuple[Programme, Indicator]:
    """The programme and its indicator ``code`` (404 if none), for a user who keeps the
    results (403 otherwise)."""
    require_viewer(request)
    programme = programme_for_request(request)
    indicator = visible_indicator(programme, code)
    require_manager(request)
    return programme, indicator


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def indicator_url(indicator: Indicator, period: Period | None = None) -> str:
    url = reverse("results:indicator", args=[indicator.code])
    return f"{url}?{urlencode({'period': period.label})}" if period else url


def _saved(request: HttpRequest, message: str, url: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(url)


def _context(indicator: Indicator, title: str, cancel_url: str, **extra: Any) -> dict[str, Any]:
    return {"indicator": indicator, "title": title, "cancel_url": cancel_url, **extra}


@require_http_methods(["GET", "POST"])
def actual_record_view(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Record or correct the value of a manual indicator for one period."""
    programme, indicator = _managed(request, code)
    when = period_in_path(period)
    if indicator.is_computed:
        raise Http404(_("%(code)s is computed from the records.") % {"code": indicator.code})
    current = value_for_period(indicator=indicator, period=when, context=Context(programme))
    reader = Reader.of(request.user)
    cells = expected_cells(
        indicator.disaggregations,
        labels={name: reader.expected_keys(name, programme) for name in indicator.disaggregations},
        recorded=current.by,
    )
    form = ActualForm(
        request.POST if request.method == "POST" else None,
        indicator=indicator,
        cells=cells,
        initial=actual_initial(
            indicator,
            value=current.value,
            text=current.text,
            source=current.source,
            comment=current.comment,
            by=current.by,
        ),
    )
    back = indicator_url(indicator, when)
    labels = {"code": indicator.code, "period": when.label}
    return form_page(
        request,
        form,
        write=lambda: actual_record(
            indicator=indicator, period=when, data=form.service_data(), user=_user(request)
        ),
        saved=lambda: _saved(
            request, _("The value of %(code)s for %(period)s is saved.") % labels, back
        ),
        template=FORM,
        context=_context(
            indicator,
            _("Value of %(code)s for %(period)s") % labels,
            back,
            fields=form.main_fields(),
            groups=[(dimension_label(name), form.cell_fields(name)) for name in cells],
            frozen=current.frozen_at is not None,
        ),
    )


@require_http_methods(["GET", "POST"])
def indicator_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    """Change an indicator's baseline, end target and means of verification."""
    _programme, indicator = _managed(request, code)
    form = IndicatorForm(request.POST if request.method == "POST" else None, indicator=indicator)
    back = indicator_url(indicator)
    return form_page(
        request,
        form,
        write=lambda: indicator_update(
            indicator=indicator,
            changes=form.changes(),
            version=form.expected_version(),
            user=_user(request),
        ),
        saved=lambda: _saved(
            request, _("Indicator %(code)s saved.") % {"code": indicator.code}, back
        ),
        template=FORM,
        context=_context(
            indicator,
            _("Baseline and end target of %(code)s") % {"code": indicator.code},
            back,
            fields=form.visible_fields(),
        ),
    )


@require_http_methods(["GET", "POST"])
def target_set_view(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Set, change or remove the target of one period."""
    _programme, indicator = _managed(request, code)
    when = period_in_path(period)
    target = next(
        (
            target
            for target in indicator.targets.all()
            if (target.period_start, target.period_end) == (when.start, when.end)
        ),
        None,
    )
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        indicator=indicator,
        value=target.value if target else None,
        text=target.text if target else "",
    )
    back = indicator_url(indicator, when)
    labels = {"code": indicator.code, "period": when.label}
    return form_page(
        request,
        form,
        write=lambda: target_set(
            indicator=indicator,
            period=when,
            value=form.value(),
            text=form.text(),
            user=_user(request),
        ),
        saved=lambda: _saved(
            request, _("The target of %(code)s for %(period)s is saved.") % labels, back
        ),
        template=FORM,
        context=_context(
            indicator,
            _("Target of %(code)s for %(period)s") % labels,
            back,
            fields=form.visible_fields(),
        ),
    )


@require_POST
def period_freeze_view(request: HttpRequest) -> HttpResponse:
    """Keep the values of a period as they are now, as a submitted report gave them."""
    require_viewer(request)
    programme = programme_for_request(request)
    require_manager(request)
    when = period_in_path(request.POST.get("period", ""))
    try:
        frozen = period_freeze(programme=programme, period=when, user=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    except ValidationError as error:  # a stored value that breaks a rule: say which
        messages.error(request, describe_validation_error(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s value of %(period)s is frozen.",
                "%(count)s values of %(period)s are frozen.",
                frozen,
            )
            % {"count": frozen, "period": when.label},
        )
    query = urlencode({"programme": programme.code, "period": when.label})
    return redirect(f"{reverse('results:logframe')}?{query}")


@require_POST
def actual_unfreeze_view(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Let one frozen value follow the records again, or be corrected (programme manager)."""
    require_viewer(request)
    programme = programme_for_request(request)
    indicator = visible_indicator(programme, code)
    if not access.may_unfreeze_results(request.user):
        raise PermissionDenied
    when = period_in_path(period)
    try:
        actual_unfreeze(indicator=indicator, period=when, user=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The value of %(code)s for %(period)s is no longer frozen.")
            % {"code": indicator.code, "period": when.label},
        )
    return redirect(indicator_url(indicator, when))
