"""Partner maps: the readers (Karte von morgen, GoGoCarto JSON/CSV, schema.org JSON-LD), the
mapping of their categories and tags, the import through the moderation UI, pulling a feed by
URL on schedule, and our GoGoCarto export read back by our own reader."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from standortlotse.places import exchange, partners
from standortlotse.places.models import FeedFormat, FeedRun, ImportConflict, PartnerFeed, Place

DATA = Path(__file__).parent / "data"


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def by_id(records):
    return {r["id"]: r for r in records}


# --- readers -----------------------------------------------------------------------------------


def test_kvm_reader_takes_entry_fields_id_and_version():
    records, format = partners.read(raw("kvm_entries.json"), "entries.json")
    assert format == FeedFormat.KVM
    molkerei = by_id(records)["8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b"]
    assert molkerei["name"] == "Coworking Alte Molkerei"
    assert molkerei["version"] == "4"
    assert (molkerei["lat"], molkerei["lon"]) == (52.6021, 11.8583)
    assert molkerei["street"] == "Molkereistraße 3"
    assert (molkerei["postcode"], molkerei["locality"]) == ("39576", "Stendal")
    assert molkerei["contact_email"] == "hallo@alte-molkerei.example"
    assert molkerei["contact_phone"] == "03931 123456"
    assert molkerei["website"] == "https://alte-molkerei.example"
    assert molkerei["opening_info"] == "Mo-Fr 08:00-18:00"
    assert molkerei["licence"] == "CC0-1.0"
    assert molkerei["pitch"] == "Schreibtische und Werkstatt in der alten Molkerei."
    assert molkerei["story"].count("<p>") == 2
    assert molkerei["social_links"] == ["https://www.instagram.com/altemolkerei"]
    assert molkerei["partner_categories"] == [partners.KVM_INITIATIVE]
    assert molkerei["partner_tags"] == ["coworking", "makerspace", "glasfaser", "zukunftsort"]


def test_kvm_default_mapping_turns_tags_into_fields_types_offers():
    mapped, _format = partners.read_and_map(raw("kvm_entries.json"), "e.json", FeedFormat.AUTO)
    records = by_id(mapped.records)
    molkerei = records["8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b"]
    assert molkerei["fields"] == ["work"]
    assert molkerei["types"] == ["coworking", "creative_hub", "maker_space"]
    assert molkerei["offers"] == ["desks", "workshop"]
    assert molkerei["tags"] == ["coworking", "makerspace", "glasfaser", "zukunftsort"]
    shop = records["f0e1d2c3b4a5968778695a4b3c2d1e0f"]
    assert (shop["fields"], shop["types"], shop["offers"]) == (
        ["life", "work"],
        ["village_shop"],
        ["cafe"],
    )
    # Nothing recognisable: the default of the format (life, other); the unknown category is listed.
    garden = records["0badc0de0badc0de0badc0de0badc0de"]
    assert (garden["fields"], garden["types"]) == (["life"], ["other"])
    assert mapped.unmapped_categories == ["99999999999999999999999999999999"]


def test_gogocarto_json_reader():
    mapped, format = partners.read_and_map(raw("gogocarto_elements.json"), "x.json", "auto")
    assert format == FeedFormat.GOGOCARTO
    hof = by_id(mapped.records)["aB3x"]
    assert hof["name"] == "Kreativhof Tangermünde"
    assert (hof["lat"], hof["lon"]) == (52.543, 11.968)
    assert (hof["street"], hof["postcode"], hof["locality"]) == (
        "Hafenstraße 7",
        "39590",
        "Stendal",
    )
    assert hof["version"] == "2025-03-12T09:30:00+01:00"
    assert hof["website"] == "https://kreativhof.example"
    assert "Seit 2019" in hof["story"]
    assert hof["types"] == ["coworking", "creative_hub"]
    assert hof["offers"] == ["desks", "events"]
    assert mapped.unmapped_categories == ["Tiny House Dorf"]


def test_gogocarto_csv_reader_with_semicolons_and_decimal_commas():
    mapped, format = partners.read_and_map(raw("gogocarto_export.csv"), "export.csv", "auto")
    assert format == FeedFormat.GOGOCARTO_CSV
    records = by_id(mapped.records)
    assert records["aB3x"]["lat"] == "52.5430"
    assert records["aB3x"]["types"] == ["coworking", "creative_hub"]
    assert records["Kq77"]["types"] == ["maker_space"]
    assert records["Kq77"]["locality"] == "Gardelegen"
    assert records["Kq77"]["version"] == "2025-02-01T08:00:00+01:00"


def test_jsonld_reader_graph_single_and_list():
    records, format = partners.read(raw("schema_places.jsonld"), "orte.jsonld")
    assert format == FeedFormat.JSONLD
    assert len(records) == 1  # the WebSite node is no place
    place = records[0]
    assert place["id"] == "https://dorfhaus.example/#ort"
    assert place["contact_email"] == "post@dorfhaus.example"
    assert place["partner_categories"] == ["LocalBusiness", "Coworking"]
    assert place["partner_tags"] == ["Dorfcafé", "Coworking", "Glasfaser"]
    assert place["version"] == "2025-04-01"
    graph = json.loads(raw("schema_places.jsonld"))
    single = {"@context": "https://schema.org", **graph["@graph"][0]}
    assert partners.read(json.dumps(single).encode(), "x.json")[0][0]["name"] == place["name"]
    as_list = json.dumps(graph["@graph"]).encode()
    assert [r["name"] for r in partners.read(as_list, "x.json")[0]] == ["Dorfhaus Uenglingen"]


def test_reader_errors_name_the_format():
    with pytest.raises(ValidationError) as error:
        partners.read(b'{"data": "nope"}', "x.json", FeedFormat.GOGOCARTO)
    assert "GoGoCarto" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        partners.read(b"{broken", "x.json", FeedFormat.KVM)


def test_our_own_feed_is_still_detected(world, places):
    feed = json.dumps(exchange.json_feed(Place.objects.published())).encode()
    records, format = partners.read(feed, "feed.json")
    assert format == FeedFormat.STANDORTLOTSE
    assert {r["name"] for r in records} == {"Coworking Stendal", "Dorfladen Gardelegen"}


# --- the mapping -------------------------------------------------------------------------------


def test_mapping_errors_name_the_unknown_key_and_value():
    assert partners.mapping_errors({}) == []
    assert partners.mapping_errors(partners.default_mapping(FeedFormat.KVM)) == []
    errors = partners.mapping_errors(
        {
            "categorys": {},
            "categories": {"Coworking": {"typs": ["coworking"]}},
            "tags": {"kultur": {"types": ["theatre"]}},
        }
    )
    assert (
        "Unbekannter Schlüssel „categorys“ in der Zuordnung. Erlaubt: categories, tags, default."
        in errors
    )
    assert any("categories › Coworking: unbekannter Schlüssel „typs“" in e for e in errors)
    assert any("tags › kultur › types: unbekannter Wert „theatre“" in e for e in errors)
    assert any("coworking, coliving" in e for e in errors)


def test_partner_feed_admin_refuses_a_bad_mapping(client, world, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:places_partnerfeed_add"),
        {
            "name": "Zukunftsorte",
            "format": "gogocarto",
            "url": "",
            "region": world.region.pk,
            "mapping": json.dumps({"categories": {"Coworking": {"typs": ["coworking"]}}}),
            "active": "on",
            "runs-TOTAL_FORMS": "0",
            "runs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["mapping"]
    assert any("categories › Coworking: unbekannter Schlüssel „typs“" in e for e in errors), errors
    assert not PartnerFeed.objects.exists()


def test_feed_mapping_overrides_the_default(world):
    feed = PartnerFeed.objects.create(
        name="Zukunftsorte",
        format=FeedFormat.GOGOCARTO,
        region=world.region,
        mapping={"categories": {"Tiny House Dorf": {"fields": ["housing"], "types": ["coliving"]}}},
    )
    mapped, _format = partners.read_and_map(raw("gogocarto_elements.json"), "x.json", "auto", feed)
    osterburg = by_id(mapped.records)["Zq91"]
    assert (osterburg["fields"], osterburg["types"]) == (["housing"], ["coliving"])
    assert "Coworking" in mapped.unmapped_categories  # not in this feed's mapping


# --- planning and applying ---------------------------------------------------------------------


def test_partner_records_find_their_municipality(world):
    mapped, _format = partners.read_and_map(raw("gogocarto_elements.json"), "x.json", "auto")
    rows = {r.external_id: r for r in exchange.plan(mapped.records, "zukunftsorte", world.region)}
    assert rows["aB3x"].action == "new"
    assert rows["aB3x"].data["municipality_ags"] == world.mun_a.ags
    # Osterburg is no municipality of the test region and lies 21 km from Stendal's centre.
    assert rows["Zq91"].action == "error"
    assert "Ort „Osterburg (Altmark)“: keine Gemeinde der Region" in rows["Zq91"].errors[0]


def test_same_feed_twice_makes_one_conflict_per_place_and_version(world):
    feed = raw("kvm_entries.json")
    records = partners.read_and_map(feed, "e.json", "auto")[0].records
    counts = exchange.apply(exchange.plan(records, "kvm", world.region), "kvm", world.region, None)
    assert counts["new"] == 2 and counts["error"] == 1  # the garden's email is no address
    place = Place.objects.get(external_id="8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b")
    place.name = "Alte Molkerei (hier bearbeitet)"
    place.save()
    entries = json.loads(feed)
    entries[0]["version"] = 5
    entries[0]["description"] = "Neu beim Partner."
    changed = json.dumps(entries).encode()
    for _run in range(2):
        records = partners.read_and_map(changed, "e.json", "auto")[0].records
        rows = exchange.plan(records, "kvm", world.region)
        exchange.apply(rows, "kvm", world.region, None)
    assert ImportConflict.objects.filter(place=place).count() == 1
    conflict = ImportConflict.objects.get(place=place)
    assert conflict.version == "5"
    assert "wartet bereits als Konflikt" in rows[0].notes[0]
    # A later version of the partner's record is a new conflict.
    entries[0]["version"] = 6
    entries[0]["description"] = "Noch neuer."
    records = partners.read_and_map(json.dumps(entries).encode(), "e.json", "auto")[0].records
    exchange.apply(exchange.plan(records, "kvm", world.region), "kvm", world.region, None)
    assert ImportConflict.objects.filter(place=place).count() == 2


# --- pulling by URL ----------------------------------------------------------------------------


class Partner(BaseHTTPRequestHandler):
    body = b""
    requests: list = []

    def do_GET(self):
        type(self).requests.append(dict(self.headers))
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner_server(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    Partner.body = raw("gogocarto_elements.json")
    Partner.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pull_partner_feeds_command_and_conditional_requests(world, partner_server, capsys):
    feed = PartnerFeed.objects.create(
        name="Zukunftsorte",
        format="auto",
        url=partner_server + "/api/elements.json",
        region=world.region,
    )
    call_command("pull_partner_feeds")
    run = FeedRun.objects.get(feed=feed)
    assert (run.http_status, run.new, run.errors) == (200, 1, 1)
    assert "Tiny House Dorf" in run.message
    assert "Zukunftsorte: HTTP 200, 1 new" in capsys.readouterr().out
    feed.refresh_from_db()
    assert feed.etag == '"v1"'
    second = partners.pull(feed)
    assert second.http_status == 304 and second.new == 0
    assert Partner.requests[-1]["If-None-Match"] == '"v1"'
    assert Place.objects.filter(source="Zukunftsorte").count() == 1


def test_pull_task_runs_every_active_feed(world, partner_server):
    from standortlotse.places.tasks import pull_partner_feeds_task

    PartnerFeed.objects.create(name="A", url=partner_server + "/a", region=world.region)
    PartnerFeed.objects.create(
        name="B", url=partner_server + "/b", region=world.region, active=False
    )
    PartnerFeed.objects.create(name="C", region=world.region)  # upload only
    pull_partner_feeds_task.enqueue()
    assert list(FeedRun.objects.values_list("feed__name", flat=True)) == ["A"]


def test_pull_refused_address_is_logged_not_raised(world):
    feed = PartnerFeed.objects.create(name="X", url="http://127.0.0.1:9/feed", region=world.region)
    run = partners.pull(feed)
    assert run.http_status is None
    assert "privates oder lokales Netz" in run.message


# --- our places for partner maps ---------------------------------------------------------------


def test_gogocarto_export_round_trip(client, world, places):
    response = client.get(reverse("places:gogocarto_feed"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exported = response.json()
    assert exported["ontology"] == "gogofull"
    assert {e["name"] for e in exported["data"]} == {"Coworking Stendal", "Dorfladen Gardelegen"}
    mapped, format = partners.read_and_map(response.content, "gogocarto.json", "auto")
    assert format == FeedFormat.GOGOCARTO
    assert mapped.unmapped_categories == []
    read_back = {r["name"]: r for r in mapped.records}
    for place in Place.objects.published():
        record = read_back[place.name]
        assert record["id"] == str(place.uid)
        assert (record["lat"], record["lon"]) == (round(place.lat, 6), round(place.lon, 6))
        for name, group in (("fields", "field"), ("types", "type"), ("offers", "offer")):
            assert record[name] == place.values_of(group)
        assert record["tags"] == place.tag_list()
    shop = read_back["Dorfladen Gardelegen"]
    assert "Kaffee und Kuchen" in shop["story"]
    # Into an empty region under another source: the same places, new.
    rows = exchange.plan(mapped.records, "standortlotse", world.region)
    assert [r.action for r in rows] == ["new", "new"]


# --- CSV exports through core.tabular.readers --------------------------------------------------


def _resaved(name: str, delimiter: str, encoding: str, above: str = "") -> bytes:
    """The file as a spreadsheet saves it again: another delimiter and encoding, maybe a title."""
    import csv
    import io

    text = (DATA / name).read_text("utf-8")
    source = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=source))
    out = io.StringIO()
    if above:
        out.write(above + "\r\n\r\n")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def test_kvm_csv_export_is_detected_and_read():
    records, format = partners.read(raw("kvm_entries.csv"), "entries.csv")
    assert format == FeedFormat.KVM_CSV
    assert partners.detect(raw("kvm_entries.csv"), "export") == FeedFormat.KVM_CSV
    molkerei = by_id(records)["8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b"]
    assert molkerei["name"] == "Coworking Alte Molkerei"
    assert molkerei["version"] == "4"
    assert (molkerei["lat"], molkerei["lon"]) == ("52.6021", "11.8583")
    assert (molkerei["street"], molkerei["postcode"]) == ("Molkereistraße 3", "39576")
    assert molkerei["contact_name"] == "Jana Beispiel"
    assert molkerei["contact_email"] == "hallo@alte-molkerei.example"
    assert molkerei["contact_phone"] == "03931 123456"
    assert molkerei["opening_info"] == "Mo-Fr 08:00-18:00"
    assert molkerei["licence"] == "CC0-1.0"
    assert molkerei["story"].count("<p>") == 2  # the quoted cell keeps its blank line
    assert molkerei["partner_categories"] == [partners.KVM_INITIATIVE]
    assert molkerei["partner_tags"] == ["coworking", "makerspace", "glasfaser", "zukunftsort"]


def test_kvm_csv_maps_like_the_json_entries():
    from_csv, _format = partners.read_and_map(raw("kvm_entries.csv"), "e.csv", FeedFormat.AUTO)
    from_json, _format = partners.read_and_map(raw("kvm_entries.json"), "e.json", FeedFormat.AUTO)
    keys = ("name", "fields", "types", "offers", "tags", "locality", "version")
    csv_records, json_records = by_id(from_csv.records), by_id(from_json.records)
    assert set(csv_records) == set(json_records)
    for id, record in csv_records.items():
        assert {k: record[k] for k in keys} == {k: json_records[id][k] for k in keys}, id
    assert from_csv.unmapped_categories == ["99999999999999999999999999999999"]


def test_kvm_csv_resaved_by_excel_in_windows_1252_with_semicolons():
    data = _resaved("kvm_entries.csv", ";", "cp1252")
    assert "ß".encode("cp1252") in data
    records, format = partners.read(data, "karte.csv")
    assert format == FeedFormat.KVM_CSV
    molkerei = by_id(records)["8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b"]
    assert molkerei["street"] == "Molkereistraße 3"
    assert "Gründerinnen" in molkerei["story"]
    assert by_id(records)["f0e1d2c3b4a5968778695a4b3c2d1e0f"]["name"] == "Dorfladen Gardelegen-Süd"


def test_kvm_csv_of_an_older_server_with_category_names():
    data = (
        "id,created,version,title,description,lat,lng,street,zip,city,country,homepage,"
        "email,telephone,categories,tags,license,avg_rating\n"
        "aa11,1500000000,3,Hofladen Uenglingen,Gemüse vom Hof,52.62,11.81,,,Stendal,,,"
        "hof@example.org,03931 1,commercial,dorfladen,CC0-1.0,0\n"
    ).encode()
    mapped, format = partners.read_and_map(data, "entries.csv", FeedFormat.AUTO)
    assert format == FeedFormat.KVM_CSV
    shop = mapped.records[0]
    assert (shop["contact_email"], shop["contact_phone"]) == ("hof@example.org", "03931 1")
    assert (shop["fields"], shop["types"]) == (["life", "work"], ["village_shop"])
    assert mapped.unmapped_categories == []


def test_gogocarto_csv_with_a_title_row_in_windows_1252():
    data = _resaved("gogocarto_export.csv", ";", "cp1252", above="Export Zukunftsorte;Stand März")
    mapped, format = partners.read_and_map(data, "export.csv", FeedFormat.GOGOCARTO_CSV)
    records = by_id(mapped.records)
    assert records["aB3x"]["name"] == "Kreativhof Tangermünde"
    assert records["aB3x"]["lat"] == "52.5430"
    assert records["Kq77"]["types"] == ["maker_space"]


def test_csv_reader_errors_name_row_column_and_format():
    data = raw("kvm_entries.csv").replace(b"Genossenschaftlicher", b"=HYPERLINK(1)", 1)
    with pytest.raises(ValidationError) as error:
        partners.read(data, "entries.csv", FeedFormat.KVM_CSV)
    message = " ".join(error.value.messages)
    assert "Karte von morgen (CSV-Export)" in message
    assert "Zeile" in message and "description" in message


# --- the format: detected, the feed's only as a fallback --------------------------------------


@pytest.mark.parametrize(
    ("name", "chosen", "fallback", "format", "warned"),
    [
        ("gogocarto_export.csv", "auto", "gogocarto", "gogocarto_csv", False),  # same partner
        ("gogocarto_elements.json", "auto", "gogocarto_csv", "gogocarto", False),
        ("kvm_entries.csv", "auto", "kvm", "kvm_csv", False),
        ("kvm_entries.csv", "auto", "gogocarto", "kvm_csv", True),  # another partner
        ("gogocarto_elements.json", "auto", "kvm", "gogocarto", True),
        ("gogocarto_elements.json", "auto", "", "gogocarto", False),  # no feed
        ("gogocarto_elements.json", "kvm", "gogocarto", "kvm", False),  # chosen by hand
    ],
)
def test_choose_format_detects_and_falls_back_to_the_feeds(name, chosen, fallback, format, warned):
    found, note = partners.choose_format(raw(name), name, chosen, fallback)
    assert found == format
    assert bool(note) is warned


def test_choose_format_takes_the_feeds_when_the_content_shows_none():
    assert partners.choose_format(b"Hallo", "feed", "auto", "kvm") == ("kvm", "")
    assert partners.choose_format(b"Hallo", "feed", "auto", "") == ("standortlotse", "")
    ours = json.dumps({"type": "FeatureCollection", "features": []}).encode()
    assert partners.choose_format(ours, "f.geojson", "auto", "kvm")[0] == "standortlotse"


def test_json_errors_name_line_and_column_in_peoples_words():
    with pytest.raises(ValidationError) as error:
        partners.read(b"\n\n  nope", "feed.json", "gogocarto")
    assert error.value.messages == [
        "GoGoCarto-Export (JSON): Die Datei ist kein gültiges JSON (Zeile 3, Spalte 3)."
    ]


def test_pull_detects_the_format_and_warns_about_another_partners(world, partner_server):
    Partner.body = raw("kvm_entries.csv")
    feed = PartnerFeed.objects.create(
        name="GoGo", format="gogocarto", url=partner_server + "/feed", region=world.region
    )
    run = partners.pull(feed)
    assert run.new == 3, run.message  # read as Karte von morgen's CSV
    assert "nicht im Format des Partner-Feeds „GoGoCarto-Export (JSON)“" in run.message
    Partner.body = raw("gogocarto_export.csv")
    other = PartnerFeed.objects.create(
        name="GoGo CSV", format="gogocarto", url=partner_server + "/other", region=world.region
    )
    run = partners.pull(other)
    assert run.new == 2 and "Partner-Feeds" not in run.message


# --- who owns an imported place, and under which licence ---------------------------------------


def test_imported_owner_is_the_partners_contact_or_none_and_the_licence_is_the_partners(world):
    from django.conf import settings

    records = partners.read_and_map(raw("kvm_entries.json"), "e.json", "auto")[0].records
    exchange.apply(exchange.plan(records, "kvm", world.region), "kvm", world.region, None)
    molkerei = Place.objects.get(external_id="8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b")
    shop = Place.objects.get(external_id="f0e1d2c3b4a5968778695a4b3c2d1e0f")
    assert (molkerei.owner_name, molkerei.owner_email) == (
        "Jana Beispiel",
        "hallo@alte-molkerei.example",
    )
    assert (shop.owner_name, shop.owner_email) == ("", "") and not shop.has_owner_address
    assert settings.DEFAULT_FROM_EMAIL not in {molkerei.owner_email, shop.owner_email}
    assert molkerei.licence == shop.licence == "CC0-1.0"
    assert {r["licence"] for r in exchange.json_feed([molkerei, shop])["places"]} == {"CC0-1.0"}
    assert "CC0-1.0" in exchange.csv_template([shop])
    ours = [{**r, "id": f"x{n}"} for n, r in enumerate(exchange.json_feed([shop])["places"])]
    del ours[0]["licence"]  # a record without a licence keeps ours
    exchange.apply(exchange.plan(ours, "p", world.region), "p", world.region, None)
    assert Place.objects.get(source="p").licence == "CC-BY-4.0"


def test_a_licence_the_place_cannot_keep_is_an_error_of_its_row(world):
    records = partners.read_and_map(raw("kvm_entries.json"), "e.json", "auto")[0].records
    records[0]["licence"] = "L" * 51
    rows = exchange.plan(records, "kvm", world.region)
    assert rows[0].action == "error"
    assert any(e.startswith("Lizenz:") for e in rows[0].errors), rows[0].errors


def test_an_update_from_the_partner_takes_its_licence_too(world):
    """A place imported before licences were kept (CC-BY-4.0 by default) gets the partner's
    licence with the next update."""
    import json

    entries = json.loads(raw("kvm_entries.json"))
    records = partners.read_and_map(json.dumps(entries).encode(), "e.json", "auto")[0].records
    exchange.apply(exchange.plan(records, "kvm", world.region), "kvm", world.region, None)
    molkerei = Place.objects.get(external_id="8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b")
    Place.objects.filter(pk=molkerei.pk).update(licence="CC-BY-4.0")
    entries[0]["version"] = int(entries[0].get("version") or 0) + 1
    entries[0]["description"] = "Neu beschrieben vom Partner."
    records = partners.read_and_map(json.dumps(entries).encode(), "e.json", "auto")[0].records
    rows = exchange.plan(records, "kvm", world.region)
    assert [r.action for r in rows if r.external_id == molkerei.external_id] == ["update"]
    exchange.apply(rows, "kvm", world.region, None)
    molkerei.refresh_from_db()
    assert molkerei.licence == "CC0-1.0"
