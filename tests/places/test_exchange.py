"""Places on the public side and in exchange: search, detail, widget, feeds, import."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from standortlotse.places import exchange, log
from standortlotse.places.models import ImportConflict, Place
from tests.factories import PropertyFactory
from tests.places.support import make_place

pytestmark = pytest.mark.django_db


def names(response):
    return [p.name for p in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Coworking Stendal", "Dorfladen Gardelegen"]),
        ("field=life", ["Dorfladen Gardelegen"]),
        ("type=coworking", ["Coworking Stendal"]),
        ("offer=cafe&offer=desks", ["Coworking Stendal", "Dorfladen Gardelegen"]),
        ("q=kuchen", ["Dorfladen Gardelegen"]),
        ("q=glasfaser", ["Coworking Stendal"]),
        ("region=altmark&type=village_shop", ["Dorfladen Gardelegen"]),
    ],
)
def test_public_search(client, places, query, expected):
    response = client.get(reverse("places:search") + "?" + query)
    assert names(response) == expected


def test_search_by_municipality_and_map_query(client, world, places):
    response = client.get(
        reverse("places:search"), {"municipality": world.mun_b.pk, "field": "life"}
    )
    assert names(response) == ["Dorfladen Gardelegen"]
    assert "/api/places.geojson?field=life&amp;municipality=15081135" in response.content.decode()


def test_detail_jsonld_og_nearby(client, world, places):
    prop = PropertyFactory(title="Halle nebenan", municipality=world.mun_a)
    response = client.get(places["cowork"].get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert '<meta property="og:title" content="Coworking Stendal">' in content
    start = content.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(content[start : content.index("</script>", start)])
    assert data["@type"] == "LocalBusiness" and data["geo"]["latitude"] == world.mun_a.lat
    assert {p.title for p in response.context["nearby_properties"]} == {
        world.prop_a.title,
        prop.title,
    }


def test_nearby_places_sorted_by_distance(client, world, places):
    near = make_place(world, "Ganz nah", lat=world.mun_a.lat + 0.01, lon=world.mun_a.lon)
    response = client.get(places["cowork"].get_absolute_url())
    nearby = response.context["nearby_places"]
    assert nearby[0] == near and 1.0 < nearby[0].distance_km < 1.2
    assert places["shop"] not in nearby  # Gardelegen is ~32 km away


def test_unpublished_place_hidden(client, places):
    assert client.get(places["draft"].get_absolute_url()).status_code == 404


def test_region_portal(client, world, places):
    response = client.get(reverse("places:region", args=["altmark"]))
    assert response.context["place_count"] == 2 and response.context["property_count"] == 2


def test_widget_can_be_framed_and_filters(client, world, places):
    response = client.get(reverse("places:widget"), {"region": "altmark", "field": "life"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    content = response.content.decode()
    assert "Dorfladen Gardelegen" in content and "Coworking Stendal" not in content
    assert "http" not in content.split("<body>")[0].replace(
        "http-equiv", ""
    )  # no external resources
    normal = client.get(reverse("places:search"))
    assert normal["X-Frame-Options"] == "DENY"


def test_embed_builder_snippet(client, places):
    response = client.get(reverse("places:embed"), {"region": "altmark"})
    assert "/widget/orte/?region=altmark" in response.context["snippet"]


# --- feeds ---------------------------------------------------------------------------------------


def test_json_feed(client, places):
    data = client.get("/api/places").json()
    assert data["format"] == exchange.FORMAT_VERSION and data["licence"] == "CC-BY-4.0"
    records = {r["name"]: r for r in data["places"]}
    assert set(records) == {"Coworking Stendal", "Dorfladen Gardelegen"}
    shop = records["Dorfladen Gardelegen"]
    assert shop["id"] == str(places["shop"].uid) and shop["municipality_ags"] == "15081135"
    assert (
        shop["types"] == ["village_shop"] and shop["licence"] == "CC-BY-4.0" and shop["updated_at"]
    )
    assert "owner_email" not in shop
    one = client.get(f"/api/places/{places['shop'].uid}").json()
    assert one["name"] == "Dorfladen Gardelegen"
    assert client.get(f"/api/places/{places['draft'].uid}").status_code == 404


def test_feed_updated_since_and_filters(client, world, places):
    cutoff = timezone.now()
    Place.objects.filter(pk=places["shop"].pk).update(
        updated_at=cutoff + timezone.timedelta(seconds=5)
    )
    Place.objects.filter(pk=places["cowork"].pk).update(
        updated_at=cutoff - timezone.timedelta(days=1)
    )
    data = client.get("/api/places", {"updated_since": cutoff.isoformat()}).json()
    assert [r["name"] for r in data["places"]] == ["Dorfladen Gardelegen"]
    data = client.get("/api/places", {"type": "coworking"}).json()
    assert [r["name"] for r in data["places"]] == ["Coworking Stendal"]
    assert client.get("/api/places", {"updated_since": "gestern"}).status_code == 422
    assert client.get("/api/places", {"type": "castle"}).status_code == 422


def test_geojson_feed(client, places):
    data = client.get("/api/places.geojson").json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point" and feature["id"] == feature["properties"]["id"]


# --- import ------------------------------------------------------------------------------------------


def feed_bytes(client, path="/api/places"):
    return client.get(path).content


def test_round_trip_export_import_into_empty_instance(client, world, places, django_db_blocker):
    """Export → import into an empty instance → identical places (content of the exchange format)."""
    exported = feed_bytes(client)
    originals = {p.name: exchange.content_of(p) for p in Place.objects.published()}
    Place.objects.all().delete()
    records = exchange.parse(exported, "feed.json")
    rows = exchange.plan(records, "partner", world.region)
    assert [r.action for r in rows] == ["new", "new"]
    counts = exchange.apply(rows, "partner", world.region, world.moderator)
    assert counts["new"] == 2
    imported = {p.name: exchange.content_of(p) for p in Place.objects.published()}
    assert imported == originals
    # and the same file again changes nothing
    rows = exchange.plan(exchange.parse(exported, "feed.json"), "partner", world.region)
    assert [r.action for r in rows] == ["unchanged", "unchanged"]


def test_round_trip_geojson_and_csv(client, world, places):
    originals = {p.name: exchange.content_of(p) for p in Place.objects.published()}
    geojson = feed_bytes(client, "/api/places.geojson")
    csv_text = exchange.csv_template(Place.objects.published()).encode()
    Place.objects.all().delete()
    exchange.apply(
        exchange.plan(exchange.parse(geojson, "f.geojson"), "geo", world.region),
        "geo",
        world.region,
        None,
    )
    assert {p.name: exchange.content_of(p) for p in Place.objects.all()} == originals
    Place.objects.all().delete()
    exchange.apply(
        exchange.plan(exchange.parse(csv_text, "f.csv"), "csv", world.region),
        "csv",
        world.region,
        None,
    )
    assert {p.name: exchange.content_of(p) for p in Place.objects.all()} == originals


def test_update_and_conflict_are_detected(client, world, places):
    exported = json.loads(feed_bytes(client))
    Place.objects.all().delete()
    exchange.apply(
        exchange.plan(exported["places"], "partner", world.region), "partner", world.region, None
    )
    local_edit = Place.objects.get(name="Coworking Stendal")
    local_edit.pitch = "Lokal verbessert"
    local_edit.save()
    for record in exported["places"]:
        record["pitch"] = "Beim Partner geändert"
    rows = exchange.plan(exported["places"], "partner", world.region)
    actions = {r.name: r.action for r in rows}
    assert actions == {"Coworking Stendal": "conflict", "Dorfladen Gardelegen": "update"}
    exchange.apply(rows, "partner", world.region, world.moderator)
    local_edit.refresh_from_db()
    assert local_edit.pitch == "Lokal verbessert"  # never overwritten silently
    assert Place.objects.get(name="Dorfladen Gardelegen").pitch == "Beim Partner geändert"
    conflict = ImportConflict.objects.get()
    exchange.resolve_conflict(world.moderator, conflict, take_incoming=False)
    rows = exchange.plan(exported["places"], "partner", world.region)
    assert {r.name: r.action for r in rows}["Coworking Stendal"] == "unchanged"


def test_import_errors_listed_per_row(world):
    records = [
        {"id": "1", "name": "", "lat": "x", "municipality_ags": "15090535", "fields": ["work"]},
        {
            "id": "2",
            "name": "Fremd",
            "lat": 52,
            "lon": 11,
            "municipality_ags": "15083270",
            "fields": ["work"],
        },
        {
            "id": "2",
            "name": "Doppelt",
            "lat": 52,
            "lon": 11,
            "municipality_ags": "15090535",
            "fields": ["work"],
        },
        {
            "id": "3",
            "name": "Typ",
            "lat": 52,
            "lon": 11,
            "municipality_ags": "15090535",
            "fields": ["work"],
            "types": ["castle"],
        },
    ]
    from django.utils import translation

    with translation.override("en"):
        rows = exchange.plan(records, "partner", world.region)
    assert [r.action for r in rows] == ["error"] * 4
    assert any("name" in e for e in rows[0].errors) and any("15083270" in e for e in rows[1].errors)
    assert any("twice" in e for e in rows[2].errors)
    assert any("castle" in e for e in rows[3].errors)


def test_import_views_preview_then_apply(client, world, places, monkeypatch):
    """Our own feed through the import pipeline (places/importing.py; more in test_importing.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from standortlotse.exchange.models import ImportJob
    from tests.places.support import confirm_import, run_tasks_at_once, start_import

    run_tasks_at_once(monkeypatch)
    exported = feed_bytes(client)
    Place.objects.all().delete()
    client.force_login(world.moderator)
    upload = SimpleUploadedFile("feed.json", exported, content_type="application/json")
    response = start_import(
        client, {"source": "partner", "file": upload, "region": world.region.pk}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(target="places")
    assert job.state == "preview" and job.counts["new"] == 2
    assert not Place.objects.exists()  # preview writes nothing
    confirm_import(client, job)
    assert Place.objects.count() == 2
    bad = SimpleUploadedFile("feed.json", b"{kaputt", content_type="application/json")
    response = start_import(client, {"source": "p", "file": bad, "region": world.region.pk})
    assert "file" in response.context["form"].errors


def test_import_needs_moderator(client, world):
    client.force_login(world.editor_a)
    assert client.get(reverse("places:import")).status_code == 403


def test_csv_template_download_and_formula_safety(client, world):
    response = client.get(reverse("places:csv_template"))
    header = response.content.decode().splitlines()[0]
    assert header.startswith("id,municipality_ags,lat,lon,name,pitch")
    place = make_place(world, '=HYPERLINK("http://evil")')
    assert "'=HYPERLINK" in exchange.csv_template([place])


def test_places_import_reads_excel_and_refuses_hostile_files(world):
    import io

    from django.core.exceptions import ValidationError
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "municipality_ags", "lat", "lon", "fields", "pitch"])
    sheet.append(["Werkhof Test", "15090535", 52.6, 11.86, "work", "- Werkstatt und Café"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    records = exchange.parse(buffer.getvalue(), "orte.xlsx")
    assert records[0]["name"] == "Werkhof Test" and records[0]["fields"] == ["work"]
    assert records[0]["pitch"] == "- Werkstatt und Café"
    with pytest.raises(ValidationError):
        exchange.parse(b"\x89PNG\r\n\x1a\n\x00", "orte.csv")
    with pytest.raises(ValidationError, match="Formel|formula"):
        exchange.parse(b"name;municipality_ags\n=HYPERLINK(1);15090535\n", "orte.csv")
    records = exchange.parse(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": "abc",
                        "geometry": {"type": "Point", "coordinates": [11.8, 52.6]},
                        "properties": {"name": "X"},
                    }
                ],
            }
        ).encode(),
        "orte.geojson",
    )
    assert records[0]["id"] == "abc" and records[0]["lat"] == 52.6


