"""Journey (issue 16): an editor records a new property by clicking a point on the map and finds
the location facts filled in before saving (distances to the junction, station, port …, the GRW
funding, the postcode check), typed coordinates do the same, a value given with a reason stays
when the point moves; after saving, the edit page and the detail page show the same facts."""

import re
from pathlib import Path

import pytest

from standortlotse.geo import infrastructure
from standortlotse.properties.models import Kind, Property

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parents[1] / "geo" / "fixtures" / "mini-infrastructure.geojson"
TITLE = "Gewerbefläche am Bahnhof Stendal"
GRW = {
    "area": True,
    "category": "C",
    "rates": {"small": 35, "medium": 25, "large": 15},
    "map": "Fördergebietskarte 2022–2027 (Regionalbeihilfekarte)",
    "valid_from": "2022-01-01",
    "valid_until": "2027-12-31",
}


@pytest.fixture
def facts_world(live_world):
    infrastructure.load_file(FIXTURE)
    live_world.mun_a.postcodes = ["39576"]
    live_world.mun_a.funding = GRW
    live_world.mun_a.save()
    return live_world


def value(page, name: str) -> str:
    return page.input_value(f"#id_{name}")


def wait_for_value(page, name: str, wanted=None, differs_from=None):
    """Until the htmx answer has put a value into the field (the one wanted, or any other than
    ``differs_from``)."""
    page.wait_for_function(
        "([id, wanted, old]) => { const v = document.getElementById(id).value;"
        " return wanted !== null ? v === wanted : v !== '' && v !== old; }",
        arg=[f"id_{name}", wanted, differs_from],
    )
    page.locator("#location-facts:not(.htmx-request)").wait_for()


def test_editor_clicks_a_point_and_finds_the_distances_filled_in(facts_world, new_ui):
    editor = new_ui()
    page = editor.page
    editor.login("editor_a")
    editor.visit("/datenpflege/neu/")

    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", Kind.PLOT)
    page.fill("#id_postcode", "29410")  # Salzwedel's: the check says so at once
    page.select_option("#id_municipality", str(facts_world.mun_a.pk))
    panel = page.locator("#location-facts")
    # The answer for the chosen municipality first (a click before it would cancel it).
    page.wait_for_function(
        "() => document.getElementById('location-facts').innerText.includes('GRW-Fördergebiet')"
    )
    page.locator("#location-facts:not(.htmx-request)").wait_for()
    assert "Setzen Sie den Punkt auf der Karte" in panel.inner_text()
    assert value(page, "motorway_km") == "" and value(page, "station_km") == ""

    # One click on the map: the point, and the facts for it, before anything is saved.
    editor_map = page.locator("#editor-map")
    box = editor_map.bounding_box()
    editor_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    wait_for_value(page, "motorway_km", differs_from="")
    assert re.fullmatch(r"\d+\.\d", value(page, "motorway_km"))
    assert value(page, "motorway_junction") == "AS Testdorf (A14)"
    assert re.fullmatch(r"\d+\.\d", value(page, "station_km"))
    assert float(value(page, "airport_km")) > 100  # BER; the airfield has no scheduled flights
    assert value(page, "funding_rate") == "35.00" and value(page, "funding_area") == "true"
    text = panel.inner_text()
    assert "AS Testdorf (A14)" in text and "Stendal Hbf" in text and "Schätzung" in text
    assert "GRW-Fördergebiet, bis 35 %" in text
    assert "Test: a few features around Stendal" in text
    assert (
        "Die Postleitzahl 29410 gehört nicht zu Stendal"
        in page.locator("#postcode-warning").inner_text()
    )
    # the computed field says where its value comes from
    assert "Aus dem Punkt berechnet" in page.locator("#id_station_km_helptext").inner_text()
    assert Property.objects.filter(title=TITLE).count() == 0
    editor.watch.check(page)

    # Typed coordinates do the same: right at the junction.
    page.fill("#id_lat", "52.5")
    page.fill("#id_lon", "11.8")
    wait_for_value(page, "motorway_km", wanted="0.0")
    assert editor_map.locator(".leaflet-marker-icon").count() == 1

    # A value given with a reason stays when the point moves; the others follow it.
    page.fill("#id_motorway_km", "14")
    page.fill("#id_override_motorway", "Straßenentfernung laut Stadtverwaltung")
    station_before = value(page, "station_km")
    page.fill("#id_lat", "52.594723")
    page.fill("#id_lon", "11.854412")  # Stendal Hbf
    wait_for_value(page, "station_km", wanted="0.0")
    assert value(page, "motorway_km") == "14" and station_before != "0.0"
    overridden = panel.locator('[data-fact="motorway"]').inner_text()
    assert "statt berechnet" in overridden and "Stadtverwaltung" in overridden
    assert "berechnet: " in overridden  # the computed value is named beside it
    page.fill("#id_postcode", "39576")
    page.locator("#id_title").focus()  # the postcode's change event
    page.locator("#postcode-warning").wait_for(state="detached")

    # Save: the values shown are the values saved.
    editor.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    match = re.fullmatch(r"/datenpflege/(\d+)/", editor.path())
    assert match, f"not on the edit page after saving: {page.url}"
    prop = Property.objects.get(pk=int(match.group(1)))
    assert prop.station_km == 0 and prop.long_distance_station_km == 0
    assert prop.motorway_km == 14 and prop.fact_overrides == {
        "motorway": "Straßenentfernung laut Stadtverwaltung"
    }
    assert prop.funding_area is True and prop.funding_rate == 35
    assert value(page, "station_km") == "0.0" and value(page, "motorway_km") == "14.0"
    assert "Stendal Hbf" in panel.inner_text()

    # The detail page (the editor's preview of the draft) shows them, computed or entered.
    editor.visit(prop.get_absolute_url())
    station = page.locator('[data-fact="station_km"]').inner_text()
    assert "0,0 km, Stendal Hbf" in station and "berechnet" in station
    motorway = page.locator('[data-fact="motorway_km"]').inner_text()
    assert "14,0 km" in motorway and "angegeben von der Redaktion" in motorway
    funding = page.locator('[data-fact="funding_area"]').inner_text()
    assert "berechnet aus der Gemeinde" in funding


