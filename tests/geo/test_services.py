"""The shipped geography: real Altmark and Prignitz municipalities with AGS and centres inside
their district."""

import json
from io import StringIO

import pytest
from shapely.geometry import Point, shape

from standortlotse.geo.models import District, Municipality, Region
from standortlotse.geo.services import DATA_DIR, load_shipped_regions

pytestmark = pytest.mark.django_db


def test_shipped_altmark_data_is_consistent():
    data = json.loads((DATA_DIR / "altmark.json").read_text(encoding="utf-8"))
    districts = {d["key"]: d for d in data["districts"]}
    assert set(districts) == {"15081", "15090"}
    assert len(districts["15081"]["municipalities"]) == 13
    assert len(districts["15090"]["municipalities"]) == 25
    for key, district in districts.items():
        outline = shape(district["outline"])
        assert outline.is_valid
        for m in district["municipalities"]:
            assert len(m["ags"]) == 8 and m["ags"].startswith(key), m
            assert outline.contains(Point(m["lon"], m["lat"])), m["name"]


def test_every_municipality_has_a_simplified_outline_around_its_centre():
    data = json.loads((DATA_DIR / "altmark.json").read_text(encoding="utf-8"))
    assert "VG250" in data["source"] and "GeoBasis-DE / BKG" in data["source"]
    assert "dl-de/by-2-0" in data["outline_licence"]["municipalities"]["licence"]
    total = 0.0
    for district in data["districts"]:
        district_outline = shape(district["outline"])
        for m in district["municipalities"]:
            outline = shape(m["outline"])
            assert outline.is_valid and outline.geom_type in ("Polygon", "MultiPolygon"), m["name"]
            assert outline.contains(Point(m["lon"], m["lat"])), m["name"]
            # within its district (VG5000 is coarser than VG250: a small margin)
            assert outline.difference(district_outline.buffer(0.02)).area < 0.001, m["name"]
            total += outline.area
            # simplified: a few hundred points, not thousands
            assert len(json.dumps(m["outline"])) < 8000, m["name"]
    # the municipalities cover their two districts (VG5000 outlines are coarse: ±10 %)
    districts_area = sum(shape(d["outline"]).area for d in data["districts"])
    assert 0.9 < total / districts_area < 1.1


def test_shipped_prignitz_data_is_consistent():
    """Landkreis Prignitz (Brandenburg): the 26 municipalities of VG250 with their Amt, every
    outline valid, inside the district and around the centre, the Städte where they are."""
    data = json.loads((DATA_DIR / "prignitz.json").read_text(encoding="utf-8"))
    assert data["state"] == {"name": "Brandenburg", "code": "12"}
    assert data["region"] == {"name": "Prignitz", "slug": "prignitz"}
    assert "VG250" in data["source"] and "GeoBasis-DE / BKG" in data["source"]
    assert "dl-de/by-2-0" in data["outline_licence"]["municipalities"]["licence"]
    [district] = data["districts"]
    assert (district["key"], district["name"]) == ("12070", "Landkreis Prignitz")
    municipalities = {m["ags"]: m for m in district["municipalities"]}
    assert len(municipalities) == len(district["municipalities"]) == 26
    assert municipalities["12070296"]["name"] == "Perleberg"
    assert municipalities["12070424"]["name"] == "Wittenberge"
    assert municipalities["12070316"]["name"] == "Pritzwalk"
    amtsfrei = {m["name"] for m in municipalities.values() if not m.get("association")}
    assert amtsfrei == {
        "Groß Pankow (Prignitz)", "Gumtow", "Karstädt", "Perleberg", "Plattenburg",
        "Pritzwalk", "Wittenberge",
    }  # fmt: skip
    assert {m.get("association") for m in municipalities.values()} - {None} == {
        "Bad Wilsnack/Weisen", "Lenzen-Elbtalaue", "Meyenburg", "Putlitz-Berge",
    }  # fmt: skip
    district_outline = shape(district["outline"])
    assert district_outline.is_valid
    total = 0.0
    for m in municipalities.values():
        outline = shape(m["outline"])
        assert len(m["ags"]) == 8 and m["ags"].startswith("12070"), m
        assert outline.is_valid and outline.contains(Point(m["lon"], m["lat"])), m["name"]
        assert outline.difference(district_outline.buffer(0.01)).area < 0.001, m["name"]
        assert m["postcodes"] and all(len(code) == 5 for code in m["postcodes"]), m["name"]
        assert len(json.dumps(m["outline"])) < 8000, m["name"]
        total += outline.area
    assert 0.97 < total / district_outline.area < 1.03  # the same VG250, simplified
    # Perleberg's centre is the town (53°04' N, 11°52' E), not a field in the middle
    assert abs(municipalities["12070296"]["lat"] - 53.07) < 0.02
    assert data["funding"]["areas"][0]["districts"] == ["12070"]


