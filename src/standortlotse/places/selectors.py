"""Reading places: public search, nearby places and properties."""

import math

from django.db.models import ExpressionWrapper, F, FloatField, QuerySet

from standortlotse.core import textsearch
from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.places.models import Place, PlaceAttribute
from standortlotse.properties.models import Property

NEARBY_KM = 20


def published_places() -> QuerySet:
    return (
        Place.objects.published()
        .select_related("municipality__district", "region")
        .prefetch_related("attributes", "photos")
    )


def search(criteria: dict, base: QuerySet | None = None) -> QuerySet:
    qs = published_places() if base is None else base
    if criteria.get("q"):
        qs = textsearch.filter_matches(qs, criteria["q"])
    if criteria.get("region"):
        qs = qs.filter(region=criteria["region"])
    if criteria.get("municipality"):
        qs = qs.filter(municipality=criteria["municipality"])
    for group in ("field", "type", "offer"):
        values = criteria.get(group)
        if values:
            qs = qs.filter(
                pk__in=PlaceAttribute.objects.filter(group=group, value__in=values).values("place")
            )
    return qs.order_by("name", "pk")


def _around(qs, lat, lon, km, limit, exclude_pk=None):
    """The `limit` nearest records within `km`, nearest first. The database filters a bounding
    box and orders by a flat-earth distance (good at this scale), so only a few rows are loaded
    (with their prefetches); haversine gives the distance shown and the exact cut. A quarter of
    the radius is tried first: where records are dense it already holds the nearest ones, and the
    database then sorts a few hundred rows instead of thousands."""
    for radius in (km / 4, km):
        result = _nearest_within(qs, lat, lon, radius, limit, exclude_pk)
        if len(result) >= limit:
            break
    return result


def _nearest_within(qs, lat, lon, km, limit, exclude_pk):
    dlat = km / 111.0
    scale = max(math.cos(math.radians(lat)), 0.1)
    dlon = km / (111.0 * scale)
    candidates = qs.filter(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    flat = ExpressionWrapper(
        (F("lat") - lat) * (F("lat") - lat) + (F("lon") - lon) * (F("lon") - lon) * (scale * scale),
        output_field=FloatField(),
    )
    # Twice the limit: the flat and the great-circle order may swap neighbours at the edge.
    nearest = candidates.annotate(flat_distance=flat).order_by("flat_distance", "pk")[: limit * 2]
    ranked = sorted(
        ((distance_km(lat, lon, c.lat, c.lon), c) for c in nearest), key=lambda pair: pair[0]
    )
    result = []
    for distance, item in ranked[:limit]:
        if distance <= km:
            item.distance_km = distance
            result.append(item)
    return result


def nearby_places(place: Place, km=NEARBY_KM, limit=4):
    # The list shows name and distance only: no joins, no prefetches.
    base = Place.objects.published().only("pk", "name", "lat", "lon")
    return _around(base, place.lat, place.lon, km, limit, exclude_pk=place.pk)


def nearby_properties(place: Place, km=NEARBY_KM, limit=4):
    base = Property.objects.published().only("pk", "title", "kind", "lat", "lon")
    return _around(base, place.lat, place.lon, km, limit)
