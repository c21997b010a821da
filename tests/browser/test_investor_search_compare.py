"""Journey: an investor filters the search, looks at a result, comes back, ticks two results
and compares them. The list, the filters and the comparison also work without JavaScript."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from standortlotse.properties.models import Kind
from tests.factories import PropertyFactory

pytestmark = pytest.mark.browser

BIG_HALL = "Große Halle Tangermünde"
SMALL_HALL = "Kleine Halle Osterburg"
GARDELEGEN_HALL = "Halle Gardelegen"  # world.prop_b: hall, 15 000 m² available


@pytest.fixture
def halls(live_world):
    PropertyFactory(
        title=BIG_HALL,
        kind=Kind.HALL,
        municipality=live_world.mun_a,
        area_total_m2=50_000,
        area_available_m2=40_000,
        price_per_m2=12,
    )
    PropertyFactory(
        title=SMALL_HALL,
        kind=Kind.HALL,
        municipality=live_world.mun_a,
        area_total_m2=4_000,
        area_available_m2=3_000,
    )
    return live_world


def _query(ui):
    return parse_qs(urlsplit(ui.page.url).query)


def _filter_halls_from_10000(ui):
    page = ui.page
    filters = page.locator("form.filters")
    filters.locator('input[name="kind"][value="hall"]').check()
    filters.locator("#id_area_min").fill("10000")
    ui.submit(filters.locator("button[type=submit]"))
    query = _query(ui)
    assert urlsplit(page.url).path == "/immobilien/"
    assert query.get("kind") == ["hall"], page.url
    assert query.get("area_min") == ["10000"], page.url


def _result_titles(page):
    return page.locator(".result-list li.result h3 a").all_inner_texts()


def _compare_ticked(ui, expected_titles):
    page = ui.page
    ui.submit(page.locator("form.compare-form button[type=submit]"))
    assert urlsplit(page.url).path == "/immobilien/vergleich/"
    assert len(_query(ui)["ids"]) == 2
    headers = page.locator("table.compare thead th a:not(.small)").all_inner_texts()
    assert sorted(headers) == sorted(expected_titles)
    # One row per fact, one cell per property.
    rows = page.locator("table.compare tbody tr")
    assert rows.count() >= 3
    assert rows.first.locator("td").count() == 2


def test_investor_filters_opens_a_result_and_compares_two(halls, ui):
    page = ui.page
    ui.visit("/")
    # From the start page's search box to the search.
    page.fill("#home-q", "")
    ui.submit(page.locator("form.hero-search button[type=submit]"))
    assert urlsplit(page.url).path == "/immobilien/"
    assert len(_result_titles(page)) == 5  # everything published
    assert page.locator("#search-map").get_attribute("data-markers") == "5"

    _filter_halls_from_10000(ui)
    titles = _result_titles(page)
    assert sorted(titles) == sorted([BIG_HALL, GARDELEGEN_HALL])
    assert re.search(r"\b2\b", page.locator("#results-heading").inner_text())
    # The form shows the filters that are applied.
    assert page.locator('form.filters input[name="kind"][value="hall"]').is_checked()
    assert page.input_value("#id_area_min") == "10000"
    filtered_url = page.url

    # Open the first result ...
    first = page.locator(".result-list li.result h3 a").first
    title = first.inner_text()
    href = first.get_attribute("href")
    ui.submit(first)
    assert re.fullmatch(r"/immobilien/\d+/", urlsplit(page.url).path)
    assert urlsplit(page.url).path == href
    assert page.locator("h1").inner_text() == title

    # ... and go back to the same filtered list.
    page.go_back()
    ui.settle()
    assert page.url == filtered_url
    assert sorted(_result_titles(page)) == sorted([BIG_HALL, GARDELEGEN_HALL])

    # Tick both and compare.
    for checkbox in page.locator('.result-list input[type=checkbox][name="ids"]').all():
        checkbox.check()
    _compare_ticked(ui, [BIG_HALL, GARDELEGEN_HALL])

    # Removing one from the comparison keeps the other.
    remove = page.locator("table.compare thead th a.small").first
    ui.submit(remove)
    assert page.locator("table.compare thead th").count() == 1
    assert ui.watch.external == []


def test_search_and_compare_work_without_javascript(halls, new_ui):
    ui = new_ui(java_script_enabled=False)
    page = ui.page
    ui.visit("/immobilien/")
    assert len(_result_titles(page)) == 5
    # No script, no map: and the map's legend (symbols drawn by the script) stays hidden.
    assert page.locator(".leaflet-container").count() == 0
    assert page.locator("[data-map-legend]").is_hidden()

    _filter_halls_from_10000(ui)
    assert sorted(_result_titles(page)) == sorted([BIG_HALL, GARDELEGEN_HALL])
    for checkbox in page.locator('.result-list input[type=checkbox][name="ids"]').all():
        checkbox.check()
    _compare_ticked(ui, [BIG_HALL, GARDELEGEN_HALL])
    assert ui.watch.external == []
    assert not any("/api/" in url for url in ui.watch.requests)


def _geojson_after(ui, action):
    with ui.page.expect_response(lambda r: "/api/properties.geojson" in r.url) as info:
        action()
    return info.value


def test_map_gets_the_filters_of_a_submitted_search_form(halls, ui):
    """Every submission of the filter form sends the empty fields too; the map gets only the
    applied filters (regression: the raw query string made the API answer 422)."""
    ui.visit("/immobilien/")
    page = ui.page
    filters = page.locator("form.filters")
    filters.locator('input[name="kind"][value="hall"]').check()
    filters.locator("#id_area_min").fill("10000")
    response = _geojson_after(ui, lambda: filters.locator("button[type=submit]").click())
    assert response.status == 200, f"{response.url}: HTTP {response.status}"
    assert len(response.json()["features"]) == 2
    assert "=&" not in response.url and not response.url.endswith("="), response.url
    ui.settle()
    assert page.locator("#search-map").get_attribute("data-markers") == "2"


def test_map_gets_the_valid_filters_when_one_is_invalid(halls, ui):
    page = ui.page
    response = _geojson_after(ui, lambda: page.goto(ui.url("/immobilien/?kind=hall&area_min=-5")))
    assert len(_result_titles(page)) == 3  # area_min ignored with a message, kind applied
    assert response.status == 200, f"{response.url}: HTTP {response.status}"
    assert len(response.json()["features"]) == 3
    assert "area_min" not in response.url, response.url
    ui.settle()
    assert page.locator("#search-map").get_attribute("data-markers") == "3"
