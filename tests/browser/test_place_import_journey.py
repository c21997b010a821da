"""Journey: a regional moderator imports a Karte von morgen export through the same import steps
as every import. From the review queue to the start page (partner feed, format, file), the job
page with the preview (a new place, a conflict with a local edit, a row with an error naming the
field, the category without mapping), a refused confirmation, the import with the error skipped,
and the places in the queue: the conflict under "needs attention", the new place published.
axe-core on every page of the way.

The check and the import are background tasks run by the test settings' ImmediateBackend when
the request commits (the live server's database is transactional), so the preview is there when
the upload's redirect is answered.
"""

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "places" / "data"
MOLKEREI = "8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b"
JOB_PATH = re.compile(r"/datenpflege/import/([0-9a-f-]{36})/")


def counts(page) -> list[int]:
    """new, update, unchanged, conflicts, errors, rows with notes (the template's order)."""
    return [int(n) for n in page.locator("ul.import-counts li strong").all_inner_texts()]


def test_moderator_imports_a_karte_von_morgen_export(live_world, new_ui, tmp_path):
    from standortlotse.exchange.models import ImportJob
    from standortlotse.places import exchange, partners
    from standortlotse.places.models import FeedRun, ImportConflict, PartnerFeed, Place, Status

    w = live_world
    feed = PartnerFeed.objects.create(name="Karte von morgen", format="kvm", region=w.region)
    entries = json.loads((DATA / "kvm_entries.json").read_text(encoding="utf-8"))
    # The Molkerei came in from an earlier run and was edited here since.
    first = partners.read_and_map(json.dumps(entries[:1]).encode(), "e.json", "kvm", feed)[0]
    exchange.apply(exchange.plan(first.records, feed.name, w.region), feed.name, w.region, None)
    molkerei = Place.objects.get(external_id=MOLKEREI)
    molkerei.pitch = "Hier vor Ort ergänzt: mit Kinderbetreuung."
    molkerei.save()
    # ... and at the partner.
    entries[0]["version"] = 5
    entries[0]["description"] = "Schreibtische, Werkstatt und jetzt auch ein Café."
    export = tmp_path / "kvm-export.json"
    export.write_text(json.dumps(entries), encoding="utf-8")

    moderator = new_ui()
    page = moderator.page
    moderator.login("moderator")

    # --- the queue links to the import; the start page -----------------------------------------
    moderator.visit("/datenpflege/orte/")
    moderator.assert_accessible()
    moderator.submit(page.locator('a[href="/datenpflege/orte/import/"]'))
    assert moderator.path() == "/datenpflege/import/neu/places/"
    assert page.locator("#id_feed").count() == 1 and page.locator("#id_format").count() == 1
    moderator.assert_accessible()

    # --- upload: the format is detected, the check runs, the preview is there -------------------
    page.select_option("#id_feed", str(feed.pk))
    page.set_input_files("#id_file", str(export))
    moderator.submit(page.locator("form.upload-form [type=submit]"))
    match = JOB_PATH.fullmatch(moderator.path())
    assert match, f"not on a job page after the upload: {page.url}"
    job = ImportJob.objects.get(pk=match.group(1))
    assert job.target == "places" and job.state == ImportJob.State.PREVIEW, job.message
    assert "Karte von morgen" in page.locator("p.small").first.inner_text()
    warning = page.locator(".upload-warnings").inner_text()
    assert "99999999999999999999999999999999" in warning  # the category without mapping
    assert page.locator('form[action$="/zuordnung/"]').count() == 0  # no column step
    assert counts(page)[:5] == [1, 0, 0, 1, 1]
    new = page.locator("table.import-rows tbody tr.outcome-new")
    assert new.count() == 1 and "Dorfladen Gardelegen-Süd" in new.inner_text()
    conflict = page.locator("table.import-rows tbody tr.outcome-conflict")
    assert conflict.count() == 1 and "Coworking Alte Molkerei" in conflict.inner_text()
    error = page.locator("table.import-rows tbody tr.outcome-error")
    assert error.count() == 1 and "Gemeinschaftsgarten am Hafen" in error.inner_text()
    assert re.search(r"E-Mail-Adresse|email address", error.inner_text())  # the field named
    assert page.locator(f'a[href="/datenpflege/import/{job.pk}/bericht.csv"]').count() == 1
    assert not Place.objects.filter(external_id__startswith="f0e1").exists()  # nothing written
    moderator.assert_accessible()

    # --- confirming without skipping the error is refused --------------------------------------
    confirm = page.locator(f'form[action="/datenpflege/import/{job.pk}/bestaetigen/"]')
    assert confirm.locator("#id_publish").count() == 0  # places come as the partner has them
    moderator.submit(confirm.locator("button[type=submit]"))
    refusal = page.locator(".messages").inner_text()
    assert re.search(r"\b1\b.*(Fehler|error)", refusal), refusal
    moderator.assert_accessible()

    # --- import with the error skipped -------------------------------------------------------
    page.check("#id_skip_errors")
    moderator.submit(confirm.locator("button[type=submit]"))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, (job.state, job.message)
    result = page.locator("p.message-success[role=status]").inner_text()
    assert re.search(r"\b1\b", result), result
    assert ImportConflict.objects.filter(place=molkerei, version="5").count() == 1
    run = FeedRun.objects.get(feed=feed)
    assert (run.new, run.conflicts, run.errors) == (1, 1, 1)
    moderator.assert_accessible()

    # --- the places in the queue -----------------------------------------------------------------
    moderator.submit(
        page.locator('p.message-success a[href="/datenpflege/orte/?status=attention"]')
    )
    row = page.locator("table tbody tr", has_text="Coworking Alte Molkerei")
    assert row.count() == 1 and row.locator(".badge").count() >= 1
    moderator.assert_accessible()
    moderator.visit("/datenpflege/orte/?status=published")
    dorfladen = Place.objects.get(name="Dorfladen Gardelegen-Süd")
    assert dorfladen.status == Status.PUBLISHED and dorfladen.municipality == w.mun_b
    assert page.locator(f'a[href="/datenpflege/orte/{dorfladen.pk}/"]').count() == 1
    moderator.assert_accessible()
