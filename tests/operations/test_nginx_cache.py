"""The micro-cache of docs/deployment.md, run by a real nginx in front of the app: form pages
(CSRF token and cookie) are never shared between visitors, pages without a form still are."""

import re
import urllib.request
from pathlib import Path

import pytest
from deploy import nginx as documented_nginx

from tests.operations.nginx_support import needs_nginx, proxy_to, running_nginx

pytestmark = needs_nginx


@pytest.fixture
def nginx(live_server, tmp_path):
    """nginx with the guide's micro-cache block on a loopback port, proxying to the live server."""
    cache_http, cache_location = documented_nginx.micro_cache(tmp_path / "cache")
    location = proxy_to(
        live_server,
        cache_location,
        "add_header X-Cache-Status $upstream_cache_status always;  # only for this test",
    )
    with running_nginx(tmp_path, http=cache_http, server=location) as base:
        yield base


def get(url):
    """A fresh anonymous visitor: no cookie jar."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers, response.read().decode()


def token_of(body):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


@pytest.mark.django_db(transaction=True)
def test_two_anonymous_visitors_get_their_own_csrf_token_and_cookie(nginx, world):
    first_headers, first_body = get(nginx + "/kontakt/")
    second_headers, second_body = get(nginx + "/kontakt/")
    assert token_of(first_body) != token_of(second_body)
    first_cookie, second_cookie = first_headers["Set-Cookie"], second_headers["Set-Cookie"]
    assert first_cookie.startswith("csrftoken=") and second_cookie.startswith("csrftoken=")
    assert first_cookie.split(";")[0] != second_cookie.split(";")[0]
    assert second_headers["X-Cache-Status"] != "HIT"
    assert (
        "no-store" in second_headers["Cache-Control"]
        and "private" in second_headers["Cache-Control"]
    )


@pytest.mark.django_db(transaction=True)
def test_pages_without_a_form_are_still_served_from_the_cache(nginx, world):
    first_headers, first_body = get(nginx + "/immobilien/")
    second_headers, second_body = get(nginx + "/immobilien/")
    assert first_headers["X-Cache-Status"] == "MISS" and second_headers["X-Cache-Status"] == "HIT"
    assert second_body == first_body and "Set-Cookie" not in second_headers


def test_bench_and_test_run_the_guide_block():
    cache_http, cache_location = documented_nginx.micro_cache("/x")
    assert cache_http.startswith("proxy_cache_path /x ")
    assert "$upstream_http_set_cookie" in cache_location
    assert "proxy_ignore_headers" not in cache_location
    load = (
        Path(documented_nginx.__file__).resolve().parent.parent / "bench" / "load.py"
    ).read_text()
    assert "documented_nginx.micro_cache(" in load and "proxy_cache_valid" not in load
