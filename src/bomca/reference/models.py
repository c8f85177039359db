"""The programme and what it is made of: components, countries, organisations, periods."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bomca.core.history import audited
from bomca.core.models import ProvenancedModel
from bomca.core.periods import Period


def _in_language(english: str, russian: str) -> str:
    """The Russian text when the active language is Russian and it exists, else the English."""
    language = get_language() or "en"
    return russian if language.startswith("ru") and russian else english


class Country(ProvenancedModel):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    adjective_en = models.CharField(_("adjective (English)"), max_length=100, blank=True)
    history = audited()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_ru)


class OrganisationKind(models.TextChoices):
    BORDER = "border", _("Border service")
    CUSTOMS = "customs", _("Customs service")
    MIGRATION = "migration", _("Migration service")
    VETERINARY_PHYTOSANITARY = "vet_phyto", _("Veterinary and phytosanitary service")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    LOCAL_ADMINISTRATION = "local_admin", _("Local administration")
    MINISTRY = "ministry", _("Ministry or state committee")
    TRAINING_INSTITUTION = "training", _("Training institution")
    NGO = "ngo", _("Non-governmental organisation")
    IMPLEMENTING_PARTNER = "partner", _("Implementing partner")
    DONOR = "donor", _("Donor")
    SUPPLIER = "supplier", _("Supplier")
    OTHER = "other", _("Other")


class Organisation(ProvenancedModel):
    """A beneficiary agency, partner, NGO, donor or supplier."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable identifier, e.g. KG-BORDER.")
    )
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    iati_type = models.CharField(
        _("IATI organisation type"),
        max_length=3,
        blank=True,
        help_text=_("Code from the IATI OrganisationType codelist, e.g. 10 for government."),
    )
    iati_ref = models.CharField(
        _("IATI organisation identifier"),
        max_length=60,
        blank=True,
        help_text=_("The organisation's identifier in IATI, e.g. XI-IATI-EC_INTPA; blank if none."),
    )
    history = audited()

    class Meta:
        ordering = ["country__name_en", "name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_ru)


class Programme(ProvenancedModel):
    code = models.SlugField(_("code"), max_length=30, unique=True, help_text=_("e.g. BOMCA10"))
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=30)
    acronym_ru = models.CharField(_("acronym (Russian)"), max_length=30, blank=True)
    phase = models.CharField(_("phase"), max_length=60, blank=True)
    overall_objective_en = models.TextField(_("overall objective (English)"))
    overall_objective_ru = models.TextField(_("overall objective (Russian)"), blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    donor = models.ForeignKey(
        Organisation,
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="funded_programmes",
    )
    co_funders = models.ManyToManyField(
        Organisation, verbose_name=_("co-funders"), blank=True, related_name="co_funded_programmes"
    )
    implementing_partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("implementing partners"),
        blank=True,
        related_name="implemented_programmes",
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("programme countries"), related_name="programmes"
    )
    history_en = models.TextField(_("background (English)"), blank=True)
    history_ru = models.TextField(_("background (Russian)"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    social_handle = models.CharField(_("social media handle"), max_length=60, blank=True)
    history = audited(m2m_fields=[co_funders, implementing_partners, countries])

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="programme_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="programme_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_ru)

    @property
    def acronym(self) -> str:
        return _in_language(self.acronym_en, self.acronym_ru)

    @property
    def overall_objective(self) -> str:
        return _in_language(self.overall_objective_en, self.overall_objective_ru)

    @property
    def background(self) -> str:
        return _in_language(self.history_en, self.history_ru)

    @property
    def period(self) -> Period:
        return Period(start=self.start_date, end=self.end_date, label=self.code)

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class Milestone(ProvenancedModel):
    """A dated event on the programme's implementation timeline (launch, mid-term, hand-over)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"))
    title_en = models.CharField(_("title (English)"), max_length=120)
    title_ru = models.CharField(_("title (Russian)"), max_length=120, blank=True)
    expected = models.BooleanField(
        _("expected"), default=False, help_text=_("Planned, not yet reached on that date.")
    )
    history = audited()

    class Meta:
        ordering = ["programme", "date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "date", "title_en"], name="milestone_unique_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)


class Component(ProvenancedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="components"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    specific_objective_en = models.TextField(_("specific objective (English)"))
    specific_objective_ru = models.TextField(_("specific objective (Russian)"), blank=True)
    lead = models.CharField(_("lead"), max_length=255, blank=True)
    history = audited()

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("component")
        verbose_name_plural = _("components")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="component_number_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"C{self.number}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def specific_objective(self) -> str:
        return _in_language(self.specific_objective_en, self.specific_objective_ru)


class ReportingPeriod(models.Model):
    """A quarter the programme reports on; newsletter issues are numbered per period."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="reporting_periods",
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("e.g. 2023Q2"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    history = audited()

    class Meta:
        ordering = ["programme", "start_date"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="reporting_period_unique_in_programme"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="reporting_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def period(self) -> Period:
        return Period(start=self.start_date, end=self.end_date, label=self.code)
