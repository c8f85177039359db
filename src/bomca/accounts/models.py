"""Users with a role and a scope, and the log of security events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bomca.core.history import audited


class Role(models.TextChoices):
    """What a person does in the programme; ``bomca.accounts.access`` says what each may do."""

    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    COMPONENT_LEAD = "component_lead", _("Component lead")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    ME_OFFICER = "me_officer", _("M&E officer")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    GRANTS_MANAGER = "grants_manager", _("Grants manager")
    COMMUNICATIONS_OFFICER = "communications_officer", _("Communications officer")
    DONOR_VIEWER = "donor_viewer", _("Donor (read only)")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    # Empty until the user picks one with the switch in the header: until then the browser's
    # cookie or Accept-Language decides, as for a visitor who has not signed in.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_(
            "The language of the interface, chosen by the user; empty follows the browser."
        ),
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Role.choices,
        default=Role.DONOR_VIEWER,
        help_text=_("A new account can only read until it is given a role."),
    )
    countries = models.ManyToManyField(
        "reference.Country",
        verbose_name=_("countries (scope)"),
        blank=True,
        related_name="+",
        help_text=_("For a national coordinator: the countries whose records they keep."),
    )
    components = models.ManyToManyField(
        "reference.Component",
        verbose_name=_("components (scope)"),
        blank=True,
        related_name="+",
        help_text=_("For a component lead: the components whose activities they keep."),
    )
    totp_secret = models.CharField(_("authenticator secret"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("two-factor sign-in since"), null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0, editable=False)
    # Secrets (password hash, authenticator secret) stay out of the trail; the last login and
    # the last code used change at every login and are in the security log already.
    history = audited(
        excluded_fields=["password", "last_login", "totp_secret", "totp_last_step"],
        m2m_fields=[countries, components],
    )

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # An administrator may do everything in the admin, as a superuser may.
        if self.is_active and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_module_perms(app_label)

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)


class AuditEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    LOCKOUT = "lockout", _("Account locked")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    ERASURE = "erasure", _("Personal data erased")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor sign-in set up")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong authenticator code")
    BACKUP = "backup", _("Backup")
    RESTORE = "restore", _("Restore")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")


class AuditEvent(models.Model):
    """A security-relevant event that is not a change of a record: logins, exports, imports.

    Append-only: the product creates these rows and never changes or deletes them.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=AuditEventKind.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(
        _("user name given"),
        max_length=150,
        blank=True,
        help_text=_("As typed, for failed logins."),
    )
    ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["kind", "at"], name="audit_kind_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"
