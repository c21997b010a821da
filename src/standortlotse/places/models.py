"""Creative and future places (Kreativorte / Zukunftsorte), their review log and owner links."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.core import collation
from standortlotse.core.fields import EmailAddressField, WebURLField
from standortlotse.core.images import Photo
from standortlotse.core.links import PrivateLink
from standortlotse.core.privatestorage import private_storage
from standortlotse.core.sanitize import clean_html
from standortlotse.core.textsearch import SearchTextField, index_words
from standortlotse.core.uploads import PhotoField
from standortlotse.core.validators import POINT_OUTSIDE_GERMANY, TEXT, TEXT_LINE, point_in_germany
from standortlotse.geo.models import Municipality, Region


class Field(models.TextChoices):
    HOUSING = "housing", _("Housing/Building")
    WORK = "work", _("Work/Economy")
    LIFE = "life", _("Life/Tourism")


def place_search_text(place, municipality_name: str) -> str:
    import nh3

    story = nh3.clean(place.story or "", tags=set())
    story_en = nh3.clean(place.story_en or "", tags=set())
    return index_words(
        place.name, place.pitch, place.pitch_en, place.tags, municipality_name, story, story_en
    )


class PlaceType(models.TextChoices):
    COWORKING = "coworking", _("coworking")
    COLIVING = "coliving", _("co-living")
    CREATIVE_HUB = "creative_hub", _("creative hub")
    MAKER_SPACE = "maker_space", _("maker space")
    CULTURE = "culture", _("culture")
    VILLAGE_SHOP = "village_shop", _("village shop/meeting place")
    FOUNDERS_HUB = "founders_hub", _("founders' hub")
    WORK_FROM_COUNTRY = "work_from_country", _("holiday/work from the country")
    OTHER = "other", _("other")


class Offer(models.TextChoices):
    DESKS = "desks", _("desks to rent")
    TRIAL_LIVING = "trial_living", _("trial living")
    EVENTS = "events", _("events")
    ROOMS = "rooms", _("rooms to rent")
    RESIDENCIES = "residencies", _("residencies")
    WORKSHOP = "workshop", _("workshop and tools")
    CAFE = "cafe", _("café/meeting point")
    ADVICE = "advice", _("advice and networking")


ATTRIBUTE_GROUPS = {"field": Field, "type": PlaceType, "offer": Offer}


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    IN_REVIEW = "in_review", _("in review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


class PlaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Place(models.Model):
    uid = models.UUIDField(_("stable ID"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150, validators=TEXT_LINE)
    pitch = models.CharField(_("short pitch"), max_length=200, validators=TEXT_LINE)
    story = models.TextField(_("story"), blank=True, validators=TEXT)
    # Optional English versions, shown under /en/ where written (the place's own language is
    # whatever its owner writes in: pitch and story above).
    pitch_en = models.CharField(
        _("short pitch (English)"), max_length=200, blank=True, validators=TEXT_LINE
    )
    story_en = models.TextField(_("story (English)"), blank=True, validators=TEXT)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="places", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("municipality"),
    )
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    street = models.CharField(
        _("street and number"), max_length=200, blank=True, validators=TEXT_LINE
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, validators=TEXT_LINE)
    locality = models.CharField(_("locality"), max_length=150, blank=True, validators=TEXT_LINE)
    opening_info = models.CharField(
        _("opening info"), max_length=300, blank=True, validators=TEXT_LINE
    )
    website = WebURLField(_("website"), blank=True)
    social_links = models.TextField(
        _("social media links"), blank=True, help_text=_("One address per line."), validators=TEXT
    )
    contact_name = models.CharField(
        _("public contact person"), max_length=150, blank=True, validators=TEXT_LINE
    )
    contact_email = EmailAddressField(_("public contact email"), blank=True)
    contact_phone = models.CharField(
        _("public contact phone"), max_length=50, blank=True, validators=TEXT_LINE
    )
    # Required in the forms (PlaceForm); blank only for a place imported from a partner whose
    # record names no contact address: it has no owner here, it is maintained at the partner.
    owner_name = models.CharField(_("your name"), max_length=150, blank=True, validators=TEXT_LINE)
    owner_email = EmailAddressField(_("your email (not published)"), blank=True)
    owner_phone = models.CharField(
        _("your phone (not published)"), max_length=50, blank=True, validators=TEXT_LINE
    )
    # The language the submitter used (set on submission, and again whenever the owner acts on
    # the private link): every mail to the submitter/owner is written in it (services.py).
    owner_language = models.CharField(
        _("language of the mails to the owner"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="de",
    )
    former_use = models.CharField(
        _("former use of the building"),
        max_length=200,
        blank=True,
        validators=TEXT_LINE,
        help_text=_("If the place reactivates a vacant building: what was it before?"),
    )
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, validators=TEXT_LINE
    )
    accessibility = models.TextField(_("accessibility notes"), blank=True, validators=TEXT)
    tags = models.CharField(
        _("tags"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas."),
        validators=TEXT_LINE,
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    owner_trusted = models.BooleanField(
        _("owner is trusted"),
        default=False,
        help_text=_("Updates by the owner are published without review."),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    unconfirmed = models.BooleanField(_("not confirmed by the owner"), default=False)
    licence = models.CharField(
        _("licence"), max_length=50, default="CC-BY-4.0", validators=TEXT_LINE
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("Partner feed the place was imported from."),
        validators=TEXT_LINE,
    )
    external_id = models.CharField(
        _("external ID"), max_length=100, blank=True, db_index=True, validators=TEXT_LINE
    )
    import_hash = models.CharField(max_length=64, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Normalised words for the full-text search (core.textsearch), set on save.
    search_text = SearchTextField()
    # The name in German dictionary order (core.collation: "Ä" as "A", capitals like small
    # letters), so lists sort and page the same on SQLite and on any PostgreSQL locale.
    sort_name = models.CharField(max_length=250, blank=True, default="", editable=False)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            models.Index(fields=["status", "lat", "lon"]),
            # Lists and the one search order places by name: a page without sorting every match.
            models.Index(fields=["status", "name", "id"], name="place_status_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The story is shown as HTML: whatever wrote it (form, import, admin), only the allow-list stays.
        self.story = clean_html(self.story)
        self.story_en = clean_html(self.story_en)
        self.search_text = place_search_text(
            self, self.municipality.name if self.municipality_id else ""
        )
        self.sort_name = collation.sort_key(self.name)[0][:250]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("places:detail", args=[self.pk])

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED

    # --- Record rules: the forms and the admin meet them through clean() (ModelForm._post_clean),
    # the partner feed import through record_errors() for each incoming record.

    def record_errors(self) -> dict[str, list]:
        """Field → messages for every record rule the values break (empty when none)."""
        errors: dict[str, list] = {}
        if (
            self.lat is not None
            and self.lon is not None
            and not point_in_germany(self.lat, self.lon)
        ):
            errors.setdefault("lat", []).append(POINT_OUTSIDE_GERMANY)
        return errors

    def clean(self):
        super().clean()
        errors = self.record_errors()
        if errors:
            raise ValidationError(errors)

    def values_of(self, group: str) -> list[str]:
        cached = getattr(self, "_prefetched_objects_cache", {}).get("attributes")
        attrs = cached if cached is not None else self.attributes.all()
        return sorted(a.value for a in attrs if a.group == group)

    def labels_of(self, group: str) -> list[str]:
        choices = dict(ATTRIBUTE_GROUPS[group].choices)
        return [str(choices.get(v, v)) for v in self.values_of(group)]

    # Template-friendly shortcuts (templates cannot pass arguments).
    @property
    def field_labels(self):
        return self.labels_of("field")

    @property
    def type_labels(self):
        return self.labels_of("type")

    @property
    def offer_labels(self):
        return self.labels_of("offer")

    def set_values(self, group: str, values) -> None:
        wanted = set(values)
        self.attributes.filter(group=group).exclude(value__in=wanted).delete()
        have = set(self.attributes.filter(group=group).values_list("value", flat=True))
        PlaceAttribute.objects.bulk_create(
            [PlaceAttribute(place=self, group=group, value=v) for v in sorted(wanted - have)]
        )
        getattr(self, "_prefetched_objects_cache", {}).pop("attributes", None)

    @property
    def has_owner_address(self) -> bool:
        """Whether private links and owner mails can go anywhere (an imported place whose
        partner record names no contact address has no owner here)."""
        return bool(self.owner_email)

    def new_owner_token(self) -> str:
        """Issue one more private owner link (the place must be saved); earlier links stay valid."""
        return OwnerLink.issue(place=self, valid_days=settings.PLACE_LINK_VALID_DAYS)

    def social_link_list(self) -> list[str]:
        return [line.strip() for line in self.social_links.splitlines() if line.strip()]

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class OwnerLink(PrivateLink):
    """One private link of a place's submitter/owner (core/links.py): one per mail that carries it."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="owner_links")


