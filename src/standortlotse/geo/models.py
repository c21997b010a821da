"""Administrative geography: Bundesland → Landkreis → Gemeinde, and marketing regions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from standortlotse.core.colours import validate_brand_colour
from standortlotse.core.fields import ChoiceListField, WebURLField
from standortlotse.core.uploads import PhotoField
from standortlotse.core.validators import TEXT, TEXT_LINE


class State(models.Model):
    name = models.CharField(_("name"), max_length=100, validators=TEXT_LINE)
    code = models.CharField(_("state key"), max_length=2, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("federal state")
        verbose_name_plural = _("federal states")

    def __str__(self):
        return self.name


class District(models.Model):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=150, validators=TEXT_LINE)
    key = models.CharField(_("district key"), max_length=5, unique=True)
    outline = models.JSONField(_("outline (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    @property
    def region(self) -> "Region | None":
        """The marketing region of the district (the first one, if it belongs to several)."""
        return self.regions.order_by("pk").first()


class Municipality(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("name"), max_length=150, validators=TEXT_LINE)
    ags = models.CharField(_("official municipality key (AGS)"), max_length=8, unique=True)
    association = models.CharField(
        _("municipal association"), max_length=150, blank=True, validators=TEXT_LINE
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # The postcodes of the municipality's localities (geo/data/*.json records their source): the
    # editor form warns, and the import notes, when an address's postcode is not among them.
    postcodes = models.JSONField(_("postcodes"), default=list, blank=True)
    # The regional aid classification (GRW funding area and maximum aid rates by company size)
    # from the current regional aid map, as geo/data/*.json ships it: {"area": true,
    # "category": "C", "rates": {"small": 35, "medium": 25, "large": 15}, "map": …, "valid_until":
    # "2027-12-31", "source": …}. Empty: unknown, the record's values are entered by hand.
    funding = models.JSONField(_("regional aid classification"), null=True, blank=True)
    # The name in public addresses (/lotse/wohnen/<slug>/): the name with umlauts spelt out,
    # made once on the first save (``free_slug``); null for rows written without save().
    slug = models.SlugField(_("address name"), max_length=160, unique=True, null=True, blank=True)
    # Where the municipality lists vacant houses itself (ten Altmark municipalities run one
    # platform together, "Luxus der Leere"): the Wohnen overview links to it instead of
    # copying its houses.
    vacancy_platform_name = models.CharField(
        _("vacancy platform"),
        max_length=150,
        blank=True,
        validators=TEXT_LINE,
        help_text=_("The name of the platform on which the municipality lists vacant houses."),
    )
    vacancy_platform_url = WebURLField(
        _("vacancy platform address"),
        blank=True,
        help_text=_("Its address (https://…); the Wohnen overview links to it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_slug(self.name, self.ags, self.pk)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "slug"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if bool(self.vacancy_platform_name.strip()) != bool(self.vacancy_platform_url):
            missing = (
                "vacancy_platform_url" if self.vacancy_platform_name else "vacancy_platform_name"
            )
            raise ValidationError(
                {missing: _("Give the vacancy platform's name and its address together.")}
            )

    @property
    def url_slug(self) -> str:
        """What the public addresses name the municipality by (the AGS for rows without one)."""
        return self.slug or self.ags

    @property
    def region(self) -> "Region | None":
        """The marketing region the municipality belongs to (through its district)."""
        return Region.objects.filter(districts=self.district_id).order_by("pk").first()


UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def municipality_slug(name: str) -> str:
    """ "Tangerhütte" → "tangerhuette", "Kalbe (Milde)" → "kalbe-milde"."""
    return slugify(name.translate(UMLAUTS))[:140] or "gemeinde"


def free_slug(name: str, ags: str, pk=None, model=None) -> str:
    """The municipality's slug, with its AGS appended when another has the name already."""
    model = model or Municipality
    slug = municipality_slug(name)
    if model.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug = f"{slug}-{ags}"
    return slug


