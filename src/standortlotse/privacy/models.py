"""The record that an erasure happened: when, by whom, how many records of each kind. It holds
no personal data of the person erased (only a keyed hash of the address, see services)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureRecord(models.Model):
    class Via(models.TextChoices):
        BACK_OFFICE = "back_office", _("back office")
        COMMAND = "command", _("management command")

    erased_at = models.DateTimeField(_("erased at"), default=timezone.now, db_index=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erased by"),
    )
    via = models.CharField(_("how"), max_length=20, choices=Via.choices, default=Via.BACK_OFFICE)
    # HMAC of the lower-case address with the site's secret key: answers "was this address
    # erased?" for whoever can compute it, reveals nothing to anyone reading the table.
    address_hash = models.CharField(max_length=64, db_index=True)
    counts = models.JSONField(_("records"), default=dict)  # kind -> {"deleted": n, "anonymised": n}
    remaining = models.PositiveIntegerField(_("occurrences left"), default=0)

    class Meta:
        ordering = ["-erased_at", "-pk"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")

    def __str__(self):
        return f"#{self.pk} {self.erased_at:%Y-%m-%d}"
