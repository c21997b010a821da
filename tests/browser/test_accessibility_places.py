"""axe-core (WCAG 2.0/2.1, levels A and AA) on every page of the creative places: public
list and map, detail, region portal, the submission form (empty and with errors), the thank-you
page, the owner's private page (valid and invalid link), moderation queue and review, the
import (empty and with a preview), the region's portal settings, the embed builder and the
widget; in German and English.

Selection by ids, names, URLs and classes only: the places' UI strings are not translated yet."""

import json

import pytest

from standortlotse.places import services
from tests.browser.places_support import owner_token

pytestmark = pytest.mark.browser


def _cards(ui):
    return ui.page.locator("ul.cards li.card")


PUBLIC_PAGES = {
    "search": lambda w: "/orte/",
    "search-filtered": lambda w: "/orte/?field=work&offer=desks&region=altmark",
    "search-nothing-found": lambda w: "/orte/?q=Leuchtturm",
    "detail": lambda w: f"/orte/{w.place_a.pk}/",
    "detail-plain": lambda w: f"/orte/{w.place_b.pk}/",
    "region": lambda w: "/region/altmark/",
    "submit": lambda w: "/region/altmark/mitmachen/",
    "thanks": lambda w: "/orte/mitmachen/danke/",
    "embed": lambda w: "/orte/einbetten/?region=altmark",
    "widget": lambda w: "/widget/orte/?region=altmark",
    "search-en": lambda w: "/en/orte/",
    "detail-en": lambda w: f"/en/orte/{w.place_a.pk}/",
    "region-en": lambda w: "/en/region/altmark/",
    "submit-en": lambda w: "/en/region/altmark/mitmachen/",
    "widget-en": lambda w: "/en/widget/orte/?region=altmark",
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_places_page_is_accessible(places_world, ui, name):
    world = places_world
    path = PUBLIC_PAGES[name](world)
    ui.visit(path)
    page = ui.page
    expected_lang = "en" if name.endswith("-en") else "de"
    assert page.locator("html").get_attribute("lang") == expected_lang
    if name.startswith("search"):
        shown = {"search": 2, "search-filtered": 1, "search-nothing-found": 0, "search-en": 2}[name]
        if shown:
            assert _cards(ui).count() == shown
        places_map = page.locator('[data-map="search"]')
        assert places_map.get_attribute("data-markers") == str(shown)
        markers = places_map.locator(".leaflet-marker-icon, .marker-cluster").count()
        assert markers >= 1 if shown else markers == 0
    if name in ("detail", "detail-en"):
        photo = page.locator("ul.photos img")
        assert photo.get_attribute("alt") == "Der Arbeitsraum mit großen Fenstern"
        assert page.locator("#detail-map .leaflet-marker-icon").count() == 1
    if name.startswith("region"):
        assert _cards(ui).count() == 2
    if name.startswith("submit"):
        assert page.locator("#editor-map").count() == 1
        assert page.locator("#id_consent").count() == 1
    if name == "embed":
        frame = page.frame_locator("iframe.widget-preview")
        assert frame.locator(".widget-list li").count() == 2
    if name.startswith("widget"):
        assert page.locator(".widget-list li").count() == 2
        assert page.locator("main h1").count() == 1
    ui.assert_accessible()


def test_submission_form_with_errors_is_accessible(places_world, ui):
    """The error summary (focused) and every marked field after sending the empty form."""
    ui.visit("/region/altmark/mitmachen/")
    page = ui.page
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")
    # name, pitch, fields, types, municipality, owner name and email, consent
    assert summary.locator("li").count() >= 8
    for field in ("name", "pitch", "municipality", "owner_name", "owner_email", "consent"):
        assert page.locator(f"#id_{field}_error").count() == 1, field
    ui.assert_accessible()


def test_submission_form_with_errors_is_accessible_in_english(places_world, ui):
    ui.visit("/en/region/altmark/mitmachen/")
    page = ui.page
    page.fill("#id_owner_email", "not an address")
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert ui.path() == "/en/region/altmark/mitmachen/"
    assert page.locator("#id_owner_email_error").count() == 1
    ui.assert_accessible()


def test_submission_asking_is_it_one_of_these_is_accessible(places_world, ui):
    """A place of the same name in the same municipality: the form comes back with the listed
    place linked, keeps every entry, and sends as it is the second time."""
    world = places_world
    ui.visit("/region/altmark/mitmachen/")
    page = ui.page
    page.fill("#id_name", "Coworking Alte Schule")
    page.fill("#id_pitch", "Noch ein Coworking")
    page.check('input[name="place_fields"][value="work"]')
    page.check('input[name="types"][value="coworking"]')
    page.select_option("#id_municipality", str(world.mun_a.pk))
    page.fill("#id_owner_name", "Jana Beispiel")
    page.fill("#id_owner_email", "jana@example.org")
    page.check("#id_consent")
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    notice = page.locator("section.duplicates")
    assert notice.get_by_role("link", name="Coworking Alte Schule").get_attribute("href") == (
        f"/orte/{world.place_a.pk}/"
    )
    assert page.input_value("#id_pitch") == "Noch ein Coworking" and page.is_checked("#id_consent")
    ui.assert_accessible()
    ui.submit(page.get_by_role("button", name="Keiner davon: Ort einreichen"))
    assert ui.path() == "/orte/mitmachen/danke/"


@pytest.mark.parametrize("english", [False, True], ids=["de", "en"])
def test_owner_page_is_accessible(places_world, ui, english):
    place = places_world.place_submitted
    prefix = "/en" if english else ""
    ui.visit(f"{prefix}/orte/mein-ort/{owner_token(place)}/")
    page = ui.page
    assert page.input_value("#id_name") == place.name
    assert page.locator("#editor-map .leaflet-marker-icon").count() == 1
    ui.assert_accessible()


def test_owner_page_with_message_and_errors_is_accessible(places_world, ui):
    """After a change request the editorial message is shown; an invalid edit marks fields."""
    world = places_world
    place = services.moderate(
        world.moderator,
        world.place_submitted,
        "changes_requested",
        "Bitte ergänzt ein Foto und die Öffnungszeiten.",
    )
    ui.visit(f"/orte/mein-ort/{owner_token(place)}/")
    page = ui.page
    assert page.locator(".editor-status .notice").is_visible()
    page.fill("#id_name", "")
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#id_name_error").count() == 1
    ui.assert_accessible()


def test_owner_invalid_link_page_is_accessible(places_world, ui):
    response = ui.page.goto(ui.url("/orte/mein-ort/kein-gueltiger-link/"))
    assert response.status == 404
    ui.settle(check=False)
    # The only console error allowed: the expected 404 of the document itself.
    ui.watch.console_errors = [e for e in ui.watch.console_errors if "404" not in e["text"]]
    assert ui.page.locator("h1").count() == 1
    assert ui.page.locator('form[action="/orte/neuer-link/"] #id_email').count() == 1
    ui.assert_accessible()


def test_fresh_link_page_is_accessible_also_with_an_error(places_world, ui):
    page = ui.page
    ui.visit("/orte/neuer-link/")
    ui.assert_accessible()
    page.fill("#id_email", "keine-adresse")
    with page.expect_navigation() as navigation:
        page.locator('form[action="/orte/neuer-link/"] [type=submit]').click()
    response = navigation.value
    assert response.status == 400
    ui.settle(check=False)
    ui.watch.console_errors = [e for e in ui.watch.console_errors if "400" not in e["text"]]
    assert page.locator("#error-summary a[href='#id_email']").count() == 1
    ui.assert_accessible()


MODERATION_PAGES = {
    "queue": lambda w: "/datenpflege/orte/",
    "queue-published": lambda w: "/datenpflege/orte/?status=published",
    "review-submitted": lambda w: f"/datenpflege/orte/{w.place_submitted.pk}/",
    "review-published": lambda w: f"/datenpflege/orte/{w.place_a.pk}/",
    "import": lambda w: "/datenpflege/orte/import/",
    "region-settings": lambda w: "/datenpflege/orte/region/altmark/",
    "queue-en": lambda w: "/en/datenpflege/orte/",
    "review-en": lambda w: f"/en/datenpflege/orte/{w.place_submitted.pk}/",
}


@pytest.mark.parametrize("name", MODERATION_PAGES)
def test_moderation_page_is_accessible(places_world, ui, name):
    world = places_world
    ui.login("moderator")
    ui.visit(MODERATION_PAGES[name](world))
    page = ui.page
    if name.startswith("queue"):
        rows = page.locator("table tbody tr")
        assert rows.count() == (2 if name == "queue-published" else 1)
    if name.startswith("review"):
        assert page.locator("#id_action").count() == 1
        assert page.locator("ol.history").count() == 1
    if name == "import":
        assert page.locator('input[type=file][name="file"]').count() == 1
    if name == "region-settings":
        assert (
            page.input_value("#id_intro_de")
            == "Coworking, Kultur und Dorfläden zwischen Elbe und Heide."
        )
    ui.assert_accessible()


def test_moderation_review_with_errors_is_accessible(places_world, ui):
    """A rejection without a reason: the message field is marked."""
    world = places_world
    ui.login("moderator")
    ui.visit(f"/datenpflege/orte/{world.place_submitted.pk}/")
    page = ui.page
    page.select_option("#id_action", "rejected")
    ui.submit(page.locator("form:has(#id_action) [type=submit]"))
    assert page.locator("#id_message_error").count() == 1
    ui.assert_accessible()


def _feed(world):
    """A small partner feed in the format of our open JSON feed: two good records, one bad."""
    base = {
        "municipality_ags": world.mun_a.ags,
        "lat": 52.61,
        "lon": 11.87,
        "pitch": "Treffpunkt",
        "fields": ["life"],
        "types": ["culture"],
        "offers": ["events"],
    }
    return {
        "format": "standortlotse-places/1",
        "places": [
            {**base, "id": "p-1", "name": "Kulturbahnhof Tangerhütte"},
            {**base, "id": "p-2", "name": "Dorfgemeinschaftshaus Uenglingen", "lon": 11.80},
            {
                **base,
                "id": "p-3",
                "name": "",
                "municipality_ags": world.mun_c.ags,
                "types": ["castle"],
            },
        ],
    }


@pytest.mark.parametrize("english", [False, True], ids=["de", "en"])
def test_import_preview_is_accessible(places_world, ui, tmp_path, english):
    """The partner file goes through the import pipeline: the start page leads to the job page
    with its preview (the check runs at once in the tests)."""
    world = places_world
    feed = tmp_path / "partner.json"
    feed.write_text(json.dumps(_feed(world)), encoding="utf-8")
    prefix = "/en" if english else ""
    ui.login("moderator")
    ui.visit(f"{prefix}/datenpflege/orte/import/")
    assert ui.path() == f"{prefix}/datenpflege/import/neu/places/"
    page = ui.page
    page.fill("#id_source", "Kreativorte-Netz")
    page.set_input_files('input[type=file][name="file"]', str(feed))
    ui.submit(page.locator("form.upload-form [type=submit]"))
    rows = page.locator("table.import-rows tbody tr")
    assert rows.count() == 3
    assert page.locator("table.import-rows tr.outcome-error").count() == 1
    assert page.locator('form#confirm-form[action$="/bestaetigen/"]').count() == 1
    ui.assert_accessible()


def test_import_with_an_unreadable_file_is_accessible(places_world, ui, tmp_path):
    bad = tmp_path / "partner.json"
    bad.write_text("{ not json", encoding="utf-8")
    ui.login("moderator")
    ui.visit("/datenpflege/orte/import/")
    page = ui.page
    page.fill("#id_source", "Kreativorte-Netz")
    page.set_input_files('input[type=file][name="file"]', str(bad))
    with page.expect_navigation() as navigation:
        page.locator("form.upload-form [type=submit]").click()
    assert navigation.value.status == 400  # the refused upload, as for every import
    ui.settle(check=False)
    ui.watch.console_errors = [e for e in ui.watch.console_errors if "400" not in e["text"]]
    assert page.locator(".field.has-error").count() == 1
    assert page.locator("#error-summary a[href='#id_file']").count() == 1
    assert page.locator(".table-scroll").count() == 0
    ui.assert_accessible()