class PlaceAttribute(models.Model):
    """One field, type or offer of a place (kept as rows so filters work on every database)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="attributes")
    group = models.CharField(max_length=10, choices=[(g, g) for g in ATTRIBUTE_GROUPS])
    value = models.CharField(max_length=30)

    class Meta:
        unique_together = [("place", "group", "value")]
        indexes = [models.Index(fields=["group", "value"])]

    def __str__(self):
        return f"{self.group}: {self.value}"


class PlacePhoto(Photo):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    image = PhotoField(_("photo"), folder="places/photos/%Y/")


class Transition(models.Model):
    """The review log: every change of status or content, with who and when. ``kind`` says what
    happened (read as a sentence in the reader's language, places/log.py), ``details`` what it
    needs for that (e.g. the fields of an update that were accepted), ``message`` only what a
    person wrote: a moderator to the submitter, the owner's reply."""

    class Kind(models.TextChoices):
        LEGACY = "", _("entry of the older log")  # written before kinds: message as stored
        STATUS = "status", _("review decision")
        SUBMITTED = "submitted", _("submission")
        OWNER_EDIT = "owner_edit", _("edited by the owner")
        UPDATE_PROPOSED = "update_proposed", _("update proposed")
        UPDATE_DECIDED = "update_decided", _("update decided")
        QUESTION = "question", _("question to the owner")
        REPLY = "reply", _("reply of the owner")
        TRUST = "trust", _("trust in the owner")
        NEW_LINK = "new_link", _("new private link")
        FRESH_LINK = "fresh_link", _("fresh private link")
        CONFIRMED = "confirmed", _("confirmed by the owner")
        CONFIRM_REQUESTED = "confirm_requested", _("confirmation requested")
        FLAGGED = "flagged", _("flagged as not confirmed")
        IMPORTED = "imported", _("import")
        CONFLICT_RESOLVED = "conflict_resolved", _("import conflict resolved")
        DEMO = "demo", _("demo record")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(
        max_length=50, blank=True
    )  # "submitter", "owner", "system", "import", "demo data" (never shown as such: log.py)
    kind = models.CharField(max_length=30, blank=True, default="", choices=Kind.choices)
    details = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, validators=TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.from_status or '–'} → {self.to_status}"


