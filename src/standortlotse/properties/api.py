"""JSON API of the property register: public read endpoints, editor write endpoints."""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import JsonResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from pydantic import field_validator

from standortlotse.accounts import policy, twofactor
from standortlotse.accounts.apiauth import staff_session
from standortlotse.core.apiinput import MAX_ID, checked_offset
from standortlotse.core.apischema import FieldErrors, errors
from standortlotse.properties import selectors, services
from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import (
    Availability, Kind, Property, RailSiding, Zoning,
)

router = Router(tags=["properties"])


MAX_LIMIT = 200
MAX_GEOJSON_LIMIT = 5000


class Filters(Schema):
    q: str = Field("", max_length=200, description="Full text in title, description, place")
    kind: list[Kind] = Field([], description="Property kinds (repeat the parameter)")
    municipality: int | None = Field(None, ge=1, le=MAX_ID, description="Municipality ID")
    district: int | None = Field(None, ge=1, le=MAX_ID, description="District ID")
    region: int | None = Field(None, ge=1, le=MAX_ID, description="Region ID")
    area_min: int | None = Field(None, ge=0, description="Available area at least (m²)")
    area_max: int | None = Field(None, ge=0, description="Available area at most (m²)")
    zoning: list[Zoning] = []
    availability: list[Availability] = []
    price_max: Decimal | None = Field(None, ge=0, description="Price at most (€/m²)")
    rail_siding: Literal["", "yes", "possible"] = Field(
        "", description="'yes': siding exists; 'possible': exists or possible"
    )
    motorway_km_max: Decimal | None = Field(None, ge=0, description="Motorway within (km)")
    broadband_min: int | None = Field(None, ge=0, description="Broadband at least (Mbit/s)")
    funding_area: bool | None = None
    bbox: str | None = Field(
        None, description="west,south,east,north in WGS84 degrees", examples=["11.0,52.3,12.3,53.1"]
    )
    sort: Literal[tuple(selectors.SORTS)] = "newest"  # type: ignore[valid-type]

    @field_validator("bbox")
    @classmethod
    def _parse_bbox(cls, value):
        if value in (None, ""):
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise ValueError("bbox must be four numbers: west,south,east,north")
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
    municipality: PropertyMunicipality
    lat: float
    lon: float
    area_available_m2: int | None
    area_total_m2: int | None
    zoning: str
    availability: str
    price_per_m2: Decimal | None
    price_on_request: bool
    rail_siding: str
    motorway_km: Decimal | None
    broadband_mbits: int | None
    funding_area: bool | None
    verified_on: date | None
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class PhotoOut(Schema):
    url: str
    alt_text: str
    credit: str

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
    photos: list[PhotoOut]
    documents: list[DocumentOut]


class Page(Schema):
    count: int = Field(description=(
        "Number of matches. Counted up to 1,000 (or up to offset + limit); when `count_exact` "
        "is false there are more than `count`."
    ))
    count_exact: bool
    limit: int
    offset: int
    items: list[PropertySummary]




def _detail_url_template() -> str:
    """One reverse() for many features: the detail URL differs only in the id."""
    return reverse("properties:detail", args=[0]).replace("/0/", "/{}/")


def _window(limit: int, offset: int, cap: int) -> tuple[int, int]:
    if limit < 1 or limit > cap:
        raise HttpError(422, f"limit must be between 1 and {cap}")
    return limit, checked_offset(offset)


@router.get("/properties", response={200: Page, **errors(422)}, summary="Search published properties")
def list_properties(request, filters: Query[Filters], limit: int = 50, offset: int = 0):
    limit, offset = _window(limit, offset, MAX_LIMIT)
    results = selectors.search(filters.criteria())
    items = list(results[offset:offset + limit])
    counted = selectors.count_for_page(results, items, limit, offset)
    return {
        "count": counted.value, "count_exact": counted.exact, "limit": limit, "offset": offset,
        "items": items,
    }


@router.get(
    "/properties.geojson",
    summary="Published properties as a GeoJSON FeatureCollection",
    response={200: dict, **errors(422)},
)
def properties_geojson(request, filters: Query[Filters], limit: int = 1000, offset: int = 0):
    limit, offset = _window(limit, offset, MAX_GEOJSON_LIMIT)
    results = selectors.search(filters.criteria()).values(
        "pk", "title", "kind", "lat", "lon", "area_available_m2", "availability",
        "municipality__name",
    )[offset:offset + limit]
    kinds = dict(Kind.choices)
    url_template = _detail_url_template()
    features = [
        {
            "type": "Feature",
            "id": row["pk"],
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "title": row["title"],
                "kind": row["kind"],
                "kind_label": str(kinds.get(row["kind"], row["kind"])),
                "area_available_m2": row["area_available_m2"],
                "availability": row["availability"],
                "municipality": row["municipality__name"],
                "url": url_template.format(row["pk"]),
            },
        }
        for row in results
    ]
    # Built here already: skip the schema round trip for up to 5,000 features.
    return JsonResponse({"type": "FeatureCollection", "features": features})


