"""Journey on the demo data of `make run`: what the search understood, removing a part, an
empty result with a way forward, and a search alert from the offer to the unsubscribe link."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from standortlotse.geo.models import Municipality
from standortlotse.properties.models import Property
from tests.factories import PropertyFactory

pytestmark = pytest.mark.browser

TYPED = "Halle mit Gleisanschluss ab 2 ha"


@pytest.fixture
def demo(transactional_db, live_server, settings, mailoutbox):
    settings.DEBUG = True  # load_demo's own guard; the pages run as in production
    call_command("load_demo", "--count", "40", stdout=StringIO())
    settings.DEBUG = False
    return mailoutbox


def _path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def chip_labels(ui):
    return ui.page.locator(".search-understood .chip span").all_inner_texts()


def test_understood_parts_empty_results_and_an_alert(demo, new_ui):
    mails = demo
    ui = new_ui()
    ui.visit("/")
    ui.page.fill("#header-q", TYPED)
    with ui.page.expect_navigation():
        ui.page.press("#header-q", "Enter")
    ui.settle()
    # The one search: the parts it understood, and the one it left out to find something.
    notice = ui.page.locator(".notice").inner_text()
    dropped = re.search(r"lassen „(.+)“ weg", notice).group(1)
    assert dropped in ("Halle", "Gleisanschluss", "ab 2 ha")
    assert chip_labels(ui) == [p for p in ("Halle", "Gleisanschluss", "ab 2 ha") if p != dropped]
    assert ui.page.locator(".search-hits li").count() > 0
    ui.assert_accessible()

    # Removing a part: the search without it, understood again.
    before = chip_labels(ui)
    remove = ui.page.get_by_role("link", name=f"„{before[0]}“ entfernen")
    with ui.page.expect_navigation():
        remove.click()
    ui.settle()
    assert before[0] not in chip_labels(ui)
    assert ui.page.locator(".search-hits li").count() > 0

    # The property search with the same words: nothing has a siding, is a hall and 2 ha.
    ui.visit("/immobilien/?q=" + TYPED.replace(" ", "+"))
    assert ui.page.locator("#results-heading").inner_text().startswith("0 ")
    assert chip_labels(ui) == ["Halle", "Gleisanschluss", "ab 2 ha"]
    suggestions = ui.page.locator(".suggestions a")
    assert suggestions.count() > 0
    ui.assert_accessible()
    first = suggestions.first.inner_text()
    expected = int(re.match(r"(\d+) Objekt", first).group(1))
    with ui.page.expect_navigation():
        suggestions.first.click()
    ui.settle()
    assert ui.page.locator("li.result").count() == min(expected, 20)

    # An alert for this search: no account, a confirmation mail first.
    search_path = ui.path()
    ui.page.fill("#alert-email", "anna@example.org")
    ui.submit(ui.page.get_by_role("button", name="Bei neuen Treffern per E-Mail benachrichtigen"))
    assert ui.page.input_value("#id_email") == "anna@example.org"  # asked once more, posted
    ui.assert_accessible()
    ui.submit(ui.page.get_by_role("button", name="Bei neuen Treffern per E-Mail benachrichtigen"))
    assert "anna@example.org" in ui.page.locator("main").inner_text()
    [confirm_mail] = mails
    confirm = next(u for u in re.findall(r"https?://\S+", confirm_mail.body) if "bestaetigen" in u)
    ui.visit(_path(confirm))
    ui.assert_accessible()
    ui.submit(ui.page.get_by_role("button", name="Ja, Benachrichtigung starten"))
    assert "aktiv" in ui.page.locator("main").inner_text()

    # A new property that the search finds: one mail, with an unsubscribe link.
    match = Property.objects.get(pk=_first_result(ui, search_path))
    PropertyFactory(
        title="Neue Fläche für die Benachrichtigung",
        kind=match.kind,
        municipality=Municipality.objects.get(pk=match.municipality_id),
        area_available_m2=match.area_available_m2,
        zonings=match.zonings,
        rail_siding=match.rail_siding,
        motorway_km=match.motorway_km,
        motorway_junction=match.motorway_junction,
    )
    assert len(mails) == 2 and "Neue Fläche für die Benachrichtigung" in mails[1].subject
    unsubscribe = next(u for u in re.findall(r"https?://\S+", mails[1].body) if "abmelden" in u)
    ui.visit(_path(unsubscribe))
    ui.submit(ui.page.get_by_role("button", name="Benachrichtigungen abbestellen"))
    assert "keine Benachrichtigungen mehr" in ui.page.locator("main").inner_text()


def _first_result(ui, search_path):
    ui.visit(search_path)
    href = ui.page.locator("li.result h3 a").first.get_attribute("href")
    return int(re.search(r"/(\d+)/", href).group(1))


def test_kind_of_result_first_in_the_header_search(demo, new_ui):
    ui = new_ui(locale="en-GB")
    ui.visit("/en/suche/?q=coworking")
    headings = ui.page.locator("main h2").all_inner_texts()
    assert headings[0] == "Creative places" and "Properties" in headings[1:]
