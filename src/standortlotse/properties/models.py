"""The property register: commercial land, business parks, halls, offices, retail, Leerstand;
and housing for people (residential building plots, vacant houses), kept out of the investors'
commercial search (``Segment``)."""

from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from standortlotse.core.fields import ChoiceListField, EmailAddressField
from standortlotse.core.images import Photo
from standortlotse.core.links import PrivateLink
from standortlotse.core.textsearch import SearchTextField, index_words
from standortlotse.core.uploads import DocumentField, PhotoField
from standortlotse.core.validators import (
    POINT_OUTSIDE_GERMANY,
    TEXT,
    TEXT_LINE,
    point_in_germany,
    validate_geojson_polygon,
)
from standortlotse.geo.models import Municipality
from standortlotse.properties import facts, publication, readiness


class Kind(models.TextChoices):
    PLOT = "plot", _("commercial/industrial plot")
    BUSINESS_PARK = "business_park", _("business park with free plots")
    HALL = "hall", _("hall/warehouse")
    OFFICE = "office", _("office")
    RETAIL = "retail", _("retail")
    VACANT_BUILDING = "vacant_building", _("vacant building for reuse")
    BROWNFIELD = "brownfield", _("brownfield")
    # Housing (Segment.HOUSING): for returners and newcomers, not for the commercial search.
    BUILDING_PLOT = "building_plot", _("residential building plot")
    HOUSE = "house", _("vacant house for sale or rent")


class Segment(models.TextChoices):
    """Whom a record is for: investors (the commercial search, map, API list, OGC features,
    matching, statistics) or people looking for a home (the Wohnen overview of a municipality).
    Derived from the kind, never stored."""

    COMMERCIAL = "commercial", _("commercial")
    HOUSING = "housing", _("housing")


HOUSING_KINDS = (Kind.BUILDING_PLOT, Kind.HOUSE)
COMMERCIAL_KINDS = tuple(kind for kind in Kind if kind not in HOUSING_KINDS)


def segment_of(kind: str) -> str:
    return Segment.HOUSING if kind in HOUSING_KINDS else Segment.COMMERCIAL


class Zoning(models.TextChoices):
    # The order is the order of a record's zonings everywhere ("GE, GI", as plans write it).
    GE = "GE", _("GE – commercial zone")
    GI = "GI", _("GI – industrial zone")
    MI = "MI", _("MI – mixed zone")
    SO = "SO", _("SO – special zone")
    # For housing only (a record rule): building plots in a development area are mostly WA.
    WA = "WA", _("WA – general residential zone")
    NONE = "none", _("none")


# The zonings of the commercial search's filter (WA is for housing, which it never shows).
COMMERCIAL_ZONINGS = tuple(zoning for zoning in Zoning if zoning != Zoning.WA)


class PlanningStatus(models.TextChoices):
    BPLAN = "bplan", _("legally binding B-Plan")
    IN_PREPARATION = "in_preparation", _("B-Plan in preparation")
    SECTION_34 = "section_34", _("§34 BauGB (built-up area)")
    FNP_ONLY = "fnp_only", _("land use plan only")


class MarketingType(models.TextChoices):
    SALE = "sale", _("sale")
    LEASE = "lease", _("lease")
    HEREDITARY_LEASE = "hereditary_lease", _("hereditary lease")


class Availability(models.TextChoices):
    IMMEDIATELY = "immediately", _("immediately")
    FROM_DATE = "from_date", _("from date")
    RESERVED = "reserved", _("reserved")
    SOLD = "sold", _("sold")


class OwnerType(models.TextChoices):
    MUNICIPAL = "municipal", _("municipal")
    PRIVATE = "private", _("private")
    OTHER = "other", _("other")


class RailSiding(models.TextChoices):
    YES = "yes", _("yes")
    POSSIBLE = "possible", _("possible")
    NO = "no", _("no")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


def _km(label):
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("km"),
    )


def _nonneg(field_cls, label, help_text="", validators=(), **kwargs):
    return field_cls(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), *validators],
        help_text=help_text,
        **kwargs,
    )


def _readiness_status(label):
    return models.CharField(
        label,
        max_length=10,
        choices=readiness.ItemStatus.choices,
        default=readiness.ItemStatus.UNKNOWN,
    )


def _readiness_note(label):
    return models.CharField(label, max_length=250, blank=True, validators=TEXT_LINE)


