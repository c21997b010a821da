#!/usr/bin/env python
"""Proof under load: a production-like instance (nginx + gunicorn + PostgreSQL or SQLite) on loopback.

1. Prepares its own database (``--database postgres``, the default:
   ``postgres://postgres@127.0.0.1:5432/standortlotse_bench_load``, dropped and created, never
   ``test``/``postgres``; ``--database sqlite``: the file ``load.sqlite3`` under
   ``$TMPDIR/standortlotse-bench/load/sqlite/``, as ``DATABASE_URL=sqlite:////abs/path``):
   ``migrate``, ``load_geo``, ``load_demo``, ``generate_properties 100000 --seed 7`` and 200
   seeded investor search profiles, then ``VACUUM ANALYZE`` (PostgreSQL) or ``ANALYZE`` (SQLite).
   A marker table (``bench_load_marker``) in that database lets the next run reuse the data
   (``--fresh`` regenerates it). Each database has its own media folder (the demo photos).
2. Starts the stack with ``DJANGO_DEBUG=0``: ``collectstatic`` into a temp ``STATIC_ROOT``,
   gunicorn (``PYTHONPATH=src gunicorn standortlotse.wsgi -w N``) and Debian's nginx with the
   server block of ``docs/deployment.md`` (plain HTTP on 127.0.0.1, nginx serves ``/static/``
   and ``/media/`` itself and proxies the rest).
3. Measures, in this order:
   - throughput with ``wrk``: a saved copy of a property detail page served by nginx as a file;
     two floors: a minimal WSGI app (``floor_app`` below: the saved page's bytes, no framework)
     under gunicorn with the same worker count, directly and through nginx, and the app's
     ``/health/`` (one ``SELECT 1``, all middleware) through nginx; the app with a different
     detail page per request ("uncached"), the app with one detail page over and over ("same
     URL": the app has no page cache) and the same URL through nginx's micro-cache. Each row is
     also shown as a fraction of nginx static;
   - API latency per endpoint (sequential requests through nginx): ``/api/properties`` with
     filters + bbox, ``/api/properties/clusters`` at zoom 6/9/12 with 1280x800 px viewports
     (payload sizes printed), the investor results page (``matching.match``), ``/suche/`` and
     a map tile through the guide's nginx tile cache (a local fake tile server behind it);
   - page weight of home, property search and a property detail: HTML + CSS + JS as nginx sends
     them to a browser that accepts gzip (without the map tiles, which nginx's tile cache serves);
   - load: ``--clients`` (50) concurrent clients for ``--duration`` (60) s on public pages and
     the contact form (GET form, POST with the CSRF token, follow the redirect).
4. Prints a table, writes ``bench/results/load.json`` (``load-sqlite.json`` for SQLite) and stops
   everything it started.

Run from the repository root as root (nginx binds only to 127.0.0.1):  python bench/load.py
Needs: ``apt-get install nginx wrk``; for ``--database postgres`` PostgreSQL at 127.0.0.1:5432
(trust auth).
Results and analysis: docs/performance-load.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402  the shared bench harness (database choice and preparation, timing, plans, results)

sys.path.insert(0, str(BENCH.parent))
from deploy import nginx as documented_nginx  # noqa: E402  the guide's micro-cache block

ROOT = harness.ROOT
SRC = harness.SRC
RESULTS = {
    "postgres": harness.RESULTS_DIR / "load.json",
    "sqlite": harness.RESULTS_DIR / "load-sqlite.json",
}
DATABASE_LABELS = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/standortlotse_bench_load"
MARKER_TABLE = "bench_load_marker"
PROFILES = 200
# The scale: 100,000 properties (--count), 10,000 places and 1,000 generated guides
# (plus the demo places and guides of load_demo).
PLACES = 10_000
GUIDES = 1_000
WORKDIR = Path(tempfile.gettempdir()) / "standortlotse-bench" / "load"

# Targets from the issue "Proof under load".
TARGET_RATIO_UNCACHED = 0.10
TARGET_RATIO_CACHED = 0.50
TARGET_PAYLOAD_BYTES = 50 * 1024
TARGET_PAGE_BYTES = 150 * 1024

percentile = harness.percentile


# --- Database -----------------------------------------------------------------------------------


def data_key(count: int) -> str:
    digest = hashlib.sha256(harness.data_key(count).encode())
    for path in [
        SRC / "standortlotse" / name / "demo.py"
        for name in ("properties", "places", "cases", "guides")
    ]:
        if path.exists():
            digest.update(path.read_bytes())
    digest.update(f"profiles={PROFILES};matching={(BENCH / 'matching.py').read_bytes()!r}".encode())
    import inspect

    import onesearch

    digest.update(
        f"places={PLACES};guides={GUIDES};{inspect.getsource(onesearch.create_places)}".encode()
    )
    digest.update(inspect.getsource(setup_child).encode())
    return digest.hexdigest()[:16]


def connect(args):
    """A DB-API connection to the benchmark database (commits on a clean exit of ``with``)."""
    if args.database == "sqlite":
        import sqlite3

        return sqlite3.connect(args.sqlite_path, timeout=30)
    import psycopg

    return psycopg.connect(
        harness.pg_conninfo(args.pg_url, harness.pg_dbname(args.pg_url)), connect_timeout=10
    )


def query(args, sql: str, params: tuple = ()) -> list[tuple]:
    conn = connect(args)
    try:
        with conn:
            return list(conn.execute(sql, params).fetchall())
    finally:
        conn.close()


def read_marker(args):
    if args.database == "sqlite" and not args.sqlite_path.exists():
        return None
    try:
        rows = query(args, f"SELECT key, info FROM {MARKER_TABLE}")
    except Exception:  # noqa: BLE001 - no database or no marker: not prepared
        return None
    return (rows[0][0], json.loads(rows[0][1])) if rows else None


def write_marker(args, key: str, info: dict) -> None:
    placeholder = "?" if args.database == "sqlite" else "%s"
    conn = connect(args)
    try:
        with conn:
            conn.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")
            conn.execute(
                f"CREATE TABLE {MARKER_TABLE} (key varchar(64) NOT NULL, info text NOT NULL)"
            )
            conn.execute(
                f"INSERT INTO {MARKER_TABLE} (key, info) VALUES ({placeholder}, {placeholder})",
                (key, json.dumps(info)),
            )
    finally:
        conn.close()


def analyze(args) -> float:
    """PostgreSQL: VACUUM ANALYZE; SQLite: ANALYZE (statistics for the query planner)."""
    if args.database == "postgres":
        return harness.vacuum_analyze(args.pg_url)
    import sqlite3

    started = time.perf_counter()
    conn = sqlite3.connect(args.sqlite_path, timeout=30)
    try:
        conn.execute("ANALYZE")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return time.perf_counter() - started


def database_facts(args) -> dict:
    """Server version and, for SQLite, the file's journal mode and size."""
    if args.database == "postgres":
        return {"version": query(args, "SHOW server_version")[0][0], "url": args.pg_url}
    facts = {
        "version": query(args, "SELECT sqlite_version()")[0][0],
        "path": str(args.sqlite_path),
        "journal_mode": query(args, "PRAGMA journal_mode")[0][0],
        "file_mb": round(args.sqlite_path.stat().st_size / 1024 / 1024, 1),
    }
    return facts


