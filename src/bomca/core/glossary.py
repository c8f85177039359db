"""The terms of the trade, explained once: shown as help next to the fields that use them and
listed on the glossary page, so that a coordinator new to the programme is never left guessing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # a development dependency: the type of a lazy translation
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Term:
    key: str  # the anchor on the glossary page
    term: StrPromise
    explanation: StrPromise


TERMS: tuple[Term, ...] = (
    Term(
        "scope",
        _("Scope"),
        _(
            "National: the activity serves the agencies of one country. Regional: it brings "
            "together people of two or more of the five countries."
        ),
    ),
    Term(
        "format",
        _("Format"),
        _("How people took part: in person, online, or hybrid (some in the room, some online)."),
    ),
    Term(
        "horizon",
        _("Horizon"),
        _(
            "How far ahead a procurement need was planned. Short-term (ad hoc): a request that "
            "came up and is answered quickly. Mid-term (national priority): equipment for a "
            "priority agreed with the country, planned ahead and often delivered in steps."
        ),
    ),
    Term(
        "lot",
        _("Lot"),
        _(
            "A part of a tender that a supplier can bid for on its own, e.g. the vehicles of a "
            "need apart from its radios. Each lot holds its items."
        ),
    ),
    Term(
        "hand-over",
        _("Hand-over"),
        _(
            "The moment delivered equipment becomes the property of the beneficiary agency, "
            "signed in a hand-over certificate. Counted as value handed over."
        ),
    ),
    Term(
        "disaggregation",
        _("Disaggregation"),
        _(
            "Splitting a figure into its parts, e.g. participants by sex, by country or by "
            "type of agency, so that the report shows who was reached, not only how many."
        ),
    ),
    Term(
        "baseline",
        _("Baseline"),
        _("The value of an indicator before the programme acted, with the date it was measured."),
    ),
    Term(
        "target",
        _("Target"),
        _(
            "The value an indicator should reach: at the end of the programme (end target) or "
            "by the end of a period (period target)."
        ),
    ),
    Term(
        "means-of-verification",
        _("Means of verification"),
        _(
            "Where the value of an indicator can be checked: a report, a list of participants, "
            "a signed certificate, an official statistic."
        ),
    ),
    Term(
        "beneficiary",
        _("Beneficiary agency"),
        _(
            "A national agency the programme works for: border guard, customs, migration, "
            "veterinary and phytosanitary services, local administrations."
        ),
    ),
    Term(
        "frozen",
        _("Frozen value"),
        _(
            "An indicator value kept as the report on its period gave it: it no longer follows "
            "later changes to the records."
        ),
    ),
)

_BY_KEY = {term.key: term for term in TERMS}


def term(key: str) -> Term:
    """The term ``key`` (a KeyError names a term the glossary lacks)."""
    return _BY_KEY[key]


def explanation(key: str) -> StrPromise:
    """The short explanation of the term ``key``, for a field's help text."""
    return term(key).explanation
