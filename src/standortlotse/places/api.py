"""Open feed of published places for partner networks (JSON and GeoJSON, stable IDs).

The schemas are in places/schemas.py."""

from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Query, Router

from standortlotse.core.apischema import errors
from standortlotse.places import exchange, selectors
from standortlotse.places.schemas import Feed, PlaceFilters, PlaceRecord

router = Router(tags=["places"])


@router.get("/places", response={200: Feed, **errors(422)}, summary="Published places (JSON feed)")
def places_json(request, filters: Query[PlaceFilters]):
    """Records carry stable IDs (`id`), `updated_at` and the licence; import the same format
    elsewhere. Use `updated_since` to fetch only what changed."""
    return exchange.json_feed(filters.queryset())


@router.get(
    "/places.geojson", response={200: dict, **errors(422)}, summary="Published places (GeoJSON)"
)
def places_geojson(request, filters: Query[PlaceFilters]):
    return exchange.geojson_feed(filters.queryset())


@router.get(
    "/places/{uid}",
    response={200: PlaceRecord, **errors(404, 422)},
    summary="One published place by its stable ID",
)
def place_detail(request, uid: UUID):
    return exchange.record_of(get_object_or_404(selectors.published_places(), uid=uid))
