"""Reading the property register: the public search used by the pages and the API.

Housing (building plots and houses, ``models.Segment``) is for people, not investors: the
commercial search and everything built on it (search page, map, API list and GeoJSON, OGC
features, widget, comparison, matching, alerts, statistics) reads ``published_properties()``,
the commercial segment; the detail page, the sitemap and the one search read every segment, and
the Wohnen overview reads ``housing_in`` (docs/housing.md)."""

from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from standortlotse.accounts import policy
from standortlotse.core import textsearch
from standortlotse.properties import publication, readiness
from standortlotse.properties.models import (
    COMMERCIAL_KINDS,
    HOUSING_KINDS,
    Kind,
    Property,
    RailSiding,
    Segment,
)

SORTS = {
    "newest": ("-published_at", "-pk"),
    "area_desc": (F("area_available_m2").desc(nulls_last=True), "-pk"),
    "area_asc": (F("area_available_m2").asc(nulls_last=True), "pk"),
    "price_asc": (F("price_per_m2").asc(nulls_last=True), "pk"),
    "motorway": (F("motorway_km").asc(nulls_last=True), "pk"),
    "title": ("title", "pk"),
}

MAX_COMPARE = 4

# Counting every match of a broad search costs more than finding the page (PostgreSQL has to
# visit each match). Beyond this many the lists say "more than 1,000".
COUNT_CAP = 1000


@dataclass(frozen=True)
class MatchCount:
    value: int
    exact: bool  # False: there are more than ``value`` matches


def count_matches(results: QuerySet, at_least: int = 0, cap: int = COUNT_CAP) -> MatchCount:
    """The number of matches up to ``cap`` (or ``at_least``, for deep pages)."""
    cap = max(cap, at_least)
    found = results.order_by().values("pk")[: cap + 1].count()
    return MatchCount(min(found, cap), found <= cap)


def count_for_page(results: QuerySet, items: list, limit: int, offset: int) -> MatchCount:
    """The count that goes with a page: known without a query when the page is not full."""
    if len(items) < limit and (items or offset == 0):
        return MatchCount(offset + len(items), True)
    return count_matches(results, at_least=offset + limit)


class CappedPaginator(Paginator):
    """A paginator that counts up to COUNT_CAP; ``count_exact`` says whether there are more."""

    @cached_property
    def count(self):
        counted = count_matches(self.object_list)
        self.count_exact = counted.exact
        return counted.value


@dataclass
class SearchCriteria:
    q: str = ""
    kind: list[str] = field(default_factory=list)
    municipality: int | None = None
    district: int | None = None
    region: int | None = None
    area_min: int | None = None
    area_max: int | None = None
    zoning: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    price_max: Decimal | None = None
    rail_siding: str = ""  # "yes" or "possible" (yes or possible)
    motorway_km_max: Decimal | None = None
    motorway: str = ""  # a motorway's name, "A14": its junction is named after it
    broadband_min: int | None = None
    funding_area: bool | None = None
    operation_24_7: bool | None = None
    hydrogen: bool | None = None
    readiness: str = ""  # readiness.FILTER_LEVELS: "ready", "mostly" (or better), "clarifying"
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    sort: str = "newest"

    @classmethod
    def from_mapping(cls, data) -> "SearchCriteria":
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names and v not in (None, "", [])}
        return cls(**values)


SEGMENT_KINDS = {Segment.COMMERCIAL: COMMERCIAL_KINDS, Segment.HOUSING: HOUSING_KINDS}


def published_properties(segment: str | None = Segment.COMMERCIAL) -> QuerySet:
    """Published records of one segment: the investors' (commercial) register unless asked
    otherwise; ``segment=None``: every segment."""
    # District outlines are large and never needed in a list.
    qs = (
        Property.objects.published()
        .select_related("municipality__district")
        .defer("municipality__district__outline")
    )
    return qs if segment is None else qs.filter(kind__in=SEGMENT_KINDS[segment])


# The Wohnen overview's groups: (kinds, heading key) in the order the page shows them.
HOUSING_GROUPS = (
    ("houses", (Kind.HOUSE,)),
    ("plots", (Kind.BUILDING_PLOT,)),
    # Commercial vacant buildings for reuse (in the investors' search too): a farmstead or an
    # old school that a family or a group may turn into homes.
    ("reuse", (Kind.VACANT_BUILDING,)),
)


