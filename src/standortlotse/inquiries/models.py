"""Inquiries from visitors, routed to the responsible organisation and answered in its inbox."""

import builtins
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts.models import Organisation
from standortlotse.core.fields import EmailAddressField
from standortlotse.core.validators import TEXT, TEXT_LINE
from standortlotse.geo.models import Region
from standortlotse.guides.models import Topic


class Status(models.TextChoices):
    NEW = "new", _("new")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class RoutingRule(models.Model):
    """Sends inquiries of a topic (or all topics) in a region to an organisation."""

    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("region"),
        help_text=_("Empty: all regions."),
    )
    topic = models.CharField(
        _("topic"),
        max_length=20,
        choices=Topic.choices,
        blank=True,
        help_text=_("Empty: all topics."),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return f"{self.region or '*'} / {self.topic or '*'} → {self.organisation}"


class RetentionPolicy(models.Model):
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="retention")
    months_after_closing = models.PositiveIntegerField(
        _("keep personal data for (months after closing)"), default=12
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return str(self.region)


class Inquiry(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150, validators=TEXT_LINE)
    organisation_name = models.CharField(
        _("company or organisation"), max_length=200, blank=True, validators=TEXT_LINE
    )
    email = EmailAddressField(_("email"))
    phone = models.CharField(_("phone (optional)"), max_length=50, blank=True, validators=TEXT_LINE)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    message = models.TextField(_("message"), validators=TEXT)
    language = models.CharField(max_length=8, default="de")
    # What the inquiry is about (any may be empty: the general contact form).
    property = models.ForeignKey(
        "properties.Property",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    page_url = models.CharField(max_length=300, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("recipient"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_inquiries",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self):
        return f"#{self.pk} {self.get_topic_display()}"

    @builtins.property  # the class has a field named "property"
    def reference(self) -> str:
        """The number the inquirer quotes: ANF-<year received>-<id, six digits>."""
        year = timezone.localtime(self.created_at or timezone.now()).year
        return f"ANF-{year}-{self.pk:06d}" if self.pk else ""

    def subject_title(self) -> str:
        if self.property_id:
            return self.property.title
        if self.place_id:
            return self.place.name
        return str(self.get_topic_display())


class Note(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("internal note")
        ANSWER = "answer", _("answer sent")
        EVENT = "event", _("event")

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(validators=TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"#{self.inquiry_id} {self.get_kind_display()}"
