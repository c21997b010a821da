"""Journey: an editor imports a town's CSV list (Windows-1252, semicolons) with a row typed twice
and a row that is already in the register; the preview names both, the editor chooses per row
and the import does what was chosen. axe-core on the preview.

Screenshots of the preview go to $STANDORTLOTSE_SHOTS (at 390 and 1366 px) when it is set."""

import os
import re

import pytest

from tests.browser.test_import_journey import mapping_selects, upload
from tests.exchange.support import duplicate_list_bytes, known_record

pytestmark = pytest.mark.browser


def test_editor_decides_on_possible_duplicates(live_world, new_ui, tmp_path):
    from standortlotse.exchange.models import ImportJob
    from standortlotse.properties.models import Property

    w = live_world
    existing = known_record(w.mun_a)
    before = Property.objects.count()
    path = tmp_path / "flaechen.csv"
    path.write_bytes(duplicate_list_bytes())
    editor = new_ui()
    page = editor.page
    editor.login("editor_a")
    job_id = upload(editor, path)
    form, _selects = mapping_selects(page)
    editor.submit(form.locator("[type=submit]"))

    twice = page.locator("table.import-rows tbody tr", has=page.locator("#decision-3"))
    assert re.search(r"Identisch mit Zeile 2|Identical to row 2", twice.inner_text())
    assert page.locator("#decision-3").input_value() == "skip"
    known = page.locator("table.import-rows tbody tr", has=page.locator("#decision-4"))
    assert known.locator(f'a[href="/datenpflege/{existing.pk}/"]').count() == 1
    assert page.locator("#decision-4").input_value() == ""  # to be chosen
    assert page.locator("#decision-2, #decision-5").count() == 0
    editor.assert_accessible()
    if shots := os.environ.get("STANDORTLOTSE_SHOTS"):
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{shots}/import-duplicates-{width}.png", full_page=True)

    confirm = page.locator(f'form[action="/datenpflege/import/{job_id}/bestaetigen/"]')
    editor.submit(confirm.locator("button[type=submit]:not([name=decide])"))  # row 4: refused
    refusal = page.locator(".messages").inner_text()
    assert re.search(r"Zeile 4|row 4", refusal), refusal
    assert Property.objects.count() == before

    # The choice saved first: the counts show what the import will do.
    page.select_option("#decision-4", "update")
    editor.submit(confirm.locator("button[name=decide]"))
    decided = page.locator(".import-decided").inner_text()
    assert re.search(r"2 neu, 1 Aktualisierung|2 new, 1 updated", decided), decided
    editor.submit(confirm.locator("button[type=submit]:not([name=decide])"))
    job = ImportJob.objects.get(pk=job_id)
    assert job.state == ImportJob.State.DONE, (job.state, job.message)
    assert Property.objects.count() == before + 2
    existing.refresh_from_db()
    assert existing.title == "Gewerbegebiet Stendal Nord Parzelle 4"
    editor.assert_accessible()
