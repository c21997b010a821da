"""Journey: a visitor switches the search page to English and back; the page, its URL, the
language of the document and the filters (query string) follow."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _switch(ui, code):
    button = ui.page.locator(f'a.lang-switch[hreflang="{code}"]')
    assert button.count() == 1, f"no switch to {code!r} on {ui.page.url}"
    assert button.get_attribute("lang") == code  # announced in its own language
    ui.submit(button)


def _lang(ui):
    return ui.page.locator("html").get_attribute("lang")


def test_switch_search_page_to_english(live_world, ui):
    page = ui.page
    ui.visit("/immobilien/?kind=hall")
    assert _lang(ui) == "de"
    assert page.locator('a.lang-switch[hreflang="de"]').count() == 0
    german_heading = page.locator("h1").inner_text()

    _switch(ui, "en")
    parts = urlsplit(page.url)
    assert parts.path.startswith("/en/"), page.url
    assert parts.path == "/en/immobilien/"
    assert parts.query == "kind=hall"  # the filters survive the switch
    assert _lang(ui) == "en"
    assert page.locator("h1").inner_text() == "Find commercial properties" != german_heading
    assert page.locator('a.lang-switch[hreflang="en"]').count() == 0
    assert page.locator('a.lang-switch[hreflang="de"]').count() == 1
    assert page.locator(".result-list li.result h3 a").all_inner_texts() == ["Halle Gardelegen"]
    # Links on the English page stay English.
    assert page.locator("a.brand").get_attribute("href") == "/en/"
    detail_href = page.locator(".result-list li.result h3 a").get_attribute("href")
    assert detail_href == f"/en/immobilien/{live_world.prop_b.pk}/"
    ui.visit(detail_href)
    assert _lang(ui) == "en"

    # Unprefixed URLs are German whatever the cookie says (prefix_default_language=False).
    ui.visit("/immobilien/?kind=hall")
    assert _lang(ui) == "de"
    assert page.locator("h1").inner_text() == german_heading


def test_switch_search_page_back_to_german(live_world, ui):
    """Regression: the Deutsch button on /en/ pages left the visitor on the English page."""
    ui.visit("/immobilien/?kind=hall")
    _switch(ui, "en")
    assert urlsplit(ui.page.url).path == "/en/immobilien/"

    _switch(ui, "de")
    parts = urlsplit(ui.page.url)
    assert parts.path == "/immobilien/", ui.page.url
    assert parts.query == "kind=hall"
    assert _lang(ui) == "de"


def test_language_switch_works_without_javascript(live_world, new_ui):
    ui = new_ui(java_script_enabled=False)
    ui.visit(f"/immobilien/{live_world.prop_a.pk}/")
    _switch(ui, "en")
    assert urlsplit(ui.page.url).path == f"/en/immobilien/{live_world.prop_a.pk}/"
    assert _lang(ui) == "en"


def test_map_popup_links_keep_the_language(live_world, ui):
    """Regression: the popup of a marker on /en/immobilien/ linked to the German detail page
    (the API answers with unprefixed URLs)."""
    page = ui.page
    ui.visit("/en/immobilien/?kind=hall")  # just world.prop_b: one marker, no cluster
    search_map = page.locator("#search-map")
    assert search_map.get_attribute("data-markers") == "1"
    search_map.locator(".leaflet-marker-icon").click()
    link = search_map.locator(".leaflet-popup-content a")
    link.wait_for()
    assert link.get_attribute("href") == f"/en/immobilien/{live_world.prop_b.pk}/"
    ui.submit(link)
    assert urlsplit(page.url).path == f"/en/immobilien/{live_world.prop_b.pk}/"
    assert _lang(ui) == "en"
