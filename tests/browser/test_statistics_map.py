"""The statistics page in a browser: the map by municipality fits a phone, leads to each
municipality's search, and an editor's change shows on the page at once."""

import pytest

from standortlotse.geo.models import MunicipalityOutline

pytestmark = pytest.mark.browser


def _square(lon, lat, d=0.05):
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_the_map_fits_a_phone_and_leads_to_the_municipality(live_world, new_ui):
    MunicipalityOutline.objects.create(
        municipality=live_world.mun_a, geometry=_square(live_world.mun_a.lon, live_world.mun_a.lat)
    )
    ui = new_ui(viewport={"width": 320, "height": 800}, locale="en-GB")
    page = ui.page
    ui.visit("/en/statistik/")
    box = page.locator("svg.stat-map").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    stendal = page.locator('svg.stat-map a:has(path[data-ags="15090535"])')
    assert stendal.get_attribute("aria-label") == (
        "Stendal: 1 published property, 1.5 ha available"
    )
    assert stendal.locator("title").text_content() == stendal.get_attribute("aria-label")
    assert page.locator('svg.stat-map circle[data-ags="15081135"]').count() == 1  # no outline
    legend = page.locator(".stat-map-legend li").all_inner_texts()
    # Every municipality has 1.5 ha: one class with area.
    assert legend == ["no available area", "with available area"]
    with page.expect_navigation():
        stendal.click()
    ui.settle()
    assert ui.path() == f"/en/immobilien/?municipality={live_world.mun_a.pk}"
    assert (
        page.locator(".result-list li.result").all_inner_texts()[0].count(live_world.prop_a.title)
    )


def test_an_editor_unpublishing_a_record_changes_the_figures_at_once(live_world, new_ui):
    visitor = new_ui()
    visitor.visit("/statistik/")
    summary = visitor.page.locator("main h1 + p")
    assert summary.inner_text().startswith("3 veröffentlichte Immobilien mit 4,5 ha")
    editor = new_ui()
    editor.login("editor_a")
    editor.visit(f"/datenpflege/{live_world.prop_a.pk}/")
    editor.submit(editor.page.get_by_role("button", name="Zurück zum Entwurf"))
    visitor.visit("/statistik/")
    assert summary.inner_text().startswith("2 veröffentlichte Immobilien mit 3,0 ha")
    rows = visitor.page.locator("#by-municipality ~ div table tbody th").all_inner_texts()
    assert "Stendal" not in rows and "Gardelegen" in rows
