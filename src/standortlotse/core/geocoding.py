"""Placing an address on the map with a Nominatim-compatible geocoder (optional, off by default).

``geocode(street, postcode, locality)`` asks the search endpoint at
``settings.GEOCODER_URL`` (``STANDORTLOTSE_GEOCODER_URL``; empty: off, no request at all) for
one result and returns ``(lat, lon)`` or None. The rules of Nominatim's usage policy hold for
every provider:

* a User-Agent that names the site and a contact (``settings.GEOCODER_USER_AGENT``);
* at most one request per second across all processes: the slot is a key in Django's cache
  (shared by the web server and the background worker, as for ``core.ratelimit``);
* every answer is cached, keyed by a hash of the normalised address: a hit for 30 days, a miss
  for a day, a failure (timeout, HTTP error, unreadable answer) for an hour, so that the apply
  step of an import reads what its preview read and a broken geocoder is not asked again for
  every row.

The request goes through ``core.fetch`` (public addresses only, size and time limits). Nothing
here breaks a caller: every failure is None and a logged warning that names the failure, never
the address (an address can be personal data).
"""

import hashlib
import json
import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

from standortlotse.core import fetch
from standortlotse.core.textsearch import fold

logger = logging.getLogger(__name__)

HIT_SECONDS = 30 * 24 * 3600
MISS_SECONDS = 24 * 3600
FAILURE_SECONDS = 3600
TIMEOUT_SECONDS = 10
MAX_BYTES = 256 * 1024
SLOT_KEY = "geocoder:slot"
PAUSE_KEY = "geocoder:pause"
PAUSE_SECONDS = 60
SPACING_SECONDS = 1
MAX_WAIT_SECONDS = 30  # waiting longer for a slot: the geocoder is busy elsewhere, give up
MISS = "miss"

_sleep = time.sleep  # tests replace it


def enabled() -> bool:
    return bool(getattr(settings, "GEOCODER_URL", ""))


def _normalised(*parts: str) -> str:
    return "|".join(" ".join(fold(part or "").split()) for part in parts)


def cache_key(street: str, postcode: str, locality: str, country: str = "de") -> str:
    address = _normalised(street, postcode, locality, country)
    return "geocoder:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def geocode(street: str, postcode: str, locality: str, country: str = "de"):
    """(lat, lon) of the address, or None (off, not found, or the geocoder failed)."""
    if not enabled() or not (street or "").strip():
        return None
    key = cache_key(street, postcode, locality, country)
    cached = cache.get(key)
    if cached is not None:
        return None if cached == MISS else tuple(cached)
    if cache.get(PAUSE_KEY) is not None:
        return None  # failed a moment ago: not asked, nothing cached for this address
    point, seconds = _ask(street, postcode, locality, country)
    cache.set(key, list(point) if point else MISS, seconds)
    if seconds == FAILURE_SECONDS:
        cache.set(PAUSE_KEY, 1, PAUSE_SECONDS)
    return point


def _ask(street, postcode, locality, country):
    query = {"format": "jsonv2", "street": street.strip(), "limit": 1, "countrycodes": country}
    if (postcode or "").strip():
        query["postalcode"] = postcode.strip()
    if (locality or "").strip():
        query["city"] = locality.strip()
    url = settings.GEOCODER_URL.rstrip("/")
    if not url.endswith("/search"):
        url += "/search"
    if not _wait_for_slot():
        logger.warning("geocoder: no request slot within %d seconds", MAX_WAIT_SECONDS)
        return None, FAILURE_SECONDS
    try:
        answer = fetch.fetch(
            f"{url}?{urlencode(query)}",
            max_bytes=MAX_BYTES,
            timeout=TIMEOUT_SECONDS,
            user_agent=settings.GEOCODER_USER_AGENT,
        )
        results = json.loads(answer.body)
        if not results:
            return None, MISS_SECONDS
        first = results[0]
        point = (round(float(first["lat"]), 6), round(float(first["lon"]), 6))
    except fetch.FetchRefused as error:
        # The message names the URL with the query (the address): logged without the query.
        logger.warning("geocoder request failed: %s", re.sub(r"\?[^\s)]*", "?…", str(error)))
        return None, FAILURE_SECONDS
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        logger.warning("geocoder answer not readable")
        return None, FAILURE_SECONDS
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        logger.warning("geocoder answer out of range")
        return None, FAILURE_SECONDS
    return point, HIT_SECONDS


def _wait_for_slot() -> bool:
    """Take the one request slot of the next second (across processes); False after a long wait."""
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while not cache.add(SLOT_KEY, 1, SPACING_SECONDS):
        if time.monotonic() > deadline:
            return False
        _sleep(0.1)
    return True
