"""Background map tiles through our own origin: the visitor's browser asks this site for
/karte/kacheln/<z>/<x>/<y>.png, never a tile server (no third-party request, no consent step).

In production nginx answers the path from its proxy_cache (docs/deployment.md, section 5, read
by deploy/nginx.py); this view does the same where no nginx stands in front (`make run`, a single
server): it checks the tile address, serves a tile from the disk cache (MAP_TILE_CACHE_DIR) while
it is younger than MAP_TILE_CACHE_DAYS, else asks MAP_TILE_UPSTREAM (MAP_TILE_TIMEOUT seconds)
and stores the answer. When the upstream fails (offline, down, an error page) the visitor gets
the stale copy if there is one, else a transparent tile that is not cached: the map still shows
outlines and markers. After a failure the upstream is left alone for UPSTREAM_PAUSE seconds, so
an unreachable server costs one time-out, not one per tile.

Nothing of the visitor goes upstream: no cookie, no address, no referrer, no browser name; the
request carries only our own User-Agent. The response sets no cookie.
"""

import logging
import math
import os
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A 1×1 transparent PNG, stretched by Leaflet to the tile's size.
EMPTY_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63606060600000000500017aa857500000000049454e44ae426082"
)
MAX_TILE_BYTES = 1024 * 1024
UPSTREAM_PAUSE = 30  # seconds without asking the upstream after it failed
BROWSER_MAX_AGE = 7 * 24 * 3600
PAUSE_KEY = "map-tiles:upstream-paused"
IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "image/webp"),
)


class UpstreamError(Exception):
    pass


def image_type(data: bytes) -> str | None:
    """The image type of a tile by its first bytes (never by what the upstream declares)."""
    for magic, content_type in IMAGE_TYPES:
        if data.startswith(magic) and (content_type != "image/webp" or data[8:12] == b"WEBP"):
            return content_type
    return None


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """west, south, east, north of a web-mercator tile in degrees."""
    n = 2**z

    def lat(row):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def exists(z: int, x: int, y: int) -> bool:
    """A tile address of the web map at zoom 0..MAP_TILE_MAX_ZOOM."""
    return 0 <= z <= settings.MAP_TILE_MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def in_area(z: int, x: int, y: int) -> bool:
    """The tile overlaps MAP_TILE_BOUNDS (the maps ask for no other; see map.js)."""
    west, south, east, north = tile_bounds(z, x, y)
    b_west, b_south, b_east, b_north = settings.MAP_TILE_BOUNDS
    return west <= b_east and east >= b_west and south <= b_north and north >= b_south


def upstream_url(z: int, x: int, y: int) -> str:
    return (
        settings.MAP_TILE_UPSTREAM.replace("{zz}", f"{z:02d}")
        .replace("{z}", str(z))
        .replace("{x}", str(x))
        .replace("{y}", str(y))
    )


def user_agent() -> str:
    return f"Standortlotse tile cache ({settings.SITE_URL})"


def fetch(z: int, x: int, y: int) -> bytes | None:
    """The tile from the upstream; None if the upstream has no such tile (404). Raises
    UpstreamError on anything else that is not an image."""
    request = urllib.request.Request(upstream_url(z, x, y), headers={"User-Agent": user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=settings.MAP_TILE_TIMEOUT) as response:
            data = response.read(MAX_TILE_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code in (204, 404):
            return None
        raise UpstreamError(f"HTTP {error.code}") from error
    except (OSError, ValueError) as error:  # URLError, time-out, refused, bad URL
        raise UpstreamError(type(error).__name__) from error
    if len(data) > MAX_TILE_BYTES or image_type(data) is None:
        raise UpstreamError("not an image tile")
    return data


def cache_path(z: int, x: int, y: int) -> Path:
    return Path(settings.MAP_TILE_CACHE_DIR) / str(z) / str(x) / f"{y}.tile"


def store(path: Path, data: bytes) -> None:
    """Write atomically: a parallel request reads the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def tile_response(data: bytes, *, max_age: int | None) -> HttpResponse:
    response = HttpResponse(data, content_type=image_type(data) or "image/png")
    if max_age is None:
        response["Cache-Control"] = "no-store"
    else:
        response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def cached_tile(z: int, x: int, y: int) -> tuple[bytes | None, bool]:
    """(the stored tile or None, whether it is still fresh)."""
    path = cache_path(z, x, y)
    try:
        data = path.read_bytes()
        age = time.time() - path.stat().st_mtime
    except OSError:
        return None, False
    return data, age < settings.MAP_TILE_CACHE_DAYS * 86400


@require_safe
def tile(request, z: int, x: int, y: int):
    if not settings.MAP_TILE_UPSTREAM or not exists(z, x, y):
        raise Http404("no such tile")
    if not in_area(z, x, y):  # no open proxy for the world: empty, without asking upstream
        return tile_response(EMPTY_TILE, max_age=BROWSER_MAX_AGE)
    stored, fresh = cached_tile(z, x, y)
    if stored is not None and fresh:
        return tile_response(stored, max_age=BROWSER_MAX_AGE)
    data = None
    if not cache.get(PAUSE_KEY):
        try:
            data = fetch(z, x, y)
        except UpstreamError as error:
            cache.set(PAUSE_KEY, True, UPSTREAM_PAUSE)
            logger.warning("map tile upstream failed (%s); paused for %d s", error, UPSTREAM_PAUSE)
        else:
            if data is None:  # the upstream has no tile here: empty, cached like a tile
                data = EMPTY_TILE
            try:
                store(cache_path(z, x, y), data)
            except OSError:
                logger.warning("map tile not stored in %s", settings.MAP_TILE_CACHE_DIR)
            return tile_response(data, max_age=BROWSER_MAX_AGE)
    if stored is not None:  # stale, but better than nothing while the upstream is away
        return tile_response(stored, max_age=3600)
    response = tile_response(EMPTY_TILE, max_age=None)
    response["X-Tile-Fallback"] = "upstream unavailable"
    return response
