import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DATA = Path(__file__).resolve().parents[1] / "places" / "data"


@pytest.mark.parametrize("width", [390, 1366])
def test_shots(live_world, new_ui, tmp_path, width):
    from standortlotse.exchange.models import ImportJob
    from standortlotse.places import exchange, partners
    from standortlotse.places.models import PartnerFeed, Place

    w = live_world
    feed = PartnerFeed.objects.create(name="Karte von morgen", format="kvm", region=w.region)
    entries = json.loads((DATA / "kvm_entries.json").read_text(encoding="utf-8"))
    first = partners.read_and_map(json.dumps(entries[:1]).encode(), "e.json", "kvm", feed)[0]
    exchange.apply(exchange.plan(first.records, feed.name, w.region), feed.name, w.region, None)
    m = Place.objects.get(external_id__startswith="8a3c")
    m.pitch = "Lokal"
    m.save()
    entries[0]["version"] = 5
    entries[0]["description"] = "Neu beim Partner."
    export = tmp_path / "kvm-export.json"
    export.write_text(json.dumps(entries), encoding="utf-8")
    ui = new_ui(viewport={"width": width, "height": 900})
    page = ui.page
    ui.login("moderator")
    ui.visit("/datenpflege/orte/import/")
    page.screenshot(path=f"/tmp/x/start-{width}.png", full_page=True)
    page.select_option("#id_feed", str(feed.pk))
    page.set_input_files("#id_file", str(export))
    ui.submit(page.locator("form.upload-form [type=submit]"))
    page.screenshot(path=f"/tmp/x/preview-{width}.png", full_page=True)
    page.check("#id_skip_errors")
    ui.submit(page.locator("#confirm-form button[type=submit]"))
    page.screenshot(path=f"/tmp/x/done-{width}.png", full_page=True)
    assert ImportJob.objects.get().state == "done"
