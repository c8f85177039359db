"""Who took part: aggregate counts by sex per activity (named attendance comes later)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bomca.activities.models import Activity
from bomca.core.history import audited
from bomca.core.models import ProvenancedModel
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
