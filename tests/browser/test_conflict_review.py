"""The review of an import conflict in a phone's and a desktop's width: axe-core finds nothing,
the comparison table stays inside the screen (it stacks at ≤ 40em), and keeping the local
version closes the conflict; the partner's markup is shown as text, never run."""

import json
from pathlib import Path

import pytest

from standortlotse.places import exchange, partners
from standortlotse.places.models import ImportConflict, Place

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "places" / "data"
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def _conflicted_place(world) -> Place:
    feed = (DATA / "kvm_entries.json").read_bytes()
    records = partners.read_and_map(feed, "e.json", "auto")[0].records
    exchange.apply(exchange.plan(records, "kvm", world.region), "kvm", world.region, None)
    place = Place.objects.get(external_id="8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b")
    place.pitch = "Coworking mit Glasfaser im Dorf, hier verbessert"
    place.save()
    entries = json.loads(feed)
    for version, text in ((5, "Neu beim Partner."), (6, "Noch neuer beim Partner.")):
        entries[0].update(
            version=version,
            description=f"<p>{text}</p><script>alert('x')</script> Mit <b>Werkstatt</b>.",
            tags=["coworking", "makerspace"],
        )
        records = partners.read_and_map(json.dumps(entries).encode(), "e.json", "auto")[0].records
        exchange.apply(exchange.plan(records, "kvm", world.region), "kvm", world.region, None)
    assert ImportConflict.objects.filter(place=place, resolved=False).count() == 2
    return place


@pytest.mark.parametrize("width", [390, 1366])
def test_conflict_review_on_phone_and_desktop(live_world, new_ui, width):
    place = _conflicted_place(live_world)
    ui = new_ui(viewport={"width": width, "height": 1000})
    dialogs: list[str] = []  # a partner's script would open one
    ui.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ui.login("moderator")
    for language in ("", "/en"):
        ui.visit(f"{language}/datenpflege/orte/{place.pk}/")
        assert ui.page.evaluate(WIDER_THAN_SCREEN) <= 0
        assert ui.page.locator(".conflict-table").count() == 2
        ui.assert_accessible()
    assert not dialogs
    ui.visit(f"/datenpflege/orte/{place.pk}/")
    ui.submit(ui.page.locator(".conflict").nth(1).get_by_role("button", name="Lokale Fassung"))
    assert ui.page.locator(".conflict-table").count() == 1