# The largest plausible area of one record: 100 km² (the Altmark's largest industrial estates have
# a few hundred hectares). A larger number is a typing or unit slip, and says so instead of
# quoting the database's integer limit.
AREA_MAX_M2 = 100_000_000
AREA_VALIDATORS = [
    MaxValueValidator(
        AREA_MAX_M2,
        message=_(
            "At most 100,000,000 m² (100 km²) – please check the number and its unit (m² or ha)."
        ),
    )
]


# The owner-consent rule's messages: the first where the owner type makes a published record
# private (form, API, admin, import), the second where a private record is to be published.
CONSENT_MISSING_FOR_OWNER_TYPE = _(
    "A published plot can be privately owned only when its owner's consent to publication is "
    "recorded (Data maintenance → Owner consent). Record the consent first, or unpublish the "
    "record before changing the owner type."
)
CONSENT_MISSING_FOR_PUBLISHING = _(
    "This plot is privately owned: record the owner's consent to publication first "
    "(Data maintenance → Owner consent)."
)


AVAILABLE_EXCEEDS_TOTAL = _("The available area cannot exceed the total area.")
SMALLEST_EXCEEDS_AVAILABLE = _("The smallest plot cannot exceed the available area.")
PRICE_AND_ON_REQUEST = _("Give either a price or 'price on request', not both.")
DATE_MISSING_FOR_FROM_DATE = _("Give the date from which the property is available.")
NO_ZONING_WITH_OTHERS = _(
    "“none” cannot be combined with a zoning: choose either “none” or the zonings that apply."
)
# Housing: the facts families ask belong to houses and building plots; the zoning must allow
# living (no dwellings in a GI zone, § 9 BauNVO) and WA is no commercial zone (§ 4 BauNVO).
ONLY_FOR_HOUSES = _("Only for a house (kind “vacant house for sale or rent”).")
ONLY_FOR_HOUSING = _("Only for houses and residential building plots.")
RENT_NOT_FOR_SALE = _("A monthly rent does not go with the marketing type “sale”.")
PRICE_NOT_FOR_LEASE = _("A purchase price does not go with the marketing type “lease”.")
WA_ONLY_FOR_HOUSING = _(
    "WA (general residential zone) is for houses and residential building plots only."
)
GI_NOT_FOR_HOUSING = _(
    "An industrial zone (GI) allows no dwellings: choose the zoning that applies."
)


# Site readiness (readiness.py): the rules every write path shares.
UPGRADE_DATE_WITHOUT_CAPACITY = _(
    "Give the grid capacity after the planned upgrade (kVA) together with its date."
)
UPGRADE_NOT_ABOVE_AVAILABLE = _(
    "The capacity after the upgrade must be more than the capacity available now "
    "(%(available)s kVA)."
)
OBSTACLE_WITHOUT_NOTE = _("Say in the note what the obstacle is.")
CLEAR_OWNERSHIP_UNWILLING = _(
    "Ownership cannot be “clear” while the owner is not willing to sell: choose “open” or "
    "“obstacle”."
)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def commercial(self):
        """The investors' register: everything but housing (``Segment``)."""
        return self.filter(kind__in=COMMERCIAL_KINDS)

    def housing(self):
        return self.filter(kind__in=HOUSING_KINDS)


@cache
def _kind_names(kind: str) -> str:
    """The German and English name of a kind, so "Halle" and "hall" find halls."""
    from django.utils import translation

    names = []
    for language in ("de", "en"):
        with translation.override(language):
            names.append(str(Kind(kind).label) if kind in Kind.values else "")
    return " ".join(names)


@cache
def _zoning_names(zoning: str) -> str:
    """The German and English label of a zoning, so "Industriegebiet" and "GI" find GI plots."""
    from django.utils import translation

    if zoning not in Zoning.values or zoning == Zoning.NONE:
        return ""
    names = []
    for language in ("de", "en"):
        with translation.override(language):
            names.append(str(Zoning(zoning).label))
    return " ".join(names)


