"""Newsletter issues: the parts people write; the figures come from the records at build time."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bomca.core.history import audited
from bomca.core.models import ProvenancedModel
from bomca.core.periods import Period
from bomca.reference.models import Component, Programme, _in_language


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class NewsletterIssue(ProvenancedModel):
    """One quarterly newsletter: its number, period and the sections people write."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="newsletter_issues",
    )
    number = models.PositiveSmallIntegerField(_("issue number"))
    period_code = models.CharField(
        _("period"), max_length=10, help_text=_("The quarter the issue covers, e.g. 2023Q2.")
    )
    period_start = models.DateField(_("period start"), editable=False)
    period_end = models.DateField(_("period end"), editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    featured_title_en = models.CharField(_("featured story title (English)"), max_length=200)
    featured_title_ru = models.CharField(
        _("featured story title (Russian)"), max_length=200, blank=True
    )
    featured_text_en = models.TextField(_("featured story (English)"), blank=True)
    featured_text_ru = models.TextField(_("featured story (Russian)"), blank=True)
    upcoming_procurement_en = models.TextField(_("upcoming procurement (English)"), blank=True)
    upcoming_procurement_ru = models.TextField(_("upcoming procurement (Russian)"), blank=True)
    upcoming_grants_en = models.TextField(_("upcoming grants (English)"), blank=True)
    upcoming_grants_ru = models.TextField(_("upcoming grants (Russian)"), blank=True)
    upcoming_management_en = models.TextField(_("upcoming management (English)"), blank=True)
    upcoming_management_ru = models.TextField(_("upcoming management (Russian)"), blank=True)
    disclaimer_en = models.TextField(
        _("funding disclaimer (English)"),
        help_text=_("Printed on the last page, as the EU's visibility rules require."),
    )
    disclaimer_ru = models.TextField(_("funding disclaimer (Russian)"), blank=True)
    history = audited()

    class Meta:
        ordering = ["programme", "-period_start", "-number"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="newsletter_issue_unique_number"
            ),
            models.UniqueConstraint(
                fields=["programme", "period_code"], name="newsletter_issue_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="newsletter_issue_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Issue %(number)s (%(period)s)") % {"number": self.number, "period": self.period_code}
        )

    @property
    def period(self) -> Period:
        return Period(start=self.period_start, end=self.period_end, label=self.period_code)

    @property
    def featured_title(self) -> str:
        return _in_language(self.featured_title_en, self.featured_title_ru)

    @property
    def featured_text(self) -> str:
        return _in_language(self.featured_text_en, self.featured_text_ru)

    @property
    def disclaimer(self) -> str:
        return _in_language(self.disclaimer_en, self.disclaimer_ru)

    def upcoming_note(self, group: str) -> str:
        """What people wrote of the next period's ``procurement``, ``grants`` or ``management``."""
        return _in_language(
            getattr(self, f"upcoming_{group}_en"), getattr(self, f"upcoming_{group}_ru")
        )


class Editorial(ProvenancedModel):
    """A signed introduction ('In focus')."""

    issue = models.ForeignKey(
        NewsletterIssue,
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="editorials",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    author = models.CharField(_("author"), max_length=120)
    author_ru = models.CharField(_("author (Russian)"), max_length=120, blank=True)
    role_en = models.CharField(_("author's role (English)"), max_length=255)
    role_ru = models.CharField(_("author's role (Russian)"), max_length=255, blank=True)
    text_en = models.TextField(_("text (English)"))
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    history = audited()

    class Meta:
        ordering = ["issue", "order", "pk"]
        verbose_name = _("editorial")
        verbose_name_plural = _("editorials")

    def __str__(self) -> str:
        return f"{self.issue}: {self.author}"

    @property
    def author_name(self) -> str:
        return _in_language(self.author, self.author_ru)

    @property
    def role(self) -> str:
        return _in_language(self.role_en, self.role_ru)

    @property
    def text(self) -> str:
        return _in_language(self.text_en, self.text_ru)


class ComponentNarrative(ProvenancedModel):
    """What a component did in the issue's period ('Thematic activities in focus')."""

    issue = models.ForeignKey(
        NewsletterIssue,
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="narratives",
    )
    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.PROTECT, related_name="+"
    )
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    history = audited()

    class Meta:
        ordering = ["issue", "component__number"]
        verbose_name = _("component narrative")
        verbose_name_plural = _("component narratives")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "component"], name="component_narrative_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue}: {self.component.code}"

    @property
    def text(self) -> str:
        return _in_language(self.text_en, self.text_ru)


def _picture_path(instance: NewsletterPicture, filename: str) -> str:
    """A random name under newsletters/: the uploader's file name is never used on disk."""
    suffix = PurePath(filename).suffix.lower()
    return f"newsletters/{uuid.uuid4().hex}{suffix}"


class NewsletterPicture(ProvenancedModel):
    """A picture of the featured story; without a file, a neutral placeholder is drawn."""

    issue = models.ForeignKey(
        NewsletterIssue,
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="pictures",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    image = models.FileField(
        _("picture"),
        upload_to=_picture_path,
        blank=True,
        help_text=_("JPEG or PNG, at most 10 MB. Leave empty for a placeholder."),
    )
    caption_en = models.CharField(_("caption (English)"), max_length=255)
    caption_ru = models.CharField(_("caption (Russian)"), max_length=255, blank=True)
    history = audited()

    class Meta:
        ordering = ["issue", "order", "pk"]
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")

    def __str__(self) -> str:
        return f"{self.issue}: {self.caption_en}"

    @property
    def caption(self) -> str:
        return _in_language(self.caption_en, self.caption_ru)
