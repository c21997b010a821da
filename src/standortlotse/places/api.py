"""Open feed of published places for partner networks (JSON and GeoJSON, stable IDs)."""

from datetime import datetime
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from standortlotse.core.apiinput import checked_time
from standortlotse.core.apischema import errors

from standortlotse.places import exchange, selectors
from standortlotse.places.models import Field as PlaceField
from standortlotse.places.models import Offer, PlaceType

router = Router(tags=["places"])


class PhotoRecord(Schema):
    url: str
    alt: str
    credit: str


class PlaceRecord(Schema):
    """One place in the exchange format (see docs/places-exchange.md)."""

    id: UUID = Field(..., description="Stable ID; never reused")
    name: str
    pitch: str
    story: str = Field(..., description="Sanitised HTML")
    municipality_ags: str = Field(..., description="Official municipality key (AGS)")
    lat: float
    lon: float
    street: str
    postcode: str
    locality: str
    opening_info: str
    website: str
    contact_name: str
    contact_email: str
    contact_phone: str
    former_use: str
    languages: str
    accessibility: str
    fields: list[PlaceField]
    types: list[PlaceType]
    offers: list[Offer]
    social_links: list[str]
    tags: list[str]
    licence: str
    updated_at: datetime
    url: str
    region: str
    verified_on: str | None
    photos: list[PhotoRecord]


class Feed(Schema):
    format: str
    generated_at: datetime
    licence: str
    attribution: str
    places: list[PlaceRecord]


class PlaceFilters(Schema):
    updated_since: datetime | None = Field(None, description="Only places changed at or after this time (ISO 8601)")
    region: str | None = Field(None, description="Region slug, e.g. altmark")
    municipality: str | None = Field(None, description="Municipality key (AGS)")
    field: list[PlaceField] = []
    type: list[PlaceType] = []
    offer: list[Offer] = []
    q: str = Field("", max_length=200)

    def queryset(self):
        criteria = {"q": self.q, "field": self.field, "type": self.type, "offer": self.offer}
        qs = selectors.search(criteria)
        if self.region:
            qs = qs.filter(region__slug=self.region)
        if self.municipality:
            qs = qs.filter(municipality__ags=self.municipality)
        if self.updated_since:
            qs = qs.filter(updated_at__gte=checked_time(self.updated_since, "updated_since"))
        return qs


@router.get("/places", response={200: Feed, **errors(422)}, summary="Published places (JSON feed)")
def places_json(request, filters: Query[PlaceFilters]):
    """Records carry stable IDs (`id`), `updated_at` and the licence; import the same format
    elsewhere. Use `updated_since` to fetch only what changed."""
    return exchange.json_feed(filters.queryset())


@router.get("/places.geojson", response={200: dict, **errors(422)}, summary="Published places (GeoJSON)")
def places_geojson(request, filters: Query[PlaceFilters]):
    return exchange.geojson_feed(filters.queryset())


@router.get("/places/{uid}", response={200: PlaceRecord, **errors(404, 422)}, summary="One published place by its stable ID")
def place_detail(request, uid: UUID):
    return exchange.record_of(get_object_or_404(selectors.published_places(), uid=uid))
