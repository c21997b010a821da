"""The background map is a third-party service: no request may leave our origin before the
visitor agrees; after the click the tiles are requested (and here aborted by the route)."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def _tile_pattern():
    template = settings.MAP_TILE_URL
    regex = re.escape(template)
    parts = {"z": r"\d+", "x": r"\d+", "y": r"\d+", "s": r"[a-z]", "r": r"(@2x)?"}
    for key, part in parts.items():
        regex = regex.replace(re.escape(f"{{{key}}}"), part)
    return re.compile(regex + r"$")


def _tile_origin():
    parts = urlsplit(settings.MAP_TILE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def test_public_pages_request_nothing_from_other_origins_before_consent(live_world, ui):
    world = live_world
    pages = [
        "/",
        "/immobilien/",
        "/immobilien/?kind=plot&sort=title",
        f"/immobilien/{world.prop_a.pk}/",
        f"/immobilien/vergleich/?ids={world.prop_a.pk}&ids={world.prop_b.pk}",
        "/konto/anmelden/",
        "/en/immobilien/",
        f"/en/immobilien/{world.prop_b.pk}/",
    ]
    for path in pages:
        ui.visit(path)  # asserts: no external request, no console error, no CSP violation
        box = ui.page.locator("[data-map-consent]")
        if ui.page.locator("[data-map]").count():
            assert box.is_visible(), f"{path}: consent box not shown"
            assert ui.page.locator(".leaflet-tile").count() == 0, path
        else:
            assert box.count() == 0, path
    assert ui.watch.external == []
    own = urlsplit(ui.live_server.url).netloc
    assert ui.watch.requests and all(urlsplit(u).netloc == own for u in ui.watch.requests)


def test_consent_loads_tiles_and_is_remembered(live_world, ui):
    page = ui.page
    ui.visit("/immobilien/")
    assert ui.watch.external == []
    box = page.locator("[data-map-consent]")
    assert box.is_visible()
    assert box.get_attribute("data-tile-url") == settings.MAP_TILE_URL

    # After the click tiles are requested from the tile server (aborted by our route: the
    # tests never touch the network). Their failed loads are the only console errors allowed.
    ui.watch.allow_external = True
    tile_origin = _tile_origin()
    with page.expect_request(lambda r: r.url.startswith(tile_origin)) as first_tile:
        page.locator("[data-map-consent-accept]").click()
    assert _tile_pattern().match(first_tile.value.url), first_tile.value.url
    assert box.is_hidden()
    page.locator("#search-map .leaflet-tile").first.wait_for(state="attached")
    attribution = page.locator("#search-map .leaflet-control-attribution").inner_text()
    assert settings.MAP_TILE_ATTRIBUTION in attribution
    assert ui.watch.external, "no tile request recorded"
    assert all(_tile_pattern().match(u) for u in ui.watch.external), ui.watch.external
    ui.watch.check(page)  # no CSP violation: the tile origin is allowed for images

    # The consent is remembered: the next map loads tiles at once, without asking.
    before = len(ui.watch.external)
    with page.expect_request(lambda r: r.url.startswith(tile_origin)):
        ui.page.goto(ui.url(f"/immobilien/{live_world.prop_a.pk}/"))
    ui.settle()
    assert page.locator("[data-map-consent]").is_hidden()
    assert len(ui.watch.external) > before
    assert all(_tile_pattern().match(u) for u in ui.watch.external), ui.watch.external


def test_consent_is_per_browser(live_world, new_ui):
    """Another visitor (fresh browser context) is asked again and loads nothing external."""
    first = new_ui()
    first.visit("/immobilien/")
    first.watch.allow_external = True
    with first.page.expect_request(lambda r: r.url.startswith(_tile_origin())):
        first.page.locator("[data-map-consent-accept]").click()

    second = new_ui()
    second.visit("/immobilien/")
    assert second.page.locator("[data-map-consent]").is_visible()
    assert second.watch.external == []
