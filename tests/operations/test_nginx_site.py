"""The shipped nginx site (deploy/nginx/standortlotse.conf) as an operator installs it, with a
self-signed certificate and temp folders in place of the documented paths: `nginx -t` accepts
it, port 80 redirects to HTTPS, static files go out pre-compressed with one Cache-Control and
Vary, uploads with the safe headers, the app behind it sees HTTPS and the client's address,
and the access log keeps neither client addresses nor query strings."""

import http.client
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.operations.nginx_support import NGINX, free_port, needs_nginx

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "standortlotse.conf"

pytestmark = [
    needs_nginx,
    pytest.mark.skipif(
        shutil.which("openssl") is None, reason="needs openssl for a test certificate"
    ),
]


class _App(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # the stdlib handler's name for GET
        _App.seen.append(dict(self.headers))
        body = b"app"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _site(work: Path, http_port: int, https_port: int, app_port: int) -> str:
    text = SITE.read_text()
    replacements = {
        "listen [::]:80;": "",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/standortlotse.example.org/fullchain.pem": str(work / "cert.pem"),
        "/etc/letsencrypt/live/standortlotse.example.org/privkey.pem": str(work / "key.pem"),
        "/var/log/nginx/": f"{work}/",
        "/var/www/letsencrypt": str(work / "acme"),
        "/srv/standortlotse/static/": f"{work}/static/",
        "/srv/standortlotse/media/": f"{work}/media/",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }
    for old, new in replacements.items():
        assert old in text, old  # the file still has what the test replaces
        text = text.replace(old, new)
    return text


def _config(work: Path, site: str) -> Path:
    conf = work / "nginx.conf"
    conf.write_text(
        f"""daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
{site}
}}
"""
    )
    return conf


def _request(port, path, *, tls, headers=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "GET", path, headers={"Host": "standortlotse.example.org", **(headers or {})}
        )
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_the_shipped_site_passes_nginx_t_and_serves_as_documented(tmp_path):
    work = tmp_path / "nginx"
    for folder in ("static/css", "media/docs", "acme"):
        (work / folder).mkdir(parents=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=standortlotse.example.org", "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    css = b"body { color: #1f4e79; } " * 100
    (work / "static/css/site.abc123.css").write_bytes(css)
    subprocess.run(["gzip", "-k", str(work / "static/css/site.abc123.css")], check=True)
    (work / "media/docs/expose.pdf").write_bytes(b"%PDF-1.4 test")

    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    conf = _config(work, _site(work, http_port, https_port, app.server_address[1]))
    check = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(work)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr and "test is successful" in check.stderr

    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # port 80: a redirect to HTTPS that keeps the path and query; the certificate challenge
        response, _ = _request(http_port, "/immobilien/?q=halle", tls=False)
        assert response.status == 301
        assert (
            response.getheader("Location")
            == "https://standortlotse.example.org/immobilien/?q=halle"
        )
        (work / "acme/.well-known/acme-challenge").mkdir(parents=True)
        (work / "acme/.well-known/acme-challenge/token").write_text("proof")
        response, body = _request(http_port, "/.well-known/acme-challenge/token", tls=False)
        assert response.status == 200 and body == b"proof"

        # static: the .gz copy, one Cache-Control, Vary for caches
        response, body = _request(
            https_port, "/static/css/site.abc123.css", tls=True, headers={"Accept-Encoding": "gzip"}
        )
        assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
        assert len(body) < len(css)
        assert [v for k, v in response.getheaders() if k.lower() == "cache-control"] == [
            "public, max-age=31536000, immutable"
        ]
        assert response.getheader("Vary") == "Accept-Encoding"
        assert not response.getheader("Expires")
        assert response.getheader("Server") == "nginx"  # no version

        # uploads: a download, inert
        response, _ = _request(https_port, "/media/docs/expose.pdf", tls=True)
        assert response.getheader("Content-Type") == "application/pdf"
        assert response.getheader("Content-Disposition") == "attachment"
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert "sandbox" in response.getheader("Content-Security-Policy")
        assert len([k for k, _ in response.getheaders() if k.lower() == "cache-control"]) == 1

        # the app: sees HTTPS, the host and the client's address
        response, body = _request(https_port, "/suche/?q=anna@example.org", tls=True)
        assert response.status == 200 and body == b"app"
        seen = _App.seen[-1]
        assert seen["X-Forwarded-Proto"] == "https" and seen["Host"] == "standortlotse.example.org"
        assert seen["X-Forwarded-For"] == "127.0.0.1"
    finally:
        nginx.terminate()
        nginx.wait(10)
        app.shutdown()
    log = (work / "standortlotse.access.log").read_text()
    assert '"GET /suche/ HTTP/1.1" 200' in log and '"GET /immobilien/ HTTP/1.1" 301' in log
    assert "127.0.0.1" not in log and "q=" not in log and "anna" not in log
