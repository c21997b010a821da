"""The maps work from the first second: background tiles through our own origin (a local fake
upstream here, never the network), district and municipal outlines, category markers with a
legend, translated zoom buttons, popups that take the keyboard focus, and the map area as a
search filter."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from standortlotse.geo.models import MunicipalityOutline
from standortlotse.geo.services import DATA_DIR
from tests.core.test_tiles import running_upstream

pytestmark = pytest.mark.browser


@pytest.fixture
def tile_server(settings, tmp_path):
    with running_upstream() as fake:
        settings.MAP_TILE_UPSTREAM = fake.template
        settings.MAP_TILE_CACHE_DIR = str(tmp_path / "tiles")
        yield fake


@pytest.fixture
def outlined_world(live_world):
    """The world's municipalities with their shipped outlines (Stendal and Gardelegen by AGS)."""
    data = json.loads((DATA_DIR / "altmark.json").read_text(encoding="utf-8"))
    outlines = {m["ags"]: m["outline"] for d in data["districts"] for m in d["municipalities"]}
    for municipality in (live_world.mun_a, live_world.mun_b):
        MunicipalityOutline.objects.create(
            municipality=municipality, geometry=outlines[municipality.ags]
        )
    return live_world


def _tile_requests(ui):
    return [u for u in ui.watch.requests if "/karte/kacheln/" in u]


def test_map_pages_load_tiles_from_our_origin_only(outlined_world, tile_server, ui):
    world = outlined_world
    own = urlsplit(ui.live_server.url).netloc
    for path in [
        "/immobilien/",
        f"/immobilien/{world.prop_a.pk}/",
        "/orte/",
        "/en/immobilien/",
    ]:
        ui.visit(path)  # asserts: no external request, no console error, no CSP violation
        assert ui.page.locator("[data-map-consent]").count() == 0, path
        ui.page.locator("[data-map] img.leaflet-tile-loaded").first.wait_for()
    tiles = _tile_requests(ui)
    assert tiles and all(re.search(r"/karte/kacheln/\d+/\d+/\d+\.png$", u) for u in tiles)
    assert ui.watch.external == []
    assert all(urlsplit(u).netloc == own for u in ui.watch.requests), ui.watch.requests
    # The tiles came from the (fake) upstream through our server, not from the browser.
    assert tile_server.requests
    attribution = ui.page.locator(".leaflet-control-attribution").inner_text()
    assert "© basemap.de / BKG" in attribution and "GeoBasis-DE / BKG" in attribution


def test_without_the_upstream_the_map_still_shows_outlines_and_markers(outlined_world, ui):
    # tests/settings.py points the upstream at a closed loopback port: transparent tiles.
    ui.visit("/immobilien/")
    search_map = ui.page.locator("#search-map")
    assert search_map.get_attribute("data-markers") == "3"
    ui.page.wait_for_function("() => document.querySelector('#search-map').dataset.outlines")
    assert search_map.get_attribute("data-outlines") == "2"
    assert search_map.locator("path.municipal-outline").count() == 2
    assert ui.watch.external == []


@pytest.mark.parametrize(
    "prefix, zoom_in, zoom_out, legend",
    [("", "Hineinzoomen", "Herauszoomen", "Legende"), ("/en", "Zoom in", "Zoom out", "Legend")],
)
def test_outlines_legend_and_zoom_buttons_in_the_page_language(
    outlined_world, ui, prefix, zoom_in, zoom_out, legend
):
    page = ui.page
    ui.visit(f"{prefix}/immobilien/")
    page.wait_for_function("() => document.querySelector('#search-map').dataset.outlines")
    assert page.locator("#search-map path.municipal-outline").count() == 2
    assert page.locator("#search-map path.district-outline").count() >= 2
    for name, label in (
        (".leaflet-control-zoom-in", zoom_in),
        (".leaflet-control-zoom-out", zoom_out),
    ):
        button = page.locator(f"#search-map {name}")
        assert (
            button.get_attribute("aria-label") == label and button.get_attribute("title") == label
        )
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (name, box)
    box = page.locator("[data-map-legend]")
    assert box.is_visible() and box.inner_text().startswith(legend)
    items = box.locator("li")
    assert items.count() == 7  # one per property kind, each with its symbol
    assert box.locator("li svg").count() == 7
    # The markers carry the symbol of their kind: plots and the hall differ.
    markers = page.locator("#search-map .map-marker")
    assert markers.count() == 3
    hall = page.locator(f'#search-map .map-marker[title="{outlined_world.prop_b.title}"] svg')
    plot = page.locator(f'#search-map .map-marker[title="{outlined_world.prop_a.title}"] svg')
    assert hall.inner_html() != plot.inner_html()
    ui.assert_accessible()


