"""Activities: what the programme delivers, where, for whom and by whom."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bomca.core.dates import day_span
from bomca.core.history import audited
from bomca.core.models import ProvenancedModel, VersionedModel
from bomca.reference.models import Component, Country, Organisation, Programme, _in_language


class ActivityType(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training")
    STUDY_VISIT = "study_visit", _("Study visit")
    ONLINE_SESSION = "online_session", _("Online session")
    TRAINER_EXCHANGE = "trainer_exchange", _("Exchange of trainers")
    ASSESSMENT = "assessment", _("Assessment")
    CONFERENCE = "conference", _("Conference")
    EVENT = "event", _("Event")
    MANAGEMENT_MEETING = "management_meeting", _("Management meeting")


#: Types that build capacity; the rest (management meetings) run the programme.
CAPACITY_BUILDING_TYPES = tuple(
    value for value in ActivityType.values if value != ActivityType.MANAGEMENT_MEETING
)


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    IMPLEMENTED = "implemented", _("Implemented")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class DeliveredBy(models.TextChoices):
    EU_EXPERTS = "eu_experts", _("EU experts")
    NATIONAL_TRAINERS = "national_trainers", _("National trainers")
    MIXED = "mixed", _("EU experts and national trainers")


class Activity(ProvenancedModel, VersionedModel):
    """One activity; two coordinators may edit it at once, so every save names its version."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="activities"
    )
    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.PROTECT, related_name="activities"
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        editable=False,
        help_text=_(
            "Stable identifier, e.g. C1-TM-2023-014; assigned when the activity is created."
        ),
    )
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    thematic_area = models.CharField(
        _("thematic area"),
        max_length=120,
        blank=True,
        help_text=_("e.g. document security, risk management, child protection."),
    )
    activity_type = models.CharField(_("type"), max_length=20, choices=ActivityType.choices)
    scope = models.CharField(
        _("scope"),
        max_length=10,
        choices=Scope.choices,
        help_text=_("National: for the agencies of one country. Regional: for those of several."),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    host_country = models.ForeignKey(
        Country,
        verbose_name=_("host country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_activities",
        help_text=_("The Central Asian country whose agencies host the activity."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    abroad_country = models.ForeignKey(
        Country,
        verbose_name=_("held abroad in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_abroad",
        help_text=_("For a study visit outside Central Asia, e.g. to an EU member state."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    delivered_by = models.CharField(
        _("delivered by"),
        max_length=20,
        choices=DeliveredBy.choices,
        default=DeliveredBy.EU_EXPERTS,
    )
    trainer_country = models.ForeignKey(
        Country,
        verbose_name=_("national trainers from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_trained",
        help_text=_("The home country of the national trainers who delivered the activity."),
    )
    beneficiary_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("beneficiary organisations"),
        blank=True,
        related_name="activities",
    )
    co_organisers = models.ManyToManyField(
        Organisation, verbose_name=_("co-organisers"), blank=True, related_name="co_organised"
    )
    outputs = models.TextField(_("outputs"), blank=True)
    narrative_en = models.TextField(_("narrative (English)"), blank=True)
    narrative_ru = models.TextField(_("narrative (Russian)"), blank=True)
    history = audited(m2m_fields=[beneficiary_organisations, co_organisers])

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(scope="national") | Q(host_country__isnull=False),
                name="national_activity_has_host_country",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status", "start_date"], name="activity_period_idx"),
            models.Index(fields=["component", "start_date"], name="activity_component_idx"),
            models.Index(fields=["host_country", "start_date"], name="activity_country_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def narrative(self) -> str:
        return _in_language(self.narrative_en, self.narrative_ru)

    @property
    def dates_display(self) -> str:
        """'19–21 September 2023' / '19–21 сентября 2023 г.': the month and year said once."""
        return day_span(self.start_date, self.end_date)

    @property
    def location_display(self) -> str:
        if self.format == Format.ONLINE:
            return str(_("Online"))
        place = self.abroad_country or self.host_country
        parts = [self.city, place.name if place else ""]
        return ", ".join(part for part in parts if part)

    def clean(self) -> None:
        """Rules a person can fix: each error names the field it belongs to."""
        errors: dict[str, list[str]] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(
                str(_("The end date is before the start date."))
            )
        programme = self.programme if self.programme_id else None
        if programme and self.start_date and not programme.covers(self.start_date):
            errors.setdefault("start_date", []).append(
                str(
                    _("The programme runs from %(start)s to %(end)s; this date is outside it.")
                    % {
                        "start": date_format(programme.start_date),
                        "end": date_format(programme.end_date),
                    }
                )
            )
        if programme and self.end_date and not programme.covers(self.end_date):
            errors.setdefault("end_date", []).append(
                str(
                    _("The programme runs from %(start)s to %(end)s; this date is outside it.")
                    % {
                        "start": date_format(programme.start_date),
                        "end": date_format(programme.end_date),
                    }
                )
            )
        if self.scope == Scope.NATIONAL and not self.host_country_id:
            errors.setdefault("host_country", []).append(
                str(_("A national activity needs the country it serves."))
            )
        if (
            self.host_country_id
            and programme
            and not programme.countries.filter(pk=self.host_country_id).exists()
        ):
            errors.setdefault("host_country", []).append(
                str(_("The host country must be one of the programme's countries."))
            )
        if self.component_id and programme and self.component.programme_id != programme.pk:
            errors.setdefault("component", []).append(
                str(_("This component belongs to another programme."))
            )
        if (
            self.abroad_country_id
            and programme
            and programme.countries.filter(pk=self.abroad_country_id).exists()
        ):
            errors.setdefault("abroad_country", []).append(
                str(_("A programme country is not abroad; choose it as the host country instead."))
            )
        if self.format == Format.ONLINE and self.city:
            errors.setdefault("city", []).append(
                str(_("An online activity has no city; leave it empty or change the format."))
            )
        if self.delivered_by == DeliveredBy.EU_EXPERTS and self.trainer_country_id:
            errors.setdefault("trainer_country", []).append(
                str(_("Only national trainers have a home country; change 'delivered by'."))
            )
        if errors:
            raise ValidationError(errors)
