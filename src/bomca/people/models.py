"""Who took part: named participants and their attendance, and counts by sex per activity."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bomca.activities.models import Activity
from bomca.core.history import audited
from bomca.core.models import ProvenancedModel
from bomca.core.names import name_key
from bomca.reference.models import Country, Organisation


class Sex(models.TextChoices):
    FEMALE = "female", _("Women")
    MALE = "male", _("Men")
    UNRECORDED = "unrecorded", _("Not recorded")


class ParticipantCount(ProvenancedModel):
    """How many people of one country (and, if known, one organisation) took part, by sex."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="participant_counts",
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    female = models.PositiveIntegerField(_("women"), default=0)
    male = models.PositiveIntegerField(_("men"), default=0)
    unrecorded = models.PositiveIntegerField(
        _("sex not recorded"),
        default=0,
        help_text=_("People counted where the source does not say whether they are women or men."),
    )
    history = audited()

    class Meta:
        ordering = ["activity", "country__name_en", "pk"]
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        indexes = [models.Index(fields=["activity", "country"], name="participant_count_idx")]
        constraints = [
            # One row per country and organisation; and one per country with no organisation.
            # (Two partial constraints, since SQLite has no NULLS NOT DISTINCT.)
            models.UniqueConstraint(
                fields=["activity", "country", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="participant_count_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["activity", "country"],
                condition=models.Q(organisation__isnull=True),
                name="participant_count_unique_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.country.code}: {self.total}"

    @property
    def total(self) -> int:
        return self.female + self.male + self.unrecorded

    def clean(self) -> None:
        organisation = self.organisation if self.organisation_id else None
        if organisation is not None and organisation.country_id not in (None, self.country_id):
            raise ValidationError(
                {"organisation": _("This organisation belongs to another country.")}
            )


class PersonSex(models.TextChoices):
    """A named person's sex, as the attendance list gives it."""

    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    UNRECORDED = "unrecorded", _("Not recorded")


class Participant(ProvenancedModel):
    """A person who took part in activities: one record however many activities they attend.

    Personal data: the name, year of birth, position and contacts are shown only to the roles
    that need them (``access.may_see_participant``), never in figures, newsletters or IATI.
    """

    full_name = models.CharField(_("full name"), max_length=200)
    name_key = models.CharField(
        _("name for matching"),
        max_length=200,
        editable=False,
        db_index=True,
        help_text=_("The name case-folded, with look-alike letters unified: finds duplicates."),
    )
    sex = models.CharField(
        _("sex"), max_length=10, choices=PersonSex.choices, default=PersonSex.UNRECORDED
    )
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="participants"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    organisation_name = models.CharField(
        _("organisation (as written)"),
        max_length=255,
        blank=True,
        help_text=_("The organisation as the list wrote it, when it is not a known organisation."),
    )
    position = models.CharField(_("position or rank"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = audited()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["country", "name_key"], name="participant_country_name_idx"),
            # The list's order: a page of 50 among hundreds of thousands read off the index.
            models.Index(fields=["full_name", "id"], name="participant_name_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_of_birth__isnull=True)
                | models.Q(year_of_birth__gte=1900, year_of_birth__lte=2100),
                name="participant_year_of_birth_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name


class Trainer(ProvenancedModel):
    """A participant who is in the programme's pool of national trainers."""

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="trainer",
    )
    home_country = models.ForeignKey(
        Country, verbose_name=_("home country"), on_delete=models.PROTECT, related_name="+"
    )
    topics = models.CharField(
        _("topics"),
        max_length=500,
        blank=True,
        help_text=_("What the trainer teaches, e.g. document security, risk management."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = audited()

    class Meta:
        ordering = ["home_country__name_en", "participant__full_name"]
        verbose_name = _("national trainer")
        verbose_name_plural = _("national trainers")

    def __str__(self) -> str:
        return f"{self.participant} ({self.home_country.code})"


class AttendanceRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    TRAINER = "trainer", _("Trainer")
    SPEAKER = "speaker", _("Speaker")
    INTERPRETER = "interpreter", _("Interpreter")


class Attendance(ProvenancedModel):
    """One person in one activity: their role, days, completion, test scores and rating."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attendances"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=AttendanceRole.choices, default=AttendanceRole.PARTICIPANT
    )
    days_attended = models.PositiveSmallIntegerField(_("days attended"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), null=True, blank=True)
    pre_test = models.DecimalField(
        _("pre-test score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    post_test = models.DecimalField(
        _("post-test score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    history = audited()

    class Meta:
        ordering = ["activity", "participant__full_name", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "activity"], name="attendance_once_per_activity"
            ),
            models.CheckConstraint(
                condition=models.Q(pre_test__isnull=True)
                | models.Q(pre_test__gte=0, pre_test__lte=100),
                name="attendance_pre_test_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(post_test__isnull=True)
                | models.Q(post_test__gte=0, post_test__lte=100),
                name="attendance_post_test_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="attendance_satisfaction_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["activity", "role"], name="attendance_activity_role_idx")]

    def __str__(self) -> str:
        return f"{self.activity.code}: {self.participant}"

    def clean(self) -> None:
        activity = self.activity if self.activity_id else None
        if (
            activity is not None
            and self.days_attended is not None
            and self.days_attended > (activity.end_date - activity.start_date).days + 1
        ):
            raise ValidationError(
                {
                    "days_attended": _("The activity lasted %(days)s days; fewer were attended.")
                    % {"days": (activity.end_date - activity.start_date).days + 1}
                }
            )
