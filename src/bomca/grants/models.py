"""Grants to NGOs: calls for proposals, applications, and the grant projects of the selected ones.

A project moves contracted → ongoing → final report received → closed (or is terminated from
contracted or ongoing); every step is a ``StatusChange`` row, kept for the timeline. The rules
that need other records (the call's duration limits, the final report, the payments so far)
are checked by ``grants.services``; the rules of one row are here.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bomca.core.history import audited
from bomca.core.models import ProvenancedModel, TimestampedModel, VersionedModel
from bomca.core.money import amount_field, currency_field, money_format
from bomca.reference.models import (
    Country,
    Organisation,
    OrganisationKind,
    Programme,
    _in_language,
)

#: References and contract numbers appear in URLs: letters, digits, ``-``, ``_`` and ``.``, with
#: at least one digit (so that no reference reads like a page name such as "calls").
reference_validator = RegexValidator(
    r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, '-', '_' and '.', with at least one digit, e.g. BOMCA10-CfP-1."),
)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: date, end: date) -> int:
    """How many whole calendar months the days from ``start`` to ``end`` (inclusive) fill."""
    after_end = end + timedelta(days=1)
    months = (after_end.year - start.year) * 12 + after_end.month - start.month
    while months > 0 and months_after(start, months) > after_end:
        months -= 1
    return months


class CallForProposals(ProvenancedModel, VersionedModel):
    """A call inviting NGOs to apply for grants, with the rules its projects must keep."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="calls_for_proposals",
    )
    reference = models.CharField(
        _("reference"),
        max_length=40,
        unique=True,
        validators=[reference_validator],
        help_text=_("e.g. BOMCA10-CfP-1"),
    )
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    themes = models.TextField(_("themes"), blank=True, help_text=_("One theme per line."))
    budget_ceiling = amount_field(
        _("budget ceiling"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = currency_field(help_text=_("The currency of the ceiling and the maximum grant."))
    max_grant_amount = amount_field(
        _("maximum grant"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("eligible countries"), related_name="calls_for_proposals"
    )
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"), help_text=_("The last day applications are taken."))
    min_duration_months = models.PositiveSmallIntegerField(
        _("minimum project duration (months)"), default=6, validators=[MinValueValidator(1)]
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum project duration (months)"), default=12, validators=[MinValueValidator(1)]
    )
    history = audited(m2m_fields=[countries])

    class Meta:
        ordering = ["-opens_on", "reference"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="call_closes_after_opening",
                violation_error_message=_("The call closes before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(max_duration_months__gte=F("min_duration_months")),
                name="call_duration_range",
                violation_error_message=_(
                    "The maximum project duration is shorter than the minimum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_grant_amount__lte=F("budget_ceiling")),
                name="call_grant_within_ceiling",
                violation_error_message=_("The maximum grant is above the call's budget ceiling."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    @property
    def theme_list(self) -> list[str]:
        return [line.strip() for line in self.themes.splitlines() if line.strip()]


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")


class Application(ProvenancedModel, VersionedModel):
    """An NGO's proposal to a call, its evaluation score and the decision on it."""

    call = models.ForeignKey(
        CallForProposals,
        verbose_name=_("call for proposals"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    number = models.PositiveSmallIntegerField(
        _("number"), editable=False, help_text=_("Running number within the call.")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("NGO"),
        on_delete=models.PROTECT,
        related_name="grant_applications",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="grant_applications",
        help_text=_("Where the action would take place; one of the call's countries."),
    )
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    submitted_on = models.DateField(_("submitted"))
    requested_amount = amount_field(
        _("requested amount"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = currency_field()
    score = models.DecimalField(
        _("evaluation score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0 to 100."),
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    history = audited()

    class Meta:
        ordering = ["call", "number"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "number"], name="application_number_unique_in_call"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="application_score_0_to_100",
                violation_error_message=_("The score is between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.call.reference}/{self.number:02d}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_ru)

    def clean(self) -> None:
        """Rules of the application itself; each error names its field."""
        errors: dict[str, str] = {}
        if self.decision == Decision.PENDING and self.decision_date:
            errors["decision_date"] = str(_("A pending application has no decision date yet."))
        if self.decision != Decision.PENDING and not self.decision_date:
            errors["decision_date"] = str(_("Give the date of the decision."))
        if self.decision in (Decision.SELECTED, Decision.RESERVE) and self.score is None:
            errors["score"] = str(_("An application is selected or put on reserve by its score."))
        if self.decision_date and self.submitted_on and self.decision_date < self.submitted_on:
            errors["decision_date"] = str(_("The decision date is before the submission."))
        if self.organisation_id and self.organisation.kind != OrganisationKind.NGO:
            errors["organisation"] = str(_("Grants go to NGOs; this organisation is not one."))
        elif (
            self.organisation_id
            and self.country_id
            and self.organisation.country_id not in (None, self.country_id)
        ):
            errors["organisation"] = str(_("This NGO is registered in another country."))
        if self.call_id:
            errors.update(self._call_errors())
        if errors:
            raise ValidationError(errors)

    def _call_errors(self) -> dict[str, str]:
        call = self.call
        errors: dict[str, str] = {}
        if self.country_id and not call.countries.filter(pk=self.country_id).exists():
            errors["country"] = str(
                _("Call %(call)s is open to NGOs of %(countries)s only.")
                % {
                    "call": call.reference,
                    "countries": ", ".join(country.name for country in call.countries.all()),
                }
            )
        if self.submitted_on and not call.opens_on <= self.submitted_on <= call.closes_on:
            errors["submitted_on"] = str(
                _("Call %(call)s took applications from %(opens)s to %(closes)s.")
                % {
                    "call": call.reference,
                    "opens": date_format(call.opens_on),
                    "closes": date_format(call.closes_on),
                }
            )
        return errors


class ProjectStatus(models.TextChoices):
    CONTRACTED = "contracted", _("Contracted")
    ONGOING = "ongoing", _("Ongoing")
    FINAL_REPORT_RECEIVED = "final_report", _("Final report received")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Terminated")


class GrantProject(ProvenancedModel, VersionedModel):
    """The grant contract of a selected application, and where its implementation stands."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="project",
    )
    contract_number = models.CharField(
        _("contract number"),
        max_length=40,
        unique=True,
        validators=[reference_validator],
        help_text=_("e.g. BOMCA10-CfP-1-KG-01"),
    )
    amount = amount_field(_("grant amount"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = currency_field()
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProjectStatus.choices,
        default=ProjectStatus.CONTRACTED,
        editable=False,
        help_text=_("Changed only by a status step, which is kept in the timeline."),
    )
    history = audited()

    class Meta:
        ordering = ["contract_number"]
        verbose_name = _("grant project")
        verbose_name_plural = _("grant projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="grant_project_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"], name="grant_project_status_idx")]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.application.title}"

    @property
    def title(self) -> str:
        return self.application.title

    @property
    def duration_months(self) -> int:
        return whole_months(self.start_date, self.end_date)

    @property
    def is_open(self) -> bool:
        return self.status not in (ProjectStatus.CLOSED, ProjectStatus.TERMINATED)

    def clean(self) -> None:
        """The call's rules: the duration in months and, in the call's currency, the maximum."""
        if not self.application_id:
            return
        call = self.application.call
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date >= self.start_date:
            earliest = months_after(self.start_date, call.min_duration_months) - timedelta(days=1)
            latest = months_after(self.start_date, call.max_duration_months) - timedelta(days=1)
            if not earliest <= self.end_date <= latest:
                errors["end_date"] = str(
                    _(
                        "Projects of call %(call)s last %(min)s to %(max)s months: starting on "
                        "%(start)s, this one must end between %(earliest)s and %(latest)s."
                    )
                    % {
                        "call": call.reference,
                        "min": call.min_duration_months,
                        "max": call.max_duration_months,
                        "start": date_format(self.start_date),
                        "earliest": date_format(earliest),
                        "latest": date_format(latest),
                    }
                )
        if (
            self.amount is not None
            and self.currency == call.currency
            and self.amount > call.max_grant_amount
        ):
            errors["amount"] = str(
                _("Call %(call)s grants at most %(maximum)s.")
                % {
                    "call": call.reference,
                    "maximum": money_format(call.max_grant_amount, call.currency),
                }
            )
        if errors:
            raise ValidationError(errors)


class StatusChange(ProvenancedModel):
    """One step of a project's status: from what, to what, on which day, by whom and why."""

    project = models.ForeignKey(
        GrantProject,
        verbose_name=_("grant project"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=ProjectStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=ProjectStatus.choices)
    date = models.DateField(_("date"))
    changed_by = models.ForeignKey(
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
        ordering = ["project", "date", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status or '—'} → {self.to_status} ({self.date})"


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class Report(ProvenancedModel, VersionedModel):
    """A narrative and financial report the NGO owes: when it is due and when it came in."""

    project = models.ForeignKey(
        GrantProject,
        verbose_name=_("grant project"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    due_date = models.DateField(_("due"))
    received_on = models.DateField(_("received"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = audited()

    class Meta:
        ordering = ["project", "due_date", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(kind="final"),
                name="grant_project_one_final_report",
                violation_error_message=_("The project has a final report already."),
            )
        ]
        indexes = [models.Index(fields=["received_on", "due_date"], name="grant_report_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date:%Y-%m-%d}"

    def days_late(self, today: date) -> int:
        """Days past the due date without the report (0 when received or not yet due)."""
        if self.received_on is not None or today <= self.due_date:
            return 0
        return (today - self.due_date).days


class PaymentKind(models.TextChoices):
    PRE_FINANCING = "pre_financing", _("Pre-financing")
    INSTALMENT = "instalment", _("Instalment")
    FINAL = "final", _("Final payment")


class Payment(ProvenancedModel):
    """Money paid to the NGO under the contract, in the contract's currency."""

    project = models.ForeignKey(
        GrantProject,
        verbose_name=_("grant project"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=PaymentKind.choices)
    paid_on = models.DateField(_("paid"))
    amount = amount_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = currency_field()
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = audited()

    class Meta:
        ordering = ["project", "paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.paid_on:%Y-%m-%d} {self.amount} {self.currency}"


#: The vulnerable groups counted among the people a project reached (field, label).
VULNERABLE_GROUPS = ("children", "trafficking_victims", "with_disabilities")


class PeopleReached(TimestampedModel, VersionedModel):
    """How many people a project reached in the period one received report covers.

    Counts are per report, not cumulative: the programme's total is the sum over reports. The
    vulnerable groups are "of whom": each is part of the women and men, and one person may be
    in several groups. Where the numbers come from is the report's provenance.
    """

    report = models.OneToOneField(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="people_reached"
    )
    women = models.PositiveIntegerField(_("women and girls"), default=0)
    men = models.PositiveIntegerField(_("men and boys"), default=0)
    children = models.PositiveIntegerField(_("of whom children"), default=0)
    trafficking_victims = models.PositiveIntegerField(
        _("of whom victims of trafficking"), default=0
    )
    with_disabilities = models.PositiveIntegerField(
        _("of whom people with disabilities"), default=0
    )
    history = audited()

    class Meta:
        verbose_name = _("people reached")
        verbose_name_plural = _("people reached")
        constraints = [
            models.CheckConstraint(
                condition=Q(children__lte=F("women") + F("men")),
                name="people_reached_children_of_total",
                violation_error_message=_("There are more children than people reached."),
            ),
            models.CheckConstraint(
                condition=Q(trafficking_victims__lte=F("women") + F("men")),
                name="people_reached_victims_of_total",
                violation_error_message=_(
                    "There are more victims of trafficking than people reached."
                ),
            ),
            models.CheckConstraint(
                condition=Q(with_disabilities__lte=F("women") + F("men")),
                name="people_reached_disabled_of_total",
                violation_error_message=_(
                    "There are more people with disabilities than people reached."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.total}"

    def clean(self) -> None:
        """Each group is "of whom": never more than the women and men reached together."""
        total = (self.women or 0) + (self.men or 0)
        labels = {
            "children": _("%(count)s children are more than the %(total)s people reached."),
            "trafficking_victims": _(
                "%(count)s victims of trafficking are more than the %(total)s people reached."
            ),
            "with_disabilities": _(
                "%(count)s people with disabilities are more than the %(total)s people reached."
            ),
        }
        errors = {
            group: str(message % {"count": getattr(self, group), "total": total})
            for group, message in labels.items()
            if (getattr(self, group) or 0) > total
        }
        if errors:
            raise ValidationError(errors)

    @property
    def total(self) -> int:
        return self.women + self.men
