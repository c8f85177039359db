"""Personal API tokens: how scripts, Excel and Power BI sign in to the HTTP API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bomca.core.history import audited


class ApiToken(models.Model):
    """A secret a user made for a script; only its hash is kept, the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for."))
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("The token's first characters, to recognise it.")
    )
    key_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = audited(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ApiCallCount(models.Model):
    """The calls a token made in one window of the rate limit, counted in the database so that
    every server process sees the same count (a per-process cache would let a token make the
    limit once per gunicorn worker). Only the current window's row is kept."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="call_counts")
    window = models.BigIntegerField(help_text="Seconds since the epoch // the window's length.")
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "window"], name="api_call_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.token_id}@{self.window}: {self.calls}"
