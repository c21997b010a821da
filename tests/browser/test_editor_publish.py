"""Journey: a municipal editor records a new property, sets its point on the map, saves it as
a draft, is told what publishing still needs (and refused when trying without), completes it
with a description, a contact and a photo, publishes it, and investors then find it on the
public pages."""

import re

import pytest

from standortlotse.properties.models import Kind

pytestmark = pytest.mark.browser

TITLE = "Logistikhalle am Hafen Tangermünde"


def test_editor_creates_and_publishes_a_property(live_world, new_ui, png_file):
    editor = new_ui()
    page = editor.page
    editor.login("editor_a")

    # The list links to the create form.
    editor.submit(page.locator('a[href="/datenpflege/neu/"]'))
    assert editor.path() == "/datenpflege/neu/"

    # Basics. The municipality select offers only the editor's own municipality.
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", Kind.HALL)
    options = page.locator("#id_municipality option[value]:not([value=''])")
    assert options.evaluate_all("os => os.map(o => o.value)") == [str(live_world.mun_a.pk)]
    page.select_option("#id_municipality", str(live_world.mun_a.pk))

    # Location: empty, then one click on the map sets the point and a marker.
    editor_map = page.locator("#editor-map")
    assert page.input_value("#id_lat") == "" and page.input_value("#id_lon") == ""
    assert editor_map.locator(".leaflet-marker-icon").count() == 0
    box = editor_map.bounding_box()
    # Off the centre, clear of the zoom/draw controls (top left) and the sticky save bar.
    editor_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    page.wait_for_function("() => document.getElementById('id_lat').value !== ''")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    # Selecting Stendal centred the map on it (zoom 13), so the point is close by.
    assert abs(lat - live_world.mun_a.lat) < 0.1, lat
    assert abs(lon - live_world.mun_a.lon) < 0.1, lon
    assert re.fullmatch(r"\d+\.\d{6}", page.input_value("#id_lat"))
    assert editor_map.locator(".leaflet-marker-icon").count() == 1

    # Area.
    page.fill("#id_area_total_m2", "30000")
    page.fill("#id_area_available_m2", "25000")

    editor.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    match = re.fullmatch(r"/datenpflege/(\d+)/", editor.path())
    assert match, f"not on the edit page after saving: {page.url}"
    pk = int(match.group(1))
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".messages .message-success").count() == 1
    assert page.locator(".editor-status .status-draft").count() == 1
    # The saved point is shown on the edit page's map and kept in the inputs.
    assert float(page.input_value("#id_lat")) == pytest.approx(lat, abs=1e-6)
    assert float(page.input_value("#id_lon")) == pytest.approx(lon, abs=1e-6)
    assert editor_map.locator(".leaflet-marker-icon").count() == 1

    # A draft is not public yet.
    investor = new_ui()
    response = investor.page.goto(investor.url(f"/immobilien/{pk}/"))
    assert response.status == 404
    investor.watch.console_errors.clear()  # the expected 404 of the document itself

    # What publishing still needs, each a link to its field; publishing now is refused.
    gaps = page.locator("#publication-gaps")
    assert gaps.locator("a").all_inner_texts() == [
        "Foto",
        "Beschreibung",
        "Kontakt mit E-Mail-Adresse",
    ]
    assert gaps.locator("a").first.get_attribute("href") == "#photos"
    publish = page.locator(f'form[action="/datenpflege/{pk}/aktion/publish/"] [type=submit]')
    assert publish.count() == 1
    editor.submit(publish)
    refusal = page.locator(".messages").inner_text()
    assert "Nicht veröffentlicht" in refusal and "Foto, Beschreibung" in refusal, refusal
    assert page.locator(".editor-status .status-draft").count() == 1

    # Complete it: description and contact through the form, a photo through the photo panel.
    page.fill("#id_description_de", "Halle mit Kran und Zufahrt für Lastzüge, direkt am Hafen.")
    page.fill("#id_contact_email", "hafen@tangermuende.example")
    editor.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert page.locator("#publication-gaps a").all_inner_texts() == ["Foto"]
    page.set_input_files("#id_image", str(png_file))
    page.fill("#photos #id_alt_text", "Die Halle von der Hafenseite")
    page.locator("#photos .upload-form [type=submit]").click()
    page.locator("#photos .photo-list img").wait_for()
    # the photo panel brings what publishing needs anew: nothing is missing now
    page.locator("#publication-gaps .gate-ready").wait_for()
    assert page.locator("#publication-gaps a").count() == 0

    # Publish.
    publish = page.locator(f'form[action="/datenpflege/{pk}/aktion/publish/"] [type=submit]')
    editor.submit(publish)
    assert editor.path() == f"/datenpflege/{pk}/"
    assert page.locator(".editor-status .status-published").count() == 1
    assert page.locator(f'form[action="/datenpflege/{pk}/aktion/publish/"]').count() == 0
    assert page.locator(f'form[action="/datenpflege/{pk}/aktion/unpublish/"]').count() == 1

    # The public detail page, for someone who is not logged in.
    investor.visit(f"/immobilien/{pk}/")
    ipage = investor.page
    assert ipage.locator("h1").inner_text() == TITLE
    assert ipage.locator('meta[name="robots"]').count() == 0  # indexable now
    facts = ipage.locator(".fact-grid").first.inner_text()
    assert re.search(r"25[.,\u202f\u00a0 ]?000", facts), facts
    assert ipage.locator("#detail-map .leaflet-marker-icon").count() == 1
    assert investor.watch.external == []

    # The search finds it by its title, and the list links to it.
    investor.visit("/immobilien/?q=Tangerm%C3%BCnde")
    results = ipage.locator(".result-list li.result")
    assert results.count() == 1
    link = results.locator("h3 a")
    assert link.inner_text() == TITLE
    assert link.get_attribute("href") == f"/immobilien/{pk}/"

    # ... and by kind and area.
    investor.visit("/immobilien/?kind=hall&area_min=20000")
    assert ipage.locator(".result-list li.result h3 a").all_inner_texts() == [TITLE]