@router.get(
    "/properties/clusters",
    summary="Published properties clustered for a map view (GeoJSON)",
    description=(
        "For maps with many properties: the matches in `bbox` grouped into grid cells of about "
        "64 pixels at the given `zoom` (web map zoom levels 0–20). A cell with several properties "
        "is one feature with `count`; a cell with one property is that property with `title` "
        "and `url`. Same filters as /api/properties."
    ),
    response={200: dict, **errors(422)},
)
def properties_clusters(request, filters: Query[Filters], zoom: int = 8):
    if not 0 <= zoom <= 20:
        raise HttpError(422, "zoom must be between 0 and 20")
    criteria = filters.criteria()
    features = selectors.clusters(criteria, zoom)
    url_template = _detail_url_template()
    for feature in features:
        if "id" in feature:
            feature["properties"]["url"] = url_template.format(feature["id"])
    return JsonResponse({"type": "FeatureCollection", "zoom": zoom, "features": features})


def _visible(request, pk) -> Property:
    return selectors.visible_property(twofactor.acting_user(request), pk)


@router.get("/properties/{int:pk}", response={200: PropertyDetail, **errors(404)}, summary="One property")
def get_property(request, pk: int):
    return _visible(request, pk)


# --- Editor write access (session login + CSRF token) ----------------------------------------

class PropertyWrite(Schema):
    """Fields to set; omitted fields keep their value. Same rules as the editor form."""

    model_config = {"extra": "forbid"}

    title: str | None = None
    kind: Kind | None = None
    municipality: int | None = None
    street: str | None = None
    postcode: str | None = None
    locality: str | None = None
    lat: float | None = None
    lon: float | None = None
    outline: dict | None = None
    external_id: str | None = None
    area_total_m2: int | None = None
    area_available_m2: int | None = None
    divisible: bool | None = None
    smallest_plot_m2: int | None = None
    zoning: str | None = None
    planning_status: str | None = None
    marketing_type: str | None = None
    price_per_m2: Decimal | None = None
    price_on_request: bool | None = None
    availability: str | None = None
    available_from: date | None = None
    owner_type: str | None = None
    motorway_junction: str | None = None
    motorway_km: Decimal | None = None
    federal_road_km: Decimal | None = None
    rail_siding: RailSiding | Literal[""] | None = None
    inland_port_km: Decimal | None = None
    airport_km: Decimal | None = None
    electricity_kv: int | None = None
    electricity_mw: Decimal | None = None
    gas: bool | None = None
    hydrogen: bool | None = None
    water: bool | None = None
    waste_water: bool | None = None
    broadband_mbits: int | None = None
    mobile_coverage: str | None = None
    operation_24_7: bool | None = None
    noise_limits: str | None = None
    max_building_height_m: Decimal | None = None
    grz: Decimal | None = None
    gfz: Decimal | None = None
    bmz: Decimal | None = None
    funding_area: bool | None = None
    funding_rate: Decimal | None = None
    description_de: str | None = None
    description_en: str | None = None
    contact_name: str | None = None
    contact_organisation: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    data_source: str | None = None
    verified_on: date | None = None


def _form_data(instance: Property | None, payload: PropertyWrite) -> dict:
    # Start from the stored record, or from the model's defaults for a new one.
    data = model_to_dict(instance or Property(), fields=PropertyForm.Meta.fields)
    data.update(payload.dict(exclude_unset=True))
    outline = data.get("outline")
    data["outline"] = json.dumps(outline) if outline else ""
    return {key: ("" if value is None else value) for key, value in data.items()}


def _save(request, payload: PropertyWrite, instance: Property | None):
    form = PropertyForm(_form_data(instance, payload), instance=instance, user=request.user)
    if not form.is_valid():
        raise FieldErrors({key: list(errors) for key, errors in form.errors.items()})
    prop = form.save(commit=False)
    if not policy.can_edit(request.user, prop):
        raise HttpError(403, "You may not edit records of this municipality.")
    prop._change_reason = "api"
    prop.save()
    return prop


def _editable_for_write(request, pk) -> Property:
    prop = Property.objects.filter(pk=pk).first()
    if prop is None or not (prop.is_public or policy.can_edit(request.user, prop)):
        raise HttpError(404, "Not found")
    if not policy.can_edit(request.user, prop):
        raise HttpError(403, "You may not edit records of this municipality.")
    return prop


@router.post(
    "/properties", auth=staff_session, response={201: PropertyDetail, **errors(400, 401, 403, 422)},
    summary="Create a property (draft)",
)
def create_property(request, payload: PropertyWrite):
    if not policy.is_editor(request.user):
        raise HttpError(403, "Only editors may create records.")
    return Reply(201, _save(request, payload, None))


@router.patch(
    "/properties/{int:pk}", auth=staff_session,
    response={200: PropertyDetail, **errors(400, 401, 403, 404, 422)},
    summary="Change fields of a property",
)
def update_property(request, pk: int, payload: PropertyWrite):
    prop = _editable_for_write(request, pk)
    return _save(request, payload, prop)


@router.post(
    "/properties/{int:pk}/{action}", auth=staff_session,
    response={200: PropertyDetail, **errors(400, 401, 403, 404, 422)},
    summary="publish, archive, unpublish or confirm a property",
)
def property_action(request, pk: int, action: Literal["publish", "archive", "unpublish", "confirm"]):
    prop = _editable_for_write(request, pk)
    try:
        if action == "confirm":
            services.confirm_current(request.user, prop)
        else:
            services.change_status(request.user, prop, action)
    except ValidationError as error:
        if hasattr(error, "error_dict"):  # a record rule: answered per field, like a PATCH
            raise FieldErrors(error.message_dict)
        raise HttpError(422, " ".join(error.messages))
    return prop

