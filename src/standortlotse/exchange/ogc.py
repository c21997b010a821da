"""OGC API – Features (Part 1: Core, GeoJSON) for published properties and places.

Landing page, conformance, collections, items (bbox, limit, offset, paging links) and single
items, as JSON/GeoJSON, under /api/ogc/. GIS clients (QGIS "WFS / OGC API – Features") connect
to the landing page URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from standortlotse.core.apiinput import MAX_OFFSET
from standortlotse.core.apischema import errors
from standortlotse.places import exchange as places_exchange
from standortlotse.places.selectors import published_places
from standortlotse.properties import selectors as property_selectors
from standortlotse.properties.exports import COLUMNS, json_record

router = Router(tags=["OGC API – Features"])

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _base(request) -> str:
    return request.build_absolute_uri(reverse("api:ogc_landing")).rstrip("/")


def _json(data, content_type="application/json", status=200):
    return JsonResponse(
        data, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )


def _property_feature(prop, base) -> dict:
    properties = json_record(prop, [c for c in COLUMNS if c not in ("lat", "lon", "outline")])
    properties.update(
        {
            "municipality": prop.municipality.name,
            "url": settings.SITE_URL.rstrip("/") + prop.get_absolute_url(),
            "updated_at": prop.updated_at.isoformat(),
        }
    )
    return {
        "type": "Feature",
        "id": prop.pk,
        "geometry": {"type": "Point", "coordinates": [prop.lon, prop.lat]},
        "properties": properties,
        "links": [
            {
                "href": f"{base}/collections/properties/items/{prop.pk}",
                "rel": "self",
                "type": "application/geo+json",
            }
        ],
    }


def _place_feature(place, base) -> dict:
    record = places_exchange.record_of(place)
    lon, lat = record.pop("lon"), record.pop("lat")
    return {
        "type": "Feature",
        "id": record["id"],
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": record,
        "links": [
            {
                "href": f"{base}/collections/places/items/{record['id']}",
                "rel": "self",
                "type": "application/geo+json",
            }
        ],
    }


class Collection(TypedDict):
    """One feature collection: its description, its records and how one becomes a feature."""

    title: str
    description: str
    queryset: Callable[[], QuerySet[Any]]
    feature: Callable[[Any, str], dict]
    lookup: str  # the field an item's id is looked up by


COLLECTIONS: dict[str, Collection] = {
    "properties": {
        "title": "Gewerbeflächen und Immobilien",
        "description": "Published commercial land, business parks, halls, offices, retail and vacant buildings.",
        "queryset": lambda: property_selectors.published_properties().order_by("pk"),
        "feature": _property_feature,
        "lookup": "pk",
    },
    "places": {
        "title": "Kreativorte und Zukunftsorte",
        "description": "Published creative places: coworking, co-living, creative hubs, village initiatives.",
        "queryset": lambda: (
            published_places()
            .select_related("municipality", "region")
            .prefetch_related("photos", "attributes")
            .order_by("pk")
        ),
        "feature": _place_feature,
        "lookup": "uid",
    },
}


def _collection(name) -> Collection:
    if name not in COLLECTIONS:
        raise HttpError(404, f"Collection '{name}' does not exist.")
    return COLLECTIONS[name]


def _extent(queryset) -> list[float]:
    from django.db.models import Max, Min

    box = queryset.order_by().aggregate(w=Min("lon"), s=Min("lat"), e=Max("lon"), n=Max("lat"))
    if box["w"] is None:
        return [5.87, 47.27, 15.04, 55.06]  # Germany
    return [box["w"], box["s"], box["e"], box["n"]]


def _collection_info(name, base) -> dict:
    spec = COLLECTIONS[name]
    return {
        "id": name,
        "title": spec["title"],
        "description": spec["description"],
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [_extent(spec["queryset"]())], "crs": CRS84}},
        "links": [
            {
                "href": f"{base}/collections/{name}",
                "rel": "self",
                "type": "application/json",
                "title": spec["title"],
            },
            {
                "href": f"{base}/collections/{name}/items",
                "rel": "items",
                "type": "application/geo+json",
                "title": spec["title"],
            },
            {
                "href": "https://creativecommons.org/licenses/by/4.0/",
                "rel": "license",
                "type": "text/html",
                "title": "CC BY 4.0",
            },
        ],
    }


@router.get("/", url_name="ogc_landing", summary="OGC API – Features: landing page")
def landing(request):
    base = _base(request)
    return _json(
        {
            "title": f"{settings.SITE_NAME}: OGC API – Features",
            "description": "Published properties and creative places as OGC API – Features (GeoJSON, WGS84).",
            "links": [
                {
                    "href": f"{base}/",
                    "rel": "self",
                    "type": "application/json",
                    "title": "this document",
                },
                {
                    "href": request.build_absolute_uri(reverse("api:openapi-json")),
                    "rel": "service-desc",
                    "type": "application/vnd.oai.openapi+json;version=3.0",
                    "title": "the API definition",
                },
                {
                    "href": request.build_absolute_uri(reverse("api:openapi-view")),
                    "rel": "service-doc",
                    "type": "text/html",
                    "title": "the API documentation",
                },
                {
                    "href": f"{base}/conformance",
                    "rel": "conformance",
                    "type": "application/json",
                    "title": "conformance classes",
                },
                {
                    "href": f"{base}/collections",
                    "rel": "data",
                    "type": "application/json",
                    "title": "collections",
                },
            ],
        }
    )


@router.get("/conformance", summary="OGC API – Features: conformance classes")
def conformance(request):
    return _json({"conformsTo": CONFORMANCE})


@router.get("/collections", summary="OGC API – Features: collections")
def collections(request):
    base = _base(request)
    return _json(
        {
            "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
            "collections": [_collection_info(name, base) for name in COLLECTIONS],
        }
    )


@router.get(
    "/collections/{name}",
    response={200: dict, **errors(404)},
    summary="OGC API – Features: one collection",
)
def collection(request, name: str):
    _collection(name)
    return _json(_collection_info(name, _base(request)))


def _bbox(raw: str | None):
    if not raw:
        return None
    try:
        parts = [float(x) for x in raw.split(",")]
    except ValueError:
        raise HttpError(400, "bbox must be four numbers: minLon,minLat,maxLon,maxLat") from None
    if (
        len(parts) != 4
        or parts[0] > parts[2]
        or parts[1] > parts[3]
        or not (
            -180 <= parts[0] <= 180
            and -90 <= parts[1] <= 90
            and -180 <= parts[2] <= 180
            and -90 <= parts[3] <= 90
        )
    ):
        raise HttpError(400, "bbox must be four numbers: minLon,minLat,maxLon,maxLat (WGS84)")
    return parts


@router.get(
    "/collections/{name}/items",
    response={200: dict, **errors(400, 404, 422)},
    summary="OGC API – Features: items of a collection",
)
def items(request, name: str, bbox: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0):
    spec = _collection(name)
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise HttpError(400, f"offset must be between 0 and {MAX_OFFSET}")
    queryset = spec["queryset"]()
    box = _bbox(bbox)
    if box:
        queryset = queryset.filter(
            lon__gte=box[0], lat__gte=box[1], lon__lte=box[2], lat__lte=box[3]
        )
    base = _base(request)
    page = list(queryset[offset : offset + limit])
    matched = property_selectors.count_for_page(queryset, page, limit, offset)
    features = [spec["feature"](record, base) for record in page]
    here = f"{base}/collections/{name}/items"
    query = f"&bbox={bbox}" if box else ""
    links = [
        {
            "href": f"{here}?limit={limit}&offset={offset}{query}",
            "rel": "self",
            "type": "application/geo+json",
        },
        {"href": f"{base}/collections/{name}", "rel": "collection", "type": "application/json"},
    ]
    if len(page) == limit:
        links.append(
            {
                "href": f"{here}?limit={limit}&offset={offset + limit}{query}",
                "rel": "next",
                "type": "application/geo+json",
            }
        )
    if offset:
        links.append(
            {
                "href": f"{here}?limit={limit}&offset={max(0, offset - limit)}{query}",
                "rel": "prev",
                "type": "application/geo+json",
            }
        )
    body = {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "timeStamp": timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "numberReturned": len(features),
    }
    if matched.exact:
        body["numberMatched"] = matched.value
    return _json(body, content_type="application/geo+json")


@router.get(
    "/collections/{name}/items/{feature_id}",
    response={200: dict, **errors(404)},
    summary="OGC API – Features: one item",
)
def item(request, name: str, feature_id: str):
    spec = _collection(name)
    try:
        record = spec["queryset"]().get(**{spec["lookup"]: feature_id})
    except (ObjectDoesNotExist, ValueError, ValidationError):  # unknown, or not a number / UUID
        raise HttpError(404, f"Feature '{feature_id}' does not exist in '{name}'.") from None
    base = _base(request)
    feature = spec["feature"](record, base)
    feature["links"].append(
        {"href": f"{base}/collections/{name}", "rel": "collection", "type": "application/json"}
    )
    return _json(feature, content_type="application/geo+json")
