"""Loading the shipped geography (districts, municipalities, regions) into the database."""

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
                },
            )
            if m.get("outline"):
                MunicipalityOutline.objects.update_or_create(
                    municipality=municipality, defaults={"geometry": m["outline"]}
                )
            counts["municipalities"] += 1
    return counts


def load_shipped_regions() -> dict:
    totals = {"districts": 0, "municipalities": 0}
    for path in sorted(DATA_DIR.glob("*.json")):
        for key, value in load_region_file(path).items():
            totals[key] += value
    return totals
