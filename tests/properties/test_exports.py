"""Exports of a search result in the columns of the import template."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from standortlotse.properties.exports import COLUMNS
from standortlotse.properties.models import Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def test_csv_export_follows_filters_and_template(client, world):
    PropertyFactory(title="Entwurf", municipality=world.mun_a, kind="hall", status=Status.DRAFT)
    world.prop_b.price_per_m2 = Decimal("12.50")
    world.prop_b.rail_siding = "yes"
    world.prop_b.gas = True
    world.prop_b.save()
    response = client.get(reverse("properties:export", args=["csv"]), {"kind": "hall"})
    assert response["Content-Disposition"] == 'attachment; filename="immobilien.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert list(rows[0]) == COLUMNS
    assert [r["title"] for r in rows] == ["Halle Gardelegen"]
    row = rows[0]
    assert row["municipality_ags"] == "15081135" and row["price_per_m2"] == "12.5"
    assert row["gas"] == "ja" and row["hydrogen"] == "" and row["rail_siding"] == "yes"
    assert row["external_id"] == f"standortlotse-{world.prop_b.pk}"


def test_export_neutralises_formulas(client, world):
    world.prop_a.title = '=HYPERLINK("http://x")'
    world.prop_a.save()
    content = client.get(reverse("properties:export", args=["csv"])).content.decode()
    assert "'=HYPERLINK" in content


def test_xlsx_and_geojson_exports(client, world):
    from openpyxl import load_workbook

    xlsx = client.get(reverse("properties:export", args=["xlsx"]), {"region": world.region.pk})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == COLUMNS and len(values) == 3
    data = json.loads(client.get(reverse("properties:export", args=["geojson"])).content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point" and "title" in feature["properties"]


def test_unknown_export_format(client, world):
    assert client.get("/immobilien/export.pdf").status_code == 404


def test_geopackage_export_opens_as_a_layer(client, world, tmp_path):
    import pyogrio

    response = client.get(reverse("properties:export", args=["gpkg"]), {"q": "Gardelegen"})
    assert (
        response.status_code == 200 and response["Content-Type"] == "application/geopackage+sqlite3"
    )
    path = tmp_path / "export.gpkg"
    path.write_bytes(response.content)
    info = pyogrio.read_info(str(path))
    assert info["features"] == 1 and info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point"
    _meta, _fids, _geometry, columns = pyogrio.raw.read(str(path))
    assert list(columns[1]) == ["Halle Gardelegen"]


# --- several zonings and the approximate position: written, and read back by the import -------


def _two_zonings_at_the_centre(prop):
    prop.zonings = ["GE", "GI"]
    prop.location_approximate = True
    prop.save()
    return prop


def test_exports_carry_the_zonings_and_the_approximate_flag(client, world):
    from openpyxl import load_workbook

    prop = _two_zonings_at_the_centre(world.prop_a)
    query = {"q": "Stendal"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("properties:export", args=["csv"]), query).content.decode()
            ),
            delimiter=";",
        )
    )
    assert [(r["zonings"], r["location_approximate"]) for r in rows] == [("GE, GI", "ja")]
    xlsx = client.get(reverse("properties:export", args=["xlsx"]), query)
    values = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    record = dict(zip(values[0], values[1], strict=True))
    assert (record["zonings"], record["location_approximate"]) == ("GE, GI", "ja")
    data = json.loads(client.get(reverse("properties:export", args=["geojson"]), query).content)
    properties = data["features"][0]["properties"]
    assert properties["zonings"] == ["GE", "GI"] and properties["zoning"] == "GE"
    assert properties["location_approximate"] == "ja"
    assert prop.pk == int(properties["external_id"].removeprefix("standortlotse-"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_two_zonings_and_the_flag_survive_export_and_import(world, fmt, monkeypatch):
    from django.db import transaction

    from standortlotse.exchange.models import ImportJob
    from standortlotse.properties.exports import to_csv, to_geojson, to_gpkg, to_xlsx
    from standortlotse.properties.models import Property
    from tests.exchange.support import run

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    prop = _two_zonings_at_the_centre(world.prop_a)
    world.prop_b.zonings = ["MI"]
    world.prop_b.save()
    queryset = Property.objects.filter(pk__in=[prop.pk, world.prop_b.pk])
    content = {"csv": lambda q: to_csv(q).encode(), "xlsx": to_xlsx, "gpkg": to_gpkg}.get(
        fmt, lambda q: to_geojson(q).encode()
    )(queryset)
    before = {p.pk: (p.zonings, p.location_approximate, p.lat, p.lon) for p in queryset}
    Property.objects.filter(pk__in=before).delete()
    job = run(world.state_admin, f"export.{fmt}", content, publish=True)
    assert job.state == ImportJob.State.DONE, list(job.rows.values_list("messages", flat=True))
    for pk, expected in before.items():
        new = Property.objects.get(external_id=f"standortlotse-{pk}")
        assert (new.zonings, new.location_approximate, new.lat, new.lon) == expected
