"""The safe server-side fetch: only http(s), only public addresses (every address of the host,
every redirect hop), size and time limits, conditional requests. A local server thread stands in
for the partner; FETCH_ALLOW_LOOPBACK lets the tests reach it and nothing else."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from standortlotse.core import fetch


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/feed":
            if self.headers.get("If-Modified-Since") == "Mon, 01 Dec 2025 10:00:00 GMT":
                self.send_response(304)
                self.end_headers()
                return
            body = b'{"data": []}'
            self.send_response(200)
            self.send_header("ETag", '"abc"')
            self.send_header("Last-Modified", "Mon, 01 Dec 2025 10:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.5/admin")
            self.end_headers()
        elif self.path == "/to-feed":
            self.send_response(301)
            self.send_header("Location", "/feed")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"x" * 1024)
        elif self.path == "/big-chunked":
            self.send_response(200)  # no length: the limit holds while reading
            self.end_headers()
            for _chunk in range(40):
                self.wfile.write(b"x" * 64 * 1024)
        elif self.path == "/slow":
            self.send_response(200)
            self.end_headers()
            for _chunk in range(30):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_and_conditional_request(server):
    fetched = fetch.fetch(server + "/feed")
    assert (fetched.status, fetched.body, fetched.etag) == (200, b'{"data": []}', '"abc"')
    again = fetch.fetch(server + "/feed", last_modified=fetched.last_modified)
    assert again.status == 304


def test_redirect_is_followed_and_checked(server):
    assert fetch.fetch(server + "/to-feed").status == 200
    with pytest.raises(fetch.FetchRefused, match=r"privates oder lokales Netz \(10\.0\.0\.5\)"):
        fetch.fetch(server + "/to-private")
    with pytest.raises(fetch.FetchRefused, match="leitet mehr als 3-mal weiter"):
        fetch.fetch(server + "/loop")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://localhost/feed",
        "http://10.1.2.3/feed",
        "http://192.168.0.1/feed",
        "http://172.16.5.4/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed",
        "http://[fe80::1]/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://0.0.0.0/feed",
        "http://100.64.0.1/feed",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(fetch.FetchRefused, match="privates oder lokales Netz"):
        fetch.fetch(url)


def test_every_address_of_the_host_is_checked(monkeypatch):
    def two_addresses(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    with pytest.raises(fetch.FetchRefused, match=r"10\.0\.0\.7"):
        fetch.fetch("https://partner.example/feed")


def test_loopback_needs_the_test_setting(server, settings):
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(fetch.FetchRefused, match="privates oder lokales Netz"):
        fetch.fetch(server + "/feed")


@pytest.mark.parametrize(
    "url", ["ftp://partner.example/feed", "file:///etc/passwd", "gopher://x/", "javascript:1"]
)
def test_only_http_and_https(url):
    with pytest.raises(fetch.FetchRefused, match="Erlaubt: Adressen mit http:// und https://"):
        fetch.fetch(url)


def test_too_large_by_header_and_while_reading(server):
    with pytest.raises(fetch.FetchRefused, match="größer als 5 MB"):
        fetch.fetch(server + "/big")
    with pytest.raises(fetch.FetchRefused, match="größer als 1 MB"):
        fetch.fetch(server + "/big-chunked", max_bytes=1024 * 1024)


def test_too_slow(server):
    started = time.monotonic()
    with pytest.raises(fetch.FetchRefused, match="nicht innerhalb von 1 Sekunden geantwortet"):
        fetch.fetch(server + "/slow", timeout=1)
    assert time.monotonic() - started < 2.5


def test_error_status_is_named(server):
    with pytest.raises(fetch.FetchRefused, match="HTTP-Status 404"):
        fetch.fetch(server + "/missing")
