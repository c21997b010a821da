"""Loading the shipped geography (districts, municipalities with postcodes and regional aid
classification, regions) and the shipped infrastructure reference data into the database."""

import json
import re
from pathlib import Path

from django.db import transaction

from standortlotse.geo.models import District, Municipality, MunicipalityOutline, Region, State

DATA_DIR = Path(__file__).resolve().parent / "data"


class RegionFileError(ValueError):
    """A region data file that cannot be loaded; the message names the file's key at fault."""


def _require(value, key: str, kind=str, pattern: str | None = None):
    if value is None or (kind is str and value == ""):
        raise RegionFileError(f"{key}: missing")
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RegionFileError(f"{key}: a number is needed, not {value!r}")
    elif not isinstance(value, kind):
        raise RegionFileError(f"{key}: a {kind.__name__} is needed, not {type(value).__name__}")
    if pattern is not None and not re.fullmatch(pattern, str(value)):
        raise RegionFileError(f"{key}: {value!r} is not valid (expected {pattern})")
    return value


def _geometry(value, key: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise RegionFileError(f"{key}: a GeoJSON Polygon or MultiPolygon is needed")
    if not isinstance(value.get("coordinates"), list) or not value["coordinates"]:
        raise RegionFileError(f"{key}.coordinates: missing")


def validate_region_data(data) -> None:
    """Check a region file's structure before anything is written (RegionFileError naming the
    key, e.g. ``districts[0].municipalities[3].ags``): the format of docs/regions.md."""
    _require(data, "(file)", dict)
    state = _require(data.get("state"), "state", dict)
    _require(state.get("name"), "state.name")
    _require(state.get("code"), "state.code", str, r"\d{2}")
    region = _require(data.get("region"), "region", dict)
    _require(region.get("name"), "region.name")
    _require(region.get("slug"), "region.slug", str, r"[a-z0-9]+(?:-[a-z0-9]+)*")
    districts = _require(data.get("districts"), "districts", list)
    if not districts:
        raise RegionFileError("districts: at least one district is needed")
    seen: set[str] = set()
    for i, district in enumerate(districts):
        where = f"districts[{i}]"
        _require(district, where, dict)
        key = _require(district.get("key"), f"{where}.key", str, r"\d{5}")
        if not key.startswith(state["code"]):
            raise RegionFileError(f"{where}.key: {key} does not lie in state {state['code']}")
        _require(district.get("name"), f"{where}.name")
        _geometry(district.get("outline"), f"{where}.outline")
        municipalities = _require(district.get("municipalities"), f"{where}.municipalities", list)
        for j, m in enumerate(municipalities):
            at = f"{where}.municipalities[{j}]"
            _require(m, at, dict)
            ags = _require(m.get("ags"), f"{at}.ags", str, r"\d{8}")
            if not ags.startswith(key):
                raise RegionFileError(f"{at}.ags: {ags} does not lie in district {key}")
            if ags in seen:
                raise RegionFileError(f"{at}.ags: {ags} appears twice")
            seen.add(ags)
            _require(m.get("name"), f"{at}.name")
            lat = _require(m.get("lat"), f"{at}.lat", float)
            lon = _require(m.get("lon"), f"{at}.lon", float)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise RegionFileError(f"{at}.lat/lon: {lat}, {lon} is not a WGS84 position")
            for k, code in enumerate(m.get("postcodes") or ()):
                _require(str(code), f"{at}.postcodes[{k}]", str, r"\d{5}")
            _geometry(m.get("outline"), f"{at}.outline")
    funding = data.get("funding") or {}
    _require(funding, "funding", dict)
    for i, area in enumerate(funding.get("areas") or ()):
        _require(area, f"funding.areas[{i}]", dict)
        _require(area.get("districts"), f"funding.areas[{i}].districts", list)


def read_region_file(path: Path) -> dict:
    """The parsed and checked contents of a region data file (RegionFileError if unusable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise RegionFileError(f"{path}: cannot be read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RegionFileError(f"{path}: not valid UTF-8 JSON ({error})") from None
    validate_region_data(data)
    return data


@transaction.atomic
def load_region_file(path: Path, *, slug: str | None = None) -> dict:
    """Create or update state, districts, municipalities and the region from one JSON file.

    Idempotent: records are matched by their official keys, so loading twice changes nothing.
    The file is checked first (RegionFileError naming the key): nothing is written from a bad
    file. ``slug``: the region's slug instead of the file's ``region.slug``.
    """
    data = read_region_file(path)
    state, _ = State.objects.update_or_create(
        code=data["state"]["code"], defaults={"name": data["state"]["name"]}
    )
    region, _ = Region.objects.update_or_create(
        slug=slug or data["region"]["slug"], defaults={"name": data["region"]["name"]}
    )
    counts = {"districts": 0, "municipalities": 0, "region": region}
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
        counts = load_region_file(path)
        totals["districts"] += counts["districts"]
        totals["municipalities"] += counts["municipalities"]
    return totals


def load_shipped_infrastructure() -> int:
    """Load (replace) every shipped infrastructure data set (geo/data/infrastructure/*.geojson);
    the number of features."""
    from standortlotse.geo import infrastructure

    return sum(
        infrastructure.load_file(path).features.count() for path in infrastructure.shipped_files()
    )
