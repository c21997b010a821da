"""Schemas of the places feed (django-ninja): the exchange record (docs/places-exchange.md), the
feed around it and the filters."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from standortlotse.core.apiinput import checked_time
from standortlotse.places import selectors
from standortlotse.places.models import Field as PlaceField
from standortlotse.places.models import Offer, PlaceType


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
    updated_since: datetime | None = Field(
        None, description="Only places changed at or after this time (ISO 8601)"
    )
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
