"""Reads of reference data."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from bomca.core.errors import ApplicationError
from bomca.reference.models import Component, Country, Organisation, Programme


def programme_get(*, code: str | None = None) -> Programme:
    """The programme with ``code``; without a code, the default one (or the only one)."""
    programmes = Programme.objects.select_related("donor")
    if code:
        programme = programmes.filter(code__iexact=code).first()
        if programme is None:
            known = ", ".join(programmes.values_list("code", flat=True)) or _("none yet")
            raise ApplicationError(
                _("There is no programme %(code)s; known programmes: %(known)s.")
                % {"code": code, "known": known}
            )
        return programme
    programme = (
        programmes.filter(code=settings.BOMCA_DEFAULT_PROGRAMME).first() or programmes.first()
    )
    if programme is None:
        raise ApplicationError(_("No programme is loaded yet; run 'bomca init' first."))
    return programme


def component_list(*, programme: Programme) -> QuerySet[Component]:
    """The programme's components in number order."""
    return Component.objects.filter(programme=programme).order_by("number")


def programme_country_list(*, programme: Programme) -> QuerySet[Country]:
    """The countries the programme works in, by name."""
    return programme.countries.order_by("name_en")


def organisation_list(*, programme: Programme) -> QuerySet[Organisation]:
    """Organisations of the programme's countries and those with no country (regional, donors)."""
    return Organisation.objects.filter(
        Q(country__in=programme.countries.all()) | Q(country__isnull=True)
    ).select_related("country")


def programme_for_request(request: HttpRequest) -> Programme:
    """The programme a page is about: ``?programme=CODE``, else the default; 404 if unknown."""
    try:
        return programme_get(code=request.GET.get("programme") or None)
    except ApplicationError as error:
        raise Http404(error.message) from None
