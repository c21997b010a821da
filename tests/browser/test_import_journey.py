"""Journey: a municipal editor imports a list of sites from an Excel file. The upload, the
column assignment (suggestions preselected, one changed by hand), the preview with an error
named by column and value, a refused confirmation, the corrected file, the import and the
records in the editor's list; axe-core on every page of the way.

The check and the import are background tasks: the test settings use django-tasks'
ImmediateBackend, and the views enqueue in ``transaction.on_commit``. The live server's
database is transactional (no test transaction around the request), so the callbacks fire
when the request commits and the task has run before the redirect is answered.

The German translations of the import strings may not be compiled yet: elements are found by
role, id, name and URL, and texts are matched in German or English.
"""

import re
from datetime import date
from io import BytesIO

import pytest

pytestmark = pytest.mark.browser

HEADERS = ["Bezeichnung", "Gemeinde", "Fläche (ha)", "Verfügbar ab", "Ansprechpartnerin"]
# Suggested by the header names: every header but the last (no alias matches it).
SUGGESTED = ["title", "municipality_ags", "area_available_m2", "available_from", ""]

ROWS_WITH_ERROR = [
    ["Gewerbegebiet Stendal Süd, Parzelle 1", "Stendal", "3,5", "01.03.2026", "Erika Muster"],
    ["Lagerplatz am Bahnhof", "15090535", "groß", "sofort", "Max Beispiel"],
    ["Brachfläche Uenglinger Straße", "Stendal", "0,75", "15.07.2025", ""],
]
ERROR_ROW_NUMBER = 5  # title row 1, blank row 2, headers in row 3, data from row 4
ROWS_FIXED = [row[:] for row in ROWS_WITH_ERROR]
ROWS_FIXED[1][2] = "1,2"

JOB_PATH = re.compile(r"/datenpflege/import/([0-9a-f-]{36})/")


def xlsx_file(path, rows):
    """A spreadsheet as municipalities keep them: a merged title row and a blank row above
    the headers, German number and date forms in text cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Flächen"
    sheet.append(["Gewerbeflächen der Hansestadt Stendal – Stand März 2025"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def counts(page) -> list[int]:
    """new, update, unchanged, errors, rows with notes (the order of the template)."""
    return [int(n) for n in page.locator("ul.import-counts li strong").all_inner_texts()]


def upload(editor, path) -> str:
    """From the start page: upload `path`, land on the job page; return the job's id."""
    page = editor.page
    editor.visit("/datenpflege/import/")
    page.set_input_files("#id_file", str(path))
    editor.submit(page.locator('form[enctype="multipart/form-data"] [type=submit]'))
    match = JOB_PATH.fullmatch(editor.path())
    assert match, f"not on a job page after the upload: {page.url}"
    return match.group(1)


def mapping_selects(page):
    form = page.locator('form[action$="/zuordnung/"]')
    assert form.count() == 1
    return form, form.locator("select")