class PendingUpdate(models.Model):
    """An owner's proposed change to a published place, waiting for review."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="pending_updates")
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"place {self.place_id}, {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


def held_photo_storage():
    """Held photos are not public: they live with the import files, outside the media storage."""
    return private_storage()


class HeldPhoto(models.Model):
    """A photo of an owner's pending update: outside the public media until a moderator accepts
    the update (then it becomes a PlacePhoto) or declines it (then the file is deleted)."""

    update = models.ForeignKey(PendingUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), storage=held_photo_storage, upload_to="places/held/%Y/")
    alt_text = models.CharField(_("alternative text"), max_length=250, validators=TEXT_LINE)
    credit = models.CharField(_("photo credit"), max_length=150, blank=True, validators=TEXT_LINE)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.image.name or self.alt_text


class ImportConflict(models.Model):
    """An incoming partner record that would overwrite a local edit: a moderator decides."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="import_conflicts")
    source = models.CharField(max_length=100, validators=TEXT_LINE)
    data = models.JSONField()
    # The partner's version of the record (KvM's `version`, GoGoCarto's `updatedAt`), if any:
    # the same version of the same place waits for review once, however often the feed runs.
    version = models.CharField(max_length=50, blank=True, validators=TEXT_LINE)
    created_at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.source} → place {self.place_id}"


