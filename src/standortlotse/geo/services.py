"""Loading the shipped geography (districts, municipalities with postcodes and regional aid
classification, regions) and the shipped infrastructure reference data into the database."""

import json
from pathlib import Path

from django.db import transaction

from standortlotse.geo.models import District, Municipality, MunicipalityOutline, Region, State

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_region_file(path: Path) -> dict:
    """Create or update state, districts, municipalities and the region from one JSON file.

    Idempotent: records are matched by their official keys, so loading twice changes nothing.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    state, _ = State.objects.update_or_create(
        code=data["state"]["code"], defaults={"name": data["state"]["name"]}
    )
    region, _ = Region.objects.update_or_create(
        slug=data["region"]["slug"], defaults={"name": data["region"]["name"]}
    )
    counts = {"districts": 0, "municipalities": 0}
    funding = data.get("funding") or {}
    for item in data["districts"]:
        district, _ = District.objects.update_or_create(
            key=item["key"],
            defaults={"state": state, "name": item["name"], "outline": item.get("outline")},
        )
        region.districts.add(district)
        counts["districts"] += 1
        for m in item["municipalities"]:
            municipality, _ = Municipality.objects.update_or_create(
                ags=m["ags"],
                defaults={
                    "district": district,
                    "name": m["name"],
                    "association": m.get("association") or "",
                    "lat": m["lat"],
                    "lon": m["lon"],
                    "postcodes": [str(code) for code in m.get("postcodes") or []],
                    "funding": m.get("funding") or _district_funding(funding, item["key"]),
                },
            )
            if m.get("outline"):
                MunicipalityOutline.objects.update_or_create(
                    municipality=municipality, defaults={"geometry": m["outline"]}
                )
            counts["municipalities"] += 1
    return counts


def _district_funding(funding: dict, district_key: str) -> dict | None:
    """The regional aid classification of the file's area that lists the district (None if none
    does): what Municipality.funding stores, with the map's name and validity."""
    for area in funding.get("areas") or ():
        if district_key in area.get("districts", ()):
            return {
                "area": bool(area.get("area")),
                "category": area.get("category", ""),
                "rates": area.get("rates") or {},
                "map": funding.get("map", ""),
                "valid_from": funding.get("valid_from", ""),
                "valid_until": funding.get("valid_until", ""),
            }
    return None


def load_shipped_regions() -> dict:
    totals = {"districts": 0, "municipalities": 0}
    for path in sorted(DATA_DIR.glob("*.json")):
        for key, value in load_region_file(path).items():
            totals[key] += value
    return totals


def load_shipped_infrastructure() -> int:
    """Load (replace) every shipped infrastructure data set (geo/data/infrastructure/*.geojson);
    the number of features."""
    from standortlotse.geo import infrastructure

    return sum(
        infrastructure.load_file(path).features.count() for path in infrastructure.shipped_files()
    )
