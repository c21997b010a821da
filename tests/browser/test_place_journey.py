"""Journey: someone submits their creative place (with a photo) through the region's public
form, gets a private link by email, the regional moderator asks for changes, the submitter
makes them through the new link, the moderator publishes, and the place is on the public list
and map. A validation error keeps everything entered, the photo included.

UI strings of the places are not yet translated into German: the tests select by ids, names,
URLs and CSS classes, never by text."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from standortlotse.places import services
from standortlotse.places.models import Place
from tests.browser.places_support import decide, mails_to, owner_link_path, owner_token

pytestmark = pytest.mark.browser

FORM = "/region/altmark/mitmachen/"
THANKS = "/orte/mitmachen/danke/"
NAME = "Makerspace Alter Bahnhof Stendal"
PITCH = "Werkstatt, Lasercutter und Schreibtische im alten Bahnhof"
STORY = "Vor drei Jahren stand der Bahnhof leer. Heute bauen hier zwölf Leute Möbel und Ideen."
OWNER_EMAIL = "jana.beispiel@example.org"
CHANGES = "Bitte nennt im Kurztext auch die Öffnungszeiten der Werkstatt."
NEW_PITCH = "Werkstatt und Schreibtische im alten Bahnhof, Di–Sa 10–18 Uhr"


def _submit_button(page):
    return page.locator("form.editor-form .form-actions [type=submit]")


def _fill_submission(ui, world, png_file, *, consent=True, photo=True):
    page = ui.page
    page.fill("#id_name", NAME)
    page.fill("#id_pitch", PITCH)
    page.fill("#id_story", STORY)
    page.check('input[name="place_fields"][value="work"]')
    page.check('input[name="types"][value="maker_space"]')
    page.check('input[name="types"][value="coworking"]')
    page.check('input[name="offers"][value="workshop"]')
    # Only the region's municipalities are offered.
    offered = page.locator("#id_municipality option:not([value=''])").evaluate_all(
        "os => os.map(o => o.value)"
    )
    assert sorted(offered) == sorted([str(world.mun_a.pk), str(world.mun_b.pk)])
    page.select_option("#id_municipality", str(world.mun_a.pk))
    if photo:
        page.set_input_files('input[name="photo"]', str(png_file))
        page.fill("#id_photo_alt", "Die Werkstatt im ehemaligen Wartesaal")
    page.fill("#id_owner_name", "Jana Beispiel")
    page.fill("#id_owner_email", OWNER_EMAIL)
    if consent:
        page.check("#id_consent")


def _set_point_on_map(ui, world):
    """One click on the map sets lat/lon (the map was centred on the chosen municipality)."""
    page = ui.page
    editor_map = page.locator("#editor-map")
    assert page.input_value("#id_lat") == "" and page.input_value("#id_lon") == ""
    box = editor_map.bounding_box()
    editor_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    page.wait_for_function("() => document.getElementById('id_lat').value !== ''")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert abs(lat - world.mun_a.lat) < 0.1 and abs(lon - world.mun_a.lon) < 0.1, (lat, lon)
    assert editor_map.locator(".leaflet-marker-icon").count() == 1
    return lat, lon


def test_submit_review_change_publish(places_world, new_ui, png_file):
    world = places_world
    outbox = world.outbox

    # --- The submitter: from the region portal to the form, no login. -------------------
    submitter = new_ui()
    page = submitter.page
    submitter.visit("/region/altmark/")
    submitter.submit(page.locator(f'main a[href="{FORM}"]'))
    assert submitter.path() == FORM
    assert page.locator("#criteria-heading").count() == 1  # the region's editorial criteria
    _fill_submission(submitter, world, png_file)
    lat, lon = _set_point_on_map(submitter, world)
    submitter.submit(_submit_button(page))
    assert submitter.path() == THANKS

    place = Place.objects.get(name=NAME)
    assert place.status == "submitted"
    assert place.region == world.region and place.municipality == world.mun_a
    assert place.lat == pytest.approx(lat, abs=1e-6) and place.lon == pytest.approx(lon, abs=1e-6)
    assert place.values_of("type") == ["coworking", "maker_space"]
    assert place.values_of("offer") == ["workshop"]
    assert place.photos.count() == 1
    assert place.photos.get().alt_text == "Die Werkstatt im ehemaligen Wartesaal"

    # The email with the private link (sent by the background task).
    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 1, [(m.to, m.subject) for m in outbox]
    first_link = owner_link_path(mails[0])
    assert NAME in mails[0].body

    # The link opens the submission; it is not public yet.
    submitter.visit(first_link)
    assert page.locator(".editor-status .status-submitted").count() == 1
    assert page.input_value("#id_name") == NAME
    assert page.locator('meta[name="robots"][content*="noindex"]').count() == 1
    visitor = new_ui()
    response = visitor.page.goto(visitor.url(f"/orte/{place.pk}/"))
    assert response.status == 404
    visitor.watch.console_errors.clear()  # the expected 404 of the document itself

    # --- The moderator asks for changes. -------------------------------------------------
    moderator = new_ui()
    mpage = moderator.page
    moderator.login("moderator")
    moderator.visit("/datenpflege/orte/")
    row_link = mpage.locator(f'table a[href="/datenpflege/orte/{place.pk}/"]')
    assert row_link.count() == 1
    moderator.submit(row_link)
    assert mpage.locator(".editor-status .status-submitted").count() == 1
    assert mpage.locator(".photo-list img").count() == 1
    assert mpage.locator(".photo-list img").evaluate("img => img.complete && img.naturalWidth > 0")
    # Requesting changes without a message is refused.
    mpage.select_option("#id_action", "changes_requested")
    moderator.submit(mpage.locator("form:has(#id_action) [type=submit]"))
    assert mpage.locator("#id_message_error").count() == 1
    assert mpage.locator(".editor-status .status-submitted").count() == 1
    decide(moderator, place.pk, "changes_requested", CHANGES)

    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 2, [(m.to, m.subject) for m in mails]
    assert CHANGES in mails[1].body
    second_link = owner_link_path(mails[1])
    assert second_link != first_link

    # --- The submitter: the first link still works, the new one too, with the message. -------
    submitter.visit(first_link)
    assert page.locator(".editor-status .status-changes_requested").count() == 1
    submitter.visit(second_link)
    assert page.locator(".editor-status .status-changes_requested").count() == 1
    message = page.locator(".editor-status .notice")
    assert CHANGES in message.inner_text()
    # Everything submitted is in the form.
    assert page.input_value("#id_name") == NAME
    assert page.input_value("#id_pitch") == PITCH
    assert STORY in page.input_value("#id_story")
    assert page.locator('input[name="types"][value="maker_space"]').is_checked()
    assert page.locator('input[name="offers"][value="workshop"]').is_checked()
    assert page.input_value("#id_municipality") == str(world.mun_a.pk)
    assert float(page.input_value("#id_lat")) == pytest.approx(lat, abs=1e-6)
    assert page.locator("#editor-map .leaflet-marker-icon").count() == 1
    assert page.locator("form.editor-form .photo-list img").count() == 1
    page.fill("#id_pitch", NEW_PITCH)
    page.fill("#id_opening_info", "Di–Sa 10–18 Uhr")
    submitter.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert submitter.path() == second_link
    assert page.locator(".messages .message-success").count() == 1
    assert page.locator(".editor-status .status-submitted").count() == 1
    assert page.input_value("#id_pitch") == NEW_PITCH
    place.refresh_from_db()
    assert place.status == "submitted" and place.pitch == NEW_PITCH
    assert place.photos.count() == 1  # the photo stays; nothing new was chosen

    # --- The moderator sees the change and publishes. -----------------------------------
    moderator.visit(f"/datenpflege/orte/{place.pk}/")
    assert mpage.locator(".editor-status .status-submitted").count() == 1
    assert NEW_PITCH in mpage.locator("section.review-content").inner_text()
    decide(moderator, place.pk, "published")
    assert len(mails_to(outbox, OWNER_EMAIL)) == 3  # "your place is online"

    # --- Visitors find it: list, map, detail. ---------------------------------------------------
    vpage = visitor.page
    visitor.visit("/orte/")
    cards = vpage.locator("ul.cards li.card h3 a")
    total = len(world.published_places) + 1
    assert cards.count() == total
    assert NAME in cards.all_inner_texts()
    places_map = vpage.locator('[data-map="search"]')
    assert places_map.get_attribute("data-markers") == str(total)
    assert places_map.locator(".leaflet-marker-icon, .marker-cluster").count() >= 1

    # Searching for it leaves one card and one marker, titled with its name.
    vpage.fill("#id_q", "Bahnhof")
    with vpage.expect_response(lambda r: "/api/places.geojson" in r.url) as info:
        visitor.submit(vpage.locator("form.filters [type=submit]"))
    assert parse_qs(urlsplit(info.value.url).query).get("q") == ["Bahnhof"]
    assert cards.all_inner_texts() == [NAME]
    assert places_map.get_attribute("data-markers") == "1"
    marker = places_map.locator(".leaflet-marker-icon")
    assert marker.count() == 1
    assert marker.get_attribute("title") == NAME

    visitor.submit(cards.first)
    assert visitor.path() == f"/orte/{place.pk}/"
    assert vpage.locator("h1").inner_text() == NAME
    assert vpage.locator('meta[name="robots"]').count() == 0  # public and indexable now
    assert NEW_PITCH in vpage.locator("article.detail .lead").inner_text()
    photo = vpage.locator("ul.photos img")
    assert photo.get_attribute("alt") == "Die Werkstatt im ehemaligen Wartesaal"
    photo.scroll_into_view_if_needed()  # loading="lazy"
    vpage.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert vpage.locator("#detail-map .leaflet-marker-icon").count() == 1
    for ui in (submitter, moderator, visitor):
        assert ui.watch.external == []


def test_validation_error_keeps_text_and_photo(places_world, ui, png_file):
    """Without consent the form comes back with an error; every entry and the chosen photo
    are kept, so the submitter only ticks the box and sends it again."""
    world = places_world
    page = ui.page
    ui.visit(FORM)
    _fill_submission(ui, world, png_file, consent=False)
    page.fill("#id_tags", "Werkstatt, Holz")
    page.fill("#id_social_links", "https://social.example/bahnhof")
    ui.submit(_submit_button(page))

    assert ui.path() == FORM
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")  # focused for AT users
    assert summary.locator('a[href="#id_consent"]').count() == 1
    assert page.locator("#id_consent_error").count() == 1
    assert page.locator("#id_consent").get_attribute("aria-invalid") == "true"
    assert not Place.objects.filter(name=NAME).exists()
    assert mails_to(world.outbox, OWNER_EMAIL) == []

    # All text, choices and the municipality are still there.
    assert page.input_value("#id_name") == NAME
    assert page.input_value("#id_pitch") == PITCH
    assert page.input_value("#id_story") == STORY
    assert page.input_value("#id_tags") == "Werkstatt, Holz"
    assert page.input_value("#id_social_links") == "https://social.example/bahnhof"
    assert page.input_value("#id_owner_name") == "Jana Beispiel"
    assert page.input_value("#id_owner_email") == OWNER_EMAIL
    assert page.input_value("#id_photo_alt") == "Die Werkstatt im ehemaligen Wartesaal"
    assert page.input_value("#id_municipality") == str(world.mun_a.pk)
    checked = page.locator("form.editor-form input[type=checkbox]:checked").evaluate_all(
        "cs => cs.map(c => c.name + '=' + c.value).sort()"
    )
    assert checked == sorted(
        ["place_fields=work", "types=maker_space", "types=coworking", "offers=workshop"]
    )
    # The photo is kept on the server: a notice says so, the file input is empty.
    assert page.locator("fieldset:has(#id_photo) .notice").is_visible()
    token = page.locator('input[name="photo_token"]')
    assert re.fullmatch(r"[0-9a-f]{32}\.img", token.input_value()), token.input_value()
    assert page.locator("#id_photo").evaluate("input => input.files.length") == 0

    # Tick the box, send again without choosing the photo once more.
    page.check("#id_consent")
    ui.submit(_submit_button(page))
    assert ui.path() == THANKS
    place = Place.objects.get(name=NAME)
    assert place.story.strip() == STORY
    assert place.tag_list() == ["Werkstatt", "Holz"]
    # No point was set: the centre of the municipality.
    assert (place.lat, place.lon) == (world.mun_a.lat, world.mun_a.lon)
    photos = list(place.photos.all())
    assert len(photos) == 1, "the kept photo was not attached"
    assert photos[0].alt_text == "Die Werkstatt im ehemaligen Wartesaal"
    with photos[0].image.open("rb") as handle:
        assert len(handle.read()) > 100
    assert len(mails_to(world.outbox, OWNER_EMAIL)) == 1


def test_the_hidden_honeypot_refuses_bots(places_world, ui, png_file):
    """People never see the `homepage` field; a bot that fills it gets the form back and
    nothing is stored."""
    page = ui.page
    ui.visit(FORM)
    honeypot = page.locator("#id_homepage")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < 0
    assert honeypot.get_attribute("tabindex") == "-1"
    _fill_submission(ui, places_world, png_file, photo=False)
    honeypot.evaluate("input => { input.value = 'https://spam.example'; }")
    ui.submit(_submit_button(page))
    assert ui.path() == FORM
    assert page.locator("#error-summary").is_visible()
    assert not Place.objects.filter(name=NAME).exists()
    assert mails_to(places_world.outbox, OWNER_EMAIL) == []


def test_owner_keeps_seeing_the_request_after_asking_for_a_new_link(places_world, ui):
    world = places_world
    place = services.moderate(world.moderator, world.place_submitted, "changes_requested", CHANGES)
    page = ui.page
    ui.visit(f"/orte/mein-ort/{owner_token(place)}/")
    assert CHANGES in page.locator(".editor-status .notice").inner_text()
    before = len(mails_to(world.outbox, place.owner_email))
    ui.submit(page.locator('form:has(input[name="action"][value="rotate"]) [type=submit]'))
    mails = mails_to(world.outbox, place.owner_email)
    assert len(mails) == before + 1
    ui.visit(owner_link_path(mails[-1]))
    assert page.locator(".editor-status .status-changes_requested").count() == 1
    assert CHANGES in page.locator(".editor-status .notice").inner_text()


def test_chosen_photo_is_previewed(places_world, ui, png_file):
    page = ui.page
    ui.visit(FORM)
    page.set_input_files('input[name="photo"]', str(png_file))
    preview = page.locator("[data-photo-preview]")
    preview.wait_for(state="visible", timeout=2_000)
    assert preview.get_attribute("src").startswith("blob:")