def django_database_settings(env: dict) -> dict:
    """ENGINE, CONN_MAX_AGE and OPTIONS of the default database as the app sees them."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; "
        "print(json.dumps({k: d.get(k) for k in ('ENGINE', 'CONN_MAX_AGE', 'OPTIONS')}, default=str))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])
    except Exception as error:  # noqa: BLE001 - informational only
        return {"error": str(error)}


def app_env(args, dirs: dict, port: int) -> dict:
    env = harness.bench_env(args.database_url)
    env.update(
        {
            "DJANGO_STATIC_ROOT": str(dirs["static"]),
            "DJANGO_MEDIA_ROOT": str(dirs["media"]),
            "STANDORTLOTSE_PRIVATE_ROOT": str(dirs["private"]),
            "STANDORTLOTSE_CACHE_DIR": str(dirs["cache"]),
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STANDORTLOTSE_SITE_URL": f"http://127.0.0.1:{port}",
            # 50 clients post the contact form from one address for a minute.
            "STANDORTLOTSE_INQUIRIES_PER_HOUR": "1000000",
            "STANDORTLOTSE_PLACE_SUBMISSIONS_PER_HOUR": "1000000",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare(args, dirs: dict) -> dict:
    key = data_key(args.count)
    env = app_env(args, dirs, args.port)
    marker = None if args.fresh else read_marker(args)
    if marker and marker[0] == key and any(dirs["media"].iterdir()):
        info = marker[1]
        print(
            f"  reusing the database prepared {info.get('prepared_at', '?')} (marker {key})",
            flush=True,
        )
        return {"reused": True, "marker": key, **info}
    print(f"  preparing {args.database_url} (marker {key}) ...", flush=True)
    harness.reset_database(
        args.database, args.database_url, args.sqlite_path if args.database == "sqlite" else None
    )
    shutil.rmtree(dirs["media"], ignore_errors=True)
    dirs["media"].mkdir(parents=True)
    timings = {"migrate_s": harness.run_manage(env, "migrate", "--noinput")}
    timings["load_geo_s"] = harness.run_manage(env, "load_geo")
    timings["load_demo_s"] = harness.run_manage(env, "load_demo", "--allow-production")
    timings["generate_properties_s"] = harness.run_manage(
        env, "generate_properties", str(args.count), "--seed", str(harness.SEED_DATA)
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--setup-child"], cwd=ROOT, env=env, check=True)
    timings["profiles_s"] = time.perf_counter() - started
    timings["vacuum_analyze_s" if args.database == "postgres" else "analyze_s"] = analyze(args)
    info = {
        "prepared_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **{name: round(value, 1) for name, value in timings.items()},
    }
    write_marker(args, key, info)
    print(
        "  " + ", ".join(f"{name[:-2]} {value:.1f} s" for name, value in timings.items()),
        flush=True,
    )
    return {"reused": False, "marker": key, **info}


def setup_child() -> None:
    """Saves PROFILES seeded investor search profiles (the shapes of bench/matching.py)."""
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    import matching as matching_bench
    import onesearch
    from standortlotse.cases.models import SearchProfile
    from standortlotse.geo.models import District
    from standortlotse.guides.demo import generate_guides
    from standortlotse.properties.demo import SYNTHETIC_STATE

    onesearch.create_places(PLACES)
    generate_guides(GUIDES, seed=harness.SEED_DATA)
    districts = list(
        District.objects.filter(state__code=SYNTHETIC_STATE).values_list("pk", flat=True)
    )
    from datetime import date

    for _name, spec in matching_bench.profile_plan(random.Random(2026), PROFILES, districts):
        fields = {k: v for k, v in spec.items() if k != "districts"}
        if "available_by" in fields:
            fields["available_by"] = date.fromisoformat(fields["available_by"])
        profile = SearchProfile.objects.create(email="bench-load@example.invalid", **fields)
        if spec.get("districts"):
            profile.districts.set(spec["districts"])


def sample_ids(args) -> dict:
    """Published property ids (synthetic and demo), profile uids and a guide URL."""
    ids = [
        r[0]
        for r in query(
            args, "SELECT id FROM properties_property WHERE status = 'published' ORDER BY id"
        )
    ]
    # SQLite stores a UUIDField as 32 hex digits; the URL wants the dashed form.
    uids = [
        str(uuid.UUID(str(r[0])))
        for r in query(
            args,
            "SELECT uid FROM cases_searchprofile WHERE email = 'bench-load@example.invalid' ORDER BY id",
        )
    ]
    guides = [
        f"/lotse/{r[0]}/{r[1]}/"
        for r in query(
            args,
            "SELECT r.slug, g.slug FROM guides_guide g JOIN geo_region r ON r.id = g.region_id "
            "WHERE g.status = 'published' ORDER BY g.id",
        )
    ]
    places = [
        r[0]
        for r in query(args, "SELECT id FROM places_place WHERE status = 'published' ORDER BY id")
    ]
    return {"property_ids": ids, "profile_uids": uids, "guide_urls": guides, "place_ids": places}


# --- The stack: collectstatic, gunicorn, nginx ---------------------------------------------------

_floor_body: list[bytes] = []


def floor_app(environ, start_response):
    """The WSGI floor: no framework, no database; answers every request with the bytes of the
    saved detail page (``BENCH_LOAD_FLOOR_BODY``), read once per worker.

    Served as ``gunicorn load:floor_app --pythonpath bench`` with the app's worker count, so its
    throughput is what any sync Python WSGI app could reach on this machine.
    """
    if not _floor_body:
        _floor_body.append(
            Path(
                environ.get("BENCH_LOAD_FLOOR_BODY") or os.environ["BENCH_LOAD_FLOOR_BODY"]
            ).read_bytes()
        )
    body = _floor_body[0]
    start_response(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


NGINX_CONF = """\
worker_processes auto;
pid {wd}/nginx.pid;
error_log {wd}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    access_log off;
    client_body_temp_path {wd}/nginx-tmp/body;
    proxy_temp_path {wd}/nginx-tmp/proxy;
    fastcgi_temp_path {wd}/nginx-tmp/fastcgi;
    uwsgi_temp_path {wd}/nginx-tmp/uwsgi;
    scgi_temp_path {wd}/nginx-tmp/scgi;
    upstream app_servers {{ server 127.0.0.1:{app_port}; }}
    upstream floor_servers {{ server 127.0.0.1:{floor_port}; }}
    {cache_http}
    {tile_http}
    # The server block of docs/deployment.md, on plain HTTP and loopback.
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1 localhost;
        client_max_body_size 110m;
        gzip on; gzip_types {gzip_types};
        location /static/ {{ alias {static}/; gzip_static on; expires 1y;
            add_header Cache-Control "public, immutable"; }}
        location /media/  {{ alias {media}/; expires 7d; add_header X-Content-Type-Options nosniff; }}
        # Only for this benchmark: a saved copy of a property detail page, as a static file.
        location = /saved/detail.html {{ alias {wd}/saved/detail.html; }}
        # The guide's tile cache (deploy/nginx.py), in front of a local fake tile server.
        {tile_server}
        # Only for this benchmark: the minimal WSGI app (floor_app), proxied like the app.
        location = /floor/ {{
            proxy_pass http://floor_servers;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
        location / {{
            proxy_pass http://app_servers;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
    # The same, with the optional micro-cache of docs/deployment.md (anonymous pages, 30 s),
    # read from the guide by deploy/nginx.py.
    server {{
        listen 127.0.0.1:{cache_port};
        server_name 127.0.0.1 localhost;
        gzip on; gzip_types {gzip_types};
        location / {{
            proxy_pass http://app_servers;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            {cache_location}
        }}
    }}
}}
"""
DOC_GZIP_TYPES = (
    "text/css application/javascript application/json application/geo+json "
    "text/csv text/calendar application/atom+xml"
)


class TileUpstream:
    """A stand-in tile server on loopback for the guide's tile cache (the bench never leaves
    the machine): every tile is the same 256 px PNG; it counts what nginx asked."""

    def __init__(self):
        import http.server
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (256, 256), (230, 236, 232)).save(out, "PNG")
        body = out.getvalue()
        upstream = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                upstream.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.template = f"http://127.0.0.1:{self.server.server_address[1]}/{{zz}}/{{y}}/{{x}}.png"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Stack:
    def __init__(self, args, dirs: dict):
        self.args, self.dirs = args, dirs
        self.env = app_env(args, dirs, args.port)
        self.gunicorn = None
        self.floor = None
        self.nginx_conf = dirs["work"] / "nginx.conf"
        self.base = f"http://127.0.0.1:{args.port}"

    def collectstatic(self) -> float:
        shutil.rmtree(self.dirs["static"], ignore_errors=True)
        return harness.run_manage(self.env, "collectstatic", "--noinput")

    def start(self) -> None:
        work = self.dirs["work"]
        media = self.dirs["media"]
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / "nginx-tmp" / name).mkdir(parents=True, exist_ok=True)
        (work / "nginx-cache").mkdir(exist_ok=True)
        (work / "saved").mkdir(exist_ok=True)
        # nginx workers run as www-data: they must be able to read the temp dirs.
        for path in [work, *work.rglob("*"), self.dirs["media"], *self.dirs["media"].rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        for parent in work.parents:
            if parent == Path(tempfile.gettempdir()):
                break
            parent.chmod(0o755)
        for parent in media.parents:  # the SQLite media folder is one level deeper
            if parent == work.parent:
                break
            parent.chmod(0o755)
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.gunicorn = subprocess.Popen(
            [
                str(gunicorn),
                "standortlotse.wsgi",
                "-b",
                f"127.0.0.1:{self.args.app_port}",
                "-w",
                str(self.args.workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(work / "gunicorn.log", "w"),
            stderr=subprocess.STDOUT,
        )
        cache_http, cache_location = documented_nginx.micro_cache(work / "nginx-cache")
        (work / "nginx-tiles").mkdir(exist_ok=True)
        self.tiles = TileUpstream()
        tile_http, tile_server = documented_nginx.tile_cache(
            work / "nginx-tiles", self.tiles.template
        )
        self.nginx_conf.write_text(
            NGINX_CONF.format(
                wd=work,
                port=self.args.port,
                app_port=self.args.app_port,
                static=self.dirs["static"],
                media=self.dirs["media"],
                gzip_types=DOC_GZIP_TYPES,
                cache_port=self.args.port + 2,
                floor_port=self.args.floor_port,
                cache_http=cache_http,
                cache_location=cache_location.replace("\n", "\n            "),
                tile_http=tile_http.replace("\n", "\n    "),
                tile_server=tile_server.replace("\n", "\n        "),
            )
        )
        subprocess.run(["nginx", "-t", "-q", "-c", str(self.nginx_conf)], check=True)
        subprocess.run(["nginx", "-c", str(self.nginx_conf)], check=True)  # daemonises, pid file
        self.wait_ready()

    def wait_ready(self) -> None:
        self._wait_for(
            "/health/",
            self.gunicorn,
            "gunicorn",
            "gunicorn.log",
            60,
            0.5,
            "the stack did not answer /health/ within 60 s",
        )

    def _wait_for(self, path, process, name, log, seconds, pause, timeout_message) -> None:
        """Until ``path`` answers 200 through nginx; stop early if ``process`` exits."""
        import requests

        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if requests.get(self.base + path, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if process.poll() is not None:
                raise SystemExit(f"{name} exited; see " + str(self.dirs["work"] / log))
            time.sleep(pause)
        raise SystemExit(timeout_message)

    def start_floor(self, body: Path) -> None:
        """gunicorn with floor_app, the app's worker count, on --floor-port."""
        gunicorn = Path(sys.executable).parent / "gunicorn"
        env = dict(os.environ, BENCH_LOAD_FLOOR_BODY=str(body))
        self.floor = subprocess.Popen(
            [
                str(gunicorn),
                "load:floor_app",
                "--pythonpath",
                str(BENCH),
                "-b",
                f"127.0.0.1:{self.args.floor_port}",
                "-w",
                str(self.args.workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(self.dirs["work"] / "gunicorn-floor.log", "w"),
            stderr=subprocess.STDOUT,
        )
        self._wait_for(
            "/floor/",
            self.floor,
            "gunicorn (floor_app)",
            "gunicorn-floor.log",
            30,
            0.3,
            "floor_app did not answer within 30 s",
        )

    @staticmethod
    def _terminate(process) -> None:
        if process and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_floor(self) -> None:
        self._terminate(self.floor)

    def stop(self) -> None:
        pid_file = self.dirs["work"] / "nginx.pid"
        if pid_file.exists():
            subprocess.run(["nginx", "-c", str(self.nginx_conf), "-s", "quit"], check=False)
            for _ in range(50):
                if not pid_file.exists():
                    break
                time.sleep(0.1)
        self._terminate(self.floor)
        self._terminate(self.gunicorn)
        if getattr(self, "tiles", None):
            self.tiles.stop()


# --- 1. Throughput with wrk ---------------------------------------------------------------------

WRK_LUA = """\
local ids = {%(ids)s}
local mode = "%(mode)s"
local counter = 0
request = function()
  if mode == "fresh" then
    counter = counter + 1
    return wrk.format("GET", "/immobilien/" .. ids[math.random(#ids)] .. "/")
  end
  return wrk.format("GET")
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50_us": %%d, "p95_us": %%d, '
    .. '"p99_us": %%d, "max_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, '
    .. '"status": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def run_wrk(args, url: str, mode: str, ids: list[int]) -> dict:
    script = Path(args.workdir) / f"wrk-{mode}.lua"
    script.write_text(WRK_LUA % {"ids": ",".join(map(str, ids)), "mode": mode})
    command = [
        "wrk",
        "-t",
        str(args.wrk_threads),
        "-c",
        str(args.wrk_connections),
        "-d",
        f"{args.wrk_duration}s",
        "--timeout",
        "30s",
        "-H",
        "Accept-Encoding: gzip",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON ") :])
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"] + raw["status"]
    return {
        "url": url,
        "mode": mode,
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "error_detail": {k: raw[k] for k in ("connect", "read", "write", "timeout", "status")},
        "kb_per_request": raw["bytes"] / max(1, raw["requests"]) / 1024,
    }


def throughput(args, stack: Stack, ids: list[int]) -> dict:
    import requests

    rnd = random.Random(args.seed)
    detail_id = ids[len(ids) // 2]
    detail_url = f"{stack.base}/immobilien/{detail_id}/"
    html = requests.get(detail_url, timeout=30).content
    (stack.dirs["work"] / "saved" / "detail.html").write_bytes(html)
    (stack.dirs["work"] / "saved" / "detail.html").chmod(0o644)
    fresh_ids = rnd.sample(ids, min(len(ids), 20000))
    for warm in fresh_ids[:50]:  # each gunicorn worker imports its views and templates once
        requests.get(f"{stack.base}/immobilien/{warm}/", timeout=30)
    for _ in range(20):
        requests.get(f"{stack.base}/health/", timeout=30)
    stack.start_floor(stack.dirs["work"] / "saved" / "detail.html")
    floor_direct = f"http://127.0.0.1:{args.floor_port}/"
    floor_check = requests.get(floor_direct, timeout=30).content
    runs = {}
    try:
        for name, url, mode in (
            ("nginx_static_copy", f"{stack.base}/saved/detail.html", "same"),
            ("floor_wsgi_direct", floor_direct, "same"),
            ("floor_wsgi_nginx", f"{stack.base}/floor/", "same"),
            ("floor_django_health", f"{stack.base}/health/", "same"),
            ("app_uncached", f"{stack.base}/immobilien/{detail_id}/", "fresh"),
            ("app_same_url", detail_url, "same"),
            (
                "app_micro_cached",
                detail_url.replace(f":{args.port}/", f":{args.port + 2}/"),
                "same",
            ),
        ):
            print(
                f"  wrk {name}: {args.wrk_duration} s, {args.wrk_connections} connections ...",
                flush=True,
            )
            runs[name] = run_wrk(args, url, mode, fresh_ids)
            if name == "floor_wsgi_nginx":
                stack.stop_floor()  # idle from here on; stopped so it holds no CPU or memory
    finally:
        stack.stop_floor()
    static_rps = runs["nginx_static_copy"]["rps"]
    return {
        "detail_id": detail_id,
        "saved_copy_bytes": len(html),
        "floor_body_bytes": len(floor_check),
        "runs": runs,
        "ratio_to_static": {name: run["rps"] / static_rps for name, run in runs.items()},
        "ratio_uncached": runs["app_uncached"]["rps"] / static_rps,
        "ratio_same_url": runs["app_same_url"]["rps"] / static_rps,
        "ratio_micro_cached": runs["app_micro_cached"]["rps"] / static_rps,
        "ratio_floor_wsgi_direct": runs["floor_wsgi_direct"]["rps"] / static_rps,
        "ratio_floor_wsgi_nginx": runs["floor_wsgi_nginx"]["rps"] / static_rps,
        "ratio_floor_django_health": runs["floor_django_health"]["rps"] / static_rps,
        "target_ratio_uncached": TARGET_RATIO_UNCACHED,
        "target_ratio_cached": TARGET_RATIO_CACHED,
        "app_page_cache": False,
        "floors": {
            "floor_wsgi_direct": "minimal WSGI app (bench/load.py floor_app, the saved page's bytes) "
            "under gunicorn -w WORKERS, wrk straight to gunicorn (sync workers "
            "close each connection; no gzip)",
            "floor_wsgi_nginx": "the same app through nginx (proxied like the app, gzip by nginx)",
            "floor_django_health": "the app's /health/ (one SELECT 1, full middleware) through nginx",
        },
    }


# --- 2. API latency -----------------------------------------------------------------------------


def viewport_bbox(rnd: random.Random, zoom: int, width_px: int = 1280, height_px: int = 800) -> str:
    """The bbox a 1280x800 px web map shows at `zoom`, centred somewhere in the data area."""
    lat = rnd.uniform(48.5, 53.8)
    lon = rnd.uniform(7.0, 14.0)
    dlon = width_px * 360 / (256 * 2**zoom)
    # Web Mercator: a pixel covers cos(lat) times fewer degrees of latitude than of longitude.
    dlat = height_px * 360 / (256 * 2**zoom) * math.cos(math.radians(lat))
    return f"{lon - dlon / 2:.4f},{lat - dlat / 2:.4f},{lon + dlon / 2:.4f},{lat + dlat / 2:.4f}"


def api_shapes(rnd: random.Random, samples: dict) -> dict:
    def filters_bbox():
        params = harness.kind_area_filter(rnd)
        params["bbox"] = viewport_bbox(rnd, 8)
        params["motorway_km_max"] = rnd.choice([10, 20, 30])
        return "/api/properties?" + urlencode(params, doseq=True)

    def clusters(zoom):
        return lambda: (
            "/api/properties/clusters?"
            + urlencode({"zoom": zoom, "bbox": viewport_bbox(rnd, zoom)})
        )

    def matching():
        return f"/investieren/ergebnis/{rnd.choice(samples['profile_uids'])}/"

    def map_tile():
        # A tile of the Altmark (about 11.0-12.3 E, 52.3-53.1 N) at zoom 8-12.
        z = rnd.randint(8, 12)
        n = 2**z
        lon, lat = rnd.uniform(11.0, 12.3), rnd.uniform(52.3, 53.1)
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return f"/karte/kacheln/{z}/{x}/{y}.png"

    def onesearch():
        return "/suche/?" + urlencode(
            {
                "q": rnd.choice(
                    [
                        "Halle",
                        "Gewerbe",
                        "Lager Halle",
                        "Stendal",
                        "Gardelgen",
                        "Gewerbeflächen",
                        "Bahnhof",
                        "Coworking",
                        "Kita",
                        "Glasfaser",
                    ]
                )
            }
        )

    return {
        "api_properties_filters_bbox": (
            "kind + area + motorway + bbox (zoom-8 viewport)",
            filters_bbox,
        ),
        "api_clusters_z6": ("clusters, zoom 6, 1280x800 px viewport", clusters(6)),
        "api_clusters_z9": ("clusters, zoom 9, 1280x800 px viewport", clusters(9)),
        "api_clusters_z12": ("clusters, zoom 12, 1280x800 px viewport", clusters(12)),
        "matching_results_page": ("investor results page (matching.match + template)", matching),
        "map_tile": (
            "map tile through the guide's nginx tile cache (local fake upstream)",
            map_tile,
        ),
        "onesearch_page": ("/suche/?q= (properties, places, guides)", onesearch),
    }


def api_latency(args, stack: Stack, samples: dict) -> dict:
    import requests

    session = requests.Session()
    session.headers["Accept-Encoding"] = "gzip"
    rnd = random.Random(args.seed + 1)
    shapes = api_shapes(rnd, samples)
    plan = [name for name in shapes for _ in range(args.api_requests)]
    rnd.shuffle(plan)
    for name in list(shapes) * 5:  # warm-up
        session.get(stack.base + shapes[name][1](), timeout=30)
    data = {name: {"ms": [], "bytes": [], "gzip_bytes": [], "features": []} for name in shapes}
    for name in plan:
        url = stack.base + shapes[name][1]()
        started = time.perf_counter()
        response = session.get(url, timeout=30, stream=True)
        raw = response.raw.read(decode_content=False)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
        entry = data[name]
        entry["ms"].append(elapsed)
        entry["bytes"].append(len(body))
        entry["gzip_bytes"].append(len(raw))
        if name.startswith("api_"):
            parsed = json.loads(body)
            entry["features"].append(len(parsed.get("features", parsed.get("items", []))))
    result = {}
    for name, entry in data.items():
        result[name] = {
            "description": shapes[name][0],
            "n": len(entry["ms"]),
            "p50_ms": percentile(entry["ms"], 50),
            "p95_ms": percentile(entry["ms"], 95),
            "max_ms": max(entry["ms"]),
            "mean_bytes": sum(entry["bytes"]) / len(entry["bytes"]),
            "max_bytes": max(entry["bytes"]),
            "mean_gzip_bytes": sum(entry["gzip_bytes"]) / len(entry["gzip_bytes"]),
            "mean_items": (sum(entry["features"]) / len(entry["features"]))
            if entry["features"]
            else None,
        }
        if name.startswith("api_clusters"):
            result[name]["payload_target_bytes"] = TARGET_PAYLOAD_BYTES
            result[name]["payload_ok"] = max(entry["bytes"]) <= TARGET_PAYLOAD_BYTES
    return result


# --- 3. Page weight -----------------------------------------------------------------------------

DATA_URL_RE = re.compile(r'data-(?:geojson|outlines|municipalities)-url="([^"]+)"')
ASSET_RE = re.compile(
    r'<(?:link[^>]+rel="(?:stylesheet|modulepreload|preload)"[^>]*href|script[^>]+src)="([^"]+)"'
)


def page_weight(args, stack: Stack, detail_id: int) -> dict:
    import requests

    session = requests.Session()
    session.headers.update(
        {"Accept-Encoding": "gzip, deflate", "User-Agent": "Mozilla/5.0 (bench/load.py)"}
    )

    def fetch(url):
        response = session.get(url, timeout=30, stream=True)
        raw = response.raw.read(decode_content=False)
        body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
        return response, raw, body

    pages = {
        "home": "/",
        "property_search": "/immobilien/",
        "property_detail": f"/immobilien/{detail_id}/",
    }
    result = {}
    for name, path in pages.items():
        response, raw, body = fetch(stack.base + path)
        assets = []
        for src in dict.fromkeys(ASSET_RE.findall(body.decode())):
            a_response, a_raw, a_body = fetch(stack.base + src if src.startswith("/") else src)
            assets.append(
                {
                    "url": src,
                    "status": a_response.status_code,
                    "content_type": a_response.headers.get("Content-Type", ""),
                    "transferred": len(a_raw),
                    "uncompressed": len(a_body),
                    "encoding": a_response.headers.get("Content-Encoding", "identity"),
                    # What a pre-compressed copy (WhiteNoise writes .gz next to each file)
                    # would weigh with `gzip_static on` or CSS/JS in gzip_types.
                    "gzip_possible": len(gzip.compress(a_body, 6)),
                }
            )
        # What the map script fetches right after (markers, outlines): reported beside the target.
        map_data = []
        for src in dict.fromkeys(DATA_URL_RE.findall(body.decode())):
            src = src.replace("&amp;", "&")
            d_response, d_raw, d_body = fetch(stack.base + src)
            map_data.append(
                {
                    "url": src,
                    "status": d_response.status_code,
                    "transferred": len(d_raw),
                    "uncompressed": len(d_body),
                    "encoding": d_response.headers.get("Content-Encoding", "identity"),
                }
            )
        html = {
            "transferred": len(raw),
            "uncompressed": len(body),
            "encoding": response.headers.get("Content-Encoding", "identity"),
        }
        transferred = html["transferred"] + sum(a["transferred"] for a in assets)
        with_gzip = html["transferred"] + sum(
            min(a["transferred"], a["gzip_possible"]) for a in assets
        )
        result[name] = {
            "path": path,
            "html": html,
            "assets": assets,
            "map_data": map_data,
            "map_data_transferred": sum(d["transferred"] for d in map_data),
            "total_transferred": transferred,
            "total_uncompressed": html["uncompressed"] + sum(a["uncompressed"] for a in assets),
            "total_if_css_js_gzipped": with_gzip,
            "target_bytes": TARGET_PAGE_BYTES,
            "meets_target": transferred <= TARGET_PAGE_BYTES,
        }
    return result


# --- 4. Load: 50 clients, pages and the contact form --------------------------------------------

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def load_test(args, stack: Stack, samples: dict) -> dict:
    import requests

    ids = samples["property_ids"]
    guides = samples["guide_urls"] or ["/lotse/"]
    deadline_box = {}
    lock = threading.Lock()
    records = []  # (action, status or error, ms)

    def record(action, outcome, ms):
        with lock:
            records.append((action, outcome, ms))

    def timed(session, action, method, url, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(
                method, stack.base + url, timeout=30, allow_redirects=False, **kwargs
            )
            record(action, response.status_code, (time.perf_counter() - started) * 1000)
            return response
        except requests.RequestException as error:
            record(action, type(error).__name__, (time.perf_counter() - started) * 1000)
            return None

    def contact(session, rnd):
        form = timed(session, "contact_get", "GET", "/kontakt/")
        if form is None or form.status_code != 200:
            return
        token = CSRF_RE.search(form.text)
        # DJANGO_DEBUG=0 marks the cookies Secure; a browser on plain HTTP would not send them
        # back, so the client passes them explicitly (behind TLS in production this is moot).
        cookies = {
            "csrftoken": form.cookies.get("csrftoken") or session.cookies.get("csrftoken", "")
        }
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "name": "Last Test",
            "organisation_name": "Bench GmbH",
            "email": f"bench{rnd.randrange(10**6)}@example.invalid",
            "phone": "",
            "topic": "investment",
            "message": "Lasttest: bitte ignorieren. " * 3,
            "consent": "on",
            "homepage": "",
        }
        posted = timed(
            session,
            "contact_post",
            "POST",
            "/kontakt/",
            data=data,
            cookies=cookies,
            headers={"Referer": stack.base + "/kontakt/"},
        )
        if posted is not None and posted.status_code == 302:
            timed(
                session,
                "contact_thanks",
                "GET",
                posted.headers["Location"],
                cookies={"sessionid": posted.cookies.get("sessionid", "")},
            )

    places = samples.get("place_ids") or []

    def submit_place(session, rnd):
        form = timed(session, "place_form_get", "GET", "/region/altmark/mitmachen/")
        if form is None or form.status_code != 200:
            return
        token = CSRF_RE.search(form.text)
        select = re.search(r'<select name="municipality".*?</select>', form.text, re.S)
        options = re.findall(r'<option value="(\d+)"', select.group(0)) if select else []
        cookies = {
            "csrftoken": form.cookies.get("csrftoken") or session.cookies.get("csrftoken", "")
        }
        marker = rnd.randrange(10**9)
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "name": f"Lastort {marker}",
            "pitch": "Ein Ort aus dem Lasttest",
            "story": "<p>Lasttest: bitte ignorieren.</p>",
            "place_fields": ["work"],
            "types": ["coworking"],
            "offers": ["desks"],
            "municipality": options[0] if options else "",
            "owner_name": "Last Test",
            "owner_email": f"bench-place{marker}@example.invalid",
            "consent": "on",
            "homepage": "",
        }
        posted = timed(
            session,
            "place_form_post",
            "POST",
            "/region/altmark/mitmachen/",
            data=data,
            cookies=cookies,
            headers={"Referer": stack.base + "/region/altmark/mitmachen/"},
        )
        if posted is not None and posted.status_code == 302:
            timed(
                session,
                "place_thanks",
                "GET",
                posted.headers["Location"],
                cookies={"sessionid": posted.cookies.get("sessionid", "")},
            )

    actions = [
        ("home", 3, lambda s, r: timed(s, "home", "GET", "/")),
        (
            "place_search",
            1,
            lambda s, r: timed(
                s,
                "place_search",
                "GET",
                "/orte/?" + urlencode(r.choice([{}, {"field": "work"}, {"q": "Coworking"}])),
            ),
        ),
        (
            "place_detail",
            2,
            lambda s, r: (
                timed(s, "place_detail", "GET", f"/orte/{r.choice(places)}/") if places else None
            ),
        ),
        (
            "onesearch",
            1,
            lambda s, r: timed(
                s,
                "onesearch",
                "GET",
                "/suche/?"
                + urlencode(
                    {"q": r.choice(["Halle", "Coworking", "Kita", "Stendal", "Glasfaser"])}
                ),
            ),
        ),
        ("place_form", 1, submit_place),
        (
            "search",
            3,
            lambda s, r: timed(
                s,
                "search",
                "GET",
                "/immobilien/?"
                + urlencode(
                    r.choice(
                        [
                            {},
                            {"kind": r.choice(harness.KINDS)},
                            {"q": "Halle"},
                            {"kind": "hall", "page": 2},
                        ]
                    ),
                    doseq=True,
                ),
            ),
        ),
        ("detail", 4, lambda s, r: timed(s, "detail", "GET", f"/immobilien/{r.choice(ids)}/")),
        (
            "guide",
            2,
            lambda s, r: timed(s, "guide", "GET", r.choice(["/lotse/", "/lotse/themen/", *guides])),
        ),
        ("contact", 1, contact),
    ]
    names, weights = zip(*[(a, w) for a, w, _ in actions], strict=True)
    handlers = {a: h for a, _, h in actions}

    def client(number):
        rnd = random.Random(args.seed * 1000 + number)
        session = requests.Session()
        session.headers["Accept-Encoding"] = "gzip"
        while time.time() < deadline_box["end"]:
            handlers[rnd.choices(names, weights)[0]](session, rnd)

    print(f"  load: {args.clients} clients for {args.duration} s ...", flush=True)
    deadline_box["end"] = time.time() + args.duration
    started = time.time()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.time() - started
    per_action = {}
    for action in sorted({r[0] for r in records}):
        rows = [r for r in records if r[0] == action]
        ms = [r[2] for r in rows]
        per_action[action] = {
            "n": len(rows),
            "outcomes": dict(Counter(str(r[1]) for r in rows)),
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
            "max_ms": max(ms),
        }
    server_errors = sum(1 for r in records if isinstance(r[1], int) and r[1] >= 500)
    connection_errors = sum(1 for r in records if not isinstance(r[1], int))
    unexpected = sum(1 for r in records if isinstance(r[1], int) and r[1] >= 400 and r[1] < 500)
    return {
        "clients": args.clients,
        "duration_s": round(wall, 1),
        "requests": len(records),
        "rps": len(records) / wall,
        "server_errors_5xx": server_errors,
        "connection_errors": connection_errors,
        "client_errors_4xx": unexpected,
        "inquiries_posted": per_action.get("contact_post", {}).get("outcomes", {}).get("302", 0),
        "places_submitted": per_action.get("place_form_post", {}).get("outcomes", {}).get("302", 0),
        "meets_target": server_errors == 0 and connection_errors == 0,
        "actions": per_action,
        "think_time": "none (closed loop: each client sends its next request when the last answered)",
    }


# --- Report -------------------------------------------------------------------------------------


def yes(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_report(report: dict) -> None:
    db = report.get("database", "postgres")
    facts = report.get("database_facts", {})
    where = facts.get("path", "") if db == "sqlite" else ""
    journal = f", journal_mode={facts['journal_mode']}" if facts.get("journal_mode") else ""
    print(
        f"\nProof under load: {report['machine']['cpus']} CPUs, gunicorn -w {report['settings']['workers']} "
        f"behind nginx, database: {DATABASE_LABELS[db]} {facts.get('version', '?')}"
        f"{f' ({where}{journal})' if where else ''}, "
        f"{report.get('properties_published', 0):,} published properties"
    )
    tp = report.get("throughput")
    if tp:
        print(
            f"\n1. Throughput (wrk -t{report['settings']['wrk_threads']} -c{report['settings']['wrk_connections']} "
            f"-d{report['settings']['wrk_duration']}s, Accept-Encoding: gzip; database {DATABASE_LABELS[db]})"
        )
        print(
            f"  {'run':<24} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
            f"{'KB/req':>7} {'of static':>10}"
        )
        static_rps = tp["runs"]["nginx_static_copy"]["rps"]
        for name, run in tp["runs"].items():
            print(
                f"  {name:<24} {run['rps']:9.1f} {run['p50_ms']:8.1f} {run['p95_ms']:8.1f} "
                f"{run['p99_ms']:8.1f} {run['errors']:7d} {run['kb_per_request']:7.1f} "
                f"{run['rps'] / static_rps:10.1%}"
            )
        if "ratio_floor_wsgi_direct" in tp:
            print(
                f"  floors: minimal WSGI app under gunicorn -w {report['settings']['workers']} "
                f"{tp['ratio_floor_wsgi_direct']:.1%} of static directly, {tp['ratio_floor_wsgi_nginx']:.1%} "
                f"through nginx; Django /health/ through nginx {tp['ratio_floor_django_health']:.1%} "
                f"(the uncached target is {TARGET_RATIO_UNCACHED:.0%})"
            )
        print(
            f"  ratio uncached/static {tp['ratio_uncached']:.1%} (target >= {TARGET_RATIO_UNCACHED:.0%}: "
            f"{yes(tp['ratio_uncached'] >= TARGET_RATIO_UNCACHED)}); same URL/static "
            f"{tp['ratio_same_url']:.1%} (target >= {TARGET_RATIO_CACHED:.0%} cached: "
            f"{yes(tp['ratio_same_url'] >= TARGET_RATIO_CACHED)}; the app has no page cache)"
        )
        if "ratio_micro_cached" in tp:
            print(
                f"  ratio nginx micro-cache/static {tp['ratio_micro_cached']:.1%} (target >= {TARGET_RATIO_CACHED:.0%} "
                f"cached: {yes(tp['ratio_micro_cached'] >= TARGET_RATIO_CACHED)})"
            )
    api = report.get("api")
    if api:
        print("\n2. API and pages, sequential requests through nginx (client-side ms)")
        print(
            f"  {'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>9} {'max':>9} "
            f"{'gzip':>8} {'items':>6}"
        )
        for name, s in api.items():
            flag = (
                "" if "payload_ok" not in s else ("  <= 50 KB" if s["payload_ok"] else "  > 50 KB!")
            )
            items = f"{s['mean_items']:6.0f}" if s["mean_items"] is not None else f"{'':>6}"
            print(
                f"  {name:<28} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} {s['max_ms']:8.1f} "
                f"{s['mean_bytes']:9,.0f} {s['max_bytes']:9,} {s['mean_gzip_bytes']:8,.0f} {items}{flag}"
            )
    weight = report.get("page_weight")
    if weight:
        print(
            "\n3. Page weight (HTML + CSS + JS as nginx sends them, gzip accepted; before map tiles)"
        )
        print(
            f"  {'page':<18} {'HTML':>8} {'CSS+JS':>9} {'total':>9} {'uncompr.':>9} {'CSS/JS gz':>10}  "
            f"{'target 150 KB':<14} {'+ map data':>10}"
        )
        for name, page in weight.items():
            assets = sum(a["transferred"] for a in page["assets"])
            print(
                f"  {name:<18} {page['html']['transferred']:8,} {assets:9,} {page['total_transferred']:9,} "
                f"{page['total_uncompressed']:9,} {page['total_if_css_js_gzipped']:10,}  "
                f"{yes(page['meets_target']):<14} {page['map_data_transferred']:10,}"
            )
        print(
            "  CSS/JS gz: the total if nginx also compressed CSS and JS (gzip_static on, or text/css and\n"
            "  application/javascript in gzip_types); map data: GeoJSON the map fetches after load."
        )
    load = report.get("load")
    if load:
        print(
            f"\n4. Load: {load['clients']} clients, {load['duration_s']} s, no think time: "
            f"{load['requests']:,} requests ({load['rps']:.1f}/s), 5xx {load['server_errors_5xx']}, "
            f"connection errors {load['connection_errors']}, 4xx {load['client_errors_4xx']}, "
            f"inquiries stored {load['inquiries_posted']}, places submitted {load.get('places_submitted', 0)} "
            f"-> {yes(load['meets_target'])}"
        )
        print(f"  {'action':<16} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  outcomes")
        for name, a in load["actions"].items():
            print(
                f"  {name:<16} {a['n']:6d} {a['p50_ms']:8.0f} {a['p95_ms']:8.0f} {a['p99_ms']:8.0f}  {a['outcomes']}"
            )
    log = report.get("gunicorn_log")
    if log:
        print(
            f"\n  gunicorn log (whole run): {log['lines']} lines, OperationalError {log['operational_error']}, "
            f"'database is locked' {log['database_is_locked']}, 'Service Unavailable' {log['service_unavailable']}, "
            f"'page view not counted' {log['page_view_not_counted']}, ERROR {log['error']}, "
            f"Traceback {log['traceback']}, WARNING {log['warning']}"
        )
        for line in log["sample"]:
            print(f"    {line[:200]}")
    print(
        f"\n  1-minute load average {report['load_average_before'][0]:.2f} before, "
        f"{report['load_average_after'][0]:.2f} after."
    )


def summarize_gunicorn_log(path: Path) -> dict:
    """Counts of the lines that matter in the app's gunicorn log, and the first few of them.

    A database error on a request is logged by core.middleware as "database unavailable:
    OperationalError" (the exception's text, e.g. SQLite's "database is locked", is not in the
    line) and by django.request as "Service Unavailable: <path>" with status 503; a failed page
    view count (reach middleware) as a WARNING "page view not counted" with the traceback.
    """
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    interesting = [
        line
        for line in lines
        if any(
            word in line
            for word in (
                "database is locked",
                "ERROR",
                "Traceback",
                "WARNING",
                "OperationalError",
                "page view not counted",
                "Service Unavailable",
            )
        )
    ]
    return {
        "lines": len(lines),
        "database_is_locked": sum("database is locked" in line for line in lines),
        "page_view_not_counted": sum("page view not counted" in line for line in lines),
        "error": sum("ERROR" in line for line in lines),
        "traceback": sum("Traceback" in line for line in lines),
        "warning": sum("WARNING" in line for line in lines),
        "operational_error": sum("OperationalError" in line for line in lines),
        "service_unavailable": sum("Service Unavailable" in line for line in lines),
        "sample": interesting[:10],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        choices=("postgres", "sqlite"),
        default="postgres",
        help="database engine (default postgres)",
    )
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_LOAD_PG_URL", DEFAULT_PG_URL))
    parser.add_argument(
        "--sqlite-path",
        type=Path,
        default=None,
        help="SQLite file (default WORKDIR/sqlite/load.sqlite3)",
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--port", type=int, default=8480, help="nginx port on 127.0.0.1")
    parser.add_argument("--app-port", type=int, default=8481, help="gunicorn port on 127.0.0.1")
    parser.add_argument(
        "--floor-port",
        type=int,
        default=8483,
        help="gunicorn port of the minimal WSGI app (wrk part); nginx's micro-cache is on PORT+2",
    )
    parser.add_argument("--wrk-duration", type=int, default=15)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument("--api-requests", type=int, default=100, help="timed requests per endpoint")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument(
        "--only", default="wrk,api,weight,load", help="parts to run (comma separated)"
    )
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=None,
        metavar="LOAD",
        help="before measuring, wait (up to 10 min) until the 1-minute load average is below LOAD",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--workdir", default=str(WORKDIR), help="media (kept with the database) and temp dirs"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="default bench/results/load.json (postgres) or load-sqlite.json (sqlite)",
    )
    parser.add_argument("--setup-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_child:
        setup_child()
        return 0
    base = Path(args.workdir).resolve()
    if args.output is None:
        args.output = RESULTS[args.database]
    if args.database == "postgres":
        if harness.pg_dbname(args.pg_url) in harness.PROTECTED_PG_DATABASES:
            parser.error(
                f"--pg-url must name a benchmark database, not {harness.pg_dbname(args.pg_url)!r}"
            )
        problem = harness.pg_reachable(args.pg_url)
        if problem:
            raise SystemExit(f"PostgreSQL at {args.pg_url} not reachable: {problem}")
        args.database_url = args.pg_url
        args.sqlite_path = None
        media = base / "media"
    else:
        # The project's convention (settings.py, dj_database_url): sqlite:/// + absolute path.
        args.sqlite_path = (args.sqlite_path or base / "sqlite" / "load.sqlite3").resolve()
        args.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        args.database_url = f"sqlite:///{args.sqlite_path}"
        media = base / "sqlite" / "media"
    if len({args.port, args.app_port, args.port + 2, args.floor_port}) < 4:
        parser.error("--port, --app-port, --port + 2 (micro-cache) and --floor-port must differ")
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y nginx wrk")

    base.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    dirs = {
        "media": media,
        "work": run_dir,
        "static": run_dir / "static",
        "cache": run_dir / "cache",
        "private": run_dir / "private",
    }
    for key in ("media", "cache", "private"):
        dirs[key].mkdir(parents=True, exist_ok=True)
    args.workdir = str(run_dir)
    parts = set(args.only.split(","))

    print(f"== database {DATABASE_LABELS[args.database]}: {args.database_url}", flush=True)
    preparation = prepare(args, dirs)
    if args.prepare_only:
        shutil.rmtree(run_dir, ignore_errors=True)
        return 0
    samples = sample_ids(args)
    if args.wait_quiet is not None:
        waited = harness.wait_low_load(args.wait_quiet, poll_s=5, say=None)
        print(f"  waited {waited:.0f} s for load average {os.getloadavg()[0]:.2f}", flush=True)
    report = {
        "benchmark": f"proof under load (nginx + gunicorn + {DATABASE_LABELS[args.database]} on loopback)",
        "database": args.database,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine_info(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("output", "setup_child")},
        "preparation": preparation,
        "properties_published": len(samples["property_ids"]),
        "load_average_before": harness.load_average(),
    }
    report["settings"]["output"] = str(args.output)
    report["database_facts"] = database_facts(args)
    if args.database == "postgres":
        report["postgres_version"] = report["database_facts"]["version"]
    else:
        report["sqlite_version"] = report["database_facts"]["version"]
    report["django_database_settings"] = django_database_settings(app_env(args, dirs, args.port))
    report["nginx_version"] = subprocess.run(
        ["nginx", "-v"], capture_output=True, text=True
    ).stderr.strip()

    stack = Stack(args, dirs)
    print("== collectstatic", flush=True)
    report["collectstatic_s"] = round(stack.collectstatic(), 1)
    try:
        print(
            f"== starting gunicorn -w {args.workers} on :{args.app_port} behind nginx on :{args.port}",
            flush=True,
        )
        stack.start()
        detail_id = samples["property_ids"][len(samples["property_ids"]) // 2]
        if "wrk" in parts:
            report["throughput"] = throughput(args, stack, samples["property_ids"])
            detail_id = report["throughput"]["detail_id"]
        if "api" in parts:
            print(f"  API: {args.api_requests} requests per endpoint ...", flush=True)
            report["api"] = api_latency(args, stack, samples)
        if "weight" in parts:
            report["page_weight"] = page_weight(args, stack, detail_id)
        if "load" in parts:
            report["load"] = load_test(args, stack, samples)
            log = (dirs["work"] / "gunicorn.log").read_text(errors="replace")
            report["load"]["gunicorn_log_errors"] = [
                line for line in log.splitlines() if "ERROR" in line or "Traceback" in line
            ][:20]
            error_log = dirs["work"] / "nginx-error.log"
            nginx_errors = (
                error_log.read_text(errors="replace").splitlines() if error_log.exists() else []
            )
            report["load"]["nginx_error_log_lines"] = len(nginx_errors)
            report["load"]["nginx_error_log_sample"] = nginx_errors[:5]
    finally:
        stack.stop()
        print("== stopped nginx and gunicorn", flush=True)
        report["gunicorn_log"] = summarize_gunicorn_log(dirs["work"] / "gunicorn.log")
    report["load_average_after"] = harness.load_average()
    print_report(report)
    harness.write_results(report, args.output)
    shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