def test_a_new_record_opens_on_the_whole_chosen_municipality_with_its_boundary_drawn(
    facts_world, new_ui
):
    """Before a point is set the view shows the chosen municipality's outline (drawn stronger
    than its neighbours'), so the editor sees where to click even when no background tiles
    load; the distances wait for the point."""
    from standortlotse.geo.models import MunicipalityOutline

    ring = [[11.80, 52.56], [11.92, 52.56], [11.92, 52.63], [11.80, 52.63], [11.80, 52.56]]
    MunicipalityOutline.objects.create(
        municipality=facts_world.mun_a, geometry={"type": "Polygon", "coordinates": [ring]}
    )
    editor = new_ui()
    page = editor.page
    editor.login("editor_a")
    editor.visit("/datenpflege/neu/")
    page.select_option("#id_municipality", str(facts_world.mun_a.pk))
    page.wait_for_selector("#editor-map path.municipal-outline[stroke-width='3']")
    page.wait_for_function(
        "() => document.getElementById('location-facts').innerText.includes('GRW-Fördergebiet')"
    )
    page.locator("#location-facts:not(.htmx-request)").wait_for()
    box = page.locator("#editor-map path.municipal-outline[stroke-width='3']").bounding_box()
    frame = page.locator("#editor-map").bounding_box()
    left, top = box["x"] - frame["x"], box["y"] - frame["y"]
    right, bottom = left + box["width"], top + box["height"]
    width, height = frame["width"], frame["height"]
    assert 0 <= left < right <= width and 0 <= top < bottom <= height  # all of it in view
    assert right - left > width / 2 or bottom - top > height / 2  # and filling the view
    assert "berechnet, sobald der Punkt gesetzt ist" in page.inner_text("#location-facts")