def housing_in(municipality) -> dict[str, list[Property]]:
    """The Wohnen overview's records of one municipality: group → published records (houses,
    building plots, vacant buildings for reuse), newest first, with their photos."""
    kinds = [kind for _key, group in HOUSING_GROUPS for kind in group]
    records = list(
        published_properties(segment=None)
        .filter(municipality=municipality, kind__in=kinds)
        .prefetch_related("photos")
        .order_by("-published_at", "-pk")
    )
    return {key: [prop for prop in records if prop.kind in group] for key, group in HOUSING_GROUPS}


def visible_property(user, pk) -> Property:
    """A property with its photos and documents: published ones for everybody, others only for
    those who may edit them (a preview); anything else is 404."""
    prop = get_object_or_404(
        Property.objects.select_related("municipality__district").prefetch_related(
            "photos", "documents"
        ),
        pk=pk,
    )
    if not prop.is_public and not policy.can_edit(user, prop):
        raise Http404
    return prop


# A search criterion and the lookup it filters by; a criterion in BOUNDS applies whenever it is
# given (0 included), the others when they are not empty.
CRITERIA_LOOKUPS = (
    ("kind", "kind__in"),
    ("municipality", "municipality_id"),
    ("district", "municipality__district_id"),
    ("region", "municipality__district__regions"),
    ("area_min", "area_available_m2__gte"),
    ("area_max", "area_available_m2__lte"),
    ("zoning", "zonings__overlaps"),  # any of the wished zonings: GI finds a GE/GI plot
    ("availability", "availability__in"),
    ("price_max", "price_per_m2__lte"),
    ("motorway_km_max", "motorway_km__lte"),
    ("broadband_min", "broadband_mbits__gte"),
    ("funding_area", "funding_area"),
    ("operation_24_7", "operation_24_7"),
    ("hydrogen", "hydrogen"),
)
BOUNDS = {
    "area_min",
    "area_max",
    "price_max",
    "motorway_km_max",
    "broadband_min",
    "funding_area",
    "operation_24_7",
    "hydrogen",
}


def motorway_pattern(road: str) -> str:
    """A regular expression (same meaning on SQLite and PostgreSQL) for junction names on
    ``road``: "A14" finds "AS Stendal (A14)" and "A 14", not "A140"."""
    number = "".join(ch for ch in road if ch.isdigit())
    return rf"(^|[^A-Za-z0-9])A ?{number}([^0-9]|$)"


def search(criteria: SearchCriteria, base: QuerySet | None = None) -> QuerySet:
    """The investors' search: the commercial segment only, whatever ``base`` holds."""
    qs = published_properties() if base is None else base.filter(kind__in=COMMERCIAL_KINDS)
    c = criteria
    if c.q:
        qs = textsearch.filter_matches(qs, c.q)
    for name, lookup in CRITERIA_LOOKUPS:
        value = getattr(c, name)
        given = value is not None if name in BOUNDS else bool(value)
        if given:
            qs = qs.filter(**{lookup: value})
    if c.rail_siding == RailSiding.YES:
        qs = qs.filter(rail_siding=RailSiding.YES)
    elif c.rail_siding == RailSiding.POSSIBLE:
        qs = qs.filter(rail_siding__in=[RailSiding.YES, RailSiding.POSSIBLE])
    if c.readiness in readiness.FILTER_LEVELS:
        qs = qs.filter(readiness_level__in=readiness.FILTER_LEVELS[c.readiness])
    if c.motorway and any(ch.isdigit() for ch in c.motorway):
        qs = qs.filter(motorway_junction__iregex=motorway_pattern(c.motorway))
    if c.bbox:
        west, south, east, north = c.bbox
        qs = qs.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    return qs.order_by(*SORTS.get(c.sort, SORTS["newest"]))


def compare(ids) -> list[Property]:
    """Up to four published properties in the order asked for."""
    wanted = []
    for value in ids:
        if value not in wanted:
            wanted.append(value)
    wanted = wanted[:MAX_COMPARE]
    found = {
        p.pk: p for p in published_properties().filter(pk__in=wanted).prefetch_related("photos")
    }
    return [found[pk] for pk in wanted if pk in found]


