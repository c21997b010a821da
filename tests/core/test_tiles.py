"""The tile path on our own origin (core/tiles.py) in front of a fake upstream on 127.0.0.1: the
tests never touch the network."""

import http.server
import io
import threading
import time
from contextlib import contextmanager

import pytest
from PIL import Image

from standortlotse.core import tiles

# Stendal at zoom 10: tile 545/335 (inside the default bounds, Germany).
Z, X, Y = 10, 545, 335


def png(colour=(200, 30, 30, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (256, 256), colour).save(out, "PNG")
    return out.getvalue()


class FakeUpstream:
    """A tile server on a free loopback port that counts its requests and can be told to fail."""

    def __init__(self):
        self.requests = []
        self.mode = "ok"  # ok, 404, 500, html, slow
        self.body = png()
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                upstream.requests.append((self.path, dict(self.headers)))
                if upstream.mode == "slow":
                    time.sleep(1.5)
                if upstream.mode in ("404", "500"):
                    self.send_response(int(upstream.mode))
                    self.end_headers()
                    return
                body = b"<html>maintenance</html>" if upstream.mode == "html" else upstream.body
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Set-Cookie", "tracker=1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def template(self):
        return f"http://127.0.0.1:{self.port}/tiles/{{zz}}/{{y}}/{{x}}.png"


@contextmanager
def running_upstream():
    upstream = FakeUpstream()
    upstream.thread.start()
    try:
        yield upstream
    finally:
        upstream.server.shutdown()
        upstream.server.server_close()


@pytest.fixture
def upstream(settings, tmp_path):
    with running_upstream() as fake:
        settings.MAP_TILE_UPSTREAM = fake.template
        settings.MAP_TILE_CACHE_DIR = str(tmp_path / "tiles")
        settings.MAP_TILE_TIMEOUT = 0.5
        yield fake


def url(z=Z, x=X, y=Y, prefix=""):
    return f"{prefix}/karte/kacheln/{z}/{x}/{y}.png"


def test_first_request_asks_the_upstream_then_the_cache_answers(client, upstream, db):
    first = client.get(url())
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    assert first.content == upstream.body
    # {zz}: two-digit zoom, {y} before {x}, as the template says.
    assert [path for path, _ in upstream.requests] == [f"/tiles/10/{Y}/{X}.png"]
    second = client.get(url())
    assert second.status_code == 200 and second.content == upstream.body
    assert len(upstream.requests) == 1, "the cached tile was fetched again"
    assert (tiles.cache_path(Z, X, Y)).read_bytes() == upstream.body


def test_zoom_below_ten_is_padded_for_the_upstream(client, upstream, db):
    # Zoom 5: 17/10 covers central Germany.
    assert client.get(url(5, 17, 10)).status_code == 200
    assert upstream.requests[0][0] == "/tiles/05/10/17.png"


def test_tile_responses_set_no_cookie_and_may_be_cached_by_browsers(client, upstream, db):
    response = client.get(url())
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response
    assert response["Cache-Control"] == f"public, max-age={tiles.BROWSER_MAX_AGE}"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_nothing_of_the_visitor_goes_upstream(client, upstream, db):
    client.cookies["sessionid"] = "secret-session"
    client.get(
        url(),
        HTTP_USER_AGENT="Visitor Browser 1.0",
        HTTP_REFERER="http://testserver/immobilien/?q=private",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    (_path, headers) = upstream.requests[0]
    sent = {k.lower(): v for k, v in headers.items()}
    assert "cookie" not in sent and "referer" not in sent and "accept-language" not in sent
    assert sent["user-agent"].startswith("Standortlotse tile cache")


@pytest.mark.parametrize(
    "z, x, y",
    [
        (19, 0, 0),  # beyond MAP_TILE_MAX_ZOOM
        (10, 1024, 335),  # x beyond 2**z - 1
        (10, 545, 1024),  # y beyond 2**z - 1
    ],
)
def test_tiles_that_do_not_exist_are_404(client, upstream, db, z, x, y):
    assert client.get(url(z, x, y)).status_code == 404
    assert upstream.requests == []


def test_tiles_outside_the_area_are_empty_without_asking_upstream(client, upstream, db):
    response = client.get(url(10, 0, 0))  # the Pacific
    assert response.status_code == 200 and response.content == tiles.EMPTY_TILE
    assert upstream.requests == []


def test_not_a_number_is_no_tile_address(client, upstream, db):
    assert client.get("/karte/kacheln/10/abc/335.png").status_code == 404
    assert client.get("/karte/kacheln/-1/0/0.png").status_code == 404
    assert client.post(url()).status_code == 405
    assert upstream.requests == []


def test_upstream_down_answers_a_transparent_tile_not_cached_and_pauses(client, upstream, db):
    upstream.server.shutdown()
    upstream.server.server_close()
    response = client.get(url())
    assert response.status_code == 200
    assert response.content == tiles.EMPTY_TILE and response["Cache-Control"] == "no-store"
    assert response["X-Tile-Fallback"] == "upstream unavailable"
    image = Image.open(io.BytesIO(response.content))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0  # transparent
    assert not tiles.cache_path(Z, X, Y).exists()


def test_after_a_failure_the_upstream_is_left_alone_for_a_while(client, upstream, db):
    upstream.mode = "500"
    assert client.get(url()).content == tiles.EMPTY_TILE
    assert client.get(url(10, 546, 335)).content == tiles.EMPTY_TILE
    assert len(upstream.requests) == 1, "asked again during the pause"


@pytest.mark.parametrize("mode", ["html", "slow"])
def test_an_error_page_or_a_time_out_is_no_tile(client, upstream, db, mode):
    upstream.mode = mode
    started = time.monotonic()
    response = client.get(url())
    assert response.content == tiles.EMPTY_TILE and response["Cache-Control"] == "no-store"
    assert time.monotonic() - started < 1.4  # MAP_TILE_TIMEOUT, not the upstream's delay


def test_a_stale_tile_is_served_while_the_upstream_fails(client, upstream, db, settings):
    client.get(url())
    path = tiles.cache_path(Z, X, Y)
    old = time.time() - (settings.MAP_TILE_CACHE_DAYS + 1) * 86400
    import os

    os.utime(path, (old, old))
    upstream.mode = "500"
    response = client.get(url())
    assert response.content == upstream.body and response["Cache-Control"] == "public, max-age=3600"
    assert len(upstream.requests) == 2  # the stale copy was due for a refresh


def test_a_missing_upstream_tile_is_an_empty_tile_cached_like_others(client, upstream, db):
    upstream.mode = "404"
    response = client.get(url())
    assert response.content == tiles.EMPTY_TILE
    assert response["Cache-Control"].startswith("public")
    client.get(url())
    assert len(upstream.requests) == 1


def test_without_an_upstream_there_is_no_tile_path(client, settings, db):
    settings.MAP_TILE_UPSTREAM = ""
    assert client.get(url()).status_code == 404


def test_pages_point_the_map_at_our_own_tile_path(client, world, settings):
    body = client.get("/immobilien/").content.decode()
    assert 'data-tile-url="/karte/kacheln/{z}/{x}/{y}.png"' in body
    assert "data-map-consent" not in body
    settings.MAP_TILE_UPSTREAM = ""
    assert 'data-tile-url=""' in client.get("/immobilien/").content.decode()


def test_the_content_security_policy_allows_images_from_our_origin_only(client, world):
    policy = client.get("/immobilien/")["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img.split()[1:] == ["'self'", "data:", "blob:"]


def test_tile_bounds_of_a_known_tile():
    west, south, east, north = tiles.tile_bounds(10, 545, 335)
    assert west < 11.86 < east and south < 52.6 < north
