"""Schemas of the property API (django-ninja): the search filters, the read schemas and the
write schema.

The write schema is built from the editor form's fields (`PropertyForm.Meta.fields`), typed by
the model fields: a field added to the form is writable through the API too, and the API
validates through the same form (field and record rules are written once, in the model).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, create_model, field_validator

from standortlotse.core.apiinput import MAX_ID
from standortlotse.geo.models import Region
from standortlotse.properties import readiness, selectors
from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import Availability, Kind, Property, RailSiding, Zoning


class Filters(Schema):
    q: str = Field("", max_length=200, description="Full text in title, description, place")
    kind: list[Kind] = Field(
        [],
        description="Property kinds (repeat the parameter); the housing kinds (building_plot, "
        "house) are never listed here",
    )
    municipality: int | None = Field(None, ge=1, le=MAX_ID, description="Municipality ID")
    district: int | None = Field(None, ge=1, le=MAX_ID, description="District ID")
    region: int | str | None = Field(
        None,
        max_length=50,
        description="Region: its slug (e.g. prignitz) or its ID; none: every region",
        examples=["prignitz"],
    )
    area_min: int | None = Field(None, ge=0, description="Available area at least (m²)")
    area_max: int | None = Field(None, ge=0, description="Available area at most (m²)")
    zoning: list[Zoning] = Field(
        [], description="Zonings (repeat the parameter): a record with any of them matches"
    )
    availability: list[Availability] = []
    price_max: Decimal | None = Field(None, ge=0, description="Price at most (€/m²)")
    rail_siding: Literal["", "yes", "possible"] = Field(
        "", description="'yes': siding exists; 'possible': exists or possible"
    )
    motorway_km_max: Decimal | None = Field(None, ge=0, description="Motorway within (km)")
    broadband_min: int | None = Field(None, ge=0, description="Broadband at least (Mbit/s)")
    funding_area: bool | None = None
    motorway: str = Field(
        "",
        max_length=6,
        pattern=r"^$|^[Aa] ?\d{1,3}$",
        description="Junction on motorway, e.g. A14",
    )
    operation_24_7: bool | None = None
    hydrogen: bool | None = None
    readiness: Literal["", "ready", "mostly", "clarifying"] = Field(
        "",
        description="Site readiness: 'ready' ready to build only (every checklist item clear); "
        "'mostly' ready to build or mostly clear (no obstacle, at most two items open or "
        "unknown); 'clarifying' being clarified",
    )
    bbox: str | None = Field(
        None, description="west,south,east,north in WGS84 degrees", examples=["11.0,52.3,12.3,53.1"]
    )
    sort: Literal[tuple(selectors.SORTS)] = "newest"  # type: ignore[valid-type]

    @field_validator("region")
    @classmethod
    def _region(cls, value):
        """The region's ID (an unknown slug or ID is an error, not an empty list)."""
        if value in (None, ""):
            return None
        value = str(value)
        if value.isdigit():
            if not 1 <= int(value) <= MAX_ID:
                raise ValueError(f"region ID must be between 1 and {MAX_ID}")
            found = Region.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
        else:
            found = Region.objects.filter(slug=value).values_list("pk", flat=True).first()
        if found is None:
            raise ValueError(f"no region {value!r} (give a region's slug or ID)")
        return found

    @field_validator("bbox")
    @classmethod
    def _parse_bbox(cls, value):
        if value in (None, ""):
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise ValueError("bbox must be four numbers: west,south,east,north") from None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValueError("bbox must satisfy west<=east and south<=north within WGS84 bounds")
        return value

    def criteria(self) -> selectors.SearchCriteria:
        data = self.dict()
        if data.get("bbox"):
            data["bbox"] = tuple(float(part) for part in data["bbox"].split(","))
        return selectors.SearchCriteria.from_mapping(data)


class PropertyMunicipality(Schema):
    id: int
    name: str
    ags: str
    district: str = Field(..., alias="district.name")


class PropertySummary(Schema):
    id: int
    title: str
    kind: str
    segment: str = Field(
        description="'commercial', or 'housing' for building plots and houses (kinds "
        "building_plot, house): those are shown to people on the Wohnen overview and never "
        "listed by the search endpoints"
    )
    municipality: PropertyMunicipality
    lat: float
    lon: float
    # True while the point is only the municipality centre (an import row without coordinates)
    location_approximate: bool
    area_available_m2: int | None
    area_total_m2: int | None
    zonings: list[str] = Field(
        description="The zonings (GI, GE, MI, SO or none); a plot zoned GE/GI has both"
    )
    zoning: str = Field(
        description="Deprecated: the first of `zonings` ('' if none), for readers of the time "
        "of one zoning per record"
    )
    availability: str
    price_per_m2: Decimal | None
    price_on_request: bool
    rail_siding: str
    motorway_km: Decimal | None
    broadband_mbits: int | None
    funding_area: bool | None
    verified_on: date | None
    readiness_level: str = Field(
        description="Site readiness derived from the checklist: 'ready' (ready to build, every "
        "item clear), 'mostly' (no obstacle, at most two items open or unknown), 'clarifying'"
    )
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class PhotoOut(Schema):
    id: int
    url: str
    alt_text: str
    credit: str
    position: int

    @staticmethod
    def resolve_url(obj):
        return obj.image.url