def test_loader_stores_the_outlines_and_the_api_serves_them(client):
    from standortlotse.geo.models import MunicipalityOutline

    load_shipped_regions()
    load_shipped_regions()
    assert MunicipalityOutline.objects.count() == 38 + 26
    response = client.get("/api/geo/municipalities.geojson")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=86400"
    data = response.json()
    assert len(data["features"]) == 64 and "GeoBasis-DE / BKG" in data["attribution"]
    stendal = next(f for f in data["features"] if f["properties"]["ags"] == "15090535")
    assert stendal["properties"]["name"] == "Stendal"
    assert shape(stendal["geometry"]).contains(Point(11.86, 52.6))
    assert len(response.content) < 200_000  # two regions; one region's alone: below
    altmark = client.get("/api/geo/municipalities.geojson?region=altmark")
    assert len(altmark.json()["features"]) == 38 and len(altmark.content) < 120_000
    prignitz = client.get("/api/geo/municipalities.geojson?region=prignitz").json()
    assert {f["properties"]["ags"][:5] for f in prignitz["features"]} == {"12070"}
    assert client.get("/api/geo/municipalities.geojson?region=nirgendwo").status_code == 404


def test_loader_is_idempotent():
    first = load_shipped_regions()
    second = load_shipped_regions()
    assert first == second == {"districts": 3, "municipalities": 38 + 26}
    assert Municipality.objects.count() == 64 and District.objects.count() == 3
    altmark = Region.objects.get(slug="altmark")
    assert altmark.municipalities().count() == 38
    prignitz = Region.objects.get(slug="prignitz")
    assert prignitz.municipalities().count() == 26
    assert prignitz.districts.get().state.name == "Brandenburg"
    perleberg = Municipality.objects.get(ags="12070296")
    assert perleberg.region == prignitz and perleberg.postcodes == ["19348"]
    assert perleberg.funding["category"] == "C" and perleberg.slug == "perleberg"
    assert Municipality.objects.get(ags="15090535").name == "Stendal"
    assert Municipality.objects.get(name="Tangermünde").district.key == "15090"


def test_demo_data_loads(django_user_model):
    from django.core.management import call_command

    from standortlotse.properties.demo import DEMO_HOUSING, DEMO_PRIGNITZ, PRIGNITZ_BRAND_COLOUR
    from standortlotse.properties.models import Property

    out = StringIO()
    call_command("load_demo", "--count", "8", "--allow-production", stdout=out)
    assert "redaktion-perleberg" in out.getvalue() and "moderation-prignitz" in out.getvalue()
    housing = len(DEMO_HOUSING)
    assert Property.objects.filter(is_demo=True).commercial().count() == 8 + len(DEMO_PRIGNITZ)
    assert Property.objects.filter(is_demo=True).housing().count() == housing
    assert Property.objects.filter(
        is_demo=True, photos__isnull=False
    ).distinct().count() == 8 + housing + len(DEMO_PRIGNITZ)
    assert django_user_model.objects.filter(username="redaktion-stendal").exists()
    from standortlotse.cases.models import Case
    from standortlotse.places.models import Place

    assert Place.objects.published().filter(is_demo=True).count() == 21 + 2
    assert Case.objects.filter(company__startswith="Demo:").count() == 4
    # the second region, clearly marked, with its own staff and colour
    prignitz = Property.objects.filter(is_demo=True, municipality__district__key="12070")
    assert prignitz.count() == len(DEMO_PRIGNITZ)
    assert all("(Demo-Datensatz)" in p.description_de for p in prignitz)
    assert Place.objects.filter(is_demo=True, region__slug="prignitz").count() == 2
    assert Region.objects.get(slug="prignitz").brand_colour == PRIGNITZ_BRAND_COLOUR
    moderator = django_user_model.objects.get(username="moderation-prignitz")
    assert moderator.memberships.get().organisation.region.slug == "prignitz"
    editor = django_user_model.objects.get(username="redaktion-perleberg")
    assert editor.memberships.get().organisation.municipality.ags == "12070296"
    call_command("load_demo", "--count", "8", "--allow-production")
    assert Property.objects.filter(is_demo=True).count() == 8 + housing + len(DEMO_PRIGNITZ)
    assert Place.objects.count() == 21 + 2 and Case.objects.count() == 4


def test_generate_properties_command():
    from django.core.management import call_command

    from standortlotse.properties.models import Property

    call_command("generate_properties", "300")
    assert Property.objects.count() == 300
    assert Property.objects.published().count() > 200


def test_region_of_a_municipality_and_a_district(world):
    from tests.factories import DistrictFactory, MunicipalityFactory

    assert world.mun_a.region == world.region and world.mun_b.region == world.region
    assert world.district_stendal.region == world.region
    assert world.mun_c.region is None and world.district_other.region is None  # outside the Altmark
    lonely = MunicipalityFactory(
        name="Nirgendwo", ags="15099001", district=DistrictFactory(key="15099")
    )
    assert lonely.region is None
