"""Reading places: public search, nearby places and properties, possible duplicates."""

import math
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery

from standortlotse.accounts import policy
from standortlotse.core import textsearch
from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.places.models import FeedRun, PartnerFeed, Place, PlaceAttribute, Status
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


# --- possible duplicates (the submission form, the moderators' queue and review page) ---------

DUPLICATE_KM = 0.3
# A place already listed or waiting for review; a rejected one is no duplicate.
DUPLICATE_STATUSES = (
    Status.PUBLISHED,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
)
# Words that say nothing about which place it is (folded and stemmed like the names).
_FILLER = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "und",
    "am",
    "im",
    "in",
    "an",
    "auf",
    "zum",
    "zur",
    "von",
    "vom",
    "bei",
    "fur",
    "the",
    "of",
    "and",
    "ev",
    "gmbh",
    "ug",
    "eg",
}
FILLER_WORDS = {textsearch.normalise_word(w) for w in _FILLER}


@dataclass
class Duplicate:
    pk: int
    name: str
    status: str
    region_id: int
    distance_m: int | None  # set when it lies within DUPLICATE_KM
    similar_name: bool
    moderated: bool = False  # set by the review page: whether its reader may open the review

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def _name_words(name: str, municipality_name: str) -> set[str]:
    skip = FILLER_WORDS | set(textsearch.words(municipality_name))
    return {w for w in textsearch.words(name) if len(w) > 1 and w not in skip}


def similar_names(a: str, b: str, municipality_name: str = "") -> bool:
    """Whether two names of places in one municipality may name the same place: equal or one
    inside the other once folded ("Dorfladen Kläden" / "Dorfladen Klaeden e.V."), nearly the
    same letters (a typo), or more than half of their telling words shared (the municipality's
    name and filler words do not count: "Coworking Stendal" and "Kino Stendal" differ)."""
    fa, fb = textsearch.fold(a), textsearch.fold(b)
    if not fa or not fb:
        return False
    if fa == fb or (min(len(fa), len(fb)) >= 6 and (fa in fb or fb in fa)):
        return True
    if SequenceMatcher(None, fa, fb).ratio() >= 0.85:
        return True
    wa, wb = _name_words(a, municipality_name), _name_words(b, municipality_name)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) > 0.5


def _box(lat: float, lon: float, km: float) -> Q:
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.1))
    return Q(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))


@dataclass(frozen=True)
class _Target:
    pk: int | None
    name: str
    municipality_id: int
    municipality_name: str
    lat: float
    lon: float
    has_point: bool  # False where the point is only the municipality's centre (none was set)


def _is_centre(lat, lon, centre_lat, centre_lon) -> bool:
    return (
        centre_lat is not None
        and round(lat, 6) == round(centre_lat, 6)
        and round(lon, 6) == round(centre_lon, 6)
    )


def at_municipality_centre(place: Place) -> bool:
    m = place.municipality
    return _is_centre(place.lat, place.lon, m.lat, m.lon)


def _find(targets: list[_Target], limit: int) -> dict[int | None, list[Duplicate]]:
    """For each target the possible duplicates among the listed and pending places, in one
    query: the bounding boxes of DUPLICATE_KM around the points (the index on status, lat,
    lon) or the same municipality; then distance and names are compared here."""
    if not targets:
        return {}
    where = Q(municipality_id__in={t.municipality_id for t in targets})
    for t in targets:
        if t.has_point:
            where |= _box(t.lat, t.lon, DUPLICATE_KM)
    rows = list(
        Place.objects.filter(where, status__in=DUPLICATE_STATUSES)
        .order_by()
        .values_list(
            "pk",
            "name",
            "status",
            "region_id",
            "municipality_id",
            "lat",
            "lon",
            "municipality__lat",
            "municipality__lon",
        )
    )
    result: dict[int | None, list[Duplicate]] = {}
    for t in targets:
        found = []
        for pk, name, status, region_id, mun_id, lat, lon, c_lat, c_lon in rows:
            if pk == t.pk:
                continue
            distance = None
            if t.has_point and not _is_centre(lat, lon, c_lat, c_lon):
                km = distance_km(t.lat, t.lon, lat, lon)
                distance = round(km * 1000) if km <= DUPLICATE_KM else None
            similar = mun_id == t.municipality_id and similar_names(
                t.name, name, t.municipality_name
            )
            if distance is not None or similar:
                found.append(Duplicate(pk, name, status, region_id, distance, similar))
        found.sort(key=lambda d: (not d.similar_name, d.distance_m or 0, d.pk))
        if found:
            result[t.pk] = found[:limit]
    return result


def possible_duplicates(name, municipality, lat, lon, *, exclude_pk=None, limit=5):
    """Places listed or waiting for review that may be the one described: within DUPLICATE_KM
    of its point (unless the point is just the municipality's centre, where every place without
    a point of its own lies) or in the same municipality with a similar name."""
    target = _Target(
        exclude_pk,
        name or "",
        municipality.pk,
        municipality.name,
        lat,
        lon,
        not _is_centre(lat, lon, municipality.lat, municipality.lon),
    )
    return _find([target], limit).get(exclude_pk, [])


def possible_duplicates_of(place: Place, limit=5) -> list[Duplicate]:
    return possible_duplicates(
        place.name, place.municipality, place.lat, place.lon, exclude_pk=place.pk, limit=limit
    )


def duplicates_by_place(places, limit=5) -> dict[int, list[Duplicate]]:
    """``possible_duplicates_of`` for a list of places (the queue's page), in one query."""
    targets = [
        _Target(
            p.pk,
            p.name,
            p.municipality_id,
            p.municipality.name,
            p.lat,
            p.lon,
            not at_municipality_centre(p),
        )
        for p in places
    ]
    return _find(targets, limit)


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
