"""Investor service: search profiles (what an investor needs) and cases (Ansiedlungsprojekte)."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts.models import Organisation
from standortlotse.core.fields import EmailAddressField
from standortlotse.core.validators import TEXT, TEXT_LINE
from standortlotse.geo.models import District

# How long the link to a profile's results works (docs: SearchProfile.results_valid_until).
RESULTS_VALID_DAYS = 90


class SearchProfile(models.Model):
    """An investor's requirements. Must-haves filter, nice-to-haves (weights 0–5) rank."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    area_min_m2 = models.PositiveIntegerField(_("area at least (m²)"), null=True, blank=True)
    area_max_m2 = models.PositiveIntegerField(_("area at most (m²)"), null=True, blank=True)
    zoning = models.JSONField(_("zoning"), default=list, blank=True)
    available_by = models.DateField(_("available by"), null=True, blank=True)
    price_max = models.DecimalField(
        _("price at most (€/m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    motorway_km_max = models.DecimalField(
        _("motorway junction within (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    districts = models.ManyToManyField(District, blank=True, verbose_name=_("preferred districts"))
    # must-haves
    need_rail_siding = models.BooleanField(_("railway siding required"), default=False)
    need_electricity_mw = models.DecimalField(
        _("electric power at least (MW)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    need_broadband_mbits = models.PositiveIntegerField(
        _("broadband at least (Mbit/s)"), null=True, blank=True
    )
    need_operation_24_7 = models.BooleanField(_("24/7 operation required"), default=False)
    # Explained, not filtered (few records state it): the matching says how the property's
    # grid connection and its planned upgrade compare (matching.grid_text).
    need_grid_kva = models.PositiveIntegerField(
        _("grid connection needed (kVA)"),
        null=True,
        blank=True,
        help_text=_("e.g. 2000 for 2 MVA; the results say how each property's grid compares."),
    )
    # nice-to-haves: {"rail_siding": 3, "funding_area": 5, ...}
    weights = models.JSONField(_("nice-to-haves"), default=dict, blank=True)

    # The investor's language: the results link and the alerts are mailed in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="de")
    email = EmailAddressField(_("email for alerts"), blank=True)
    alerts = models.BooleanField(_("send me new matching properties"), default=False)
    # Double opt-in: alerts go out only once the address's owner has confirmed them through
    # the link in the results mail (cases.services.confirm_alerts).
    alerts_confirmed_at = models.DateTimeField(_("alerts confirmed"), null=True, blank=True)
    unsubscribe_token = models.CharField(max_length=64, default=secrets.token_urlsafe, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("search profile")
        verbose_name_plural = _("search profiles")

    def __str__(self):
        return f"{_('Search profile')} {self.uid}"

    def get_absolute_url(self):
        return reverse("cases:profile_results", args=[self.uid])

    def results_valid_until(self):
        """The results link (its token is the random ``uid``) works for RESULTS_VALID_DAYS after
        the profile was made; while alerts are on (their mails link to it), for as long as they
        are on."""
        if self.alerts:
            return None
        return self.created_at + timedelta(days=RESULTS_VALID_DAYS)

    def results_expired(self, now=None) -> bool:
        until = self.results_valid_until()
        return until is not None and (now or timezone.now()) > until


class AlertSent(models.Model):
    """Which property was already announced to which profile (no repeats)."""

    profile = models.ForeignKey(SearchProfile, on_delete=models.CASCADE, related_name="alerts_sent")
    property = models.ForeignKey("properties.Property", on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("profile", "property")]

    def __str__(self):
        return f"profile {self.profile_id} → property {self.property_id}"


class Stage(models.TextChoices):
    LEAD = "lead", _("lead")
    QUALIFIED = "qualified", _("qualified")
    OFFERED = "offered", _("properties offered")
    SITE_VISIT = "site_visit", _("site visit")
    DECISION = "decision", _("decision pending")
    SETTLED = "settled", _("settled")
    LOST = "lost", _("lost")


class Source(models.TextChoices):
    INQUIRY = "inquiry", _("inquiry")
    PROFILE = "profile", _("search profile on the website")
    FAIR = "fair", _("fair")
    STATE_AGENCY = "state_agency", _("state agency")
    PARTNER = "partner", _("partner")


class Case(models.Model):
    company = models.CharField(_("company"), max_length=200, validators=TEXT_LINE)
    sector = models.CharField(_("sector"), max_length=150, blank=True, validators=TEXT_LINE)
    description = models.TextField(_("project description"), blank=True, validators=TEXT)
    jobs_planned = models.PositiveIntegerField(_("jobs planned"), null=True, blank=True)
    investment_eur = models.PositiveBigIntegerField(
        _("investment volume (€)"), null=True, blank=True
    )
    contact_name = models.CharField(
        _("contact person"), max_length=150, blank=True, validators=TEXT_LINE
    )
    contact_email = EmailAddressField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=50, blank=True, validators=TEXT_LINE
    )
    profile = models.ForeignKey(
        SearchProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("space needs"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.INQUIRY
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Hides the company name from organisations it is shared with."),
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("owning organisation"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    lost_reason = models.CharField(
        _("reason for loss"), max_length=300, blank=True, validators=TEXT_LINE
    )
    offered_properties = models.ManyToManyField(
        "properties.Property", blank=True, verbose_name=_("offered properties")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    stage_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("investor case")
        verbose_name_plural = _("investor cases")

    def __str__(self):
        return f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])


class CaseShare(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    company_disclosed = models.BooleanField(_("company name disclosed"), default=False)
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("case", "organisation")]

    def __str__(self):
        return f"#{self.case_id} → organisation {self.organisation_id}"


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200, validators=TEXT_LINE)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["done", "due_on", "pk"]

    def __str__(self):
        return self.title


class Activity(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(validators=TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        when = f" {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}" if self.created_at else ""
        return f"#{self.case_id}{when}"


# --- site offers (Standortangebot) ----------------------------------------------------------------

# How long an offer's private link works unless staff set another date.
OFFER_VALID_DAYS = 60


def offer_token() -> str:
    return secrets.token_urlsafe(32)


def hash_offer_token(token: str) -> str:
    """The offer is looked up by the SHA-256 of its token (a lookup by the token itself would
    compare it in the database, not in constant time); ``Offer.matches`` compares in constant
    time."""
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def default_offer_expiry():
    return timezone.localdate() + timedelta(days=OFFER_VALID_DAYS)


class Verdict(models.TextChoices):
    INTERESTING = "interesting", _("interesting")
    NOT_INTERESTING = "not_interesting", _("not interesting")


class Offer(models.Model):
    """A private proposal of properties to the investor of a case, opened through a random link
    (``/angebot/<token>/``) that expires and can be revoked."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offers")
    language = models.CharField(
        _("language of the investor"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    note = models.TextField(_("note to the investor"), blank=True, validators=TEXT)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact person"),
    )
    # Kept so that staff can copy the link again; looked up by its hash (see hash_offer_token).
    token = models.CharField(max_length=64, default=offer_token, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_on = models.DateField(_("valid until"), default=default_offer_expiry)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("site offer")
        verbose_name_plural = _("site offers")

    def __str__(self):
        return f"#{self.case_id}/{self.pk}"

    def save(self, *args, **kwargs):
        self.token_hash = hash_offer_token(self.token)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:offer_manage", args=[self.case_id, self.pk])

    def matches(self, token: str) -> bool:
        import hmac

        return hmac.compare_digest(self.token.encode(), token.encode())

    def expired(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.expires_on

    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired()


class OfferItem(models.Model):
    """One property of an offer, in the order staff chose, with their note and the investor's
    answer."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="items")
    property = models.ForeignKey("properties.Property", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("note on this property"), blank=True, validators=TEXT)
    verdict = models.CharField(_("answer"), max_length=20, choices=Verdict.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True, validators=TEXT)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        unique_together = [("offer", "property")]

    def __str__(self):
        return f"{self.offer} · {self.property_id}"


class OfferQuestion(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"), validators=TEXT)
    asked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"{self.offer} · {self.asked_at:%Y-%m-%d}"
