"""The Wohnen overview on a phone (390 px): a returner chooses a municipality, sees its houses,
building plots and trial living without the page getting wider than the screen, and follows a
house to its page."""

import pytest

from tests.browser.housing_support import housing_world

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("language", ["", "/en"])
def test_the_wohnen_overview_fits_a_phone(live_world, new_ui, language):
    path = housing_world(live_world)
    ui = new_ui(viewport={"width": 390, "height": 844})
    ui.visit(f"{language}/lotse/wohnen/")
    ui.page.select_option("#housing-municipality", live_world.mun_a.slug)
    ui.submit(ui.page.locator("form.housing-chooser button[type=submit]"))
    assert ui.path() == f"{language}{path}"
    assert ui.page.evaluate(OVERFLOW) <= 0
    cards = ui.page.locator("section[aria-labelledby=housing-houses] .card")
    assert cards.count() == 1
    assert ui.page.locator("section[aria-labelledby=housing-plots] .card").count() == 1
    assert ui.page.locator("section[aria-labelledby=housing-trial] .card").count() == 1
    assert ui.page.get_by_role("link", name="Luxus der Leere").count() == 1
    for card in ui.page.locator(".card").all():  # no card reaches past the screen's edge
        assert card.bounding_box()["x"] + card.bounding_box()["width"] <= 390
    ui.submit(cards.first.locator("h3 a"))
    assert "/immobilien/" in ui.path()
    assert ui.page.evaluate(OVERFLOW) <= 0
    assert ui.watch.external == []
