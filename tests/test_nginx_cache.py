"""The micro-cache of docs/deployment.md, run by a real nginx in front of the app: form pages
(CSRF token and cookie) are never shared between visitors, pages without a form still are."""

import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from deploy import nginx as documented_nginx

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="needs nginx (apt-get install nginx; .ci/run installs it)")

CONFIG = """\
worker_processes 1;
daemon off;
pid {wd}/nginx.pid;
error_log {wd}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {wd}/tmp/body;
    proxy_temp_path {wd}/tmp/proxy;
    fastcgi_temp_path {wd}/tmp/fastcgi;
    uwsgi_temp_path {wd}/tmp/uwsgi;
    scgi_temp_path {wd}/tmp/scgi;
    {cache_http}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            {cache_location}
            add_header X-Cache-Status $upstream_cache_status always;  # only for this test
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(live_server):
    """nginx with the guide's micro-cache block on a loopback port, proxying to the live server."""
    work = Path(tempfile.mkdtemp(prefix="standortlotse-nginx-"))
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / "tmp" / name).mkdir(parents=True)
    (work / "cache").mkdir()
    for path in [work, *work.rglob("*")]:
        path.chmod(0o777)  # nginx workers run as another user
    port = _free_port()
    cache_http, cache_location = documented_nginx.micro_cache(work / "cache")
    conf = work / "nginx.conf"
    conf.write_text(CONFIG.format(wd=work, port=port, app_port=live_server.url.rsplit(":", 1)[1],
                                  cache_http=cache_http, cache_location=cache_location))
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


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
    assert "no-store" in second_headers["Cache-Control"] and "private" in second_headers["Cache-Control"]


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
    load = (Path(documented_nginx.__file__).resolve().parent.parent / "bench" / "load.py").read_text()
    assert "documented_nginx.micro_cache(" in load and "proxy_cache_valid" not in load
