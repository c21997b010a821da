"""axe-core (WCAG 2.0/2.1, levels A and AA) on every kind of page, public and back office,
with the maps drawn, and the maps working with every third-party request blocked."""

import pytest

from standortlotse.properties.models import Zoning
from tests.browser.housing_support import house_page, housing_world
from tests.browser.offers_support import make_offer, offer_path

pytestmark = pytest.mark.browser


def _enrich(prop):
    """Fill the facts an investor sees, so the detail and compare tables are not empty."""
    prop.description_de = "Voll erschlossene Fläche am Stadtrand.\n\nGleisanschluss möglich."
    prop.description_en = "Fully serviced plot on the edge of town."
    prop.zonings = [Zoning.GI]
    prop.contact_name = "Erika Muster"
    prop.contact_email = "wirtschaft@example.org"
    prop.contact_phone = "03931 123 456"
    prop.outline = {
        "type": "Polygon",
        "coordinates": [[[11.85, 52.59], [11.87, 52.59], [11.87, 52.61], [11.85, 52.59]]],
    }
    prop.save()


def _profile(w, language=""):
    """A municipality's location profile with demo figures (marked) and an official one."""
    from datetime import date

    from standortlotse.profiles.models import Figure, Key
    from standortlotse.profiles.services import create_demo_figures

    create_demo_figures()
    official = Figure(
        municipality=w.mun_a,
        key=Key.TRADE_TAX_RATE,
        value=400,
        as_of=date(2023, 12, 31),
        source="Regionalstatistik 71231-01-03-5",
        source_url="https://www.regionalstatistik.de/",
    )
    official.full_clean()
    official.save()
    return f"{language}/standort/gemeinde/{w.mun_a.ags}/"


