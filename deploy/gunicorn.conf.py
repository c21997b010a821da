"""gunicorn settings for production (docs/deployment.md): `gunicorn -c deploy/gunicorn.conf.py`.

gunicorn's own log lines (start, worker exits, one access line per request) go through the
app's log configuration: one JSON object per line, with private-link secrets and email
addresses removed (src/standortlotse/core/logs.py). The access line has method, path without
the query string (search words stay out of the log), status, bytes and seconds, and no client
address; add `%(h)s` to the format if the operator needs addresses for abuse handling.
Responses carry no `Server: gunicorn` banner (nginx, with `server_tokens off`, names only itself).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from gunicorn.http import wsgi as _gunicorn_wsgi

from standortlotse.core import logs


def _without_server_banner(default_headers):
    # gunicorn has no setting for it: its status lines always include "Server: gunicorn".
    def headers(response):
        return [
            line for line in default_headers(response) if not line.lower().startswith("server:")
        ]

    return headers


if not getattr(_gunicorn_wsgi.Response.default_headers, "without_banner", False):
    _gunicorn_wsgi.Response.default_headers = _without_server_banner(
        _gunicorn_wsgi.Response.default_headers
    )
    _gunicorn_wsgi.Response.default_headers.without_banner = True

wsgi_app = "standortlotse.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 60
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(b)s %(L)s"
logconfig_dict = logs.config(
    os.environ.get("DJANGO_LOG_FORMAT", "json"), os.environ.get("DJANGO_LOG_LEVEL", "INFO")
)

# gunicorn 27's control socket (`gunicornc`): by default one path per user, so that two
# instances of one user (two sites, or web and a benchmark) would share it. One per instance
# here: GUNICORN_CONTROL_SOCKET if set; else, under systemd, in the unit's RuntimeDirectory,
# named by the bound address; else off.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if not _control and os.environ.get("RUNTIME_DIRECTORY"):
    _name = "".join(c if c.isalnum() else "-" for c in bind)
    _control = str(Path(os.environ["RUNTIME_DIRECTORY"].split(":")[0]) / f"gunicorn-{_name}.ctl")
if _control:
    control_socket = _control
else:
    control_socket_disable = True


def on_starting(server):
    """Refuse to start when a folder the app writes is not writable (the check
    standortlotse.E001 names it), instead of answering 500 at the first login or upload."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standortlotse.settings")
    import django

    django.setup()
    from standortlotse.core.checks import check_writable_folders

    problems = check_writable_folders(None)
    for problem in problems:
        server.log.error("%s %s", problem.msg, problem.hint)
    if problems:
        raise SystemExit(3)
