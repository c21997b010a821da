"""The mapping step through the web UI: a hand-kept Excel list as a district office keeps it."""

import re

import pytest
from django.urls import reverse

from standortlotse.exchange.models import ImportJob
from standortlotse.properties.models import Property
from tests.exchange.support import (  # noqa: F401 - tasks_at_once is a fixture
    HAND_KEPT_MAPPING,
    HAND_KEPT_ROWS,
    HAND_KEPT_TITLE,
    csv_bytes,
    tasks_at_once,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.usefixtures("tasks_at_once")

HEADERS, ROWS, TITLE_ROWS = list(HAND_KEPT_MAPPING), HAND_KEPT_ROWS, HAND_KEPT_TITLE


def _selects(page: str) -> dict[str, str]:
    """Label of each select row → the selected value ("" for “do not import”)."""
    result = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        label = re.search(r'<label for="id_col_\d+">(.*?)</label>', row)
        if label:
            chosen = re.search(r'<option value="([^"]*)" selected>', row)
            result[label.group(1)] = chosen.group(1) if chosen else ""
    return result


def _post_mapping(client, job, mapping):
    form = {f"col_{i}": mapping.get(h, "") for i, h in enumerate(job.headers)}
    return client.post(reverse("exchange:mapping", args=[job.pk]), form)


def test_a_hand_kept_list_is_mapped_checked_and_remembered(client, world):
    client.force_login(world.editor_a)
    content = xlsx_bytes([HEADERS, *ROWS], title_rows=TITLE_ROWS)
    response = client.post(reverse("exchange:start"), {"file": upload("flaechen.xlsx", content)})
    assert response.status_code == 302
    job = ImportJob.objects.get(filename="flaechen.xlsx")
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()

    # Suggestions from the header words and the values, preselected in the page.
    suggested = HAND_KEPT_MAPPING
    assert _selects(page) == suggested
    # The first three distinct values beside each select.
    samples = re.findall(
        r'<span class="samples small" id="id_col_5_samples">(.*?)</span></td>', page, re.S
    )
    assert samples and re.findall(r'<span class="sample">(.*?)</span>', samples[0]) == [
        "GE",
        "GI",
        "GE/GI",
    ]
    assert (
        '<span class="sample">Frau Lehmann</span> · <span class="sample">Herr Schulz</span>' in page
    )
    assert '<span class="sample">12,5</span>' in page  # an Excel number as Excel shows it
    # A column that looks like an area stays unmapped: a warning, no error.
    assert "Bitte prüfen Sie, bevor Sie weitergehen" in page
    assert "Die Spalte „Fläche lt. Kataster (m²)“ sieht nach „verfügbare Fläche" in page
    assert "beim letzten Mal" not in page

    # Two columns on one field: refused, the error names both columns, the warning too.
    twice = {**suggested, "Fläche lt. Kataster (m²)": "area_total_m2"}
    response = _post_mapping(client, job, twice)
    assert response.status_code == 400
    page = response.content.decode()
    # Each select says it once, naming the other column; the summary at the top once more.
    at_size = "Das Feld „Gesamtfläche“ ist auch der Spalte „Fläche lt. Kataster (m²)“ zugeordnet"
    at_cadastre = "Das Feld „Gesamtfläche“ ist auch der Spalte „Größe (ha)“ zugeordnet"
    assert page.count(at_size) == 2 and page.count(at_cadastre) == 2
    assert "„– nicht importieren –“" in page  # what the select accepts instead
    assert "sind alle" not in page  # not a third time among the points to check
    assert "error-summary" in page
    assert _selects(page)["Fläche lt. Kataster (m²)"] == "area_total_m2"  # as sent
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING

    # Confirmed with one change by hand: the running number is this office's ID.
    confirmed = {**suggested, "Lfd. Nr.": "external_id"}
    response = _post_mapping(client, job, confirmed)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert job.counts["new"] == 4 and job.counts["error"] == 0, list(job.rows.values("messages"))
    client.post(reverse("exchange:confirm", args=[job.pk]), {})
    nord = Property.objects.get(title="Gewerbegebiet Stendal Nord")
    assert (nord.area_total_m2, nord.area_available_m2) == (125_000, 40_000)
    assert nord.zonings == ["GE"] and str(nord.motorway_km) == "4.5" and nord.external_id == "1"
    assert Property.objects.get(title="Am Hafen").area_available_m2 == 5000

    # Next month's list: the same columns, spelt and ordered a little differently.
    again_headers = [
        "Lfd Nr",
        "Bezeichnung",
        "Gemeinde",
        "Groesse (ha)",
        "Davon frei (m2)",
        "Gebietsart",
        "Entfernung BAB (km)",
        "Preis €/m²",
        "Fläche lt. Kataster (m²)",
        "Ansprechpartner",
    ]
    rows = [[5, "Neue Fläche", "Stendal", 1, 5000, "MI", 2, 10, None, "Frau Lehmann"]]
    content = xlsx_bytes([again_headers, *rows], title_rows=TITLE_ROWS)
    client.post(reverse("exchange:start"), {"file": upload("flaechen-april.xlsx", content)})
    again = ImportJob.objects.get(filename="flaechen-april.xlsx")
    page = client.get(reverse("exchange:job", args=[again.pk])).content.decode()
    remembered = {
        h: confirmed[first] for h, first in zip(again_headers, _first(again_headers), strict=True)
    }
    assert _selects(page) == remembered
    assert remembered["Lfd Nr"] == "external_id"  # taken over from the confirmed mapping
    assert "Das ist die Zuordnung, die Sie beim letzten Mal" in page


def _first(headers):
    """The first list's header for each of the second list's (same folded name)."""
    from standortlotse.core.textsearch import fold

    by_fold = {fold(h): h for h in HEADERS}
    return [by_fold[fold(h)] for h in headers]


def _coordinate_list(world, rows=300):
    """A CSV of ``rows`` rows with UTM 33 eastings/northings at the harbour of Tangermünde."""
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
    header = ["Nr", "Bezeichnung", "Gemeinde", "Ostwert", "Nordwert", "Fläche (ha)"]
    body = [
        [f"T-{n}", f"Fläche {n}", "Tangermünde", comma(x, 1), comma(y, 1), "1,5"]
        for n in range(rows)
    ]
    return csv_bytes([header, *body])


def test_the_mapping_page_reads_the_file_once_per_job(client, world):
    """Upload opens the file once; the mapping page, its live checks and a refused submit read
    the samples and the first rows (coordinate system) from the cache, not from the file."""
    from unittest import mock

    from standortlotse.core.tabular import readers

    client.force_login(world.moderator)
    with mock.patch.object(readers, "open_table", wraps=readers.open_table) as opened:
        client.post(
            reverse("exchange:start"), {"file": upload("lage.csv", _coordinate_list(world))}
        )
        assert opened.call_count == 1
        job = ImportJob.objects.get(filename="lage.csv")
        assert job.crs == "utm33"
        for _view in range(2):
            opened.reset_mock()
            page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
            assert "Erkannt: ETRS89/UTM-Zone 33N" in page and "Tangermünde" in page
            assert opened.call_count == 0
        form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
        live = client.post(reverse("exchange:mapping_checks", args=[job.pk]), form)
        assert live.status_code == 200 and "Tangermünde" in live.content.decode()
        refused = client.post(
            reverse("exchange:mapping", args=[job.pk]), {**form, "col_0": "title"}
        )
        assert refused.status_code == 400
        assert opened.call_count == 0


def test_the_file_is_read_again_when_the_cache_lost_it(client, world):
    from unittest import mock

    from django.core.cache import cache

    from standortlotse.core.tabular import readers

    client.force_login(world.moderator)
    client.post(reverse("exchange:start"), {"file": upload("lage.csv", _coordinate_list(world))})
    job = ImportJob.objects.get(filename="lage.csv")
    cache.clear()
    with mock.patch.object(readers, "open_table", wraps=readers.open_table) as opened:
        for _view in range(2):
            page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
            assert "vom Zentrum von Tangermünde" in page
    assert opened.call_count == 1


def test_the_warnings_follow_each_change_of_a_select(client, world):
    """The page asks htmx to post the form to the checks fragment on every change; the fragment
    holds the warnings for the mapping as sent (nothing is saved)."""
    client.force_login(world.editor_a)
    content = xlsx_bytes([HEADERS, *ROWS], title_rows=TITLE_ROWS)
    client.post(reverse("exchange:start"), {"file": upload("flaechen.xlsx", content)})
    job = ImportJob.objects.get(filename="flaechen.xlsx")
    url = reverse("exchange:mapping_checks", args=[job.pk])
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert f'hx-post="{url}" hx-trigger="change" hx-target="#mapping-checks"' in page
    assert "vendor/htmx/htmx.min.js" in page
    # On first display: the warning for the suggested mapping, and its count by the button.
    assert "Die Spalte „Fläche lt. Kataster (m²)“ sieht nach" in page
    assert '<a href="#mapping-checks">1 Punkt zu prüfen – siehe oben</a>' in page

    def checks(mapping):
        form = {f"col_{i}": mapping.get(h, "") for i, h in enumerate(job.headers)}
        response = client.post(url, form, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return response.content.decode()

    fragment = checks({**HAND_KEPT_MAPPING, "Fläche lt. Kataster (m²)": "area_total_m2"})
    assert "<html" not in fragment
    assert "Die Spalten „Größe (ha)“, „Fläche lt. Kataster (m²)“ sind alle" in fragment
    assert "sieht nach" not in fragment
    assert 'id="mapping-checks-count" class="mapping-checks-count" hx-swap-oob="true"' in fragment
    fragment = checks({**HAND_KEPT_MAPPING, "Fläche lt. Kataster (m²)": "area_available_m2"})
    assert "sind alle dem Feld „verfügbare Fläche" in fragment
    fragment = checks({**HAND_KEPT_MAPPING, "Fläche lt. Kataster (m²)": "description_de"})
    assert "Bitte prüfen Sie" not in fragment and "zu prüfen" not in fragment
    job.refresh_from_db()
    assert job.mapping == HAND_KEPT_MAPPING and job.state == ImportJob.State.MAPPING
    # Another editor's import is not found.
    client.force_login(world.editor_b)
    assert client.post(url, {}).status_code == 404


def test_the_coordinate_system_follows_the_mapping(client, world):
    client.force_login(world.moderator)
    client.post(reverse("exchange:start"), {"file": upload("lage.csv", _coordinate_list(world))})
    job = ImportJob.objects.get(filename="lage.csv")
    url = reverse("exchange:mapping_checks", args=[job.pk])
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    assert form["col_3"] == "lon" and form["col_4"] == "lat"

    # The select is in the page: only the status line is replaced (the select keeps its focus).
    fragment = client.post(url, {**form, "crs-crs": "utm33"}).content.decode()
    assert '<p id="crs-detected" hx-swap-oob="innerHTML"><strong>Erkannt: ETRS89/UTM-Zone 33N' in (
        fragment
    )
    assert "vom Zentrum von Tangermünde" in fragment and 'id="crs-slot"' not in fragment
    # Chosen by hand: said so, with what the values point to.
    fragment = client.post(url, {**form, "crs-crs": "utm32"}).content.decode()
    assert "Gewählt: ETRS89/UTM-Zone 32N" in fragment
    assert "Die Werte sprechen eher für ETRS89/UTM-Zone 33N" in fragment
    # The coordinate columns set to “do not import”: the section goes.
    unmapped = {**form, "col_3": "", "col_4": ""}
    fragment = client.post(url, {**unmapped, "crs-crs": "utm33"}).content.decode()
    assert '<div id="crs-slot" hx-swap-oob="true"></div>' in fragment
    # … and comes back, with its select, when they are assigned again.
    fragment = client.post(url, form).content.decode()
    assert re.search(
        r'<div id="crs-slot" hx-swap-oob="true">\s*<section class="crs-choice"', fragment
    )
    assert 'name="crs-crs"' in fragment and "Erkannt: ETRS89/UTM-Zone 33N" in fragment
    # In English: the system, the distance in English number form, the coordinate fields by
    # what the file calls them too.
    from django.utils import translation

    with translation.override("en"):
        page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Detected: ETRS89/UTM zone 33N" in page
    assert "lies 0.9 km from the centre of Tangermünde" in page
    assert '<option value="lon" selected>longitude or easting (x)</option>' in page
    # Without JavaScript the refused submit shows the same for the mapping as sent.
    page = client.post(
        reverse("exchange:mapping", args=[job.pk]), {**form, "col_0": "title", "crs-crs": "utm32"}
    ).content.decode()
    assert "Gewählt: ETRS89/UTM-Zone 32N" in page
    assert "Das Feld „Titel“ ist auch der Spalte „Bezeichnung“ zugeordnet" in page  # at „Nr“


@pytest.mark.parametrize(
    ("language", "note", "other"),
    [
        ("en", "Unknown municipality “Atlantis”", "Unbekannte Gemeinde"),
        ("de", "Unbekannte Gemeinde „Atlantis“", "Unknown municipality"),
    ],
)
def test_the_preview_speaks_the_language_the_import_was_started_in(
    client, world, language, note, other
):
    """The row notes are stored as text: in the uploader's language, whichever language the
    later steps (here the mapping, always in German) are taken in."""
    from django.utils import translation

    client.force_login(world.editor_a)
    rows = [["Bezeichnung", "Gemeinde", "Fläche (ha)"], ["Irgendwo", "Atlantis", "1,5"]]
    with translation.override(language):
        start_url = reverse("exchange:start")
    assert start_url.startswith("/en/") == (language == "en")
    client.post(start_url, {"file": upload("sprache.csv", csv_bytes(rows))})
    job = ImportJob.objects.get(filename="sprache.csv")
    assert job.language == language
    translation.activate("de")
    response = _post_mapping(client, job, job.mapping)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and job.counts["error"] == 1
    messages = " ".join(text for _column, text in job.rows.get().messages)
    assert note in messages and other not in messages
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert note in page.replace("&quot;", '"')


def test_discarding_a_job_forgets_the_head_of_its_file(client, world):
    from django.core.cache import cache

    from standortlotse.exchange import services

    client.force_login(world.moderator)
    client.post(reverse("exchange:start"), {"file": upload("lage.csv", _coordinate_list(world))})
    job = ImportJob.objects.get(filename="lage.csv")
    assert cache.get(services._samples_key(job)) is not None
    assert client.post(reverse("exchange:discard", args=[job.pk])).status_code == 302
    assert cache.get(services._samples_key(job)) is None


def test_reloading_the_address_of_a_refused_step_leads_back_to_the_job(client, world):
    """A refused submit answers at …/zuordnung/; reloading or opening that address in a new tab
    shows the job again instead of a blank 405 page."""
    client.force_login(world.moderator)
    client.post(reverse("exchange:start"), {"file": upload("lage.csv", _coordinate_list(world))})
    job = ImportJob.objects.get(filename="lage.csv")
    for name in ("exchange:mapping", "exchange:confirm", "exchange:discard"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("exchange:job", args=[job.pk])
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING  # a GET changes nothing
    client.force_login(world.editor_b)
    assert client.get(reverse("exchange:mapping", args=[job.pk])).status_code == 404


def _messages_at(page: str) -> dict[str, list[str]]:
    """Header → the messages shown beside its select; "summary" → the summary's entries."""
    shown = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        label = re.search(r'<label for="id_col_\d+">(.*?)</label>', row)
        if label:
            shown[label.group(1)] = re.findall(
                r'<p class="error" id="id_col_\d+_error">(.*?)</p>', row
            )
    summary = re.search(r'<div class="error-summary".*?</ul>', page, re.S)
    shown["summary"] = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S) if summary else []
    return shown


def test_a_refused_mapping_shows_each_message_once_beside_its_select(client, world):
    client.force_login(world.editor_a)
    content = xlsx_bytes([HEADERS, *ROWS], title_rows=TITLE_ROWS)
    client.post(reverse("exchange:start"), {"file": upload("flaechen.xlsx", content)})
    job = ImportJob.objects.get(filename="flaechen.xlsx")

    # Two columns on one field.
    twice = {**HAND_KEPT_MAPPING, "Fläche lt. Kataster (m²)": "area_total_m2"}
    page = _post_mapping(client, job, twice).content.decode()
    shown = _messages_at(page)
    at_size = (
        "Das Feld „Gesamtfläche“ ist auch der Spalte „Fläche lt. Kataster (m²)“ zugeordnet; "
        "ein Feld nimmt eine Spalte auf. Wählen Sie hier ein anderes Feld oder „– nicht "
        "importieren –“."
    )
    assert shown["Größe (ha)"] == [at_size]
    assert len(shown["Fläche lt. Kataster (m²)"]) == 1
    assert [h for h, m in shown.items() if m and h != "summary"] == [
        "Größe (ha)",
        "Fläche lt. Kataster (m²)",
    ]
    assert len(shown["summary"]) == 2  # one entry per select, linked to it
    for message in shown["Größe (ha)"] + shown["Fläche lt. Kataster (m²)"]:
        assert page.count(message) == 2  # beside the select and in the summary
    assert 'aria-describedby="id_col_3_error id_col_3_samples"' in page

    # A required field left unassigned: at the column that looks like it (the title).
    without_title = {**HAND_KEPT_MAPPING, "Bezeichnung": ""}
    page = _post_mapping(client, job, without_title).content.decode()
    shown = _messages_at(page)
    message = (
        "Das Feld „Titel“ ist ein Pflichtfeld, und ihm ist keine Spalte zugeordnet; diese "
        "Spalte sieht danach aus: Wählen Sie hier „Titel“ oder ordnen Sie es einer "
        "anderen Spalte zu."
    )
    assert shown["Bezeichnung"] == [message]
    assert page.count(message) == 2 and len(shown["summary"]) == 1
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING


def test_a_required_field_no_column_looks_like_is_named_once_for_the_form():
    from standortlotse.exchange.forms import MappingForm

    form = MappingForm(
        {"col_0": "title", "col_1": ""},
        headers=["Name", "Bemerkung"],
        columns=[("title", "Titel"), ("municipality_ags", "Gemeinde")],
        initial_mapping={},
        required=("title", "municipality_ags"),
        looks_like=lambda header, samples: "",
    )
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Das Feld „Gemeinde“ ist ein Pflichtfeld: Ordnen Sie es einer der Spalten zu."
    ]
    assert not form["col_0"].errors and not form["col_1"].errors