def test_editor_imports_properties_from_excel(live_world, new_ui, tmp_path):
    from standortlotse.exchange.models import ImportJob, ImportRow
    from standortlotse.properties.models import Availability, Property, Status

    # This journey is about reading the file; what the publication gate does to an import is
    # tested in tests/exchange and tests/properties/test_publication.py.
    live_world.region.publish_requirements = []
    live_world.region.save(update_fields=["publish_requirements"])
    w = live_world
    before = set(Property.objects.values_list("pk", flat=True))
    editor = new_ui()
    page = editor.page
    editor.login("editor_a")

    # The list of records links to the import.
    editor.submit(page.locator('a[href="/datenpflege/import/"]'))
    assert editor.path() == "/datenpflege/import/"
    assert page.locator("#id_file[type=file]").count() == 1
    assert page.locator('a[href="/datenpflege/import/spalten/"]').count() == 1
    editor.assert_accessible()

    # The column list is reachable from there and accessible too.
    editor.submit(page.locator('a[href="/datenpflege/import/spalten/"]'))
    assert editor.path() == "/datenpflege/import/spalten/"
    columns = page.locator("table.records tbody tr")
    assert columns.count() > 40
    names = page.locator("table.records tbody td code").all_inner_texts()
    assert {"title", "municipality_ags", "area_available_m2", "available_from"} <= set(names)
    editor.assert_accessible()

    # --- 1. Upload the file with an error ------------------------------------------------------
    job_id = upload(editor, xlsx_file(tmp_path / "flaechen.xlsx", ROWS_WITH_ERROR))
    job = ImportJob.objects.get(pk=job_id)
    assert job.created_by == w.editor_a
    assert job.file_kind == "xlsx"
    assert job.headers == HEADERS  # the title and the blank row above them were skipped
    assert job.state == ImportJob.State.MAPPING
    assert "flaechen.xlsx" in page.locator("h1").inner_text()

    # --- 2. Assign the columns: one select per header, suggestions preselected -----------------
    form, selects = mapping_selects(page)
    assert selects.count() == len(HEADERS)
    names = selects.evaluate_all("ss => ss.map(s => s.name)")
    assert names == [f"col_{i}" for i in range(len(HEADERS))]
    for index, header in enumerate(HEADERS):
        # Each select is labelled by its header (a <label for> in the row header).
        label = form.locator(f'label[for="id_col_{index}"]')
        assert label.inner_text().strip() == header
    assert selects.evaluate_all("ss => ss.map(s => s.value)") == SUGGESTED
    # Every select offers "do not import" and the template's columns.
    options = page.locator("#id_col_0 option").evaluate_all("os => os.map(o => o.value)")
    assert options[0] == "" and "title" in options and "contact_name" in options
    editor.assert_accessible()

    # The header the app did not recognise is assigned by hand.
    page.select_option("#id_col_4", "contact_name")

    # --- 3. Check: the task runs when the request commits, the preview is there at once -------
    editor.submit(form.locator("[type=submit]"))
    assert editor.path() == f"/datenpflege/import/{job_id}/"
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, (job.state, job.message)
    assert job.mapping == dict(zip(HEADERS, SUGGESTED[:-1] + ["contact_name"], strict=True))
    assert page.locator("#import-progress").count() == 0  # nothing left to poll
    # new, update, unchanged, errors, notes (all three rows lack coordinates: a note each)
    assert counts(page) == [2, 0, 0, 1, 3]
    assert job.counts == {"new": 2, "update": 0, "unchanged": 0, "error": 1, "warning": 3}

    rows = page.locator("table.import-rows tbody tr")
    assert rows.count() == 3
    assert rows.locator("td:first-child").all_inner_texts() == ["4", "5", "6"]
    bad = page.locator("table.import-rows tbody tr.outcome-error")
    assert bad.count() == 1
    assert bad.locator("td").first.inner_text() == str(ERROR_ROW_NUMBER)
    assert "Lagerplatz am Bahnhof" in bad.inner_text()
    message = bad.locator("ul.row-messages li").first.inner_text()
    assert "„Fläche (ha)“" in message, message  # the column, as the file names it
    assert "groß" in message, message  # the bad value
    assert re.search(r"keine Zahl|not a number", message), message
    assert page.locator("table.import-rows tbody tr.outcome-new").count() == 2
    stored = ImportRow.objects.get(job=job, outcome="error")
    assert stored.number == ERROR_ROW_NUMBER and stored.messages[0][0] == "Fläche (ha)"

    # The confirm form offers to skip the row with an error; the report can be downloaded.
    confirm = page.locator(f'form[action="/datenpflege/import/{job_id}/bestaetigen/"]')
    assert confirm.count() == 1
    assert confirm.locator("#id_skip_errors[type=checkbox]").count() == 1
    assert not confirm.locator("#id_skip_errors").is_checked()
    assert page.locator(f'a[href="/datenpflege/import/{job_id}/bericht.csv"]').count() == 1
    editor.assert_accessible()

    # The row filter shows the errors only.
    page.select_option("#f-outcome", "error")
    editor.submit(page.locator("form.inline-filters [type=submit]"))
    assert page.locator("table.import-rows tbody tr").count() == 1
    assert page.locator("table.import-rows tbody tr.outcome-error").count() == 1
    editor.assert_accessible()

    # Confirming without skipping the error is refused, and nothing is written.
    editor.submit(confirm.locator("button[type=submit]"))
    assert editor.path() == f"/datenpflege/import/{job_id}/"
    refusal = page.locator(".messages").inner_text()
    assert re.search(r"\b1\b.*(Fehler|errors)", refusal), refusal
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW
    assert set(Property.objects.values_list("pk", flat=True)) == before

    # --- 4. The corrected file: same columns, the area fixed ----------------------------------
    editor.submit(page.locator('a[href="/datenpflege/import/"]').last)
    assert editor.path() == "/datenpflege/import/"
    # The first import is listed among the recent ones.
    assert page.locator(f'table.records a[href="/datenpflege/import/{job_id}/"]').count() == 1
    fixed_id = upload(editor, xlsx_file(tmp_path / "flaechen-korrigiert.xlsx", ROWS_FIXED))
    assert fixed_id != job_id
    form, selects = mapping_selects(page)
    # The hand-made assignment was remembered for the editor's organisation.
    assert selects.evaluate_all("ss => ss.map(s => s.value)") == SUGGESTED[:-1] + ["contact_name"]
    editor.submit(form.locator("[type=submit]"))
    assert editor.path() == f"/datenpflege/import/{fixed_id}/"
    assert counts(page) == [3, 0, 0, 0, 3]
    assert page.locator("table.import-rows tbody tr.outcome-error").count() == 0
    assert page.locator("table.import-rows tbody tr.outcome-new").count() == 3
    confirm = page.locator(f'form[action="/datenpflege/import/{fixed_id}/bestaetigen/"]')
    assert confirm.locator("#id_skip_errors").count() == 0  # nothing to skip
    assert not confirm.locator("#id_publish").is_checked()
    editor.assert_accessible()

    # --- 5. Import: the task runs when the request commits --------------------------------------
    editor.submit(confirm.locator("button[type=submit]"))
    assert editor.path() == f"/datenpflege/import/{fixed_id}/"
    fixed = ImportJob.objects.get(pk=fixed_id)
    assert fixed.state == ImportJob.State.DONE, (fixed.state, fixed.message)
    result = page.locator("p.message-success[role=status]")
    assert result.count() == 1
    text = result.inner_text()
    assert re.search(r"(Imported|Importiert).*\b3\b.*\b0\b", text), text
    assert page.locator(f'form[action="/datenpflege/import/{fixed_id}/bestaetigen/"]').count() == 0
    editor.assert_accessible()

    # The records exist, as drafts of Stendal, with the German values read.
    created = Property.objects.exclude(pk__in=before).order_by("title")
    assert [p.title for p in created] == sorted(row[0] for row in ROWS_FIXED)
    by_title = {p.title: p for p in created}
    for prop in created:
        assert prop.municipality_id == w.mun_a.pk
        assert prop.status == Status.DRAFT
        assert (prop.lat, prop.lon) == (w.mun_a.lat, w.mun_a.lon)  # the municipality's centre
    first = by_title["Gewerbegebiet Stendal Süd, Parzelle 1"]
    assert first.area_available_m2 == 35_000  # "3,5" in a column headed "(ha)"
    assert first.available_from == date(2026, 3, 1)
    assert first.availability == Availability.FROM_DATE
    assert first.contact_name == "Erika Muster"
    second = by_title["Lagerplatz am Bahnhof"]
    assert second.area_available_m2 == 12_000
    assert second.availability == Availability.IMMEDIATELY and second.available_from is None
    assert second.contact_name == "Max Beispiel"
    third = by_title["Brachfläche Uenglinger Straße"]
    assert third.area_available_m2 == 7_500
    assert third.available_from == date(2025, 7, 15)
    assert third.contact_name == ""
    # The first job, never confirmed, is still a preview; it wrote nothing.
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW

    # --- 6. The records in the editor's list --------------------------------------------------
    editor.submit(page.locator('p.message-success a[href="/datenpflege/"]'))
    assert editor.path() == "/datenpflege/"
    listed = page.locator("table.records tbody td:nth-child(2) a").all_inner_texts()
    for row in ROWS_FIXED:
        assert row[0] in listed, listed
    for prop in created:
        link = page.locator(f'a[href="/datenpflege/{prop.pk}/"]')
        row = page.locator("table.records tbody tr", has=link)
        assert row.count() == 1
        assert row.locator(".status-draft").count() == 1
        assert "Stendal" in row.inner_text()
    # Public pages do not show drafts.
    visitor = new_ui()
    visitor.visit("/immobilien/?q=Lagerplatz")
    # The word finds nothing public: the search says it left it out and shows the rest.
    shown = visitor.page.locator(".result-list li.result h3 a").all_inner_texts()
    assert "Lagerplatz am Bahnhof" not in shown


