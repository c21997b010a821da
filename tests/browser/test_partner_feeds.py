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
