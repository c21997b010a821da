"""Search alerts: a search saved with an email address, no account needed.

Double opt-in: an alert sends nothing until the link in the confirmation mail was used; every
alert mail carries an unsubscribe link. Tokens are random and single-purpose.
"""

import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.core.fields import EmailAddressField

CONFIRM_DAYS = 7


def _token():
    return secrets.token_urlsafe(32)


class SearchAlert(models.Model):
    email = EmailAddressField(_("email"))
    query = models.CharField(_("search"), max_length=2000, help_text=_("query parameters"))
    language = models.CharField(max_length=8, default="de")
    confirm_token = models.CharField(max_length=64, unique=True, default=_token)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search alert")
        verbose_name_plural = _("search alerts")
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at"])]

    def __str__(self):
        return f"{_('Search alert')} {self.pk}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def confirm_expired(self) -> bool:
        return timezone.now() > self.created_at + timedelta(days=CONFIRM_DAYS)


class SearchAlertSent(models.Model):
    """Which property was already announced for which alert (no repeats)."""

    alert = models.ForeignKey(SearchAlert, on_delete=models.CASCADE, related_name="sent")
    property = models.ForeignKey("properties.Property", on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("alert", "property")]

    def __str__(self):
        return f"alert {self.alert_id} → property {self.property_id}"
