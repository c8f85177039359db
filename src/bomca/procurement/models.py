"""Procurement: equipment needs of beneficiary agencies, their lots and items, the steps each
need goes through, deliveries and hand-overs.

The rules that move a need from step to step live in ``procurement.services``; the models hold
the fields, the choices and the constraints the database can keep on its own.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bomca.core.history import audited
from bomca.core.models import ProvenancedModel, TimestampedModel, VersionedModel
from bomca.core.money import amount_field, currency_field
from bomca.reference.models import Component, Country, Organisation, Programme, _in_language


class Horizon(models.TextChoices):
    SHORT_TERM = "short_term", _("Short-term (ad hoc)")
    MID_TERM = "mid_term", _("Mid-term (national priority)")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Procedure(models.TextChoices):
    OPEN_TENDER = "open_tender", _("Open tender")
    RESTRICTED_TENDER = "restricted_tender", _("Restricted tender")
    COMPETITIVE_NEGOTIATED = "competitive_negotiated", _("Competitive negotiated procedure")
    FRAMEWORK_CONTRACT = "framework_contract", _("Framework contract")
    SINGLE_TENDER = "single_tender", _("Single tender (direct award)")
    LOW_VALUE = "low_value", _("Low-value procedure")


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    SPECIFIED = "specified", _("Specified")
    TENDERED = "tendered", _("Tendered")
    EVALUATED = "evaluated", _("Evaluated")
    CONTRACTED = "contracted", _("Contracted")
    DELIVERED = "delivered", _("Delivered")
    HANDED_OVER = "handed_over", _("Handed over")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


#: The steps of a need, in order; a need moves one step forward at a time.
FLOW: tuple[str, ...] = (
    NeedStatus.IDENTIFIED,
    NeedStatus.SPECIFIED,
    NeedStatus.TENDERED,
    NeedStatus.EVALUATED,
    NeedStatus.CONTRACTED,
    NeedStatus.DELIVERED,
    NeedStatus.HANDED_OVER,
)
#: Nothing moves a need out of these.
CLOSED: frozenset[str] = frozenset({NeedStatus.HANDED_OVER, NeedStatus.CANCELLED})
#: The steps a need can be in, be held at, or be cancelled from.
OPEN_STEPS: tuple[str, ...] = tuple(step for step in FLOW if step not in CLOSED)

QUANTITY_DIGITS, QUANTITY_PLACES = 12, 2


def quantity_field(verbose_name: Any, **options: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, **options
    )


class ProcurementNeed(ProvenancedModel, VersionedModel):
    """Equipment that a beneficiary agency of one country needs, and where its purchase stands."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="procurement_needs",
    )
    reference = models.CharField(
        _("reference"),
        max_length=30,
        unique=True,
        editable=False,
        help_text=_("Stable identifier, e.g. PR-KG-2023-003; assigned when the need is recorded."),
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        Organisation,
        verbose_name=_("beneficiary organisation"),
        on_delete=models.PROTECT,
        related_name="procurement_needs",
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procurement_needs",
    )
    horizon = models.CharField(_("horizon"), max_length=12, choices=Horizon.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    justification = models.TextField(
        _("justification"), help_text=_("Why the agency needs it and what it will change.")
    )
    procedure = models.CharField(
        _("procedure"),
        max_length=24,
        choices=Procedure.choices,
        blank=True,
        help_text=_("Needed before the need is tendered."),
    )
    supplier_name = models.CharField(
        _("supplier"), max_length=255, blank=True, help_text=_("Blank until contracted.")
    )
    supplier_country = models.CharField(_("supplier's country"), max_length=100, blank=True)
    contract_reference = models.CharField(_("contract reference"), max_length=60, blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    planned_delivery_date = models.DateField(
        _("planned delivery date"),
        null=True,
        blank=True,
        help_text=_("For the items that have no planned date of their own."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NeedStatus.choices,
        default=NeedStatus.IDENTIFIED,
        editable=False,
    )
    status_date = models.DateField(
        _("status since"), editable=False, help_text=_("The date of the current step.")
    )
    held_at = models.CharField(
        _("held at"),
        max_length=12,
        choices=NeedStatus.choices,
        blank=True,
        editable=False,
        help_text=_("The step a need on hold returns to."),
    )
    history = audited()

    class Meta:
        ordering = ["reference"]
        verbose_name = _("procurement need")
        verbose_name_plural = _("procurement needs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=NeedStatus.ON_HOLD) & Q(held_at__in=OPEN_STEPS))
                | (~Q(status=NeedStatus.ON_HOLD) & Q(held_at="")),
                name="procurement_need_held_at_an_open_step",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="procurement_need_status_idx"),
            models.Index(fields=["country", "status"], name="procurement_need_country_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    def clean(self) -> None:
        """Rules a person can fix: each error names the field it belongs to."""
        errors: dict[str, str] = {}
        programme = self.programme if self.programme_id else None
        if (
            programme
            and self.country_id
            and not programme.countries.filter(pk=self.country_id).exists()
        ):
            errors["country"] = str(_("The country must be one of the programme's countries."))
        if (
            self.beneficiary_id
            and self.country_id
            and self.beneficiary.country_id != self.country_id
        ):
            errors["beneficiary"] = str(
                _("The beneficiary organisation must be of the need's country.")
            )
        component = self.component if self.component_id else None
        if component and programme and component.programme_id != programme.pk:
            errors["component"] = str(_("This component belongs to another programme."))
        if errors:
            raise ValidationError(errors)


class ProcurementLot(TimestampedModel):
    """A part of a need that is tendered and contracted as one (e.g. vehicles, IT equipment)."""

    need = models.ForeignKey(
        ProcurementNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="lots"
    )
    number = models.PositiveSmallIntegerField(_("lot number"))
    title = models.CharField(_("lot title"), max_length=255)
    history = audited()

    class Meta:
        ordering = ["need", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["need", "number"], name="procurement_lot_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="procurement_lot_number_1"),
        ]

    def __str__(self) -> str:
        return f"{self.need.reference} lot {self.number}: {self.title}"


class ProcurementItem(TimestampedModel):
    """One line of a lot: what, how many, and its value in one currency."""

    lot = models.ForeignKey(
        ProcurementLot, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="items"
    )
    description = models.CharField(_("description"), max_length=255)
    quantity = quantity_field(_("quantity"))
    unit = models.CharField(_("unit"), max_length=30, default="pcs", help_text=_("e.g. pcs, set"))
    estimated_value = amount_field(
        _("estimated value"), help_text=_("For the whole quantity, not per unit.")
    )
    contracted_value = amount_field(
        _("contracted value"),
        null=True,
        blank=True,
        help_text=_("For the whole quantity; needed before the need is contracted."),
    )
    currency = currency_field()
    planned_delivery_date = models.DateField(
        _("planned delivery date"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the need's planned delivery date."),
    )
    history = audited()

    class Meta:
        ordering = ["lot", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="procurement_item_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0), name="procurement_item_estimate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(contracted_value__isnull=True) | Q(contracted_value__gte=0),
                name="procurement_item_contract_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.quantity.normalize():f} {self.unit})"

    def clean(self) -> None:
        if self.quantity is not None and self.quantity <= Decimal(0):
            raise ValidationError({"quantity": _("The quantity must be more than zero.")})


class StatusChange(TimestampedModel):
    """One step of a need's procedure, for its timeline: from, to, when, who and why."""

    need = models.ForeignKey(
        ProcurementNeed,
        verbose_name=_("need"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=12, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=NeedStatus.choices)
    date = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    history = audited()

    class Meta:
        ordering = ["need", "date", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["need", "date"], name="procurement_change_date_idx")]

    def __str__(self) -> str:
        return f"{self.need.reference}: {self.from_status or '—'} → {self.to_status} {self.date}"


class Delivery(ProvenancedModel):
    """Part or all of an item's quantity arriving from the supplier."""

    item = models.ForeignKey(
        ProcurementItem,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    quantity = quantity_field(_("quantity delivered"))
    date = models.DateField(_("delivery date"))
    note = models.TextField(_("note"), blank=True)
    history = audited()

    class Meta:
        ordering = ["item", "date", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="procurement_delivery_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.quantity.normalize():f} on {self.date}"


def _certificate_path(instance: HandOver, filename: str) -> str:
    """A random name under MEDIA_ROOT, which nothing serves: the download view checks access."""
    suffix = PurePath(filename).suffix.lower()
    return f"procurement/certificates/{uuid.uuid4().hex}{suffix}"


class HandOver(ProvenancedModel):
    """Equipment handed over to a beneficiary agency, with the signed certificate."""

    need = models.ForeignKey(
        ProcurementNeed,
        verbose_name=_("need"),
        on_delete=models.PROTECT,
        related_name="hand_overs",
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=255)
    date = models.DateField(_("hand-over date"))
    certificate = models.FileField(
        _("signed certificate"), upload_to=_certificate_path, blank=True, max_length=200
    )
    certificate_name = models.CharField(
        _("certificate file name"), max_length=255, blank=True, editable=False
    )
    note = models.TextField(_("note"), blank=True)
    history = audited()

    class Meta:
        ordering = ["need", "date", "pk"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self) -> str:
        return f"{self.need.reference}: {self.date} {self.place}"


class HandOverLine(TimestampedModel):
    """How much of one item a hand-over handed over."""

    hand_over = models.ForeignKey(
        HandOver, verbose_name=_("hand-over"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        ProcurementItem,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="hand_over_lines",
    )
    quantity = quantity_field(_("quantity handed over"))
    history = audited()

    class Meta:
        ordering = ["hand_over", "pk"]
        verbose_name = _("hand-over line")
        verbose_name_plural = _("hand-over lines")
        constraints = [
            models.UniqueConstraint(fields=["hand_over", "item"], name="procurement_line_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="procurement_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.quantity.normalize():f}"
