"""A moderator reviews an owner's update with full sight: the review page shows the place's
point on a map with its background (tiles through our own origin) beside the point the owner
proposes, and the changed fields; the moderator unticks one change and accepts the rest. The
place then shows the accepted values and not the unticked one; axe-core finds nothing on the
review page."""

import pytest

from standortlotse.places import services
from standortlotse.places.forms import CONTENT_FIELDS, OwnerPlaceForm
from standortlotse.places.models import PendingUpdate
from tests.core.test_tiles import running_upstream

pytestmark = pytest.mark.browser


@pytest.fixture
def tile_server(settings, tmp_path):
    with running_upstream() as fake:
        settings.MAP_TILE_UPSTREAM = fake.template
        settings.MAP_TILE_CACHE_DIR = str(tmp_path / "tiles")
        yield fake


def _propose(place, **changes) -> PendingUpdate:
    """The owner's update as the private page sends it: the stored values with `changes`."""
    data = {name: getattr(place, name) for name in CONTENT_FIELDS if name != "municipality"}
    data.update(
        municipality=place.municipality_id,
        owner_name=place.owner_name,
        owner_email=place.owner_email,
        place_fields=place.values_of("field"),
        types=place.values_of("type"),
        offers=place.values_of("offer"),
        **changes,
    )
    form = OwnerPlaceForm({k: v for k, v in data.items() if v is not None}, instance=place)
    assert form.is_valid(), form.errors
    assert services.owner_update(place, form) == "pending"
    return PendingUpdate.objects.get(place=place)


def test_moderator_accepts_all_but_one_change_of_an_owners_update(places_world, tile_server, ui):
    world = places_world
    place = world.place_a
    old_lat = place.lat
    update = _propose(
        place,
        pitch="Schreibtische, Werkstatt und Garten im Dorf",
        opening_info="Rund um die Uhr",
        lat=round(place.lat + 0.003, 6),
        lon=round(place.lon + 0.002, 6),
    )
    ui.login("moderator")
    ui.visit(f"/datenpflege/orte/{place.pk}/")
    page = ui.page
    # The map with its background, the place's pin and the proposed point.
    review_map = page.locator("#detail-map")
    review_map.locator("img.leaflet-tile-loaded").first.wait_for()
    assert review_map.locator(".leaflet-marker-icon").count() == 2
    assert review_map.get_by_title("Von Betreiber/in vorgeschlagener Punkt").count() == 1
    # What the public page shows, and the proposal field by field, every change ticked.
    content = page.locator("section.review-content")
    for shown in ("Mo–Fr 9–18 Uhr", "Erika Muster", "kontakt@alte-schule.example", "03931 123 456"):
        assert content.get_by_text(shown).count() >= 1, shown
    proposal = page.locator(f"#vorschlag-{update.pk}")
    rows = proposal.locator("tbody tr")
    assert [rows.nth(i).get_attribute("data-change") for i in range(rows.count())] == [
        "pitch",
        "point",
        "opening_info",
    ]
    assert proposal.locator('tr[data-change="opening_info"]').get_by_text("Rund um die Uhr").count()
    for name in ("pitch", "point", "opening_info"):
        assert page.is_checked(f"#take-{update.pk}-{name}")
    ui.assert_accessible()

    page.uncheck(f"#take-{update.pk}-opening_info")
    page.fill(f"#id_update-{update.pk}_message", "Öffnungszeiten bitte genauer angeben.")
    ui.submit(proposal.get_by_role("button", name="Angehakte Änderungen übernehmen"))
    assert ui.path() == f"/datenpflege/orte/{place.pk}/"
    assert page.get_by_text("Die Änderung wurde teilweise übernommen").count() == 1
    assert page.locator("section.proposal").count() == 0
    content = page.locator("section.review-content")
    assert content.get_by_text("Schreibtische, Werkstatt und Garten im Dorf").count() == 1
    assert content.get_by_text("Mo–Fr 9–18 Uhr").count() == 1
    assert content.get_by_text("Rund um die Uhr").count() == 0
    history = page.locator("ol.history li").first.inner_text()
    assert "teilweise übernommen" in history and "nicht übernommen: Öffnungszeiten" in history
    thread = page.locator("ol.thread").inner_text()
    assert "Öffnungszeiten bitte genauer angeben." in thread
    ui.assert_accessible()

    ui.visit(f"/orte/{place.pk}/")
    article = page.locator("article.detail")
    assert article.get_by_text("Schreibtische, Werkstatt und Garten im Dorf").count() == 1
    assert article.get_by_text("Mo–Fr 9–18 Uhr").count() == 1
    assert article.get_by_text("Rund um die Uhr").count() == 0
    place.refresh_from_db()
    assert place.lat == pytest.approx(old_lat + 0.003) and place.opening_info == "Mo–Fr 9–18 Uhr"