class MunicipalityOutline(models.Model):
    """The simplified boundary of a municipality, for orientation on every map (geo/data/*.json
    records source and licence). A table of its own: the many queries that join the municipality
    to a record never load the geometry."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="outline"
    )
    geometry = models.JSONField(_("outline (GeoJSON)"))

    class Meta:
        verbose_name = _("municipality outline")
        verbose_name_plural = _("municipality outlines")

    def __str__(self):
        return str(self.municipality)


class PublishRequirement(models.TextChoices):
    """What a property needs before it goes public, chosen per region (``Region.
    publish_requirements``). The meaning of each key is the property register's
    (``properties/publication.py``); geo only names them, as it sits below the register."""

    PHOTO = "photo", _("photo")
    DESCRIPTION = "description", _("description")
    AREA_AVAILABLE = "area_available", _("available area")
    AVAILABILITY = "availability", _("availability")
    CONTACT = "contact", _("contact with an email address")
    PRICE = "price_or_request", _("price or 'on request'")
    ZONING = "zoning", _("zoning")
    PLANNING_STATUS = "planning_status", _("planning status")
    MARKETING_TYPE = "marketing_type", _("marketing type")
    EXACT_LOCATION = "exact_location", _("exact location (not the municipality centre)")
    DESCRIPTION_EN = "description_en", _("description (English)")


# What investors need first: a picture, what it is, how much, when, and whom to ask. Also the
# gate of records whose municipality lies in no region.
DEFAULT_PUBLISH_REQUIREMENTS = ("photo", "description", "area_available", "availability", "contact")


def default_publish_requirements() -> list[str]:
    return list(DEFAULT_PUBLISH_REQUIREMENTS)


class Region(models.Model):
    """A marketing region grouping whole districts (e.g. Altmark)."""

    name = models.CharField(_("name"), max_length=150, validators=TEXT_LINE)
    slug = models.SlugField(_("slug"), unique=True)
    districts = models.ManyToManyField(
        District, related_name="regions", verbose_name=_("districts")
    )
    # Branding of the site (header, buttons, links: KERN UX tokens, see core.colours).
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        blank=True,
        validators=[*TEXT_LINE, validate_brand_colour],
        help_text=_(
            "Hex colour such as #2f5d50 for the header, buttons and links; white text on it "
            "needs a contrast of at least 4.5:1. Empty: the KERN UX default blue."
        ),
    )
    logo = PhotoField(
        _("logo"),
        folder="regions/logos/",
        blank=True,
        help_text=_(
            "Shown in the header beside the site name, 40 pixels high (PNG, JPEG or WebP; "
            "stored as JPEG, so give it a white background)."
        ),
    )
    # The publication gate of the region's properties (properties/publication.py).
    publish_requirements = ChoiceListField(
        _("required for publishing a property"),
        item_choices=PublishRequirement.choices,
        default=default_publish_requirements,
        help_text=_(
            "A property of this region is published only when it has all of these; a regional "
            "moderator may publish an incomplete record with a reason. None ticked: no check."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def municipalities(self):
        return Municipality.objects.filter(district__in=self.districts.all())


class InfrastructureDataset(models.Model):
    """One shipped or loaded reference data set of transport infrastructure (motorway junctions,
    federal roads, stations, railway lines, ports, airports; Kitas and schools where a data set
    has them) with its provenance. The location
    facts of the property register (properties.facts) are computed from the features of all
    data sets. Loaded and replaced by ``manage.py load_infrastructure`` (geo.infrastructure)."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=TEXT_LINE)
    source = models.TextField(_("source"), blank=True, validators=TEXT)
    licence = models.TextField(_("licence"), blank=True, validators=TEXT)
    as_of = models.DateField(_("as of"))
    # west, south, east, north (WGS84): points outside get no computed facts from this data set.
    coverage = models.JSONField(_("coverage (west, south, east, north)"))
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("infrastructure data set")
        verbose_name_plural = _("infrastructure data sets")

    def __str__(self):
        return f"{self.name} ({self.as_of:%Y-%m-%d})"


class InfrastructureFeature(models.Model):
    class Kind(models.TextChoices):
        JUNCTION = "junction", _("motorway junction")
        FEDERAL_ROAD = "federal_road", _("federal road")
        STATION = "station", _("railway station")
        RAIL_LINE = "rail_line", _("railway line")
        PORT = "port", _("inland port")
        AIRPORT = "airport", _("airport")
        # For housing: points; a data set may carry them (none is shipped for the Altmark).
        KITA = "kita", _("day-care centre (Kita)")
        SCHOOL = "school", _("primary school")

    dataset = models.ForeignKey(
        InfrastructureDataset, on_delete=models.CASCADE, related_name="features"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200, validators=TEXT_LINE)
    # Road numbers ("A14", "A2" for an interchange; "B189"), empty for others.
    refs = models.JSONField(_("road numbers"), default=list, blank=True)
    # GeoJSON geometry (WGS84): a Point, or a LineString for roads and railway lines.
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    # The other properties of the feature in the file (status, service, source, verified, note).
    properties = models.JSONField(_("feature properties"), default=dict, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("infrastructure feature")
        verbose_name_plural = _("infrastructure features")

    def __str__(self):
        return self.name
