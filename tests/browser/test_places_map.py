"""The map of the creative places: it shows what the list shows (valid filters only, the
municipality passed on as its official key), and a marker's popup leads to the place, in the
visitor's language."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def _geojson_after(ui, action):
    with ui.page.expect_response(lambda r: "/api/places.geojson" in r.url) as info:
        action()
    ui.settle()
    return info.value


def _card_names(ui):
    return ui.page.locator("ul.cards li.card h3 a").all_inner_texts()


def test_map_shows_what_the_list_shows(places_world, ui):
    world = places_world
    page = ui.page
    ui.visit("/orte/")
    places_map = page.locator('[data-map="search"]')
    assert places_map.get_attribute("data-markers") == "2"

    # Through the form (which also sends its empty fields): municipality and type.
    filters = page.locator("form.filters")
    page.select_option("#id_municipality", str(world.mun_a.pk))
    filters.locator('input[name="type"][value="coworking"]').check()
    response = _geojson_after(ui, lambda: filters.locator("[type=submit]").click())
    assert response.status == 200, response.url
    query = parse_qs(urlsplit(response.url).query)
    assert query == {"municipality": [world.mun_a.ags], "type": ["coworking"]}, response.url
    assert _card_names(ui) == [world.place_a.name]
    assert places_map.get_attribute("data-markers") == "1"
    assert places_map.locator(".leaflet-marker-icon").get_attribute("title") == world.place_a.name

    # An invalid value is ignored by list and map alike.
    response = _geojson_after(
        ui, lambda: page.goto(ui.url(f"/orte/?field=bogus&municipality={world.mun_b.pk}"))
    )
    assert response.status == 200, response.url
    assert "field" not in parse_qs(urlsplit(response.url).query), response.url
    assert _card_names(ui) == [world.place_b.name]
    assert places_map.get_attribute("data-markers") == "1"
    assert ui.watch.external == []


def _popup_link(ui, path):
    ui.visit(path)
    places_map = ui.page.locator('[data-map="search"]')
    assert places_map.get_attribute("data-markers") == "1"
    places_map.locator(".leaflet-marker-icon").click()
    link = places_map.locator(".leaflet-popup-content a")
    link.wait_for()
    return link


def test_popup_links_to_the_place_on_this_site(places_world, ui):
    """The feed's URLs are absolute (SITE_URL); the popup links to the path on the site the
    visitor is on."""
    world = places_world
    link = _popup_link(ui, f"/orte/?municipality={world.mun_b.pk}")
    assert link.inner_text() == world.place_b.name
    assert link.get_attribute("href") == f"/orte/{world.place_b.pk}/"
    ui.submit(link)
    assert ui.path() == f"/orte/{world.place_b.pk}/"
    assert ui.page.locator("h1").inner_text() == world.place_b.name


def test_popup_link_keeps_the_language(places_world, ui):
    """Regression: on /en/orte/ the popup linked to the German page (absolute feed URL)."""
    world = places_world
    link = _popup_link(ui, f"/en/orte/?municipality={world.mun_b.pk}")
    assert link.get_attribute("href") == f"/en/orte/{world.place_b.pk}/"
    ui.submit(link)
    assert ui.path() == f"/en/orte/{world.place_b.pk}/"
    assert ui.page.locator("html").get_attribute("lang") == "en"
