"""Reading places: public search, nearby places and properties."""

import math

from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, QuerySet, Subquery

from standortlotse.accounts import policy
from standortlotse.core import textsearch
from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.places.models import FeedRun, PartnerFeed, Place, PlaceAttribute
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
    return qs.order_by("sort_name", "name", "pk")  # German dictionary order (Place.sort_name)


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


# --- partner feeds (the moderators' pages) -----------------------------------------------------


def moderated_feeds(user) -> QuerySet:
    """The partner feeds of the regions the user moderates, each with `last_run_id`."""
    last = FeedRun.objects.filter(feed=OuterRef("pk")).order_by("-started_at", "-pk")
    return (
        policy.moderated_records(user, PartnerFeed.objects.all())
        .select_related("region")
        .annotate(last_run_id=Subquery(last.values("pk")[:1]))
    )


def feeds_with_last_run(feeds) -> list:
    """The feeds, each with `.last_run` (one query for all the runs)."""
    feeds = list(feeds)
    runs = FeedRun.objects.in_bulk([f.last_run_id for f in feeds if f.last_run_id])
    for feed in feeds:
        feed.last_run = runs.get(feed.last_run_id)
    return feeds


def unmapped_categories(feed) -> list[str]:
    """The partner's categories the latest run that met any found no mapping for."""
    run = FeedRun.objects.filter(feed=feed).exclude(unmapped_categories=[]).first()
    return list(run.unmapped_categories) if run else []
