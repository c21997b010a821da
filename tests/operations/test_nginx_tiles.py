"""The tile cache of docs/deployment.md ("Background map"), run by a real nginx in front of a
fake tile server on 127.0.0.1 (never the network): tiles come from nginx's cache after the first
request, nothing of the visitor goes upstream, the upstream's cookie never reaches the visitor,
and a failing upstream gives a transparent image, not an error."""

import urllib.error
import urllib.request

import pytest
from deploy import nginx as documented_nginx

from tests.core.test_tiles import running_upstream
from tests.operations.nginx_support import needs_nginx, running_nginx

pytestmark = needs_nginx

Z, X, Y = 10, 545, 335


@pytest.fixture
def tiles(tmp_path):
    with running_upstream() as upstream:
        http, server = documented_nginx.tile_cache(tmp_path / "tiles", upstream.template)
        server = server.replace(
            "add_header X-Content-Type-Options nosniff always;",
            "add_header X-Content-Type-Options nosniff always;\n"
            "    add_header X-Cache-Status $upstream_cache_status always;",
            1,
        )
        with running_nginx(tmp_path / "nginx", http=http, server=server) as base:
            yield base, upstream


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_the_guide_has_a_tile_cache_for_our_tile_path():
    http, server = documented_nginx.tile_cache("/x")
    assert http.startswith("# http context") and "proxy_cache_path /x keys_zone=tiles" in http
    assert 'location ~ "^/karte/kacheln/' in server and "proxy_cache tiles;" in server
    assert "proxy_pass_request_headers off;" in server and "proxy_hide_header Set-Cookie" in server
    assert "sgx.geodatenzentrum.de" in server and "$tile_zz/$tile_y/$tile_x" in server
    # the micro-cache is still its own block
    assert "keys_zone=pages" in documented_nginx.micro_cache("/y")[0]


def test_second_request_is_served_from_nginx_cache(tiles):
    base, upstream = tiles
    status, headers, body = get(f"{base}/karte/kacheln/{Z}/{X}/{Y}.png")
    assert status == 200 and body == upstream.body
    assert headers["X-Cache-Status"] == "MISS"
    assert headers["Cache-Control"] == "public, max-age=604800"
    status, headers, body = get(f"{base}/karte/kacheln/{Z}/{X}/{Y}.png")
    assert headers["X-Cache-Status"] == "HIT" and body == upstream.body
    assert [path for path, _ in upstream.requests] == [f"/tiles/10/{Y}/{X}.png"]


def test_zoom_is_padded_and_nothing_of_the_visitor_goes_upstream(tiles):
    base, upstream = tiles
    _status, headers, _body = get(
        f"{base}/karte/kacheln/5/17/10.png",
        Cookie="sessionid=secret",
        Referer="https://standortlotse.example.org/immobilien/?q=private",
        **{"User-Agent": "Visitor Browser", "Accept-Language": "de"},
    )
    assert "Set-Cookie" not in headers  # the upstream's cookie is dropped
    path, sent = upstream.requests[0]
    assert path == "/tiles/05/10/17.png"
    sent = {k.lower(): v for k, v in sent.items()}
    assert "cookie" not in sent and "referer" not in sent and "accept-language" not in sent
    assert sent["user-agent"].startswith("Standortlotse tile cache")


def test_failing_upstream_gives_a_transparent_image_that_is_not_cached(tiles):
    base, upstream = tiles
    upstream.mode = "500"
    status, headers, body = get(f"{base}/karte/kacheln/{Z}/{X + 1}/{Y}.png")
    assert status == 200 and body.startswith(b"GIF89a")
    assert headers["Cache-Control"] == "no-store"


def test_other_paths_are_not_tiles(tiles):
    base, upstream = tiles
    for path in ("/karte/kacheln/19/0/0.png", "/karte/kacheln/a/b/c.png"):
        with pytest.raises(urllib.error.HTTPError) as error:
            get(base + path)
        assert error.value.code == 404
    assert upstream.requests == []


def test_the_load_bench_runs_the_guide_tile_block():
    from pathlib import Path

    load = (
        Path(documented_nginx.__file__).resolve().parent.parent / "bench" / "load.py"
    ).read_text()
    assert "documented_nginx.tile_cache(" in load and '"/karte/kacheln/' in load
