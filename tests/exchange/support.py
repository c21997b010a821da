"""Helpers for import tests: files as municipalities write them, and one import run start to end."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from standortlotse.exchange import services
from standortlotse.exchange.models import ImportJob

# A district office's list: a merged title row, units in the headers, German number forms.
# Header → the field the import suggests for it ("" = none: a running number is no ID, and the
# cadastral area is a second area the editor must decide on).
HAND_KEPT_MAPPING = {
    "Lfd. Nr.": "",
    "Bezeichnung": "title",
    "Gemeinde": "municipality_ags",
    "Größe (ha)": "area_total_m2",
    "davon frei (m²)": "area_available_m2",
    "Gebietsart": "zoning",
    "Entfernung BAB (km)": "motorway_km",
    "Preis €/m²": "price_per_m2",
    "Ansprechpartner": "contact_name",
    "Fläche lt. Kataster (m²)": "",
}
HAND_KEPT_ROWS = [
    [
        1,
        "Gewerbegebiet Stendal Nord",
        "Stendal",
        12.5,
        "40.000",
        "GE",
        "4,5",
        "18,50",
        "Frau Lehmann",
        125_312,
    ],
    [2, "Industriepark Stendal Süd", "Stendal", "3,2", 12_000, "GI", 12, 14, "Frau Lehmann", None],
    [3, "Am Hafen", "Stendal", 8, "5.000", "GE/GI", "ca. 3", "9,00 €", "Herr Schulz", ""],
    [4, "Gewerbefläche Bahnhof", "Stendal", 2, "", "GE", "4,5", "", "Herr Schulz", 20_000],
]

HAND_KEPT_TITLE = [["Gewerbeflächen der Hansestadt Stendal – Stand 03/2025"], []]


def upload(name, content):
    return SimpleUploadedFile(name, content)


def xlsx_bytes(rows, title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    if title_rows:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def run(user, name, content, mapping=None, publish=False, skip_errors=False, confirm=True):
    job = services.start(user, upload(name, content))
    services.set_mapping(job, mapping or job.mapping)
    job.refresh_from_db()
    if confirm and job.state == ImportJob.State.PREVIEW:
        try:
            services.confirm(job, skip_errors=skip_errors, publish=publish)
        except services.ImportStepRefused:
            return job
        job.refresh_from_db()
    return job


@pytest.fixture
def tasks_at_once(monkeypatch):
    """Run on_commit callbacks (the task enqueueing) at once: the test transaction never commits."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


# A town's list as it keeps it (Windows-1252, semicolons): row 3 repeats row 2, row 4 is the record
# of ``known_record`` under a slightly different title, row 5 is new.
DUPLICATE_LIST = [
    ["Objekt-Nr.", "Bezeichnung", "Gemeinde", "Fläche (ha)", "Breite", "Länge", "Bemerkung"],
    ["", "Gewerbefläche Am Bahnhof", "Stendal", "1,2", "52,6051", "11,8702", "erschlossen"],
    ["", "Gewerbefläche Am Bahnhof", "Stendal", "1,2", "52,6051", "11,8702", "erschlossen"],
    ["ST-17", "Gewerbegebiet Stendal Nord Parzelle 4", "Stendal", "1,25", "52,6183", "11,8494", ""],
    ["ST-18", "Halle am Hafen", "15090535", "0,48", "52,5702", "11,9012", "Kran vorhanden"],
]


def duplicate_list_bytes():
    return csv_bytes(DUPLICATE_LIST, encoding="cp1252")


def known_record(municipality):
    """The published record that row 4 of ``DUPLICATE_LIST`` repeats (~40 m away, same area)."""
    from tests.factories import PropertyFactory

    return PropertyFactory(
        title="Gewerbegebiet Stendal-Nord, Parzelle 4",
        municipality=municipality,
        lat=52.6180,
        lon=11.8490,
        area_available_m2=12_500,
        area_total_m2=None,
    )
