"""The mapping step's checks follow the selects: an editor changes a select and sees at once
which columns look unassigned or share a field, and where the first row lies in the coordinate
system (htmx posts the form to a fragment; CSP stays strict). Without JavaScript the submit
shows the same (a refused submit answers 400, which the console would report: that case is
covered by the request tests in tests/exchange/test_views_mapping.py)."""

import re

import pytest

pytestmark = pytest.mark.browser

JOB_PATH = re.compile(r"/datenpflege/import/([0-9a-f-]{36})/")
HEADERS = [
    "Nr",
    "Bezeichnung",
    "Gemeinde",
    "Ostwert",
    "Nordwert",
    "Fläche (ha)",
    "Fläche lt. Kataster (m²)",
]


def _list(tmp_path, world):
    from tests.exchange.support import csv_bytes
    from tests.exchange.test_coordinates import HAFEN_TANGERMUENDE, comma, project
    from tests.factories import MunicipalityFactory

    MunicipalityFactory(
        name="Tangermünde",
        ags="15090520",
        district=world.district_stendal,
        lat=52.5417,
        lon=11.9692,
    )
    x, y = project(25833, HAFEN_TANGERMUENDE)
    rows = [HEADERS] + [
        [f"T-{n}", f"Hafenfläche {n}", "Tangermünde", comma(x, 1), comma(y, 1), "1,5", "15.000"]
        for n in range(1, 4)
    ]
    path = tmp_path / "hafen.csv"
    path.write_bytes(csv_bytes(rows))
    return path


def _upload(editor, path):
    editor.visit("/datenpflege/import/")
    editor.page.set_input_files("#id_file", str(path))
    editor.submit(editor.page.locator('form[enctype="multipart/form-data"] [type=submit]'))
    assert JOB_PATH.fullmatch(editor.path()), editor.page.url


def test_the_checks_follow_the_selects(live_world, new_ui, tmp_path):
    editor = new_ui()
    page = editor.page
    editor.login("moderator")
    _upload(editor, _list(tmp_path, live_world))
    checks, status = page.locator("#mapping-checks"), page.locator("#crs-detected")
    kataster = "#id_col_6"
    # First display: the suggestion's warning and the detected system.
    assert "Fläche lt. Kataster (m²)" in checks.inner_text()
    assert "Erkannt: ETRS89/UTM-Zone 33N" in status.inner_text()
    assert "Tangermünde" in status.inner_text()
    area = page.locator("#id_col_5").input_value()
    assert area.startswith("area_")
    url = page.url

    # Two columns on one field: said at once, without leaving the page.
    page.select_option(kataster, area)
    page.wait_for_function(
        "() => document.querySelector('#mapping-checks').innerText.includes('sind alle')"
    )
    assert "Die Spalten „Fläche (ha)“, „Fläche lt. Kataster (m²)“" in checks.inner_text()
    assert "1 Punkt zu prüfen" in page.locator("#mapping-checks-count").inner_text()
    # Resolved: the warnings go.
    page.select_option(kataster, "description_de")
    page.wait_for_function("() => !document.querySelector('#mapping-checks .mapping-warnings')")
    assert page.locator("#mapping-checks-count").inner_text() == ""

    # The easting not imported: the coordinate section goes; assigned again, it comes back.
    page.select_option("#id_col_3", "")
    page.locator("#crs-detected").wait_for(state="detached")
    assert "Ostwert" in checks.inner_text()  # looks like a coordinate, left out
    page.select_option("#id_col_3", "lon")
    page.locator("#crs-detected").wait_for()
    assert "Erkannt: ETRS89/UTM-Zone 33N" in status.inner_text()

    # Another system chosen: the line says so, and the select keeps the focus.
    page.focus("#id_crs-crs")
    page.select_option("#id_crs-crs", "utm32")
    page.wait_for_function(
        "() => document.querySelector('#crs-detected').innerText.includes('Gewählt')"
    )
    assert "sprechen eher für ETRS89/UTM-Zone 33N" in status.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "id_crs-crs"
    assert page.url == url
    editor.watch.check(page)  # no CSP violation, no console error
    editor.assert_accessible()

    # The submit is an ordinary one.
    page.select_option("#id_crs-crs", "utm33")
    editor.submit(page.locator('form[action$="/zuordnung/"] [type=submit]'))
    assert page.locator("ul.import-counts").count() == 1