def test_editor_imports_and_skips_the_row_with_an_error(live_world, new_ui, tmp_path):
    """The other way out of an error: confirm that the row is skipped; the others are written
    (published at once, as chosen), and the skipped row is reported as such."""
    from standortlotse.exchange.models import ImportJob
    from standortlotse.properties.models import Property, Status

    # This journey is about reading the file; what the publication gate does to an import is
    # tested in tests/exchange and tests/properties/test_publication.py.
    live_world.region.publish_requirements = []
    live_world.region.save(update_fields=["publish_requirements"])
    before = set(Property.objects.values_list("pk", flat=True))
    editor = new_ui()
    page = editor.page
    editor.login("editor_a")
    job_id = upload(editor, xlsx_file(tmp_path / "flaechen.xlsx", ROWS_WITH_ERROR))
    form, _selects = mapping_selects(page)
    editor.submit(form.locator("[type=submit]"))
    assert counts(page) == [2, 0, 0, 1, 3]

    confirm = page.locator(f'form[action="/datenpflege/import/{job_id}/bestaetigen/"]')
    confirm.locator("#id_skip_errors").check()
    confirm.locator("#id_publish").check()
    editor.submit(confirm.locator("button[type=submit]"))
    job = ImportJob.objects.get(pk=job_id)
    assert job.state == ImportJob.State.DONE, (job.state, job.message)
    assert job.counts["written_new"] == 2 and job.counts["written_update"] == 0
    result = page.locator("p.message-success[role=status]").inner_text()
    assert re.search(r"(Imported|Importiert).*\b2\b.*\b0\b", result), result
    editor.assert_accessible()

    created = Property.objects.exclude(pk__in=before)
    expected = sorted([ROWS_WITH_ERROR[0][0], ROWS_WITH_ERROR[2][0]])
    assert sorted(p.title for p in created) == expected
    assert {p.status for p in created} == {Status.PUBLISHED}
    assert all(p.published_at is not None for p in created)

    # The report names the skipped row with its column and value.
    response = page.request.get(editor.url(f"/datenpflege/import/{job_id}/bericht.csv"))
    assert response.ok
    report = response.body().decode("utf-8-sig")
    skipped = [line for line in report.splitlines() if line.startswith(f"{ERROR_ROW_NUMBER};")]
    assert len(skipped) == 1, report
    assert "Fläche (ha)" in skipped[0] and "groß" in skipped[0], skipped[0]
    assert re.search(r"übersprungen|skipped", skipped[0]), skipped[0]

    # Published: the public search finds them.
    visitor = new_ui()
    visitor.visit("/immobilien/?q=Parzelle")
    titles = visitor.page.locator(".result-list li.result h3 a").all_inner_texts()
    assert titles == [ROWS_WITH_ERROR[0][0]]