PUBLIC_PAGES = {
    "home": lambda w: "/",
    "search": lambda w: "/immobilien/",
    "search-filtered": lambda w: "/immobilien/?kind=plot&area_min=1000",
    "detail": lambda w: f"/immobilien/{w.prop_a.pk}/",
    "compare": lambda w: f"/immobilien/vergleich/?ids={w.prop_a.pk}&ids={w.prop_b.pk}",
    "compare-empty": lambda w: "/immobilien/vergleich/",
    "login": lambda w: "/konto/anmelden/",
    "home-en": lambda w: "/en/",
    "search-en": lambda w: "/en/immobilien/",
    "detail-en": lambda w: f"/en/immobilien/{w.prop_a.pk}/",
    "statistics": lambda w: "/statistik/",
    "statistics-en": lambda w: "/en/statistik/",
    "transparency": lambda w: "/transparenz/?sort=confirmed",
    "transparency-en": lambda w: "/en/transparenz/",
    "search-text": lambda w: "/immobilien/?q=Gewerbe",
    "housing": housing_world,
    "housing-en": lambda w: "/en" + housing_world(w),
    "housing-choose": lambda w: "/lotse/wohnen/",
    "housing-detail": house_page,
    "profile": _profile,
    "profile-en": lambda w: _profile(w, "/en"),
    "profile-region": lambda w: _profile(w) and f"/standort/region/{w.region.slug}/",
    "profile-compare": lambda w: (
        _profile(w) and f"/standort/vergleich/?ags={w.mun_a.ags},{w.mun_b.ags}"
    ),
    "profile-index": lambda w: "/standort/",
    "site-offer-en": offer_path,
    "site-offer": lambda w: offer_path(w, "de"),
    # several regions: the list by state, a region's start page in its branding, the search
    # filtered to one region
    "regions": lambda w: "/regionen/",
    "region": lambda w: "/regionen/altmark/",
    "region-en": lambda w: "/en/regionen/altmark/",
    "search-region": lambda w: "/immobilien/?region=altmark",
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_accessible(live_world, ui, name):
    _enrich(live_world.prop_a)
    path = PUBLIC_PAGES[name](live_world)
    ui.visit(path)
    if name.startswith("search"):
        assert ui.page.locator(".result-list li.result").count() >= 1
    if name == "compare" or name.startswith("site-offer"):
        assert ui.page.locator("table.compare thead th").count() == 2
    ui.assert_accessible()


def test_search_with_invalid_filter_is_accessible(live_world, ui):
    """The error summary of the filter form (the map gets the valid filters only)."""
    ui.visit("/immobilien/?area_min=-5")
    assert ui.page.locator(".filters .error-summary").is_visible()
    assert ui.page.locator(".result-list li.result").count() == 3
    ui.assert_accessible()


EDITOR_PAGES = {
    "list": lambda w: "/datenpflege/",
    "create": lambda w: "/datenpflege/neu/",
    "edit": lambda w: f"/datenpflege/{w.prop_a.pk}/",
    "history": lambda w: f"/datenpflege/{w.prop_a.pk}/verlauf/",
    "freshness": lambda w: "/datenpflege/aktualitaet/",
    "consent-list": lambda w: "/datenpflege/eigentuemer/",
    "consent-edit": lambda w: f"/datenpflege/{w.prop_a.pk}/eigentuemer/",
    "import-start": lambda w: "/datenpflege/import/",
    "figures": lambda w: _profile(w) and "/datenpflege/standortdaten/",
    "figures-import": lambda w: "/datenpflege/standortdaten/import/",
    "figure-new": lambda w: "/datenpflege/standortdaten/neu/",
    "site-offer-form": lambda w: f"/datenpflege/ansiedlung/{make_offer(w).case_id}/angebot/neu/",
    "site-offer-manage": lambda w: make_offer(w).get_absolute_url(),
}

GEOMAN_BUTTON = ".leaflet-buttons-control-button"


@pytest.mark.parametrize("name", EDITOR_PAGES)
def test_editor_page_is_accessible(live_world, ui, name):
    _enrich(live_world.prop_a)  # also a second history entry with field changes
    ui.login("editor_a")
    ui.visit(EDITOR_PAGES[name](live_world))
    if name == "history":
        assert ui.page.locator("ol.history > li").count() >= 2
        assert "→" in ui.page.locator("ol.history").inner_text()  # a change as a sentence
    if name in ("create", "edit"):
        assert ui.page.locator(f"#editor-map {GEOMAN_BUTTON}").count() >= 1
    ui.assert_accessible()


def test_agency_overview_is_accessible(live_world, ui):
    """The state administrators' overview of the regions by state (a table)."""
    ui.login("state_admin")
    ui.visit("/datenpflege/regionen/")
    assert ui.page.locator("table.region-overview tbody tr").count() >= 2
    ui.assert_accessible()


def test_editor_map_toolbar_buttons_have_accessible_names(live_world, ui):
    """Geoman's icon-only toolbar links carry their parent's title as aria-label."""
    ui.login("editor_a")
    ui.visit("/datenpflege/neu/")
    buttons = ui.page.locator(f"#editor-map {GEOMAN_BUTTON}")
    assert buttons.count() >= 1
    for button in buttons.all():
        label = button.get_attribute("aria-label")
        assert label and label.strip(), button.evaluate("el => el.outerHTML")
    ui.assert_accessible()


def test_editor_form_with_errors_is_accessible(live_world, ui):
    """The error summary and the marked fields after an invalid save."""
    ui.login("editor_a")
    ui.visit("/datenpflege/neu/")
    ui.page.fill("#id_lat", "11.8")  # swapped coordinates: outside Germany
    ui.page.fill("#id_lon", "52.6")
    ui.submit(ui.page.locator("form.editor-form .form-actions [type=submit]"))
    summary = ui.page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")  # focused for AT users
    ui.assert_accessible()


def _assert_tiles_from_our_origin(ui, map_locator):
    sources = map_locator.locator("img.leaflet-tile").evaluate_all("els => els.map(e => e.src)")
    prefix = ui.live_server.url + "/karte/kacheln/"
    assert sources and all(src.startswith(prefix) for src in sources), sources


def test_detail_map_draws_outlines_and_marker_offline(live_world, ui):
    """No tile server reachable (tests/settings.py), no CDN: outlines, the marker and the
    (transparent) tiles come from our own origin only."""
    _enrich(live_world.prop_a)
    ui.visit(f"/immobilien/{live_world.prop_a.pk}/")
    detail_map = ui.page.locator("#detail-map")
    assert detail_map.locator(".leaflet-marker-icon").count() == 1
    # district outlines plus the property's own outline (drawn one after the other: the visit
    # waits for the first path only, so wait for the second before counting)
    ui.page.wait_for_function(
        "() => document.querySelectorAll('#detail-map .leaflet-overlay-pane path').length >= 2"
    )
    assert detail_map.locator(".leaflet-overlay-pane path").count() >= 2
    _assert_tiles_from_our_origin(ui, detail_map)
    assert ui.watch.external == []


def test_search_map_draws_outlines_and_markers_offline(live_world, ui):
    """Without a reachable tile server the search map still has its outlines and markers.
    (Regression: Leaflet.markercluster refused to work on a map without maxZoom.)"""
    ui.visit("/immobilien/")
    search_map = ui.page.locator("#search-map")
    assert search_map.locator(".leaflet-overlay-pane path").count() >= 1
    assert search_map.get_attribute("data-markers") == "3"
    # Markers, possibly clustered (clusters are marker icons as well).
    assert search_map.locator(".leaflet-marker-icon").count() >= 1
    _assert_tiles_from_our_origin(ui, search_map)
    assert ui.watch.external == []


def test_owner_consent_answer_page_is_accessible(live_world, ui):
    from standortlotse.properties import consent

    prop = live_world.prop_a
    prop.owner_type = "private"
    prop.save()
    consent.save_owner(live_world.editor_a, prop, "Erna Müller", "", "Dorfstraße 2")
    ((_consent, url),) = consent.request(live_world.editor_a, [prop], "letter")
    ui.visit("/" + url.split("://", 1)[1].split("/", 1)[1])  # the path of the answer link
    assert ui.page.get_by_role("button").count() >= 2
    ui.assert_accessible()


def test_the_audit_finds_a_planted_violation(live_world, ui):
    """The check can fail: an image without alt text and a nameless button planted into a page
    are reported (with the elements), so a page passing the audit means something."""
    ui.visit("/")
    ui.page.evaluate(
        """() => {
          const main = document.querySelector('main');
          const img = document.createElement('img');
          img.src = '/static/favicon.ico';
          img.id = 'planted-image';
          const button = document.createElement('button');
          button.id = 'planted-button';
          main.append(img, button);
        }"""
    )
    found = {v["id"]: v for v in ui.axe()}
    assert "image-alt" in found and "button-name" in found
    assert found["image-alt"]["nodes"][0]["target"] == ["#planted-image"]
