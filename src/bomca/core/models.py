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


class VersionedModel(models.Model):
    """A record two people may edit at once: each save must name the version it was read at.

    Services save through ``core.records.save_versioned``; a save made from an older version is
    refused (``StaleRecord``) rather than silently overwriting the other person's change.
    """

    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by one at every change.")
    )

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """One number raised after every committed change of the programme's records: what cached
    figures are keyed by, so that a change anywhere, in any server process, retires them."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")

    def __str__(self) -> str:
        return str(self.version)
