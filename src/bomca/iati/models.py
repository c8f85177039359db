"""What a programme's IATI publication needs beyond the records: identifiers, the default
classifications, the split of the programme by sector and country, budgets and the donor's
transactions. Grant commitments and payments come from the grants app, not from here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bomca.core.history import audited
from bomca.core.models import ProvenancedModel
from bomca.core.money import amount_field, currency_field
from bomca.iati.validation.codelists import codelist
from bomca.reference.models import Country, Organisation, Programme

_PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def codelist_errors(values: dict[str, tuple[str, str]]) -> dict[str, str]:
    """For each field -> (codelist, code), a sentence when the code is not a current code of
    that IATI codelist (the lists shipped with the validator)."""
    errors = {}
    for field, (name, code) in values.items():
        listed = codelist(name)
        if listed is not None and code not in listed.current():
            errors[field] = _("%(code)s is not a current code of the IATI %(list)s codelist.") % {
                "code": code or "—",
                "list": name,
            }
    return errors


class Publication(ProvenancedModel):
    """How a programme is published in IATI (codes from the IATI codelists)."""

    programme = models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="iati_publication",
    )
    reporting_org = models.ForeignKey(
        Organisation,
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Its IATI identifier and type must be recorded."),
    )
    identifier = models.CharField(
        _("IATI activity identifier"),
        max_length=100,
        unique=True,
        help_text=_("The reporting organisation's identifier, a hyphen, and the activity's."),
    )
    activity_scope = models.CharField(
        _("activity scope"), max_length=2, default="2", help_text=_("ActivityScope: 2 regional.")
    )
    collaboration_type = models.CharField(_("collaboration type"), max_length=2, default="1")
    default_flow_type = models.CharField(_("default flow type"), max_length=3, default="10")
    default_finance_type = models.CharField(_("default finance type"), max_length=4, default="110")
    default_aid_type = models.CharField(_("default aid type"), max_length=4, default="C01")
    default_tied_status = models.CharField(_("default tied status"), max_length=2, default="5")
    publish_components = models.BooleanField(
        _("publish the components as child activities"), default=True
    )
    history = audited()

    class Meta:
        verbose_name = _("IATI publication")
        verbose_name_plural = _("IATI publications")

    def __str__(self) -> str:
        return self.identifier

    def clean(self) -> None:
        errors = codelist_errors(
            {
                "activity_scope": ("ActivityScope", self.activity_scope),
                "collaboration_type": ("CollaborationType", self.collaboration_type),
                "default_flow_type": ("FlowType", self.default_flow_type),
                "default_finance_type": ("FinanceType", self.default_finance_type),
                "default_aid_type": ("AidType", self.default_aid_type),
                "default_tied_status": ("TiedStatus", self.default_tied_status),
            }
        )
        if errors:
            raise ValidationError(errors)
        prefix = self.reporting_org.iati_ref if self.reporting_org_id else ""
        if not prefix:
            raise ValidationError(
                {"reporting_org": _("Record the reporting organisation's IATI identifier first.")}
            )
        if not self.identifier.startswith(prefix + "-"):
            raise ValidationError(
                {
                    "identifier": _("The identifier must start with “%(prefix)s-”.")
                    % {"prefix": prefix}
                }
            )
        if any(character.isspace() for character in self.identifier):
            raise ValidationError({"identifier": _("An IATI identifier has no spaces.")})


class SectorShare(models.Model):
    """One OECD DAC sector of the programme with its share (shares of a vocabulary sum to 100)."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="sectors"
    )
    vocabulary = models.CharField(
        _("vocabulary"), max_length=3, default="1", help_text=_("1: OECD DAC 5-digit codes.")
    )
    code = models.CharField(_("sector code"), max_length=10)
    percentage = models.DecimalField(
        _("percentage"), max_digits=5, decimal_places=2, validators=_PERCENT
    )
    history = audited()

    class Meta:
        ordering = ["publication", "vocabulary", "-percentage", "code"]
        verbose_name = _("sector share")
        verbose_name_plural = _("sector shares")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "vocabulary", "code"], name="sector_share_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.percentage}%"

    def clean(self) -> None:
        lists = {"1": "Sector", "2": "SectorCategory"}
        errors = codelist_errors({"vocabulary": ("SectorVocabulary", self.vocabulary)})
        if not errors and self.vocabulary in lists:
            errors = codelist_errors({"code": (lists[self.vocabulary], self.code)})
        if errors:
            raise ValidationError(errors)


class CountryShare(models.Model):
    """One recipient country of the programme with its share (the shares sum to 100)."""

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="countries",
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    percentage = models.DecimalField(
        _("percentage"), max_digits=5, decimal_places=2, validators=_PERCENT
    )
    history = audited()

    class Meta:
        ordering = ["publication", "country__code"]
        verbose_name = _("recipient country share")
        verbose_name_plural = _("recipient country shares")
        constraints = [
            models.UniqueConstraint(fields=["publication", "country"], name="country_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.percentage}%"


class BudgetType(models.TextChoices):
    ORIGINAL = "1", _("Original")
    REVISED = "2", _("Revised")


class BudgetStatus(models.TextChoices):
    INDICATIVE = "1", _("Indicative")
    COMMITTED = "2", pgettext_lazy("budget status", "Committed")


class Budget(ProvenancedModel):
    """The programme's budget for a period of at most a year."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="budgets"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = amount_field(_("amount"))
    currency = currency_field()
    value_date = models.DateField(_("value date"))
    budget_type = models.CharField(
        _("type"), max_length=1, choices=BudgetType.choices, default=BudgetType.ORIGINAL
    )
    status = models.CharField(
        _("status"), max_length=1, choices=BudgetStatus.choices, default=BudgetStatus.INDICATIVE
    )
    history = audited()

    class Meta:
        ordering = ["programme", "period_start"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="budget_period_order"
            ),
            models.UniqueConstraint(
                fields=["programme", "period_start", "budget_type"], name="budget_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}..{self.period_end:%Y-%m-%d} {self.value}"

    def clean(self) -> None:
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                raise ValidationError({"period_end": _("The period ends before it starts.")})
            if (self.period_end - self.period_start).days > 365:
                raise ValidationError(
                    {"period_end": _("IATI budgets cover at most one year; split the period.")}
                )


class TransactionType(models.TextChoices):
    """The IATI TransactionType codes the programme records by hand."""

    INCOMING_FUNDS = "1", _("Incoming funds")
    OUTGOING_COMMITMENT = "2", _("Outgoing commitment")
    DISBURSEMENT = "3", _("Disbursement")
    EXPENDITURE = "4", _("Expenditure")
    INCOMING_COMMITMENT = "11", _("Incoming commitment")


class Transaction(ProvenancedModel):
    """Money committed to or received by the programme, recorded for IATI."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="iati_transactions",
    )
    transaction_type = models.CharField(_("type"), max_length=2, choices=TransactionType.choices)
    date = models.DateField(_("date"))
    value = amount_field(_("amount"))
    currency = currency_field()
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receiver = models.ForeignKey(
        Organisation,
        verbose_name=_("receiver"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = audited()

    class Meta:
        ordering = ["programme", "date", "pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")

    def __str__(self) -> str:
        return f"{self.get_transaction_type_display()} {self.date:%Y-%m-%d} {self.value}"
