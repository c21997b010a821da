"""Rows with an address but no coordinates, placed by the optional geocoder (core/geocoding.py)
in the background analyse step: a town's Windows-1252 semicolon list with street, PLZ and Ort
goes through upload → mapping → preview → confirm against a local fake Nominatim. The
geocoder module alone is tested in tests/core/test_geocoding.py."""

import pytest

from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.exchange.models import ImportJob
from standortlotse.properties.models import Property
from tests.exchange.support import (
    csv_bytes,
    geocoder,  # noqa: F401 - a fixture
    run,
    tasks_at_once,  # noqa: F401 - a fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_at_once")]

HEADER = ["Objekt-Nr.", "Bezeichnung", "Gemeinde", "Straße", "PLZ", "Ort", "Fläche (m²)"]
MAPPING = {
    "Objekt-Nr.": "external_id",
    "Bezeichnung": "title",
    "Gemeinde": "municipality_ags",
    "Straße": "street",
    "PLZ": "postcode",
    "Ort": "locality",
    "Fläche (m²)": "area_available_m2",
}
HAFEN = (52.6051, 11.8702)
GEWERBEHOF = (52.5843, 11.8732)
MUENCHEN = (48.1371, 11.5754)  # a Hauptstraße 1 in another town: 500 km off

PLACED = "Lage aus der Adresse ermittelt (Geocoder)."


def _messages(job, number):
    return " ".join(m for _c, m in job.rows.get(number=number).messages)


def test_rows_with_an_address_are_placed_by_the_geocoder(world, geocoder):  # noqa: F811
    geocoder.places.update(
        {"Am Hafen 3": HAFEN, "Industriestraße 12": GEWERBEHOF, "Hauptstraße 1": MUENCHEN}
    )
    rows = [
        HEADER,
        ["A-1", "Halle am Hafen", "Stendal", "Am Hafen 3", "39576", "Stendal", "4.800"],
        ["A-2", "Gewerbehof", "Stendal", "Industriestraße 12", "39576", "", "2.000"],
        ["A-3", "Fernes Grundstück", "Stendal", "Hauptstraße 1", "39576", "Stendal", "900"],
        ["A-4", "Unbekannte Straße", "Stendal", "Nirgendweg 9", "39576", "Stendal", "700"],
        ["A-5", "Ohne Adresse", "Stendal", "", "", "", "500"],
    ]
    job = run(world.moderator, "adressen.csv", csv_bytes(rows, encoding="cp1252"), MAPPING)
    assert job.state == ImportJob.State.DONE, job.message

    assert PLACED in _messages(job, 2) and PLACED in _messages(job, 3)
    hafen = Property.objects.get(external_id="A-1")
    assert (hafen.lat, hafen.lon) == HAFEN and not hafen.location_approximate
    hof = Property.objects.get(external_id="A-2")
    assert (hof.lat, hof.lon) == GEWERBEHOF and not hof.location_approximate

    far = _messages(job, 4)
    assert "Der Geocoder hat die Adresse" in far and "vom Zentrum von Stendal" in far
    assert "25 km" in far and PLACED not in far
    for number, external_id in ((4, "A-3"), (5, "A-4"), (6, "A-5")):
        prop = Property.objects.get(external_id=external_id)
        assert (prop.lat, prop.lon) == (world.mun_a.lat, world.mun_a.lon)
        assert prop.location_approximate
        assert "Mittelpunkt von Stendal" in _messages(job, number)

    # The empty Ort is asked as the row's municipality; the row without a street is not asked;
    # the apply step read the preview's answers from the cache.
    streets = [r["street"] for r in geocoder.requests]
    assert streets == ["Am Hafen 3", "Industriestraße 12", "Hauptstraße 1", "Nirgendweg 9"]
    assert geocoder.requests[1]["city"] == "Stendal"
    assert distance_km(*HAFEN, world.mun_a.lat, world.mun_a.lon) < 25


def test_at_most_the_budget_of_addresses_per_import(world, geocoder, settings):  # noqa: F811
    settings.GEOCODER_REQUESTS_PER_IMPORT = 2
    geocoder.places.update({f"Weg {n}": (52.60 + n / 1000, 11.86) for n in range(1, 5)})
    rows = [HEADER] + [
        [f"B-{n}", f"Fläche {n}", "Stendal", f"Weg {n}", "39576", "Stendal", "1.000"]
        for n in range(1, 5)
    ]
    job = run(world.moderator, "viele.csv", csv_bytes(rows), MAPPING)
    assert job.state == ImportJob.State.DONE, job.message
    assert len(geocoder.requests) == 2
    for n in (1, 2):
        assert not Property.objects.get(external_id=f"B-{n}").location_approximate
    for n in (3, 4):
        prop = Property.objects.get(external_id=f"B-{n}")
        assert prop.location_approximate
        assert "höchstens 2 Adressen je Import" in _messages(job, n + 1)


def test_an_address_point_does_not_replace_a_records_own_point(world, geocoder):  # noqa: F811
    geocoder.places["Am Hafen 3"] = HAFEN
    prop = world.prop_a
    prop.external_id, prop.lat, prop.lon, prop.location_approximate = "K-1", 52.619, 11.8452, False
    prop.save()
    rows = [HEADER, ["K-1", "Neuer Titel", "Stendal", "Am Hafen 3", "39576", "Stendal", ""]]
    job = run(world.moderator, "k.csv", csv_bytes(rows), MAPPING)
    assert job.state == ImportJob.State.DONE, job.message
    prop.refresh_from_db()
    assert (prop.title, prop.lat, prop.lon) == ("Neuer Titel", 52.619, 11.8452)
    assert PLACED not in _messages(job, 2)


def test_an_address_point_replaces_a_municipality_centre(world, geocoder):  # noqa: F811
    geocoder.places["Am Hafen 3"] = HAFEN
    prop = world.prop_a
    prop.external_id, prop.location_approximate = "K-2", True
    prop.lat, prop.lon = world.mun_a.lat, world.mun_a.lon
    prop.save()
    rows = [HEADER, ["K-2", prop.title, "Stendal", "Am Hafen 3", "39576", "Stendal", ""]]
    job = run(world.moderator, "k.csv", csv_bytes(rows), MAPPING)
    assert job.state == ImportJob.State.DONE, job.message
    prop.refresh_from_db()
    assert (prop.lat, prop.lon) == HAFEN and not prop.location_approximate


def test_off_by_default_the_centre_as_before_without_a_request(world, settings):
    from tests.exchange.support import FakeNominatim

    settings.FETCH_ALLOW_LOOPBACK = True
    fake = FakeNominatim({"Am Hafen 3": HAFEN})
    try:
        rows = [HEADER, ["C-1", "Halle", "Stendal", "Am Hafen 3", "39576", "Stendal", ""]]
        job = run(world.moderator, "c.csv", csv_bytes(rows), MAPPING)
        assert job.state == ImportJob.State.DONE, job.message
        assert Property.objects.get(external_id="C-1").location_approximate
        assert fake.requests == []
    finally:
        fake.close()