class FeedFormat(models.TextChoices):
    AUTO = "auto", _("detect from the content")
    STANDORTLOTSE = "standortlotse", _("our open feed (JSON, GeoJSON, CSV template)")
    KVM = "kvm", _("Karte von morgen (OpenFairDB entries, JSON)")
    KVM_CSV = "kvm_csv", _("Karte von morgen (CSV export)")
    GOGOCARTO = "gogocarto", _("GoGoCarto export (JSON)")
    GOGOCARTO_CSV = "gogocarto_csv", _("GoGoCarto export (CSV)")
    JSONLD = "jsonld", _("schema.org Place/LocalBusiness (JSON-LD)")


class PartnerFeed(models.Model):
    """A partner map whose places we take in: its format, where to pull it from, which region
    its places belong to, and how its categories and tags map to our fields, types and offers
    (places/partners.py; an empty mapping means the defaults of the format)."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        validators=TEXT_LINE,
        help_text=_("Also the source of the imported places: they are matched by it and their ID."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=FeedFormat.choices, default=FeedFormat.AUTO
    )
    url = WebURLField(
        _("feed address"),
        blank=True,
        help_text=_("If given, the feed is fetched on schedule (manage.py pull_partner_feeds)."),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="partner_feeds", verbose_name=_("region")
    )
    mapping = models.JSONField(
        _("mapping of categories and tags"),
        default=dict,
        blank=True,
        help_text=_(
            'JSON: {"categories": {"partner category": {"fields": [...], "types": [...], '
            '"offers": [...], "tags": [...]}}, "tags": {...}, "default": {"fields": [...]}}. '
            "Empty: the defaults of the format."
        ),
    )
    active = models.BooleanField(_("pull on schedule"), default=True)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner feed")
        verbose_name_plural = _("partner feeds")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from standortlotse.places.partners import mapping_errors

        errors = mapping_errors(self.mapping)
        if errors:
            raise ValidationError({"mapping": errors})


class FeedRun(models.Model):
    """One pull or upload of a partner feed: when, the HTTP answer, and what it changed."""

    feed = models.ForeignKey(PartnerFeed, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    conflicts = models.PositiveIntegerField(_("conflicts"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    message = models.TextField(_("message"), blank=True, validators=TEXT)
    unmapped_categories = models.JSONField(
        _("categories without mapping"),
        default=list,
        blank=True,
        help_text=_(
            "The partner's categories this run found no mapping for (offered in the form)."
        ),
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("feed run")
        verbose_name_plural = _("feed runs")

    def __str__(self):
        return f"{self.feed} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class RegionSettings(models.Model):
    """Per-region texts and rules of the places portal."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="place_settings")
    intro_de = models.TextField(_("portal introduction (German)"), blank=True, validators=TEXT)
    intro_en = models.TextField(_("portal introduction (English)"), blank=True, validators=TEXT)
    criteria_de = models.TextField(_("editorial criteria (German)"), blank=True, validators=TEXT)
    criteria_en = models.TextField(_("editorial criteria (English)"), blank=True, validators=TEXT)
    moderator_email = EmailAddressField(_("moderation email"), blank=True)
    confirm_every_days = models.PositiveIntegerField(
        _("ask owners to confirm every (days)"), default=365
    )
    confirm_grace_days = models.PositiveIntegerField(
        _("flag as unconfirmed after (days)"), default=30
    )

    class Meta:
        verbose_name = _("region settings for places")
        verbose_name_plural = _("region settings for places")

    def __str__(self):
        return str(self.region)

    @classmethod
    def for_region(cls, region):
        return cls.objects.get_or_create(region=region)[0]

    def intro(self, language):
        return self.intro_en if language.startswith("en") and self.intro_en else self.intro_de

    def criteria(self, language):
        return (
            self.criteria_en if language.startswith("en") and self.criteria_en else self.criteria_de
        )
