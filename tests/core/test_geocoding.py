"""The optional geocoder (core/geocoding.py) against a local fake Nominatim: hit, miss, failures
that never raise and never log the address, the cache, the one-request-per-second slot, and no
request at all while it is off."""

import logging

import pytest
from django.core.cache import cache

from standortlotse.core import geocoding
from tests.exchange.support import FakeNominatim, geocoder  # noqa: F401 (fixture)

HAFEN = (52.5489, 11.9746)


def test_hit_asks_the_search_endpoint_as_nominatim_wants(geocoder):  # noqa: F811
    geocoder.places["Am Hafen 3"] = HAFEN
    assert geocoding.geocode("Am Hafen 3", "39590", "Tangermünde") == HAFEN
    (request,) = geocoder.requests
    assert request == {
        "path": "/search",
        "format": "jsonv2",
        "street": "Am Hafen 3",
        "postalcode": "39590",
        "city": "Tangermünde",
        "countrycodes": "de",
        "limit": "1",
        "user_agent": "Standortlotse tests (test@example.org)",
    }


def test_miss_is_none_and_cached_for_a_day(geocoder, monkeypatch):  # noqa: F811
    seconds = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, timeout: seconds.append(timeout) or real_set(key, value)
    )
    assert geocoding.geocode("Nirgendwo 1", "39576", "Stendal") is None
    assert geocoding.geocode("nirgendwo  1", "39576", "STENDAL") is None  # the same address
    assert len(geocoder.requests) == 1
    assert seconds == [geocoding.MISS_SECONDS]


def test_hit_is_cached_for_thirty_days_second_call_makes_no_request(geocoder, monkeypatch):  # noqa: F811
    geocoder.places["Am Hafen 3"] = HAFEN
    seconds = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, timeout: seconds.append(timeout) or real_set(key, value)
    )
    assert geocoding.geocode("Am Hafen 3", "39590", "Tangermünde") == HAFEN
    geocoder.places.clear()
    assert geocoding.geocode("Am  Hafen 3", "39590", "tangermünde") == HAFEN
    assert len(geocoder.requests) == 1
    assert seconds == [30 * 24 * 3600]


def test_timeout_is_none_with_a_warning_without_the_address(geocoder, monkeypatch, caplog):  # noqa: F811
    monkeypatch.setattr(geocoding, "TIMEOUT_SECONDS", 1)
    with caplog.at_level(logging.WARNING, logger="standortlotse.core.geocoding"):
        assert geocoding.geocode("Langsam 1", "39576", "Stendal-Geheim") is None
    assert caplog.records, "a warning is logged"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "Langsam" not in logged and "Geheim" not in logged and "39576" not in logged


def test_http_500_is_none_with_a_warning_and_not_asked_again_at_once(geocoder, caplog):  # noqa: F811
    with caplog.at_level(logging.WARNING, logger="standortlotse.core.geocoding"):
        assert geocoding.geocode("Kaputt 1", "39576", "Stendal") is None
        assert geocoding.geocode("Kaputt 1", "39576", "Stendal") is None
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "500" in logged and "Kaputt" not in logged
    assert len(geocoder.requests) == 1  # the failure is cached (an hour)


def test_after_a_failure_the_geocoder_pauses_for_every_address(geocoder, monkeypatch):  # noqa: F811
    geocoder.places["Am Hafen 3"] = HAFEN
    assert geocoding.geocode("Kaputt 1", "39576", "Stendal") is None
    assert geocoding.geocode("Am Hafen 3", "39590", "Tangermünde") is None
    assert len(geocoder.requests) == 1  # paused: the second address was not asked
    cache.delete(geocoding.PAUSE_KEY)  # a minute later
    assert geocoding.geocode("Am Hafen 3", "39590", "Tangermünde") == HAFEN  # nothing was cached


def test_one_request_per_second_across_processes(geocoder):  # noqa: F811
    geocoder.places.update({"A-Straße 1": HAFEN, "B-Straße 2": HAFEN})
    geocoding.geocode("A-Straße 1", "", "Stendal")
    assert geocoder.waits == []  # the first request takes the free slot
    assert cache.get(geocoding.SLOT_KEY) is not None  # held for a second, in the shared cache
    geocoding.geocode("B-Straße 2", "", "Stendal")
    assert geocoder.waits == [0.1]  # the second waited until the slot was free again
    assert len(geocoder.requests) == 2


def test_slot_never_free_gives_up_without_a_request(geocoder, monkeypatch):  # noqa: F811
    monkeypatch.setattr(geocoding, "MAX_WAIT_SECONDS", 0)
    monkeypatch.setattr(geocoding, "_sleep", lambda seconds: None)
    cache.set(geocoding.SLOT_KEY, 1, 60)  # another process holds it
    assert geocoding.geocode("A-Straße 1", "", "Stendal") is None
    assert geocoder.requests == []


@pytest.mark.parametrize("url", ["", None])
def test_off_by_default_no_request_at_all(settings, url):
    settings.FETCH_ALLOW_LOOPBACK = True
    fake = FakeNominatim({"Am Hafen 3": HAFEN})
    try:
        if url is None:  # the production default
            from standortlotse import settings as production

            assert production.GEOCODER_URL == ""
            settings.GEOCODER_URL = production.GEOCODER_URL
        else:
            settings.GEOCODER_URL = url
        assert not geocoding.enabled()
        assert geocoding.geocode("Am Hafen 3", "39590", "Tangermünde") is None
        assert fake.requests == []
    finally:
        fake.close()


def test_private_geocoder_address_is_refused_by_the_safe_fetch(settings, caplog):
    settings.FETCH_ALLOW_LOOPBACK = False
    fake = FakeNominatim({"Am Hafen 3": HAFEN})
    settings.GEOCODER_URL = fake.url
    try:
        with caplog.at_level(logging.WARNING, logger="standortlotse.core.geocoding"):
            assert geocoding.geocode("Am Hafen 3", "39590", "Tangermünde") is None
        assert fake.requests == []
        assert "Hafen" not in " ".join(r.getMessage() for r in caplog.records)
    finally:
        fake.close()
