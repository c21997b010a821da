"""Journey on a 390 px phone (touch, German and English): the start page with its folded menu,
a search typed as people type it, the map (tapping a marker opens its popup, whose link leads
to the detail page), the detail page with its gallery and facts, two properties put into the
comparison (the compare table swipes inside its box with the labels kept in view), and a
creative place. On every page: nothing wider than the screen, no request to another origin, no
console error, no CSP violation (ui.visit). Screenshots of each step go to an artefact folder
for review: $STANDORTLOTSE_SHOTS, else test-artifacts/phone-journey/ in the checkout."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def shots(request):
    folder = Path(os.environ.get("STANDORTLOTSE_SHOTS") or ROOT / "test-artifacts")
    folder = folder / "phone-journey"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def phone_world(places_world):
    """The places world, its properties with photos (as the demo draws them)."""
    from standortlotse.properties.demo import demo_photo
    from standortlotse.properties.models import PropertyPhoto

    w = places_world
    for n, prop in enumerate([w.prop_a, w.prop_b, w.prop_c]):
        for k in range(2):
            photo = PropertyPhoto(property=prop, alt_text=f"Ansicht {k + 1}: {prop.title}")
            photo.image.save(f"p{n}{k}.webp", demo_photo(n * 2 + k, "x", prop.kind), save=False)
            photo.save()
    return w


def _fits(ui, what):
    scroll_width, inner = ui.page.evaluate(SCROLL_WIDTH)
    assert scroll_width <= inner, f"{what}: {scroll_width} px wide on a {inner} px screen"


LOAD_LAZY_IMAGES = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all([...document.images].map((img) => img.complete ? null
    : new Promise((r) => { img.onload = img.onerror = r; })));
  window.scrollTo(0, 0);
}"""


def _shot(ui, folder, prefix, name):
    """A full-page screenshot with the lazily loaded photos in it (scrolled through first)."""
    position = ui.page.evaluate("() => window.scrollY")
    ui.page.evaluate(LOAD_LAZY_IMAGES)
    language = prefix.strip("/") or "de"
    ui.page.screenshot(path=str(folder / f"{language}-{name}.png"), full_page=True)
    ui.page.evaluate("y => window.scrollTo(0, y)", position)