MAX_CLUSTER_SINGLES = 1000


def clusters(criteria: SearchCriteria, zoom: int) -> list[dict]:
    """Matches grouped into grid cells of about 64 px at ``zoom`` (GeoJSON features).

    One SQL query groups by cell (count, mean position, one id); a second fetches the titles of
    cells that hold a single property. The payload stays small at every zoom level.
    """
    import math

    from django.db.models import Avg, Count, FloatField, Min
    from django.db.models.functions import Cast, Floor

    cell_lon = 360 / (2**zoom) / 4
    middle = (criteria.bbox[1] + criteria.bbox[3]) / 2 if criteria.bbox else 51.0
    cell_lat = cell_lon * max(0.2, math.cos(math.radians(middle)))
    rows = (
        search(criteria)
        .order_by()
        .annotate(
            cx=Floor(Cast("lon", FloatField()) / cell_lon),
            cy=Floor(Cast("lat", FloatField()) / cell_lat),
        )
        .values("cx", "cy")
        .annotate(n=Count("pk"), lat=Avg("lat"), lon=Avg("lon"), one=Min("pk"))
    )
    rows = list(rows)
    singles = [r["one"] for r in rows if r["n"] == 1][:MAX_CLUSTER_SINGLES]
    titles = dict(Property.objects.filter(pk__in=singles).values_list("pk", "title"))
    features = []
    for row in rows:
        point = {"type": "Point", "coordinates": [round(row["lon"], 5), round(row["lat"], 5)]}
        if row["n"] == 1 and row["one"] in titles:
            features.append(
                {
                    "type": "Feature",
                    "id": row["one"],
                    "geometry": point,
                    "properties": {"title": titles[row["one"]]},
                }
            )
        else:
            features.append(
                {"type": "Feature", "geometry": point, "properties": {"count": row["n"]}}
            )
    return features


SIMILAR_KM = 30
SIMILAR_LIMIT = 4
SIMILAR_SCAN = 500


def _km(lat1, lon1, lat2, lon2) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def similar_area(a: int | None, b: int | None) -> bool:
    """Two available areas are similar when the smaller is at least half the larger."""
    if not a or not b:
        return False
    return min(a, b) * 2 >= max(a, b)


def similar(prop: Property, km: float = SIMILAR_KM, limit: int = SIMILAR_LIMIT) -> list:
    """Up to ``limit`` published properties of the record's segment within ``km`` of ``prop``
    of the same kind or with a similar available area, nearest first; each gets
    ``distance_km``."""
    import math

    dlat = km / 111.32
    dlon = km / (111.32 * max(0.1, math.cos(math.radians(prop.lat))))
    candidates = (
        published_properties(prop.segment)
        .exclude(pk=prop.pk)
        .filter(
            lat__gte=prop.lat - dlat,
            lat__lte=prop.lat + dlat,
            lon__gte=prop.lon - dlon,
            lon__lte=prop.lon + dlon,
        )
    )
    alike = Q(kind=prop.kind)
    area = prop.area_available_m2
    if area:
        alike |= Q(area_available_m2__gte=(area + 1) // 2, area_available_m2__lte=area * 2)
    # A dense register may hold thousands of plots within reach: a bounded number is measured.
    candidates = candidates.filter(alike).order_by("pk")[:SIMILAR_SCAN]
    found = []
    for other in candidates:
        if other.kind != prop.kind and not similar_area(
            other.area_available_m2, prop.area_available_m2
        ):
            continue
        distance = _km(prop.lat, prop.lon, other.lat, other.lon)
        if distance <= km:
            other.distance_km = distance
            found.append(other)
    found.sort(key=lambda p: (p.distance_km, p.pk))
    found = found[:limit]
    prefetch_related_objects(found, "photos")
    return found


def publication_gaps(records) -> dict[int, list[str]]:
    """Per record what publishing it still needs (requirement keys, ``publication.py``), for a
    list of the back office: the region's requirements and the office's address looked up once
    per municipality; the photos from the ``photo_count`` annotation where there is one."""
    gate = publication.GateCache()
    gaps = {}
    for prop in records:
        count = getattr(prop, "photo_count", None)
        gaps[prop.pk] = gate.gaps(prop, prop.photos.count() if count is None else count)
    return gaps