class Property(models.Model):
    # Identity and place
    title = models.CharField(_("title"), max_length=200, validators=TEXT_LINE)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.PLOT)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="properties",
        verbose_name=_("municipality"),
    )
    street = models.CharField(
        _("street and number"), max_length=200, blank=True, validators=TEXT_LINE
    )
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, validators=TEXT_LINE)
    locality = models.CharField(_("locality"), max_length=150, blank=True, validators=TEXT_LINE)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    location_approximate = models.BooleanField(
        _("approximate location"),
        default=False,
        help_text=_(
            "The point is the municipality centre (an import without coordinates); cleared when "
            "an editor sets the point."
        ),
    )
    outline = models.JSONField(
        _("outline (GeoJSON polygon)"),
        null=True,
        blank=True,
        validators=[validate_geojson_polygon],
    )
    external_id = models.CharField(
        _("external ID"), max_length=100, blank=True, db_index=True, validators=TEXT_LINE
    )

    # Area
    area_total_m2 = _nonneg(
        models.PositiveIntegerField, _("total area"), _("m²"), validators=AREA_VALIDATORS
    )
    area_available_m2 = _nonneg(
        models.PositiveIntegerField, _("available area"), _("m²"), validators=AREA_VALIDATORS
    )
    divisible = models.BooleanField(_("divisible"), null=True, blank=True)
    smallest_plot_m2 = _nonneg(
        models.PositiveIntegerField, _("smallest plot"), _("m²"), validators=AREA_VALIDATORS
    )
    # Housing (houses; the plot size of a house or building plot is the total area)
    living_area_m2 = _nonneg(
        models.PositiveIntegerField, _("living area"), _("m²"), validators=AREA_VALIDATORS
    )

    # Planning
    # One or more zonings ("GE/GI"): a JSON list of Zoning values (core.fields.ChoiceListField).
    zonings = ChoiceListField(
        _("zoning"),
        item_choices=Zoning.choices,
        help_text=_("One or more; a plot zoned GE/GI has both."),
    )
    planning_status = models.CharField(
        _("planning status"), max_length=20, choices=PlanningStatus.choices, blank=True
    )

    # Marketing
    marketing_type = models.CharField(
        _("marketing type"), max_length=20, choices=MarketingType.choices, blank=True
    )
    price_per_m2 = models.DecimalField(
        _("price"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("€/m²"),
    )
    price_on_request = models.BooleanField(_("price on request"), default=False)
    # Housing: what a family pays, the whole price or the monthly rent (not per m²).
    purchase_price = models.DecimalField(
        _("purchase price"),
        max_digits=11,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("€, for the whole house or building plot"),
    )
    monthly_rent = models.DecimalField(
        _("monthly rent"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("€ per month, without heating and service charges"),
    )
    availability = models.CharField(
        _("availability"),
        max_length=16,
        choices=Availability.choices,
        default=Availability.IMMEDIATELY,
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    owner_type = models.CharField(
        _("owner type"), max_length=16, choices=OwnerType.choices, blank=True
    )

    # Access
    motorway_junction = models.CharField(
        _("motorway junction"), max_length=150, blank=True, validators=TEXT_LINE
    )
    motorway_km = _km(_("distance to motorway junction"))
    federal_road_km = _km(_("distance to federal road"))
    rail_siding = models.CharField(
        _("railway siding"), max_length=10, choices=RailSiding.choices, blank=True
    )
    inland_port_km = _km(_("distance to inland port"))
    airport_km = _km(_("distance to airport"))
    station_km = _km(_("distance to railway station"))
    long_distance_station_km = _km(_("distance to long-distance station"))
    rail_network_km = _km(_("distance to railway line"))
    # What families ask (computed where the reference data has Kitas and schools, else entered)
    kita_km = _km(_("distance to day-care centre (Kita)"))
    school_km = _km(_("distance to primary school"))
    # Location facts (properties.facts): what was computed from the point and the municipality
    # (nearest features, straight line and road estimate, the data set's date), set on save; and
    # the facts an editor overrode, fact → reason ("motorway": "road distance per the town").
    location_facts = models.JSONField(_("computed location facts"), null=True, editable=False)
    fact_overrides = models.JSONField(_("overridden location facts"), default=dict, blank=True)

    # Utilities
    electricity_kv = _nonneg(models.PositiveIntegerField, _("electricity voltage"), _("kV"))
    electricity_mw = models.DecimalField(
        _("electric power available"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("MW"),
    )
    gas = models.BooleanField(_("natural gas"), null=True, blank=True)
    hydrogen = models.BooleanField(_("hydrogen"), null=True, blank=True)
    water = models.BooleanField(_("water"), null=True, blank=True)
    waste_water = models.BooleanField(_("waste water"), null=True, blank=True)
    broadband_mbits = _nonneg(models.PositiveIntegerField, _("fibre broadband"), _("Mbit/s"))
    mobile_coverage = models.CharField(
        _("mobile coverage"), max_length=50, blank=True, validators=TEXT_LINE
    )

    # Permits
    operation_24_7 = models.BooleanField(_("24/7 operation allowed"), null=True, blank=True)
    noise_limits = models.CharField(
        _("noise limits"), max_length=200, blank=True, validators=TEXT_LINE
    )
    max_building_height_m = models.DecimalField(
        _("maximum building height"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("m"),
    )
    grz = models.DecimalField(
        _("GRZ (site coverage ratio)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    gfz = models.DecimalField(
        _("GFZ (floor area ratio)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    bmz = models.DecimalField(
        _("BMZ (building volume ratio)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    # Funding
    funding_area = models.BooleanField(_("GRW funding area"), null=True, blank=True)
    funding_rate = models.DecimalField(
        _("maximum funding rate"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("%"),
    )

    # Site readiness (Baureife, properties/readiness.py): a status and a note per checklist item,
    # the figures some items have; ``readiness_level`` is derived from the statuses on save.
    readiness_building_rights_status = _readiness_status(_("building rights: status"))
    readiness_permitted_uses = models.CharField(
        _("permitted uses"),
        max_length=250,
        blank=True,
        validators=TEXT_LINE,
        help_text=_("What the plan allows, e.g. 'GI, logistics and production'."),
    )
    readiness_building_rights_note = _readiness_note(_("building rights: note"))
    readiness_grid_status = _readiness_status(_("grid connection: status"))
    readiness_grid_kva = _nonneg(
        models.PositiveIntegerField, _("grid capacity available"), _("kVA")
    )
    readiness_grid_operator = models.CharField(
        _("grid operator"), max_length=150, blank=True, validators=TEXT_LINE
    )
    readiness_grid_upgrade_kva = _nonneg(
        models.PositiveIntegerField,
        _("grid capacity after the planned upgrade"),
        _("kVA"),
    )
    readiness_grid_upgrade_date = models.DateField(
        _("grid upgrade planned for"), null=True, blank=True
    )
    readiness_grid_note = _readiness_note(_("grid connection: note"))
    readiness_water_status = _readiness_status(_("water and waste water: status"))
    readiness_water_m3_day = _nonneg(models.PositiveIntegerField, _("water capacity"), _("m³/day"))
    readiness_waste_water_m3_day = _nonneg(
        models.PositiveIntegerField, _("waste-water capacity"), _("m³/day")
    )
    readiness_water_note = _readiness_note(_("water and waste water: note"))
    readiness_contamination_status = _readiness_status(_("contamination survey: status"))
    readiness_contamination_note = _readiness_note(_("contamination survey: note"))
    readiness_flood_status = _readiness_status(_("flood zone: status"))
    readiness_flood_note = _readiness_note(_("flood zone: note"))
    readiness_archaeology_status = _readiness_status(_("archaeology: status"))
    readiness_archaeology_note = _readiness_note(_("archaeology: note"))
    readiness_soil_status = _readiness_status(_("soil survey: status"))
    readiness_soil_note = _readiness_note(_("soil survey: note"))
    readiness_ownership_status = _readiness_status(_("ownership: status"))
    readiness_willing_to_sell = models.BooleanField(
        _("owner willing to sell"), null=True, blank=True
    )
    readiness_ownership_note = _readiness_note(_("ownership: note"))
    readiness_access_status = _readiness_status(_("access road: status"))
    readiness_access_note = _readiness_note(_("access road: note"))
    readiness_level = models.CharField(
        _("readiness"),
        max_length=12,
        choices=readiness.Level.choices,
        default=readiness.Level.CLARIFYING,
        editable=False,
        db_index=True,
    )

    # Texts
    description_de = models.TextField(_("description (German)"), blank=True, validators=TEXT)
    description_en = models.TextField(_("description (English)"), blank=True, validators=TEXT)

    # Contact and provenance
    contact_name = models.CharField(
        _("contact person"), max_length=150, blank=True, validators=TEXT_LINE
    )
    contact_organisation = models.CharField(
        _("contact organisation"), max_length=200, blank=True, validators=TEXT_LINE
    )
    contact_email = EmailAddressField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=50, blank=True, validators=TEXT_LINE
    )
    data_source = models.CharField(
        _("data source"), max_length=200, blank=True, validators=TEXT_LINE
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Normalised words of the texts for the full-text search (core.textsearch), set on save.
    search_text = SearchTextField()

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "search_text",
            "reminder_sent_at",
            "location_facts",
            "readiness_level",
        ],
        # Room for a moderator's reason for publishing below the gate (publication.py).
        history_change_reason_field=models.TextField(null=True),
    )
    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        indexes = [
            models.Index(fields=["status", "lat", "lon"]),
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["status", "municipality"]),
            models.Index(fields=["status", "area_available_m2"]),
            models.Index(fields=["status", "-published_at"], name="property_status_published"),
            # Covers every search filter and every matching criterion, so counting and ranking
            # read this narrow index instead of the wide rows (the register has some 70 columns).
            models.Index(
                fields=[
                    "status",
                    "kind",
                    "area_available_m2",
                    "zonings",
                    "availability",
                    "rail_siding",
                    "motorway_km",
                    "broadband_mbits",
                    "funding_area",
                    "price_per_m2",
                    "municipality",
                    "published_at",
                    "operation_24_7",
                    "gas",
                    "hydrogen",
                    "divisible",
                    "owner_type",
                    "electricity_mw",
                    "available_from",
                    "smallest_plot_m2",
                    "price_on_request",
                ],
                name="property_search_cover",
            ),
            # PostgreSQL cannot skip the leading columns of the covering index: single-column
            # partial indexes let it count filtered matches without a full scan.
            *[
                models.Index(
                    fields=[name],
                    condition=models.Q(status="published"),
                    name=f"property_pub_{name}",
                )
                for name in (
                    "availability",
                    "rail_siding",
                    "motorway_km",
                    "broadband_mbits",
                )
            ],
            # PostgreSQL: a GIN index on the zonings of published records (migration 0013, raw
            # SQL as SQLite has none); the zoning filter ``zonings__overlaps`` uses it.
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.zonings = Property._meta.get_field("zonings").normalised(self.zonings)
        self.search_text = self.build_search_text()
        self.update_readiness_level()
        update_fields = kwargs.get("update_fields")
        # Record rule: the location facts follow the point and the municipality (facts.apply).
        recomputed = set()
        if update_fields is None or facts.INPUT_FIELDS & set(update_fields):
            recomputed = facts.apply(self)
        if update_fields is not None:
            extra = {"search_text", "readiness_level", *recomputed} - set(update_fields)
            kwargs["update_fields"] = [*update_fields, *sorted(extra)]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("properties:detail", args=[self.pk])

    def build_search_text(self) -> str:
        return property_search_text(self, self.municipality.name if self.municipality_id else "")

    @property
    def zoning(self) -> str:
        """The first zoning ("" if none): the single value older API readers know."""
        return self.zonings[0] if self.zonings else ""

    def zoning_labels(self) -> list[str]:
        return Property._meta.get_field("zonings").labels(self.zonings)

    def zonings_display(self) -> str:
        """The zonings' labels joined, "GE – Gewerbegebiet, GI – Industriegebiet"."""
        return ", ".join(self.zoning_labels())

    def zonings_text(self) -> str:
        """The codes joined, "GE, GI" (lists, exports)."""
        return ", ".join(self.zonings or ())

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED

    @property
    def segment(self) -> str:
        return segment_of(self.kind)

    @property
    def is_housing(self) -> bool:
        return self.kind in HOUSING_KINDS

    # --- Record rule: a private plot is public only with its owner's recorded consent. Forms, the
    # API, the admin and the import meet it with the other record rules below; change_status and
    # the consent answers ask lacks_owner_consent() with the state they are about to write.

    def has_owner_consent(self) -> bool:
        if self.pk is None:
            return False
        # Asked fresh: a consent answered a moment ago must count, a cached relation must not.
        return OwnerConsent.objects.filter(
            property_id=self.pk, state=OwnerConsent.State.GRANTED
        ).exists()

    def lacks_owner_consent(
        self, status: str | None = None, owner_type: str | None = None, granted: bool | None = None
    ) -> bool:
        """Whether the record (or the given new status / owner type) breaks the consent rule."""
        status = self.status if status is None else status
        owner_type = self.owner_type if owner_type is None else owner_type
        if status != Status.PUBLISHED or owner_type != OwnerType.PRIVATE:
            return False
        return not (self.has_owner_consent() if granted is None else granted)

    # --- Record rules: the one home of every rule that spans fields. The form and the admin meet
    # them through clean() (ModelForm._post_clean), the API through the editor form, the import
    # through check_record() with the consent it fetched for the whole batch.

    def clean(self):
        super().clean()
        self.check_record()
        # The publication gate, for a record that is valid otherwise (one message per problem).
        errors = self.gate_errors()
        if errors:
            raise ValidationError(errors)

    def record_errors(self, granted: bool | None = None) -> dict[str, list]:
        """Field → messages for every record rule the values break (empty when none).

        ``granted``: the owner's consent when the caller knows it already (the import asks once
        per batch); otherwise it is looked up.
        """
        errors: dict[str, list] = {}
        lat, lon = self.lat, self.lon
        if lat is not None and lon is not None and not point_in_germany(lat, lon):
            errors.setdefault("lat", []).append(POINT_OUTSIDE_GERMANY)
        total, available, smallest = (
            self.area_total_m2,
            self.area_available_m2,
            self.smallest_plot_m2,
        )
        if total is not None and available is not None and available > total:
            errors.setdefault("area_available_m2", []).append(AVAILABLE_EXCEEDS_TOTAL)
        if smallest is not None and available is not None and smallest > available:
            errors.setdefault("smallest_plot_m2", []).append(SMALLEST_EXCEEDS_AVAILABLE)
        if self.price_on_request:
            for name in ("price_per_m2", "purchase_price", "monthly_rent"):
                if getattr(self, name) is not None:
                    errors.setdefault(name, []).append(PRICE_AND_ON_REQUEST)
        self._housing_errors(errors)
        if self.availability == Availability.FROM_DATE and not self.available_from:
            errors.setdefault("available_from", []).append(DATE_MISSING_FOR_FROM_DATE)
        if Zoning.NONE in (self.zonings or ()) and len(self.zonings) > 1:
            errors.setdefault("zonings", []).append(NO_ZONING_WITH_OTHERS)
        if self.lacks_owner_consent(granted=granted):
            errors.setdefault("owner_type", []).append(CONSENT_MISSING_FOR_OWNER_TYPE)
        self._readiness_errors(errors)
        return errors

    def _readiness_errors(self, errors: dict[str, list]) -> None:
        """The record rules of the readiness checklist (readiness.py)."""
        upgrade, available = self.readiness_grid_upgrade_kva, self.readiness_grid_kva
        if self.readiness_grid_upgrade_date and upgrade is None:
            errors.setdefault("readiness_grid_upgrade_date", []).append(
                UPGRADE_DATE_WITHOUT_CAPACITY
            )
        if upgrade is not None and available is not None and upgrade <= available:
            errors.setdefault("readiness_grid_upgrade_kva", []).append(
                UPGRADE_NOT_ABOVE_AVAILABLE % {"available": available}
            )
        for item in readiness.ITEMS:
            status = getattr(self, item.status_field)
            if status == readiness.ItemStatus.ISSUE and not getattr(self, item.note_field).strip():
                errors.setdefault(item.note_field, []).append(OBSTACLE_WITHOUT_NOTE)
        if (
            self.readiness_willing_to_sell is False
            and self.readiness_ownership_status == readiness.ItemStatus.CLEAR
        ):
            errors.setdefault("readiness_ownership_status", []).append(CLEAR_OWNERSHIP_UNWILLING)

    def update_readiness_level(self) -> bool:
        """Derive the stored readiness level from the statuses (a record rule of every write:
        save() and the import's bulk writes); whether it changed."""
        level = readiness.level_of(self)
        changed = level != self.readiness_level
        self.readiness_level = level
        return changed

    def readiness_missing(self) -> list:
        """The checklist items not clear yet (readiness.Item), for the editors."""
        return readiness.missing(readiness.statuses_of(self))

    def readiness_filled(self) -> bool:
        return readiness.is_filled(self)

    def _housing_errors(self, errors: dict[str, list]) -> None:
        """The record rules of housing: its facts on houses and plots only, the rent or the
        purchase price as marketed, a zoning that allows living."""
        housing = self.kind in HOUSING_KINDS
        if self.living_area_m2 is not None and self.kind != Kind.HOUSE:
            errors.setdefault("living_area_m2", []).append(ONLY_FOR_HOUSES)
        if self.monthly_rent is not None:
            if self.kind != Kind.HOUSE:
                errors.setdefault("monthly_rent", []).append(ONLY_FOR_HOUSES)
            elif self.marketing_type == MarketingType.SALE:
                errors.setdefault("monthly_rent", []).append(RENT_NOT_FOR_SALE)
        if self.purchase_price is not None:
            if not housing:
                errors.setdefault("purchase_price", []).append(ONLY_FOR_HOUSING)
            elif self.marketing_type == MarketingType.LEASE:
                errors.setdefault("purchase_price", []).append(PRICE_NOT_FOR_LEASE)
        zonings = self.zonings or ()
        if Zoning.WA in zonings and not housing:
            errors.setdefault("zonings", []).append(WA_ONLY_FOR_HOUSING)
        if Zoning.GI in zonings and housing:
            errors.setdefault("zonings", []).append(GI_NOT_FOR_HOUSING)

    def check_record(self, granted: bool | None = None) -> None:
        errors = self.record_errors(granted)
        if errors:
            raise ValidationError(errors)

    # --- Record rule: the publication gate (properties/publication.py). The form, the API and
    # the admin meet it through clean(); change_status and the import ask publication_gaps().

    def publication_gaps(
        self,
        *,
        photo_count: int | None = None,
        required: list[str] | None = None,
        email=None,
    ) -> list[str]:
        """The requirements of the record's region it does not meet (keys, in their order).

        ``photo_count``, ``required`` and ``email`` (a callable giving the contact address)
        when the caller knows them already (lists and imports, ``publication.GateCache``)."""
        if required is None:
            required = publication.requirements_of_municipality(
                self.municipality if self.municipality_id else None
            )
        required = publication.for_kind(required, self.kind)
        if photo_count is None:
            photo_count = self.photos.count() if self.pk and "photo" in required else 0
        contact = email or (lambda: publication.contact_email(self))
        return [key for key in required if not publication.meets(self, key, photo_count, contact)]

    def gate_errors(self) -> dict[str, list]:
        """Field → messages where saving these values breaks the gate: a record going public
        (the admin's status field) must meet every requirement, a public one must not lose what
        it has. Empty when a moderator's override is set (``_gate_override``, by the caller
        that checked the permission)."""
        if self.status != Status.PUBLISHED or getattr(self, "_gate_override", ""):
            return {}
        photo_count = self.photos.count() if self.pk else 0
        gaps = self.publication_gaps(photo_count=photo_count)
        if not gaps:
            return {}
        stored = (
            Property.objects.select_related("municipality").filter(pk=self.pk).first()
            if self.pk
            else None
        )
        if stored is None or stored.status != Status.PUBLISHED:
            return {"status": [publication.refusal(gaps)]}
        before = set(stored.publication_gaps(photo_count=photo_count))
        errors: dict[str, list] = {}
        for key in gaps:
            if key not in before:
                field = publication.REQUIREMENTS[key].field or "status"
                errors.setdefault(field, []).append(publication.needed(key, public=True))
        return errors

    def description(self, language: str) -> str:
        if language.startswith("en") and self.description_en:
            return self.description_en
        return self.description_de or self.description_en

    def mark_verified(self, when=None):
        self.verified_on = when or timezone.localdate()
        self.reminder_sent_at = None

    @property
    def not_confirmed(self) -> bool:
        """Not confirmed for the reminder period plus the flag period: shown publicly. A record
        never confirmed counts from the day it was published (one imported and published today
        is not out of date; freshness._unconfirmed_since is the same rule in SQL)."""
        if self.status != Status.PUBLISHED:
            return False
        since = self.verified_on or (
            timezone.localdate(self.published_at) if self.published_at else None
        )
        return since is None or since < flag_before()


def reminder_before(today: date | None = None) -> date:
    """Published properties verified before this day are due for a reminder (freshness.py)."""
    return (today or timezone.localdate()) - timedelta(days=settings.PROPERTY_REMINDER_DAYS)


def flag_before(today: date | None = None) -> date:
    """Published properties verified before this day are *not confirmed*."""
    return reminder_before(today) - timedelta(days=settings.PROPERTY_FLAG_DAYS)


def property_search_text(prop, municipality_name: str) -> str:
    """Title, place names, kind and zonings (German and English) and both descriptions,
    normalised.

    Takes any object with the property's attributes, so the migration that fills the column can
    use it with its historical model.
    """
    return index_words(
        prop.title,
        prop.locality,
        prop.street,
        municipality_name,
        _kind_names(prop.kind),
        # Older historical models (migration 0004) have no zonings yet.
        *(_zoning_names(zoning) for zoning in getattr(prop, "zonings", None) or ()),
        prop.description_de,
        prop.description_en,
    )


class PropertyPhoto(Photo):
    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="photos")
    image = PhotoField(_("photo"), folder="properties/photos/%Y/")
    # As in Photo, plus a hint for the editors' form.
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        validators=TEXT_LINE,
        help_text=_("Describe what the photo shows, for people who cannot see it."),
    )

    class Meta(Photo.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class PropertyDocument(models.Model):
    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="documents")
    file = DocumentField(_("document (PDF)"), folder="properties/documents/%Y/")
    title = models.CharField(_("document title"), max_length=200, validators=TEXT_LINE)
    description = models.CharField(
        _("short description"),
        max_length=250,
        blank=True,
        validators=TEXT_LINE,
        help_text=_("What the document contains, e.g. 'B-Plan No. 12, text part'."),
    )
    # The readiness checklist item the document proves (readiness.ITEMS), if any: shown with
    # the item on the property page (same upload rules and inert serving as every document).
    readiness_item = models.CharField(
        _("belongs to readiness item"),
        max_length=20,
        choices=readiness.ITEM_CHOICES,
        blank=True,
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


class StatisticsSnapshot(models.Model):
    """The figures of the register on one day (properties/statistics.py): one row a day, kept
    for the trend; today's row follows every change of the register (recomputed on the next
    read after a write, ``version`` says which change it has seen), ``manage.py
    statistics_snapshot`` writes it at night for days without visitors."""

    day = models.DateField(unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # The change counter of the register when the figures were computed (statistics.version).
    version = models.BigIntegerField(null=True, blank=True)
    # The totals again as columns: the trend reads a year of them without the JSON.
    count = models.PositiveIntegerField(default=0)
    area_m2 = models.BigIntegerField(default=0)
    # Worked out afterwards from the records' publication dates (the demo data's past), not
    # seen on the day; the page says so.
    reconstructed = models.BooleanField(default=False)
    data = models.JSONField()

    class Meta:
        ordering = ["-day"]
        get_latest_by = "day"

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class OwnerConsent(models.Model):
    """A private owner's consent to publishing their plot: asked by letter or email, answered
    online with a private link or recorded by the editor. The owner's contact data stay in the
    back office (never in exports, API or the public pages)."""

    class State(models.TextChoices):
        NOT_ASKED = "not_asked", _("not asked yet")
        REQUESTED = "requested", _("requested")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    class How(models.TextChoices):
        ONLINE = "online", _("online with the private link")
        LETTER = "letter", _("letter")
        EMAIL = "email", _("email")
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("phone")
        CONTRACT = "contract", _("contract")

    property = models.OneToOneField(
        Property, on_delete=models.CASCADE, related_name="owner_consent"
    )
    owner_name = models.CharField(_("owner"), max_length=200, blank=True, validators=TEXT_LINE)
    owner_email = EmailAddressField(_("owner's email"), blank=True)
    owner_address = models.TextField(_("owner's postal address"), blank=True, validators=TEXT)
    # The mails to the owner are written in it (the editors choose it; an owner who answers or
    # asks for a fresh link on the English pages gets English from then on).
    owner_language = models.CharField(
        _("language of the mails to the owner"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="de",
    )
    state = models.CharField(
        _("consent"), max_length=12, choices=State.choices, default=State.NOT_ASKED
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    requested_how = models.CharField(max_length=12, choices=How.choices, blank=True)
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    how = models.CharField(_("answered how"), max_length=12, choices=How.choices, blank=True)
    note = models.TextField(_("note"), blank=True, validators=TEXT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("owner consent")
        verbose_name_plural = _("owner consents")

    def __str__(self):
        return f"property {self.property_id}: {self.state}"


class ConsentLink(PrivateLink):
    """One private answer link of a consent request (core/links.py): one per mail or letter."""

    consent = models.ForeignKey(OwnerConsent, on_delete=models.CASCADE, related_name="links")
