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
    both = re.findall(r"Die Spalten „Größe \(ha\)“, „Fläche lt. Kataster \(m²\)“ sind alle", page)
    assert len(both) >= 3  # at each of the two selects and in the warnings
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
