"""Abstract models shared by every domain app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a record comes from: the seed newsletter, an illustrative fill, or a user."""

    SEED = "seed", _("Newsletter issue 6 (seed)")
    ILLUSTRATIVE = "illustrative", _("Illustrative")
    RECORDED = "recorded", _("Recorded in the system")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ProvenancedModel(TimestampedModel):
    """A record that says where its facts come from."""

    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.RECORDED
    )
    source_note = models.CharField(
        _("source note"),
        max_length=500,
        blank=True,
        help_text=_("What the source says, or which parts are illustrative."),
    )

    class Meta:
        abstract = True
