"""Imports: named column mappings people save, and a record of every import run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bomca.activities.models import Activity
from bomca.core.history import audited
from bomca.core.models import TimestampedModel
from bomca.procurement.models import ProcurementNeed
from bomca.reference.models import Programme


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants of an activity")
    ACTIVITIES = "activities", _("Activities")
    PROCUREMENT_ITEMS = "procurement_items", _("Items of a procurement need")


class ImportTemplate(TimestampedModel):
    """A column mapping saved under a name, to be suggested for the next file of that shape.

    ``mapping`` maps a normalised column heading to a field name (or "" to ignore the column).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = audited()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="import_template_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed, not imported")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused: problems in the file")
    CANCELLED = "cancelled", _("Cancelled")


class ImportRun(TimestampedModel):
    """One file taken in (or refused): who, what, into which activity, with what result.

    The uploaded file waits in private storage (never served) between preview and import, and
    is deleted when the run is imported or cancelled: the records keep what matters.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_runs",
        help_text=_("For imports of activities: the programme they are recorded in."),
    )
    need = models.ForeignKey(
        ProcurementNeed,
        verbose_name=_("procurement need"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    stored_file = models.CharField(_("stored file"), max_length=255, blank=True, editable=False)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PREVIEWED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    summary = models.JSONField(_("summary"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = audited()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