def test_nearby_places_nearest_first_across_the_first_and_the_full_radius(client, world, places):
    """Five places 1–15 km north: the first radius (5 km) holds two, so the full 20 km is
    searched; the four nearest come back in distance order, the 15 km one is the fifth."""
    base = places["cowork"]
    made = [
        make_place(world, f"Nord {km} km", lat=base.lat + km / 111.2, lon=base.lon)
        for km in (15, 1, 9, 4, 12)
    ]
    nearby = client.get(base.get_absolute_url()).context["nearby_places"]
    assert [p.name for p in nearby] == ["Nord 1 km", "Nord 4 km", "Nord 9 km", "Nord 12 km"]
    assert [round(p.distance_km) for p in nearby] == [1, 4, 9, 12]
    assert made[0] not in nearby


def test_nearby_places_dense_neighbourhood_uses_the_first_radius(client, world, places):
    base = places["cowork"]
    for n in range(6):
        make_place(world, f"Dicht {n}", lat=base.lat + (n + 1) * 0.004, lon=base.lon)
    nearby = client.get(base.get_absolute_url()).context["nearby_places"]
    assert [p.name for p in nearby] == ["Dicht 0", "Dicht 1", "Dicht 2", "Dicht 3"]


def test_apply_writes_attributes_import_hash_and_history_as_set_values_did(client, world, places):
    """The attributes of every group are replaced (stale ones deleted, missing ones added), the
    import hash is that of the stored content, and every written place gets its history entry."""
    from standortlotse.places.models import PlaceAttribute, Transition

    exported = json.loads(feed_bytes(client))
    Place.objects.all().delete()
    rows = exchange.plan(exported["places"], "partner", world.region)
    exchange.apply(rows, "partner", world.region, world.moderator)
    for place in Place.objects.all():
        assert place.import_hash == exchange.fingerprint(exchange.content_of(place))
        entry = place.transitions.get()
        assert (entry.kind, entry.details, entry.message) == ("imported", {"source": "partner"}, "")
        assert log.describe(entry) == "aus partner importiert"
    record = next(r for r in exported["places"] if r["name"] == "Dorfladen Gardelegen")
    place = Place.objects.get(name="Dorfladen Gardelegen")
    kept = place.values_of("field")[0]
    record["fields"], record["offers"], record["types"] = [kept], ["desks"], ["coworking"]
    rows = exchange.plan([record], "partner", world.region)
    assert [r.action for r in rows] == ["update"]
    before = set(
        PlaceAttribute.objects.filter(place=place, group="field").values_list("pk", flat=True)
    )
    exchange.apply(rows, "partner", world.region, world.moderator)
    place = Place.objects.get(pk=place.pk)
    assert (place.values_of("field"), place.values_of("offer"), place.values_of("type")) == (
        [kept],
        ["desks"],
        ["coworking"],
    )
    after = set(
        PlaceAttribute.objects.filter(place=place, group="field").values_list("pk", flat=True)
    )
    assert after <= before  # the kept attribute is the same row, not deleted and made anew
    assert place.import_hash == exchange.fingerprint(exchange.content_of(place))
    assert Transition.objects.filter(place=place).count() == 2
    assert exchange.plan([record], "partner", world.region)[0].action == "unchanged"
