"""Journey in English: an investor goes from the start page to the search, puts two results into
the comparison, adds a third from its detail page (the selection survives the navigation in
localStorage and in the compare link's ids=), sees the best value of each row marked and sends
one inquiry about the three compared properties; the thank-you page and the confirmation name
the properties and their reference numbers."""

import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from standortlotse.inquiries.models import Inquiry
from tests.browser.investors_support import build_investor_world

pytestmark = pytest.mark.browser

VISITOR_EMAIL = "li.wei@example.com"


@pytest.fixture
def investor_world(live_world, settings, mailoutbox):
    w = build_investor_world(live_world, settings, mailoutbox)
    # world.prop_b (Gardelegen) is the fastest to the motorway of all.
    from standortlotse.properties.models import Property

    Property.objects.update(motorway_km=Decimal("6"))
    w.prop_b.motorway_km = Decimal("1.5")
    w.prop_b.save()
    return w


def _ids(page):
    values = parse_qs(urlsplit(page.url).query).get("ids", [])
    return [part for value in values for part in value.split(",") if part]


def test_investor_compares_three_and_asks_about_them(investor_world, new_ui):
    w = investor_world
    ui = new_ui(locale="en-GB")
    page = ui.page
    ui.visit("/en/")
    ui.submit(page.locator("form.hero-search button[type=submit]"))
    assert urlsplit(page.url).path == "/en/immobilien/"

    # Two results ticked in the list ...
    results = page.locator(".result-list li.result")
    titles = results.locator("h3 a").all_inner_texts()
    assert len(titles) >= 3
    third_title = w.prop_b.title  # added later from its own page
    first_two = [t for t in titles if t != third_title][:2]
    for title in first_two:
        results.filter(has_text=title).locator('input[name="ids"]').check()
    ui.submit(page.locator("form.compare-form button[type=submit]"))
    assert urlsplit(page.url).path == "/en/immobilien/vergleich/"
    assert len(_ids(page)) == 2
    stored = page.evaluate("() => localStorage.getItem('standortlotse.compare')")
    assert len(json.loads(stored)) == 2

    # ... and a third from its detail page.
    page.go_back()
    ui.settle()
    ui.submit(page.locator(".result-list h3 a", has_text=third_title))
    assert page.locator("h1").inner_text() == third_title
    toggle = page.locator("[data-compare-toggle]").first
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    link = page.locator("[data-compare-link]")
    assert link.locator("[data-compare-count]").inner_text() == "3"
    page.get_by_role("status").filter(has_text="Added to the comparison (3 of 4)").wait_for()
    # The English page explains the German planning terms.
    assert page.locator("h3", has_text="Site and offer").count() == 1
    ui.submit(link)

    # The comparison: three columns, the best value of a row marked in words.
    assert len(_ids(page)) == 3
    headers = page.locator("table.compare thead th[scope=col] > a").all_inner_texts()
    assert sorted(headers) == sorted([*first_two, third_title])
    motorway = page.locator("table.compare tr[data-row=motorway_km]")
    cell = motorway.locator("td").nth(headers.index(w.prop_b.title))
    assert "best" in cell.text_content() and "1.5" in cell.text_content()
    assert page.locator("table.compare td.best .best-mark").count() >= 1
    # The selection survives: the compare page without ids shows the stored selection.
    ui.visit("/en/immobilien/vergleich/")
    page.wait_for_url(re.compile(r"ids="))
    ui.settle()
    assert len(_ids(page)) == 3

    # One inquiry about the three.
    ui.submit(page.get_by_role("link", name=re.compile("Inquiry about these 3 properties")))
    assert page.locator(".inquiry-properties li").count() == 3
    page.fill("#id_name", "Li Wei")
    page.fill("#id_email", VISITOR_EMAIL)
    page.fill("#id_message", "We need 2 ha for a plant. Which of these plots is divisible?")
    page.check("#id_consent")
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert urlsplit(page.url).path == "/en/kontakt/danke/"
    inquiries = list(Inquiry.objects.order_by("pk"))
    assert len(inquiries) == 3
    shown = page.locator("[data-reference]").all_inner_texts()
    assert shown == [i.reference for i in inquiries]
    assert all(re.fullmatch(r"ANF-\d{4}-\d{6}", ref) for ref in shown)
    confirmation = [m for m in w.outbox if m.to == [VISITOR_EMAIL]]
    assert len(confirmation) == 1
    for inquiry in inquiries:
        assert inquiry.reference in confirmation[0].body
        assert inquiry.property.title in confirmation[0].body
    assert "Your inquiry" in confirmation[0].subject
    assert ui.watch.external == []
