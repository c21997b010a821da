"""Guides for people (Lotse), the directory of contact persons, and events.

All three belong to a marketing region and are edited by its regional moderators (and state
administrators) in the back office. Texts are DE/EN; guide bodies are Markdown, rendered and
sanitised on save (``body_html_de``/``_en``).
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.core.fields import EmailAddressField, WebURLField
from standortlotse.core.textsearch import SearchTextField, index_words
from standortlotse.core.uploads import PhotoField
from standortlotse.core.validators import TEXT, TEXT_LINE
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.guides.rendering import markdown_html


class Topic(models.TextChoices):
    """What a visitor asks about (an inquiry's topic) and what a directory contact answers; the
    inquiries app routes by it."""

    PROPERTY = "property", _("property or site")
    INVESTMENT = "investment", _("investment and settlement")
    FOUNDING = "founding", _("founding a business")
    WORK = "work", _("work and skilled workers")
    HOUSING = "housing", _("housing and building")
    LIFE = "life", _("life in the region")
    PLACE = "place", _("creative place")
    OTHER = "other", _("other")


class Audience(models.TextChoices):
    RETURNER = "returner", _("I am coming back")
    NEWCOMER = "newcomer", _("I am moving here")
    STAYER = "stayer", _("I am staying")
    FOUNDER = "founder", _("I am founding a business")
    INVESTOR = "investor", _("I am investing")


class Theme(models.TextChoices):
    WORK = "work", _("Work")
    HOUSING = "housing", _("Housing")
    LIFE = "life", _("Life")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class PublishedManager(models.Manager):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


def _text(obj, name, language):
    value_en = getattr(obj, f"{name}_en", "")
    if language.startswith("en") and value_en:
        return value_en
    return getattr(obj, f"{name}_de", "") or value_en


class Contact(models.Model):
    """A contact person of a network partner: who helps with what, where."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("region")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="directory_entries",
        verbose_name=_("organisation"),
        help_text=_("Inquiries to this contact reach this organisation."),
    )
    person = models.CharField(_("contact person"), max_length=150, blank=True, validators=TEXT_LINE)
    role_de = models.CharField(_("role (German)"), max_length=150, blank=True, validators=TEXT_LINE)
    role_en = models.CharField(
        _("role (English)"), max_length=150, blank=True, validators=TEXT_LINE
    )
    email = EmailAddressField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=TEXT_LINE)
    website = WebURLField(_("website"), blank=True)
    topics = models.JSONField(
        _("topics"), default=list, help_text=_("Inquiry topics this contact answers.")
    )
    audiences = models.JSONField(_("target groups"), default=list, blank=True)
    districts = models.ManyToManyField(District, blank=True, verbose_name=_("districts served"))
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        verbose_name=_("municipalities served"),
        help_text=_("Empty together with the districts: the whole region."),
    )
    description_de = models.TextField(_("description (German)"), blank=True, validators=TEXT)
    description_en = models.TextField(_("description (English)"), blank=True, validators=TEXT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    updated_at = models.DateTimeField(auto_now=True)
    search_text = SearchTextField()

    objects = PublishedManager()

    class Meta:
        ordering = ["organisation__name", "person"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.person} ({self.organisation})" if self.person else str(self.organisation)

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guides:contacts") + f"#kontakt-{self.pk}"

    def role(self, language):
        return _text(self, "role", language)

    def description(self, language):
        return _text(self, "description", language)

    def build_search_text(self):
        return index_words(
            self.person,
            self.organisation.name,
            self.role_de,
            self.role_en,
            self.description_de,
            self.description_en,
            " ".join(self.topics),
        )


class Guide(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="guides", verbose_name=_("region")
    )
    slug = models.SlugField(_("address (slug)"), max_length=120)
    theme = models.CharField(_("theme"), max_length=10, choices=Theme.choices)
    audiences = models.JSONField(_("target groups"), default=list)
    title_de = models.CharField(_("title (German)"), max_length=200, validators=TEXT_LINE)
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, validators=TEXT_LINE
    )
    summary_de = models.CharField(
        _("summary (German)"), max_length=300, blank=True, validators=TEXT_LINE
    )
    summary_en = models.CharField(
        _("summary (English)"), max_length=300, blank=True, validators=TEXT_LINE
    )
    body_de = models.TextField(
        _("text (German)"),
        help_text=_("Markdown: ## heading, **bold**, - list, [link](https://…)."),
        validators=TEXT,
    )
    body_en = models.TextField(_("text (English)"), blank=True, validators=TEXT)
    body_html_de = models.TextField(editable=False, default="")
    body_html_en = models.TextField(editable=False, default="")
    image = PhotoField(_("image"), folder="guides/%Y/", blank=True)
    image_alt = models.CharField(
        _("alternative text of the image"), max_length=250, blank=True, validators=TEXT_LINE
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guides",
        verbose_name=_("responsible contact"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    updated_at = models.DateTimeField(auto_now=True)
    search_text = SearchTextField()

    objects = PublishedManager()

    class Meta:
        ordering = ["theme", "title_de"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="guide_slug_per_region")
        ]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self):
        return self.title_de

    def save(self, *args, **kwargs):
        self.body_html_de = markdown_html(self.body_de)
        self.body_html_en = markdown_html(self.body_en)
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guides:guide", args=[self.region.slug, self.slug])

    def title(self, language):
        return _text(self, "title", language)

    def summary(self, language):
        return _text(self, "summary", language)

    def body_html(self, language):
        if language.startswith("en") and self.body_html_en:
            return self.body_html_en
        return self.body_html_de

    def build_search_text(self):
        return index_words(
            self.title_de,
            self.title_en,
            self.summary_de,
            self.summary_en,
            self.body_de,
            self.body_en,
        )


class Event(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="events", verbose_name=_("region")
    )
    title_de = models.CharField(_("title (German)"), max_length=200, validators=TEXT_LINE)
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, validators=TEXT_LINE
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(
        _("location"), max_length=250, help_text=_("Address or place name."), validators=TEXT_LINE
    )
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("municipality"),
    )
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("creative place"),
        help_text=_("For open days at a place."),
    )
    description_de = models.TextField(_("description (German)"), blank=True, validators=TEXT)
    description_en = models.TextField(_("description (English)"), blank=True, validators=TEXT)
    organiser = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("organiser")
    )
    url = WebURLField(_("further information"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = SearchTextField()

    objects = PublishedManager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title_de

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guides:event", args=[self.pk])

    def title(self, language):
        return _text(self, "title", language)

    def description(self, language):
        return _text(self, "description", language)

    def build_search_text(self):
        return index_words(
            self.title_de,
            self.title_en,
            self.location,
            self.description_de,
            self.description_en,
            self.municipality.name if self.municipality_id else "",
        )