class DocumentOut(Schema):
    url: str
    title: str
    description: str

    @staticmethod
    def resolve_url(obj):
        return obj.file.url


class ReadinessItemOut(Schema):
    item: str
    status: str
    note: str
    # the item's figures and facts (model field name → value), e.g. readiness_grid_kva
    values: dict[str, int | str | bool | date | None]
    documents: list[str] = Field(description="URLs of the item's documents (PDF)")


def readiness_items(prop) -> list[dict]:
    documents = list(prop.documents.all())
    return [
        {
            "item": item.key,
            "status": getattr(prop, item.status_field),
            "note": getattr(prop, item.note_field),
            "values": {name: getattr(prop, name) for name in item.extra},
            "documents": [d.file.url for d in documents if d.readiness_item == item.key],
        }
        for item in readiness.ITEMS
    ]


class PropertyDetail(PropertySummary):
    status: str
    street: str
    postcode: str
    locality: str
    outline: dict | None
    divisible: bool | None
    smallest_plot_m2: int | None
    planning_status: str
    marketing_type: str
    available_from: date | None
    owner_type: str
    motorway_junction: str
    federal_road_km: Decimal | None
    inland_port_km: Decimal | None
    airport_km: Decimal | None
    station_km: Decimal | None
    long_distance_station_km: Decimal | None
    rail_network_km: Decimal | None
    living_area_m2: int | None
    purchase_price: Decimal | None
    monthly_rent: Decimal | None
    kita_km: Decimal | None
    school_km: Decimal | None
    location_facts: dict | None = Field(
        description="What was computed from the point and the municipality (nearest features, "
        "straight-line km, road_km estimate, data sets and their date); null when nothing was "
        "computable. Computed values are kept here also for overridden facts."
    )
    fact_overrides: dict[str, str] = Field(
        description="Facts an editor entered instead of the computed value: fact → reason "
        "(motorway, federal_road, station, long_distance_station, rail_network, inland_port, "
        "airport, kita, school, funding)"
    )
    electricity_kv: int | None
    electricity_mw: Decimal | None
    gas: bool | None
    hydrogen: bool | None
    water: bool | None
    waste_water: bool | None
    mobile_coverage: str
    operation_24_7: bool | None
    noise_limits: str
    max_building_height_m: Decimal | None
    grz: Decimal | None
    gfz: Decimal | None
    bmz: Decimal | None
    funding_rate: Decimal | None
    description_de: str
    description_en: str
    contact_name: str
    contact_organisation: str
    contact_email: str
    contact_phone: str
    data_source: str
    updated_at: datetime
    readiness: list[ReadinessItemOut] = Field(
        description="The readiness checklist, one entry per item: status (clear, open, issue, "
        "unknown), note and the item's figures"
    )
    photos: list[PhotoOut]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_readiness(obj):
        return readiness_items(obj)


class Page(Schema):
    count: int = Field(
        description=(
            "Number of matches. Counted up to 1,000 (or up to offset + limit); when `count_exact` "
            "is false there are more than `count`."
        )
    )
    count_exact: bool
    limit: int
    offset: int
    items: list[PropertySummary]


# --- Write schema (POST/PATCH input), derived from the editor form ----------------------------

# The JSON type of each kind of model field. A form field of another kind stops the import here,
# so that its type in the API is chosen on purpose.
WRITE_TYPES: dict[str, type] = {
    "CharField": str,
    "TextField": str,
    "BooleanField": bool,
    "IntegerField": int,
    "PositiveIntegerField": int,
    "FloatField": float,
    "DecimalField": Decimal,
    "DateField": date,
    "JSONField": dict,
    "ForeignKey": int,  # the primary key of the related record
}
# Fields that take a list of choice values (core.fields.ChoiceListField): listed as strings, so
# that an unknown value is answered by the form, 422 {"detail": {"zonings": [message]}}, with
# the accepted values, like every other field error.
WRITE_LISTS = {"zonings": list[str]}
# Choice fields the schema lists by their values. Other choice fields take any text; the form
# answers an unknown value for that field (422 with the field's error).
WRITE_CHOICES = {
    "kind": Kind,
    "rail_siding": RailSiding,
    **dict.fromkeys(readiness.STATUS_FIELDS, readiness.ItemStatus),
}


def write_type(name: str):
    """The type of one form field in the write schema (before "or null")."""
    field = Property._meta.get_field(name)
    if name in WRITE_LISTS:
        return WRITE_LISTS[name]
    if name in WRITE_CHOICES:
        choices = WRITE_CHOICES[name]
        return choices | Literal[""] if field.blank else choices
    try:
        return WRITE_TYPES[field.get_internal_type()]
    except KeyError:
        raise TypeError(
            f"No API type for {name} ({field.get_internal_type()}): add it to WRITE_TYPES"
        ) from None


class _Write(Schema):
    model_config = ConfigDict(extra="forbid")


# Every field optional: omitted fields keep their value (PATCH) or the model's default (POST).
PropertyWrite = create_model(
    "PropertyWrite",
    __base__=_Write,
    __module__=__name__,
    __doc__="Fields to set; omitted fields keep their value. Same rules as the editor form.",
    **{name: (write_type(name) | None, None) for name in PropertyForm.Meta.fields},
    # fact → reason: the computed location facts an editor enters by hand (an empty reason
    # returns the fact to the computed value). Omitted: the record's overrides stay.
    fact_overrides=(dict[str, str] | None, None),
)
