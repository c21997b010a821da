"""Property exports in the columns of the import template (CSV, XLSX, GeoJSON).

One column list serves every format, so a later import reads back exactly what was exported.
Values are written as plain data: numbers with a dot, booleans as ja/nein, dates as ISO. The
zonings are a list in JSON (GeoJSON, OGC API, change feed) and the codes joined "GE, GI" in
CSV, XLSX and GeoPackage cells (which the import reads as several zonings). The JSON formats
also carry ``zoning``, the first of them, for readers of the time of one zoning per record.
"""

import csv
import io
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from standortlotse.core.spreadsheet import safe_cell
from standortlotse.properties import readiness
from standortlotse.properties.models import Property

COLUMNS = [
    "external_id",
    "title",
    "kind",
    "municipality_ags",
    "street",
    "postcode",
    "locality",
    "lat",
    "lon",
    "location_approximate",
    "area_total_m2",
    "area_available_m2",
    "divisible",
    "smallest_plot_m2",
    "living_area_m2",
    "zonings",
    "planning_status",
    "marketing_type",
    "price_per_m2",
    "price_on_request",
    "purchase_price",
    "monthly_rent",
    "availability",
    "available_from",
    "owner_type",
    "motorway_junction",
    "motorway_km",
    "federal_road_km",
    "rail_siding",
    "inland_port_km",
    "airport_km",
    "kita_km",
    "school_km",
    "electricity_kv",
    "electricity_mw",
    "gas",
    "hydrogen",
    "water",
    "waste_water",
    "broadband_mbits",
    "mobile_coverage",
    "operation_24_7",
    "noise_limits",
    "max_building_height_m",
    "grz",
    "gfz",
    "bmz",
    "funding_area",
    "funding_rate",
    "description_de",
    "description_en",
    "contact_name",
    "contact_organisation",
    "contact_email",
    "contact_phone",
    "data_source",
    "verified_on",
    "outline",
    # The site readiness checklist (readiness.ITEMS): status, figures and note per item.
    *readiness.FIELDS,
]


def _value(prop: Property, column: str):
    if column == "municipality_ags":
        return prop.municipality.ags
    if column == "external_id":
        return prop.external_id or f"standortlotse-{prop.pk}"
    if column == "outline":
        return json.dumps(prop.outline) if prop.outline else ""
    if column == "zonings":
        return list(prop.zonings or ())
    value = getattr(prop, column)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _cell(prop: Property, column: str):
    """The value for a spreadsheet cell: a list as its items joined ("GE, GI")."""
    value = _value(prop, column)
    return ", ".join(value) if isinstance(value, list) else value


def json_record(prop: Property, columns=COLUMNS) -> dict:
    """Column → value for the JSON formats, with ``zoning`` (the first zoning) after the list
    and ``segment`` ("commercial" or "housing", from the kind) after the kind: feeds carry
    housing records too, and a reader that wants the commercial register keeps that segment."""
    record = {}
    for column in columns:
        record[column] = _value(prop, column)
        if column == "zonings":
            record["zoning"] = prop.zoning
        if column == "kind":
            record["segment"] = str(prop.segment)
    return record


def rows(queryset):
    for prop in queryset.select_related("municipality").iterator(chunk_size=2000):
        yield [_cell(prop, column) for column in COLUMNS]


def to_csv(queryset) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for row in rows(queryset):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(queryset) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Immobilien")
    sheet.append(COLUMNS)
    for row in rows(queryset):
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_geojson(queryset) -> str:
    features = []
    for prop in queryset.select_related("municipality").iterator(chunk_size=2000):
        properties = json_record(
            prop, [column for column in COLUMNS if column not in ("lat", "lon", "outline")]
        )
        features.append(
            {
                "type": "Feature",
                "id": properties["external_id"],
                "geometry": {"type": "Point", "coordinates": [prop.lon, prop.lat]},
                "properties": {**properties, "outline": prop.outline},
            }
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )


def to_gpkg(queryset) -> bytes:
    """A GeoPackage (opens in QGIS) with one point layer "immobilien" in WGS84; the columns are
    the template columns as text, the outline as GeoJSON text, so the file re-imports losslessly."""
    import os
    import tempfile

    import numpy as np
    import pyogrio
    import shapely

    props = list(queryset.select_related("municipality"))
    geometries = np.array(
        [shapely.to_wkb(shapely.Point(p.lon, p.lat)) for p in props], dtype=object
    )
    fields = list(COLUMNS)
    data = []
    for column in fields:
        values = []
        for prop in props:
            value = _cell(prop, column)
            values.append("" if value is None else str(value))
        data.append(np.array(values, dtype=object))
    with tempfile.TemporaryDirectory(prefix="standortlotse-gpkg-") as folder:
        path = os.path.join(folder, "immobilien.gpkg")
        pyogrio.raw.write(
            path,
            geometries,
            data,
            fields,
            crs="EPSG:4326",
            driver="GPKG",
            geometry_type="Point",
            layer="immobilien",
            encoding="UTF-8",
        )
        with open(path, "rb") as handle:
            return handle.read()