@pytest.mark.parametrize(
    "prefix, menu, search_word, compare_label, places_link",
    [
        ("", "Menü", "Halle", "Vergleichen", "Kreativorte"),
        ("/en", "Menu", "hall", "Compare", "Creative places"),
    ],
)
def test_visitor_on_a_phone_from_home_to_place(
    phone_world, new_ui, shots, prefix, menu, search_word, compare_label, places_link
):
    w = phone_world
    ui = new_ui(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="en-GB" if prefix else "de-DE",
    )
    page = ui.page

    # The start page: the menu is folded behind one button and opens over the page.
    ui.visit(f"{prefix}/")
    _fits(ui, "start page")
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and menu in toggle.inner_text()
    assert not page.locator("#site-menu .site-nav").is_visible()
    _shot(ui, shots, prefix, "1-home")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-menu .site-nav")).to_be_visible()
    _fits(ui, "open menu")
    _shot(ui, shots, prefix, "2-menu")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # A search as people type it: the word becomes a filter shown as a removable chip.
    page.locator("form.hero-search input[name=q]").fill(search_word)
    ui.submit(page.locator("form.hero-search button[type=submit]"))
    assert urlsplit(page.url).path == f"{prefix}/immobilien/"
    titles = page.locator(".result-list h3 a").all_inner_texts()
    assert titles == [w.prop_b.title], titles  # the hall, and only the hall
    assert page.locator(".chips a").count() >= 1
    # The results come first: the filter form is folded behind one button saying what is set.
    form = page.locator("form.filters")
    fold = page.locator("button.filters-fold")
    assert not form.is_visible() and fold.get_attribute("aria-expanded") == "false"
    expected = "Change filters (1 active)" if prefix else "Filter ändern (1 aktiv)"
    assert fold.inner_text() == expected, fold.inner_text()
    heading = page.locator("#results-heading").bounding_box()
    assert heading["y"] + heading["height"] < PHONE["height"], heading
    _fits(ui, "search results")
    _shot(ui, shots, prefix, "3-results")
    fold.tap()
    expect(form).to_be_visible()
    assert fold.get_attribute("aria-expanded") == "true"
    assert page.locator("form.filters input[name=q]").input_value() == search_word

    # The map: the hall's marker, tapped, opens its popup; the popup's link opens the page.
    ui.visit(f"{prefix}/immobilien/")
    search_map = page.locator("#search-map")
    search_map.scroll_into_view_if_needed()
    assert search_map.get_attribute("data-markers") == "3"
    box = search_map.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] >= 200, box
    marker = page.locator(f'#search-map .map-marker[title="{w.prop_b.title}"]')
    marker.tap()
    link = page.locator("#search-map .leaflet-popup-content a")
    link.wait_for()
    assert link.inner_text() == w.prop_b.title
    # Inside the screen once the map has panned to it (Leaflet's autoPan).
    page.wait_for_function(
        """() => { const b = document.querySelector('#search-map .leaflet-popup')
                     .getBoundingClientRect();
                   return b.left >= 0 && b.right <= window.innerWidth; }""",
        timeout=3000,
    )
    _fits(ui, "map with popup")
    _shot(ui, shots, prefix, "4-map-popup")
    ui.submit(link)

    # The detail page: gallery, grouped facts, and into the comparison with one tap.
    assert page.locator("h1").inner_text() == w.prop_b.title
    assert page.locator(".gallery img[data-gallery-main]").is_visible()
    assert page.locator(".gallery-thumb").count() == 2
    page.locator(".gallery-thumb").nth(1).tap()
    expect(page.locator(".gallery-thumb").nth(1)).to_have_attribute("aria-pressed", "true")
    _fits(ui, "detail page")
    toggle = page.locator("[data-compare-toggle]").first
    assert compare_label in toggle.inner_text()
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    # Pressed and still under the finger (hovered): dark with white text, not the hover tint.
    toggle.hover()
    colours = toggle.evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    assert colours[1] == "rgb(255, 255, 255)" and colours[0] != "rgb(255, 255, 255)", colours
    ui.assert_accessible()
    _shot(ui, shots, prefix, "5-detail")

    # A second property from its own page, then the comparison.
    ui.visit(f"{prefix}/immobilien/{w.prop_a.pk}/")
    page.locator("[data-compare-toggle]").first.tap()
    compare_link = page.locator("[data-compare-link]").first
    expect(compare_link.locator("[data-compare-count]")).to_have_text("2")
    ui.submit(compare_link)
    assert re.search(r"ids=", page.url)
    headers = page.locator("table.compare thead th[scope=col] > a").all_inner_texts()
    assert sorted(headers) == sorted([w.prop_a.title, w.prop_b.title])
    _fits(ui, "compare page")
    # The table swipes inside its box; the row labels stay in view while it does.
    scroller = page.locator(".compare-scroll")
    width, client = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert client <= PHONE["width"]
    label = page.locator("table.compare tbody th[scope=row]").first
    before = label.bounding_box()["x"]
    if width > client:
        scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        assert abs(label.bounding_box()["x"] - before) < 1  # sticky
    _shot(ui, shots, prefix, "6-compare")
    ui.assert_accessible()

    # A creative place, reached through the menu.
    page.locator(".nav-toggle").tap()
    ui.submit(page.locator("#site-menu .site-nav a", has_text=places_link))
    _fits(ui, "places")
    _shot(ui, shots, prefix, "7-places")
    ui.submit(page.get_by_role("link", name=w.place_a.name).first)
    assert page.locator("h1").inner_text() == w.place_a.name
    assert "Foto: Foto" not in page.locator("main").inner_text()  # the credit's own label goes
    photo = page.locator("main img").first
    assert photo.get_attribute("width") and photo.get_attribute("height")  # no layout shift
    _fits(ui, "place page")
    _shot(ui, shots, prefix, "8-place")
    ui.assert_accessible()
    assert ui.watch.external == []
    assert len(list(shots.glob(f"{prefix.strip('/') or 'de'}-*.png"))) == 8
