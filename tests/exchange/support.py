"""Helpers for import tests: files as municipalities write them, and one import run start to end."""

import csv
import io
import json

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
    "Gebietsart": "zonings",
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


class FakeNominatim:
    """A Nominatim-compatible search endpoint on 127.0.0.1 in a thread: ``places`` maps a street
    to its point, the streets "Langsam 1" (answers after 3 s) and "Kaputt 1" (HTTP 500) fail;
    every other street is not found. ``requests`` lists the query of every request."""

    def __init__(self, places):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        fake = self
        self.places = dict(places)
        self.requests: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                query["path"] = parts.path
                query["user_agent"] = self.headers.get("User-Agent", "")
                fake.requests.append(query)
                street = query.get("street", "")
                if street == "Kaputt 1":
                    self.send_response(500)
                    self.end_headers()
                    return
                if street == "Langsam 1":
                    import time

                    time.sleep(3)
                point = fake.places.get(street)
                found = (
                    [{"lat": str(point[0]), "lon": str(point[1]), "place_id": 1}] if point else []
                )
                body = json.dumps(found).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def geocoder(settings, monkeypatch):
    """The geocoder switched on against a ``FakeNominatim`` (its ``places`` start empty); the
    one-request-per-second wait is skipped (the slot is freed instead of sleeping)."""
    from django.core.cache import cache

    from standortlotse.core import geocoding

    settings.FETCH_ALLOW_LOOPBACK = True
    fake = FakeNominatim({})
    settings.GEOCODER_URL = fake.url
    settings.GEOCODER_USER_AGENT = "Standortlotse tests (test@example.org)"
    fake.waits = []

    def sleep(seconds):
        fake.waits.append(seconds)
        cache.delete(geocoding.SLOT_KEY)

    monkeypatch.setattr(geocoding, "_sleep", sleep)
    yield fake
    fake.close()