def test_a_refused_formula_cell_is_named_without_widening_the_phone_page(
    live_world, new_ui, tmp_path
):
    """The refusal quotes the cell (an unbreakable "=HYPERLINK(…)"); on a 390 px phone the
    message wraps instead of pushing the page sideways."""
    path = tmp_path / "formel.csv"
    path.write_text(
        'Bezeichnung;Gemeinde;Link\nFläche;Stendal;=HYPERLINK("http://evil.example/abcdefghijklmnopqrstuvwxyz","klick")\n',
        encoding="utf-8",
    )
    editor = new_ui(viewport={"width": 390, "height": 800})
    page = editor.page
    editor.login("editor_a")
    editor.visit("/datenpflege/import/")
    # By design the refused upload answers 400 with the form and its errors; the browser logs
    # that status as a console error.
    editor.watch.tolerate(r"/datenpflege/import/$", "a refused upload answers 400", "400")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.locator('form[enctype="multipart/form-data"] [type=submit]').click()
    page.wait_for_load_state("load")
    text = page.locator("main").inner_text()
    assert re.search(r"Zeile 2.*Link|row 2.*Link", text, re.S), text[:500]
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
            .map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + e.clientWidth)
            .slice(0, 8)"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, (
        wide
    )
    editor.assert_accessible()
