"""Journey (issue 12): an owner's private links never go dead. Someone submits a place, the
moderator asks for changes, the owner edits through the link of the latest mail (the first
mail's link still works), the moderator publishes, and a year later the daily reminder job asks
the owner to confirm: the owner confirms "still current" through the link of the reminder mail.
A link that has expired by then leads to our page with a form that mails a fresh link.

The tests select by ids, names, URLs and CSS classes, never by text."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from standortlotse.places.models import OwnerLink, Place
from tests.browser.places_support import decide, mails_to, owner_link_path

pytestmark = pytest.mark.browser

FORM = "/region/altmark/mitmachen/"
NAME = "Dorfwerkstatt Uenglingen"
OWNER_EMAIL = "paula.werkstatt@example.org"
CHANGES = "Bitte ergänzt die Öffnungszeiten."
NEW_PITCH = "Offene Werkstatt im Dorf, Do–Sa 14–19 Uhr"


def _status(ui, status):
    assert ui.page.locator(f".editor-status .status-{status}").count() == 1, ui.page.url


def _open_stale(ui, path):
    """A dead link: our page (404) with the fresh-link form, nothing of the place."""
    response = ui.page.goto(ui.url(path))
    assert response.status == 404, f"{path}: HTTP {response.status}"
    ui.settle(check=False)
    # The only console error allowed: the expected 404 of the document itself.
    ui.watch.console_errors = [e for e in ui.watch.console_errors if "404" not in e["text"]]
    ui.watch.check(ui.page)
    assert ui.page.locator('form[action="/orte/neuer-link/"] #id_email').count() == 1
    assert ui.page.locator('meta[name="robots"][content*="noindex"]').count() == 1
    assert NAME not in ui.page.content()


def test_links_of_every_mail_work_until_a_year_later(places_world, new_ui):
    world = places_world
    outbox = world.outbox

    # --- Submission through the public form. ------------------------------------------------
    owner = new_ui()
    page = owner.page
    owner.visit(FORM)
    page.fill("#id_name", NAME)
    page.fill("#id_pitch", "Offene Werkstatt im Dorf")
    page.check('input[name="place_fields"][value="work"]')
    page.check('input[name="types"][value="maker_space"]')
    page.select_option("#id_municipality", str(world.mun_a.pk))
    page.fill("#id_owner_name", "Paula Werkstatt")
    page.fill("#id_owner_email", OWNER_EMAIL)
    page.check("#id_consent")
    owner.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert owner.path() == "/orte/mitmachen/danke/"
    place = Place.objects.get(name=NAME)
    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 1
    first_link = owner_link_path(mails[0])

    # --- The moderator asks for changes. ----------------------------------------------------
    moderator = new_ui()
    moderator.login("moderator")
    decide(moderator, place.pk, "changes_requested", CHANGES)
    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 2 and CHANGES in mails[-1].body

    # --- The owner edits through the link of the latest mail; the first one still works. ----
    owner.visit(first_link)
    _status(owner, "changes_requested")
    latest = owner_link_path(mails[-1])
    owner.visit(latest)
    _status(owner, "changes_requested")
    assert CHANGES in page.locator(".editor-status .notice").inner_text()
    page.fill("#id_pitch", NEW_PITCH)
    owner.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert owner.path() == latest
    assert page.locator(".messages .message-success").count() == 1
    _status(owner, "submitted")

    # --- The moderator publishes; the "online" mail carries a working link too. -------------
    decide(moderator, place.pk, "published")
    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 3
    for mail in mails:
        owner.visit(owner_link_path(mail))
        _status(owner, "published")
    assert page.locator(f'a[href="/orte/{place.pk}/"]').count() == 1  # to the public page

    # --- A year later: the links of then have expired, the daily job asks for confirmation. -
    year = timedelta(days=365)
    Place.objects.filter(pk=place.pk).update(
        verified_on=F("verified_on") - year,
        published_at=F("published_at") - year,
        created_at=F("created_at") - year,
    )
    OwnerLink.objects.filter(place=place).update(
        created_at=F("created_at") - year, expires_at=F("expires_at") - year
    )
    call_command("places_reminders", stdout=open("/dev/null", "w"))
    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 4, [m.subject for m in mails]
    reminder = owner_link_path(mails[-1])
    place.refresh_from_db()
    assert place.confirmation_requested_at is not None
    assert place.verified_on == timezone.localdate() - year

    # The old links lead to the fresh-link page, not to a bare 404 ...
    _open_stale(owner, first_link)
    # ... while the reminder's link opens the place, where the owner confirms with one click.
    owner.visit(reminder)
    _status(owner, "published")
    owner.submit(page.locator('form:has(input[name="action"][value="confirm"]) [type=submit]'))
    assert owner.path() == reminder
    assert page.locator(".messages .message-success").count() == 1
    place.refresh_from_db()
    assert place.verified_on == timezone.localdate() and place.confirmation_requested_at is None
    assert not place.unconfirmed

    # --- Someone who lost every mail asks for a fresh link on the stale page. ---------------
    _open_stale(owner, first_link)
    page.fill("#id_email", OWNER_EMAIL.upper())
    owner.submit(page.locator('form[action="/orte/neuer-link/"] [type=submit]'))
    assert owner.path() == "/orte/neuer-link/"
    assert page.locator("form #id_email").count() == 0  # the same answer for every address
    mails = mails_to(outbox, OWNER_EMAIL)
    assert len(mails) == 5
    owner.visit(owner_link_path(mails[-1]))
    _status(owner, "published")
    owner.visit(reminder)  # asking for a fresh link ends no other link
    _status(owner, "published")
    for ui in (owner, moderator):
        assert ui.watch.external == []
