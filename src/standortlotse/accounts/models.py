"""Organisations and their members' roles. What a role may do is decided in accounts.policy."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.core.fields import EmailAddressField, WebURLField
from standortlotse.core.validators import TEXT_LINE
from standortlotse.geo.models import District, Municipality, Region


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipal administration")
        ECONOMIC_DEVELOPMENT = "economic_development", _("district economic development office")
        REGIONAL_MARKETING = "regional_marketing", _("regional marketing association")
        CHAMBER = "chamber", _("chamber")
        STATE_AGENCY = "state_agency", _("state agency")
        NETWORK_PARTNER = "network_partner", _("network partner")

    name = models.CharField(_("name"), max_length=200, validators=TEXT_LINE)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("district"),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("region"),
    )
    email = EmailAddressField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=TEXT_LINE)
    website = WebURLField(_("website"), blank=True)
    language = models.CharField(
        _("language of mails to the organisation's address"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="de",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @classmethod
    def state_agency(cls) -> "Organisation | None":
        """The state agency (the first created, should there be several), or None."""
        return cls.objects.filter(kind=cls.Kind.STATE_AGENCY).order_by("pk").first()


class Membership(models.Model):
    class Role(models.TextChoices):
        MUNICIPAL_EDITOR = "municipal_editor", _("municipal editor")
        REGIONAL_MODERATOR = "regional_moderator", _("regional moderator")
        STATE_ADMIN = "state_admin", _("state administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        unique_together = [("user", "organisation", "role")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def clean(self):
        org = self.organisation
        if self.role == self.Role.MUNICIPAL_EDITOR and not org.municipality_id:
            raise ValidationError(
                _("A municipal editor needs an organisation with a municipality.")
            )
        if self.role == self.Role.REGIONAL_MODERATOR and not org.region_id:
            raise ValidationError(_("A regional moderator needs an organisation with a region."))


class StaffPreference(models.Model):
    """A staff member's own settings: the language of the mails they get (notifications about
    new cases and inquiries), whatever language the visitor used, and whether notifications
    come one by one or collected into a daily summary (accounts/digests.py)."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("each notification at once")
        DAILY = "daily", _("one summary a day")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_preference"
    )
    language = models.CharField(
        _("language of my mails"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    delivery = models.CharField(
        _("how my notifications come"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self):
        return f"{self.user} ({self.language})"


class DigestItem(models.Model):
    """A staff notification held for the daily summary of a user who chose one
    (StaffPreference.delivery), rendered when it happened in the user's language. Deleted once
    the summary is queued (accounts/digests.py), so it lives a day at most, as long as a mail
    waiting in the task queue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_items"
    )
    template = models.CharField(max_length=100)  # which notification ("places/email/…")
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification for the daily summary")
        verbose_name_plural = _("notifications for the daily summary")

    def __str__(self):
        return f"{self.user} – {self.subject}"
