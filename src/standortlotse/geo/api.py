"""Read API for the geography used by filters and maps."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from standortlotse.core.apischema import errors
from standortlotse.geo.models import District, Municipality, MunicipalityOutline, Region

router = Router(tags=["geography"])


class RegionOut(Schema):
    id: int
    name: str
    slug: str
    district_ids: list[int]

    @staticmethod
    def resolve_district_ids(obj):
        return [d.pk for d in obj.districts.all()]


class MunicipalityOut(Schema):
    id: int
    name: str
    ags: str
    district_id: int
    lat: float
    lon: float


@router.get("/regions", response=list[RegionOut])
def regions(request):
    return Region.objects.prefetch_related("districts")


@router.get("/municipalities", response={200: list[MunicipalityOut], **errors(422)})
def municipalities(request, district: int | None = Query(None, ge=1, le=2**63 - 1)):
    qs = Municipality.objects.all()
    if district:
        qs = qs.filter(district_id=district)
    return qs


@router.get("/districts.geojson", response=dict, summary="District outlines as GeoJSON")
def districts_geojson(request, response: HttpResponse):
    response["Cache-Control"] = "public, max-age=86400"
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": d.pk,
                "geometry": d.outline,
                "properties": {"name": d.name, "key": d.key},
            }
            for d in District.objects.exclude(outline=None)
        ],
    }


@router.get(
    "/municipalities.geojson",
    response={200: dict, **errors(404, 422)},
    summary="Municipality outlines as GeoJSON (simplified)",
)
def municipalities_geojson(
    request, response: HttpResponse, region: str | None = Query(None, max_length=50)
):
    """The simplified boundaries of the municipalities (about 75 m; for orientation on maps):
    © GeoBasis-DE / BKG, VG250 (modified), see geo/data/*.json. ``region``: one region's only."""
    response["Cache-Control"] = "public, max-age=86400"
    outlines = MunicipalityOutline.objects.all()
    if region:
        found = get_object_or_404(Region, slug=region)
        outlines = outlines.filter(municipality__district__regions=found)
    rows = outlines.values(
        "pk", "municipality_id", "municipality__name", "municipality__ags", "geometry"
    )
    return {
        "type": "FeatureCollection",
        "attribution": "© GeoBasis-DE / BKG (Daten verändert)",
        "features": [
            {
                "type": "Feature",
                "id": row["pk"],
                "geometry": row["geometry"],
                "properties": {
                    "name": row["municipality__name"],
                    "ags": row["municipality__ags"],
                    "municipality": row["municipality_id"],
                },
            }
            for row in rows
        ],
    }
