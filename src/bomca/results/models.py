"""The results framework (logframe): objectives, outcomes, outputs and their indicators.

A result is a node of the tree overall objective → specific objective (one per component) →
outcome → output. An indicator measures one result; its values per period are either entered
by hand (``Actual`` rows) or computed by a named selector from the records
(``bomca.results.computed``). Computed values are never stored while they are live, so they
always follow the records; they are stored, as ``Actual`` rows marked frozen, when a report is
submitted and the numbers it gave must stay what they were.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bomca.core.history import audited
from bomca.core.models import ProvenancedModel, VersionedModel
from bomca.core.periods import Period, period_label
from bomca.reference.models import Component, Programme, _in_language


class Level(models.TextChoices):
    OVERALL_OBJECTIVE = "overall_objective", _("Overall objective")
    SPECIFIC_OBJECTIVE = "specific_objective", _("Specific objective")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


#: The level a result's parent must have; the overall objective has none.
PARENT_LEVEL: dict[str, str | None] = {
    Level.OVERALL_OBJECTIVE: None,
    Level.SPECIFIC_OBJECTIVE: Level.OVERALL_OBJECTIVE,
    Level.OUTCOME: Level.SPECIFIC_OBJECTIVE,
    Level.OUTPUT: Level.OUTCOME,
}

#: What ``clean()`` says when a result hangs under the wrong level (a sentence per level: the
#: labels are capitalised and English needs "an" before some of them).
PARENT_RULE: dict[str, str | Promise] = {
    Level.SPECIFIC_OBJECTIVE: _("A specific objective contributes to the overall objective."),
    Level.OUTCOME: _("An outcome contributes to a specific objective."),
    Level.OUTPUT: _("An output contributes to an outcome."),
}


class Result(ProvenancedModel):
    """One node of the logframe."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="results"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("contributes to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
        help_text=_("Every result below the overall objective belongs to one component."),
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. SO1, OC1.1, OP1.1.2"))
    title_en = models.TextField(_("statement (English)"))
    title_ru = models.TextField(_("statement (Russian)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audited()

    class Meta:
        ordering = ["programme", "position", "code"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="result_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    def clean(self) -> None:
        expected = PARENT_LEVEL.get(self.level)
        parent = self.parent
        if expected is None and parent is not None:
            raise ValidationError({"parent": _("The overall objective has no parent result.")})
        if expected is not None and (parent is None or parent.level != expected):
            raise ValidationError({"parent": PARENT_RULE[self.level]})
        if parent is not None and parent.programme_id != self.programme_id:
            raise ValidationError({"parent": _("The parent belongs to another programme.")})
        if self.level != Level.OVERALL_OBJECTIVE and self.component_id is None:
            raise ValidationError({"component": _("Name the component this result belongs to.")})
        if self.component is not None and self.component.programme_id != self.programme_id:
            raise ValidationError({"component": _("The component belongs to another programme.")})


class IndicatorType(models.TextChoices):
    NUMBER = "number", pgettext_lazy("indicator type", "Number")
    PERCENTAGE = "percentage", _("Percentage")
    YES_NO = "yes_no", _("Yes/no")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase is better")
    DECREASE = "decrease", _("Decrease is better")


class Method(models.TextChoices):
    MANUAL = "manual", _("Reported by hand")
    COMPUTED = "computed", _("Computed from the records")


class Accumulation(models.TextChoices):
    """How the values of periods make the value to date."""

    SUM = "sum", _("Adds up over periods")
    LEVEL = "level", _("A level at the end of each period")


class Dimension(models.TextChoices):
    SEX = "sex", _("Sex")
    COUNTRY = "country", _("Country")
    ORGANISATION_KIND = "organisation_kind", _("Organisation type")


class Indicator(ProvenancedModel, VersionedModel):
    """What is measured of a result, with its baseline and targets."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="indicators"
    )
    result = models.ForeignKey(
        Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=24, help_text=_("e.g. SO1.2 or OP2.1.1"))
    title_en = models.TextField(_("indicator (English)"))
    title_ru = models.TextField(_("indicator (Russian)"), blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    unit_ru = models.CharField(_("unit (Russian)"), max_length=60, blank=True)
    indicator_type = models.CharField(
        _("type"), max_length=12, choices=IndicatorType.choices, default=IndicatorType.NUMBER
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    accumulation = models.CharField(
        _("accumulation"), max_length=8, choices=Accumulation.choices, default=Accumulation.SUM
    )
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.MANUAL
    )
    selector = models.CharField(
        _("computed by"),
        max_length=60,
        blank=True,
        help_text=_("The named selector that computes the values (computed indicators only)."),
    )
    disaggregations = models.JSONField(
        _("disaggregations"),
        default=list,
        blank=True,
        help_text=_("Any of sex, country, organisation_kind."),
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_comment = models.CharField(_("baseline comment"), max_length=500, blank=True)
    target_value = models.DecimalField(
        _("end target"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_text = models.CharField(_("end target (qualitative)"), max_length=500, blank=True)
    means_of_verification = models.CharField(_("means of verification"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audited()

    class Meta:
        ordering = ["programme", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(method="manual", selector="") | Q(method="computed") & ~Q(selector=""),
                name="indicator_selector_when_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def unit(self) -> str:
        return _in_language(self.unit_en, self.unit_ru)

    @property
    def is_computed(self) -> bool:
        return self.method == Method.COMPUTED

    @property
    def is_numeric(self) -> bool:
        return self.indicator_type != IndicatorType.QUALITATIVE

    def clean(self) -> None:
        from bomca.results.computed import SELECTORS  # the registry imports these models

        errors: dict[str, Any] = {}
        if self.method == Method.COMPUTED and self.selector not in SELECTORS:
            errors["selector"] = _(
                "%(name)s is not a known selector; choose one of: %(known)s."
            ) % {
                "name": self.selector or "—",
                "known": ", ".join(sorted(SELECTORS)),
            }
        spec = SELECTORS.get(self.selector) if self.method == Method.COMPUTED else None
        if spec is not None and self.indicator_type != spec.indicator_type:
            errors["indicator_type"] = _(
                "%(name)s gives values of type “%(type)s”; choose that type."
            ) % {
                "name": spec.name,
                "type": IndicatorType(spec.indicator_type).label,
            }
        if spec is not None and self.accumulation != spec.accumulation:
            errors["accumulation"] = _(
                "%(name)s gives values that are “%(how)s”; choose that accumulation."
            ) % {
                "name": spec.name,
                "how": Accumulation(spec.accumulation).label,
            }
        if self.method == Method.MANUAL and self.selector:
            errors["selector"] = _("A selector is named only for computed indicators.")
        unknown = [name for name in self.disaggregations or [] if name not in Dimension.values]
        if not isinstance(self.disaggregations, list) or unknown:
            errors["disaggregations"] = _("Disaggregations are a list of: %(known)s.") % {
                "known": ", ".join(Dimension.values)
            }
        if self.result_id and self.result.programme_id != self.programme_id:
            errors["result"] = _("The result belongs to another programme.")
        if self.indicator_type == IndicatorType.YES_NO:
            for name in ("baseline_value", "target_value"):
                value = getattr(self, name)
                if value is not None and value not in (0, 1):
                    errors[name] = _("A yes/no indicator takes 1 (yes) or 0 (no).")
        if self.indicator_type == IndicatorType.PERCENTAGE:
            for name in ("baseline_value", "target_value"):
                value = getattr(self, name)
                if value is not None and not 0 <= value <= 100:
                    errors[name] = _("A percentage is between 0 and 100.")
        if errors:
            raise ValidationError(errors)


class PeriodValue(models.Model):
    """A value of an indicator for one period (a quarter, a year or any span of days)."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("For qualitative indicators."))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        abstract = True

    @property
    def period(self) -> Period:
        return Period(
            start=self.period_start,
            end=self.period_end,
            label=period_label(self.period_start, self.period_end),
        )

    def clean(self) -> None:
        if self.period_end and self.period_start and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})


class Target(ProvenancedModel, PeriodValue):
    """What the indicator should reach in one period (the end target is on the indicator)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    history = audited()

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"], name="target_unique_period"
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.text
        return f"{self.indicator.code} {self.period.label}: {shown}"


class Actual(ProvenancedModel, PeriodValue):
    """A value reported by hand, or a computed value frozen when a report was submitted."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="actuals"
    )
    disaggregation = models.JSONField(
        _("disaggregation"),
        default=dict,
        blank=True,
        help_text=_('Dimension -> key -> value, e.g. {"sex": {"female": 12, "male": 30}}.'),
    )
    source_of_data = models.CharField(_("source"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_date = models.DecimalField(
        _("value to date when frozen"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("From the programme's start to the period's end, as it was reported."),
    )
    frozen = models.BooleanField(_("frozen"), default=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = audited()

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("actual value")
        verbose_name_plural = _("actual values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"], name="actual_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(frozen=False) | Q(frozen_at__isnull=False),
                name="actual_frozen_has_time",
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.text
        return f"{self.indicator.code} {self.period.label}: {shown}"
