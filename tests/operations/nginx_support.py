"""A real nginx for tests of what docs/deployment.md tells operators to write (proxy block,
micro-cache, media headers): Debian's nginx (.ci/run installs it) in the foreground, as one
process of the current user (no workers that could not read pytest's temp folders), on a free
loopback port, with a config made of the guide's directives."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="needs nginx (apt-get install nginx; .ci/run installs it)"
)

CONFIG = """\
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
{http}
    server {{
        listen 127.0.0.1:{port};
{server}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proxy_to(live_server, *extra: str) -> str:
    """The guide's `location /` proxy lines in front of pytest-django's live server, plus `extra`."""
    app_port = live_server.url.rsplit(":", 1)[1]
    lines = [
        f"proxy_pass http://127.0.0.1:{app_port};",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        *extra,
    ]
    return "location / {\n" + "\n".join(lines) + "\n}"


@contextmanager
def running_nginx(work: Path, *, http: str = "", server: str = ""):
    """nginx with `http` in its http block and `server` in its one server block; yields the base
    URL and stops nginx afterwards."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = work / "nginx.conf"
    conf.write_text(CONFIG.format(work=work, port=port, http=http, server=server))
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "nginx did not start: " + (work / "error.log").read_text(errors="replace")
                    ) from error
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
