"""The partner-feed pages in a phone's width: axe-core finds nothing on the list, the mapping
form (with a category of the last run to map) and the history, and no page is wider than the
screen (the tables stack at ≤ 40em; a checkbox list opened stays inside)."""

import pytest

from standortlotse.places import partners
from standortlotse.places.models import FeedFormat, PartnerFeed

pytestmark = pytest.mark.browser

WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_feed_pages_on_a_phone(live_world, new_ui):
    feed = PartnerFeed.objects.create(
        name="Karte von morgen Altmark",
        format=FeedFormat.KVM_CSV,
        url="https://api.ofdb.io/v0/export/entries.csv?bbox=52.2,10.9,53.1,12.3&categories="
        + partners.KVM_INITIATIVE,
        region=live_world.region,
    )
    partners.record_run(
        feed, {"new": 12, "update": 3}, 200, message="…", unmapped=["9" * 32, "Tiny House Dorf"]
    )
    ui = new_ui(viewport={"width": 390, "height": 900})
    ui.login("moderator")
    for path in (
        "/datenpflege/orte/partner/",
        f"/datenpflege/orte/partner/{feed.pk}/",
        f"/datenpflege/orte/partner/{feed.pk}/verlauf/",
    ):
        ui.visit(path)
        assert ui.page.evaluate(WIDER_THAN_SCREEN) <= 0, path
        ui.assert_accessible()
    ui.visit(f"/datenpflege/orte/partner/{feed.pk}/")
    assert ui.page.locator("#id_row-0-word").input_value() == "9" * 32
    ui.page.locator("#mapping tbody tr").nth(0).locator("details summary").nth(1).click()
    ui.page.locator("#mapping tbody tr").nth(0).get_by_label("Coworking").check()
    assert ui.page.evaluate(WIDER_THAN_SCREEN) <= 0
    ui.submit(ui.page.locator(".form-actions button"))
    feed.refresh_from_db()
    assert feed.mapping["categories"]["9" * 32] == {"types": ["coworking"]}


def test_new_feed_table_follows_the_chosen_format(live_world, new_ui):
    """With JavaScript, choosing the format fills the table with its defaults at once (htmx,
    nothing saved); the moderator's typed row stays, and the save stores the whole table."""
    ui = new_ui(viewport={"width": 1366, "height": 900})
    ui.login("moderator")
    ui.visit("/datenpflege/orte/partner/neu/")
    page = ui.page
    page.locator("#id_name").fill("GoGoCarto Altmark")
    page.locator("#id_row-0-word").fill("Bühne")
    page.locator("#id_format").select_option("gogocarto")
    page.locator("#defaults-added").wait_for()
    assert not PartnerFeed.objects.exists()  # only the table was refreshed
    words = [page.locator(f"#id_row-{i}-word").input_value() for i in range(5)]
    assert words[0] == "Bühne" and "coworking" in words
    assert page.locator("#id_name").input_value() == "GoGoCarto Altmark"
    assert page.locator('input[name="prefilled_for"]').input_value() == "gogocarto"
    ui.watch.check(page)  # no CSP violation, no console error
    ui.assert_accessible()
    ui.submit(page.locator(".form-actions button"))
    feed = PartnerFeed.objects.get(name="GoGoCarto Altmark")
    assert "Bühne" in feed.mapping["tags"] and "fablab" in feed.mapping["categories"]


def test_new_feed_without_javascript_shows_the_defaults_before_saving(live_world, new_ui):
    ui = new_ui(viewport={"width": 390, "height": 900}, java_script_enabled=False)
    ui.login("moderator")
    ui.visit("/datenpflege/orte/partner/neu/")
    page = ui.page
    page.locator("#id_name").fill("GoGoCarto Altmark")
    page.locator("#id_format").select_option("gogocarto")
    ui.submit(page.locator(".form-actions button"))
    assert page.locator("#defaults-added").is_visible()
    assert not PartnerFeed.objects.exists()
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0
    ui.submit(page.locator(".form-actions button"))
    assert PartnerFeed.objects.get(name="GoGoCarto Altmark").mapping == {}