def test_popup_takes_the_focus_and_gives_it_back(outlined_world, ui):
    page = ui.page
    ui.visit("/immobilien/")
    title = outlined_world.prop_a.title
    marker = page.locator(f'#search-map .map-marker[title="{title}"]')
    assert marker.get_attribute("aria-label") == title
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator("#search-map .leaflet-popup-content a")
    link.wait_for()
    assert page.evaluate("() => document.activeElement.textContent") == title
    assert link.get_attribute("href") == f"/immobilien/{outlined_world.prop_a.pk}/"
    close = page.locator("#search-map .leaflet-popup-close-button")
    assert close.get_attribute("aria-label") == "Schließen"
    page.keyboard.press("Escape")
    link.wait_for(state="detached")
    assert page.evaluate("() => document.activeElement.getAttribute('title')") == title


def test_results_list_and_map_highlight_each_other(outlined_world, ui):
    page = ui.page
    ui.visit("/immobilien/")
    title = outlined_world.prop_b.title
    marker = page.locator(f'#search-map .map-marker[title="{title}"]')
    item = page.locator(".result-list li.result", has=page.get_by_role("link", name=title))
    assert page.locator("#search-map").get_attribute("data-synced") == "3"
    item.hover()
    expect(marker).to_have_class(re.compile(r"\bis-highlighted\b"))
    page.locator("h1").hover()
    expect(marker).not_to_have_class(re.compile(r"\bis-highlighted\b"))
    marker.hover()
    expect(item).to_have_class(re.compile(r"\bis-highlighted\b"))


def _results(page):
    return page.locator(".result-list h3 a").all_inner_texts()


def test_search_in_this_map_area_sets_the_bbox_filter(outlined_world, ui):
    page = ui.page
    world = outlined_world
    ui.visit("/immobilien/")
    assert len(_results(page)) == 3
    # Zoom to Stendal: only the property there is in the map area.
    page.locator("#search-map").evaluate(
        "(el, c) => window.StandortlotseMap.mapOf(el).setView(c, 12, {animate: false})",
        [world.mun_a.lat, world.mun_a.lon],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="In diesem Kartenausschnitt suchen").click()
    ui.settle()
    bbox = parse_qs(urlsplit(page.url).query)["bbox"][0]
    west, south, east, north = map(float, bbox.split(","))
    assert west < world.mun_a.lon < east and south < world.mun_a.lat < north
    assert _results(page) == [world.prop_a.title]
    assert page.locator("#search-map").get_attribute("data-markers") == "1"
    # The filter form keeps the area; "search everywhere" removes it.
    assert page.locator('form.filters input[name="bbox"]').input_value() == bbox
    with page.expect_navigation():
        page.get_by_role("button", name="Überall suchen").click()
    ui.settle()
    assert "bbox" not in page.url and len(_results(page)) == 3


def test_drawing_an_area_filters_by_it(outlined_world, ui):
    page = ui.page
    world = outlined_world
    ui.visit("/immobilien/")
    search_map = page.locator("#search-map")
    search_map.evaluate(
        "(el, c) => window.StandortlotseMap.mapOf(el).setView(c, 9, {animate: false})",
        [world.mun_b.lat, world.mun_b.lon],
    )
    draw = page.locator("[data-map-draw-area]")
    assert draw.inner_text() == "Gebiet einzeichnen"
    draw.click()
    assert draw.get_attribute("aria-pressed") == "true"
    # Two corners around Gardelegen (the map's centre), 60 px apart from it.
    box = search_map.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(cx - 60, cy - 60)
    with page.expect_navigation():
        page.mouse.click(cx + 60, cy + 60)
    ui.settle()
    assert "bbox" in parse_qs(urlsplit(page.url).query)
    assert _results(page) == [world.prop_b.title]


def test_a_broken_map_area_names_the_field(outlined_world, ui):
    ui.visit("/immobilien/?bbox=12,53,11,52")
    summary = ui.page.locator(".error-summary")
    assert "Kartenausschnitt" in summary.inner_text()
    assert len(_results(ui.page)) == 3  # the other filters (none) still apply


@pytest.mark.parametrize("prefix, text", [("", "eigenen Server"), ("/en", "own server")])
def test_map_sources_page_says_where_tiles_come_from(live_world, ui, prefix, text):
    ui.visit(f"{prefix}/karte/quellen/")
    body = ui.page.locator("main").inner_text()
    assert text in body and "GeoBasis-DE / BKG" in body and "© basemap.de / BKG" in body
    ui.assert_accessible()
