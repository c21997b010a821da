"""Fault runs against a real server: PostgreSQL restarted under load, mail server down, disk full.

    python bench/faults.py                       # all three scenarios (about 5 minutes + waiting)
    python bench/faults.py --scenarios 1         # only the PostgreSQL restart
    python bench/faults.py --scenarios 2,3 --no-prepare   # reuse the prepared database

It starts everything itself and stops it again at the end (PostgreSQL stays running):

- its own database `standortlotse_faults` (dropped and created, then `migrate` + `load_demo`),
- gunicorn (`standortlotse.wsgi`, 2 workers) with production settings (`DJANGO_DEBUG=0`, hashed
  static files from a `collectstatic` into the work folder, SMTP email backend, raised rate limits),
- the task worker `manage.py db_worker`, supervised like systemd's `Restart=always` would (every
  exit is recorded and reported),
- a small SMTP sink in this process that stores every message it receives and can be stopped
  (connections refused) and started again on the same port.

Scenarios, run in the order 3, 2, 1 (see docs/faults.md for what they check and the recorded results):

1. PostgreSQL restart while client threads post inquiries (/kontakt/) and place submissions
   (/region/altmark/mitmachen/) for `--duration` seconds; the restart comes after
   `--restart-after` seconds, but only once `pgrep -f` has found no pytest run and no other
   benchmark (`--quiet-pattern`) for `--quiet-seconds` (they use the same PostgreSQL). Every response is recorded and
   afterwards matched against the database by a unique marker in the message / place name.
   `--restarts N` restarts N times, `--restart-every` seconds apart. Then tasks left in RUNNING by a
   worker that died are looked up (each worker process gets its own --worker-id), `manage.py
   tasks_recover --minutes --recover-minutes` runs as cron would, and the script checks that the
   re-queued tasks end SUCCESSFUL, nothing stays RUNNING, and every mail task of the stream arrived
   (duplicates of re-run tasks are counted, not failed). `--smtp-delay` makes the sink answer late,
   which keeps the worker busy, so that a restart is more likely to hit it in the middle of a task.
2. Mail server down: the sink is stopped, inquiries are submitted, the worker's failed first
   attempts and the re-enqueued retries (DBTaskResult rows) are shown, the sink starts again and
   the script waits until each inquiry's mails arrived (first retry after 60 s, see core/mail.py).
3. Disk full: a 1 MB tmpfs is mounted over MEDIA_ROOT while the server runs and filled up; a
   place submission with a photo must get the 507 page and leave no record. Skipped when
   `mount` is not permitted.

Results go to `bench/results/faults.json` (and are printed). Exit status 1 when a check failed.
"""

import argparse
import email
import email.policy
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from io import BytesIO
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

ROOT = harness.ROOT
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/standortlotse_faults"
SAVED_NOT = ("nicht gespeichert", "not saved")


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


# --- SMTP sink -----------------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    def send(self, line: str):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.send("220 faults-sink ESMTP")
        sender, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("latin-1").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.send("250-faults-sink")
                self.send("250 8BITMIME")
            elif verb == "HELO":
                self.send("250 faults-sink")
            elif verb == "MAIL":
                sender, rcpts = command[10:].strip(), []
                self.send("250 OK")
            elif verb == "RCPT":
                rcpts.append(command[8:].strip().strip("<>").split(">")[0])
                self.send("250 OK")
            elif verb == "DATA":
                self.send("354 end with <CRLF>.<CRLF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                self.server.sink.store(sender, rcpts, b"".join(chunks))
                time.sleep(
                    self.server.sink.delay
                )  # a slow mail server: stored, the answer comes late
                self.send("250 OK queued")
            elif verb == "RSET":
                sender, rcpts = None, []
                self.send("250 OK")
            elif verb == "NOOP":
                self.send("250 OK")
            elif verb == "QUIT":
                self.send("221 bye")
                return
            else:
                self.send("502 not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    """Stores every message; stop() closes the port (connection refused), start() opens it again."""

    def __init__(self, port: int, delay: float = 0):
        self.port, self.delay = port, delay
        self.messages = []  # {"t", "from", "rcpts", "subject", "body"}
        self.lock = threading.Lock()
        self.server = None

    def store(self, sender, rcpts, data: bytes):
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        part = parsed.get_body(preferencelist=("plain",)) if parsed.is_multipart() else parsed
        body = part.get_content() if part is not None else ""
        with self.lock:
            self.messages.append(
                {
                    "t": time.time(),
                    "from": sender,
                    "rcpts": [r.lower() for r in rcpts],
                    "subject": str(parsed["subject"]),
                    "body": body,
                }
            )

    def start(self):
        self.server = _SmtpServer(("127.0.0.1", self.port), _SmtpHandler)
        self.server.sink = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address.lower() in m["rcpts"]]

    def containing(self, text: str) -> list:
        with self.lock:
            return [m for m in self.messages if text in m["body"]]

    def received(self) -> Counter:
        """How often each mail arrived, by mail_key()."""
        with self.lock:
            return Counter(mail_key(m["rcpts"], m["body"]) for m in self.messages)


# --- processes -----------------------------------------------------------------------------------


class Processes:
    def __init__(self, env: dict, workdir: Path, port: int):
        self.env, self.workdir, self.port = env, workdir, port
        self.gunicorn = None
        self.worker = None
        self.worker_id = (
            None  # --worker-id of the current db_worker; it ends up in DBTaskResult.worker_ids
        )
        self.worker_count = 0
        self.worker_exits = []  # {"t", "returncode", "worker_id", "log_tail"}
        self._stop = threading.Event()
        self._supervisor = None

    def _spawn(self, args, logname):
        logfile = open(self.workdir / logname, "ab")
        return subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _spawn_worker(self):
        # Each worker process gets its own id, so a RUNNING row can be told apart: claimed by the
        # live worker (in progress) or by one that has exited (stuck).
        self.worker_count += 1
        self.worker_id = f"faults-{os.getpid()}-{self.worker_count}"
        return self._spawn(
            [str(PY), "manage.py", "db_worker", "--interval", "1", "--worker-id", self.worker_id],
            "worker.log",
        )

    def dead_worker_ids(self) -> set:
        return {e["worker_id"] for e in self.worker_exits}

    def start(self):
        self.gunicorn = self._spawn(
            [
                str(GUNICORN),
                "standortlotse.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "2",
                "--timeout",
                "60",
                "--access-logfile",
                str(self.workdir / "access.log"),
            ],
            "gunicorn.log",
        )
        self.worker = self._spawn_worker()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(self.url("/health/"), timeout=3).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /health/ within 60 s (see gunicorn.log)")

    def _supervise(self):
        # Like systemd's Restart=always for standortlotse-worker.service: record and restart.
        while not self._stop.is_set():
            code = self.worker.poll()
            if code is not None and not self._stop.is_set():
                tail = (self.workdir / "worker.log").read_text(errors="replace").splitlines()[-6:]
                self.worker_exits.append(
                    {
                        "t": time.time(),
                        "returncode": code,
                        "worker_id": self.worker_id,
                        "log_tail": tail,
                    }
                )
                log(
                    f"task worker {self.worker_id} exited with {code}; restarting it (as systemd Restart=always would)"
                )
                time.sleep(1)
                self.worker = self._spawn_worker()
            time.sleep(0.3)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self._stop.set()
        for proc in (self.gunicorn, self.worker):
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (self.gunicorn, self.worker):
            if proc:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def prepare(pg_url: str, env: dict):
    name = pg_url.rsplit("/", 1)[1]
    if name in harness.PROTECTED_PG_DATABASES or not name:
        sys.exit(f"refusing to drop database {name!r}")
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    for args in (
        ["migrate", "--noinput"],
        ["load_demo", "--allow-production"],
        ["collectstatic", "--noinput"],
    ):
        started = time.time()
        subprocess.run(
            [str(PY), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        log(f"prepared: manage.py {' '.join(args)} ({time.time() - started:.1f} s)")


# --- HTTP client ---------------------------------------------------------------------------------


def classify(response, error, success_path):
    if error is not None:
        return "connection-error"
    body = response.text
    if "Traceback" in body or "Exception Value" in body:
        return "traceback"
    if response.status_code in (302, 303) and response.headers.get("Location", "").endswith(
        success_path
    ):
        return "success"
    saved_not = any(text in body for text in SAVED_NOT)
    if response.status_code == 503 and saved_not and response.headers.get("Retry-After"):
        return "503-page"
    if response.status_code == 507 and saved_not:
        return "507-page"
    if response.status_code == 500:
        return "500-page"
    if response.status_code == 200:
        return "200"
    return str(response.status_code)


class FormClient:
    """GETs the form (CSRF token, cookie) and POSTs it; records every response.

    The CSRF cookie is Secure with DEBUG=0, so it is sent by hand over plain HTTP."""

    def __init__(self, base_url, records, lock):
        self.base_url, self.records, self.lock = base_url, records, lock
        self.cookie = None
        self.token = None

    def request(self, kind, marker, method, path, success_path, **kwargs):
        headers = {"Cookie": f"csrftoken={self.cookie}"} if self.cookie else {}
        started = time.time()
        response = error = None
        try:
            response = requests.request(
                method,
                self.base_url + path,
                headers=headers,
                allow_redirects=False,
                timeout=70,
                **kwargs,
            )
        except requests.RequestException as exc:
            error = exc
        outcome = (
            classify(response, error, success_path)
            if method == "POST"
            else (
                "ok"
                if response is not None and response.status_code == 200
                else classify(response, error, "\0")
            )
        )
        record = {
            "kind": kind,
            "marker": marker,
            "method": method,
            "path": path,
            "t": started,
            "elapsed": round(time.time() - started, 3),
            "outcome": outcome,
            "status": response.status_code if response is not None else None,
            "error": repr(error) if error else None,
        }
        if response is not None and outcome not in ("success", "ok", "503-page", "507-page"):
            record["body_head"] = response.text[:300]
        with self.lock:
            self.records.append(record)
        if response is not None and method == "GET" and response.status_code == 200:
            self.cookie = response.cookies.get("csrftoken") or self.cookie
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            self.token = found.group(1) if found else self.token
        return response, outcome


def inquiry_data(marker):
    return {
        "name": "Lastprobe",
        "email": f"{marker.lower()}@example.org",
        "topic": "other",
        "message": f"Lastprobe {marker} – bitte ignorieren.",
        "consent": "on",
        "homepage": "",
    }


def place_data(marker, municipality):
    return {
        "name": f"Probeort {marker}",
        "pitch": "Ein Ort aus dem Fehlertest",
        "story": "<p>Probe</p>",
        "place_fields": ["work"],
        "types": ["coworking"],
        "offers": ["desks"],
        "municipality": municipality,
        "owner_name": "Probe Person",
        "owner_email": f"{marker.lower()}@example.org",
        "consent": "on",
        "homepage": "",
    }


def post_inquiry(client, marker):
    if client.request("inquiry", marker, "GET", "/kontakt/", "")[1] != "ok" and not client.token:
        return "no-form"
    return client.request(
        "inquiry",
        marker,
        "POST",
        "/kontakt/",
        "/kontakt/danke/",
        data={**inquiry_data(marker), "csrfmiddlewaretoken": client.token},
    )[1]


def municipality_of(html):
    select = re.search(r'<select name="municipality".*?</select>', html, re.S)
    values = re.findall(r'<option value="(\d+)"', select.group(0)) if select else []
    return values[0] if values else None


def post_place(client, marker, region="altmark", files=None, alt=""):
    path = f"/region/{region}/mitmachen/"
    response, outcome = client.request("place", marker, "GET", path, "")
    if outcome == "ok":
        client.municipality = municipality_of(response.text)
    if not client.token or not getattr(client, "municipality", None):
        return "no-form"
    data = {**place_data(marker, client.municipality), "csrfmiddlewaretoken": client.token}
    if files:
        data["photo_alt"] = alt
    return client.request(
        "place", marker, "POST", path, "/orte/mitmachen/danke/", data=data, files=files
    )[1]


# --- database checks -----------------------------------------------------------------------------


def db_query(pg_url, sql, params=(), attempts=30):
    for attempt in range(attempts):
        try:
            with psycopg.connect(pg_url, autocommit=True, connect_timeout=3) as conn:
                return conn.execute(sql, params).fetchall()
        except psycopg.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def stored_inquiries(pg_url, prefix):
    rows = db_query(
        pg_url,
        "SELECT id, message FROM inquiries_inquiry WHERE message LIKE %s",
        [f"Lastprobe {prefix}%"],
    )
    result = {}
    for pk, message in rows:
        marker = message.split()[1]
        result.setdefault(marker, []).append(pk)
    return result


def stored_places(pg_url, prefix):
    rows = db_query(
        pg_url, "SELECT id, name FROM places_place WHERE name LIKE %s", [f"Probeort {prefix}%"]
    )
    result = {}
    for pk, name in rows:
        result.setdefault(name.split()[1], []).append(pk)
    return result


def task_rows(pg_url, like):
    return db_query(
        pg_url,
        """
        SELECT status, return_value::text, (args_kwargs->'args'->>3)::int AS attempt, enqueued_at, run_after,
               finished_at, args_kwargs->'args'->>1 AS subject
        FROM django_tasks_database_dbtaskresult WHERE args_kwargs::text LIKE %s ORDER BY enqueued_at""",
        [like],
    )


TASKS = "django_tasks_database_dbtaskresult"
# django_tasks_db stores "run as soon as possible" as run_after = 9999-01-01 (models.get_date_max()).
DUE = "(run_after <= now() OR run_after >= '9999-01-01')"


def wait_for_queue(pg_url, timeout, ignore_workers=lambda: ()):
    """Until no READY task is due and no task is RUNNING, except RUNNING tasks claimed by one of
    `ignore_workers()` (worker ids); returns what is left as {status: count}."""
    deadline = time.time() + timeout
    while True:
        left = db_query(
            pg_url,
            f"""SELECT status, count(*) FROM {TASKS}
                                    WHERE (status = 'RUNNING' AND NOT COALESCE(worker_ids->>-1, '') = ANY(%s))
                                       OR (status = 'READY' AND {DUE}) GROUP BY status""",
            [sorted(ignore_workers())],
        )
        if not left or time.time() > deadline:
            return dict(left)
        time.sleep(1)


def mail_key(recipients, body):
    """What identifies one mail: its recipients and its body (whitespace as sent over SMTP aside)."""
    return tuple(sorted(r.lower() for r in recipients)), " ".join(body.split())


def running_tasks(pg_url):
    rows = db_query(
        pg_url,
        f"""SELECT id::text, COALESCE(worker_ids->>-1, ''), started_at,
                                       EXTRACT(EPOCH FROM now() - started_at)::float, task_path,
                                       args_kwargs->'args'->0, args_kwargs->'args'->>1, args_kwargs->'args'->>2
                                FROM {TASKS} WHERE status = 'RUNNING' ORDER BY started_at""",
    )
    return [
        {
            "id": pk,
            "worker": worker,
            "started_at": str(started),
            "age_s": round(age, 1),
            "task": path,
            "subject": subject,
            "key": mail_key(to if isinstance(to, list) else [str(to)], body or ""),
        }
        for pk, worker, started, age, path, to, subject, body in rows
    ]


def mail_tasks(pg_url, since):
    """Every mail task enqueued since `since` (epoch seconds)."""
    rows = db_query(
        pg_url,
        f"""SELECT id::text, status, return_value::text, worker_ids,
                                       args_kwargs->'args'->0, args_kwargs->'args'->>2
                                FROM {TASKS} WHERE task_path LIKE %s AND enqueued_at >= to_timestamp(%s)""",
        ["%send_email_task", since],
    )
    return [
        {
            "id": pk,
            "status": status,
            "return_value": value,
            "worker_ids": workers,
            "key": mail_key(to, body),
        }
        for pk, status, value, workers, to, body in rows
    ]


# --- scenario 1: PostgreSQL restart --------------------------------------------------------------

QUIET_PATTERN = r"pytest|bench/(load|search_api|matching|onesearch|import_properties)\.py"


def wait_quiet(pattern, seconds, timeout):
    log(f"waiting until nothing matches {pattern!r} for {seconds} s (they share PostgreSQL)")
    return harness.wait_no_process(pattern, seconds, timeout)


def restart_postgres(cluster):
    started = time.time()
    if shutil.which("pg_ctlcluster"):
        version, name = cluster.split()
        subprocess.run(["pg_ctlcluster", version, name, "restart", "-m", "fast"], check=True)
    else:
        subprocess.run(["service", "postgresql", "restart"], check=True)
    return started, time.time()


def scenario_restart(args, procs, sink, run):
    records, lock = [], threading.Lock()
    stop = threading.Event()

    def stream(post, prefix):
        """One client posting one form until stopped; markers `<tag><prefix>-<n>`."""
        client = FormClient(procs.url(""), records, lock)
        n = 0
        while not stop.is_set():
            n += 1
            post(client, f"{tag}{prefix}-{n}")
            time.sleep(args.pause)

    for attempt in range(1, 4):
        if not wait_quiet(args.quiet_pattern, args.quiet_seconds, args.quiet_timeout):
            return {
                "skipped": f"other runs kept going for {args.quiet_timeout} s: PostgreSQL not restarted"
            }
        # Markers per attempt, so what an aborted attempt saved is not counted as "saved twice".
        tag = f"FLT-{run}-S1{'ABC'[attempt - 1]}"
        records.clear()
        stop.clear()
        threads = [
            threading.Thread(target=stream, args=(post_inquiry, f"I{i}"))
            for i in range(args.inquiry_threads)
        ]
        threads.append(threading.Thread(target=stream, args=(post_place, "P")))
        begin = time.time()
        log(
            f"stream started ({args.inquiry_threads} inquiry threads, 1 place thread) for {args.duration} s"
        )
        for thread in threads:
            thread.start()
        time.sleep(args.restart_after)
        if harness.busy(args.quiet_pattern):
            log(
                "a test run or benchmark started meanwhile: stream stopped, no restart; waiting again"
            )
            stop.set()
            for thread in threads:
                thread.join()
            continue
        restarts = []
        for number in range(args.restarts):
            if number:
                time.sleep(
                    max(0, begin + args.restart_after + number * args.restart_every - time.time())
                )
                if harness.busy(args.quiet_pattern):
                    log("a test run or benchmark started meanwhile: no further restart")
                    break
            down, up = restart_postgres(args.pg_cluster)
            restarts.append({"t_down": round(down - begin, 2), "seconds": round(up - down, 2)})
            log(f"PostgreSQL restart {number + 1}/{args.restarts} took {up - down:.1f} s")
        time.sleep(max(0, begin + args.duration - time.time()))
        stop.set()
        for thread in threads:
            thread.join()
        break
    else:
        return {"skipped": "test runs kept starting: PostgreSQL not restarted"}

    # Afterwards: what the database holds.
    saved_inquiries = stored_inquiries(args.pg_url, tag)
    saved_places = stored_places(args.pg_url, tag)
    posts = [r for r in records if r["method"] == "POST"]
    summary = {"restarts": restarts, "stream_s": round(time.time() - begin, 1)}
    problems = []
    for kind, saved in (("inquiry", saved_inquiries), ("place", saved_places)):
        mine = [r for r in posts if r["kind"] == kind]
        outcomes = {}
        for r in mine:
            outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
        success = [r for r in mine if r["outcome"] == "success"]
        lost = [r["marker"] for r in success if r["marker"] not in saved]
        duplicated = [m for m, pks in saved.items() if len(pks) > 1]
        errored = [r for r in mine if r["outcome"] != "success"]
        saved_despite_error = [r["marker"] for r in errored if r["marker"] in saved]
        unclear = [r for r in errored if r["outcome"] not in ("503-page", "507-page")]
        entry = {
            "posts": len(mine),
            "outcomes": outcomes,
            "saved_in_db": len(saved),
            "success_but_missing_in_db": lost,
            "saved_twice": duplicated,
            "error_page_but_saved": saved_despite_error,
            "unclear_responses": [
                {k: r.get(k) for k in ("marker", "status", "outcome", "body_head", "error")}
                for r in unclear
            ],
        }
        gets = [r for r in records if r["method"] == "GET" and r["kind"] == kind]
        entry["form_gets"] = {}
        for r in gets:
            entry["form_gets"][r["outcome"]] = entry["form_gets"].get(r["outcome"], 0) + 1
        summary[kind] = entry
        if lost:
            problems.append(f"{kind}: {len(lost)} confirmed but not in the database")
        if duplicated:
            problems.append(f"{kind}: {len(duplicated)} saved twice")
        if unclear:
            problems.append(
                f"{kind}: {len(unclear)} responses without the 503/507 page "
                f"({sorted({r['outcome'] for r in unclear})})"
            )
        if saved_despite_error:
            problems.append(
                f"{kind}: {len(saved_despite_error)} saved although the page said 'not saved'"
            )
    summary["worker_exits"] = [{**e, "t": round(e["t"] - begin, 1)} for e in procs.worker_exits]
    if procs.worker_exits:
        problems.append(
            f"task worker exited {len(procs.worker_exits)}× (restarted by the supervisor)"
        )

    # Stuck tasks: the live worker works off the queue; a task still RUNNING after that was claimed
    # by a worker process that has exited (every worker gets its own --worker-id).
    left = wait_for_queue(args.pg_url, args.queue_timeout, procs.dead_worker_ids)
    dead = procs.dead_worker_ids()
    running = running_tasks(args.pg_url)
    stuck = [t for t in running if t["worker"] in dead]
    received = sink.received()
    for t in stuck:
        t["mail_already_received"] = received[t["key"]]
    recovery = {
        "stuck_running_found": len(stuck),
        "stuck_tasks": [{k: v for k, v in t.items() if k != "key"} for t in stuck],
        "tasks_left_before_recovery": left,
    }
    if left:
        problems.append(
            f"before tasks_recover, after {args.queue_timeout} s: tasks neither done nor stuck: {left}"
        )

    # Then tasks_recover, as cron runs it (deployment.md: every 10 minutes, default --minutes 30).
    # 30 min is far longer than any task of the live worker runs, so it never re-queues a task in
    # progress. Here --recover-minutes (default 1, the smallest value above 0 that the int option
    # takes) plays that role: a mail task takes well under a second, and the script waits until
    # the stuck tasks are that old. --minutes 0 would also re-queue a task that the live worker
    # has just claimed, and it would run twice. Nothing is edited by hand: the rows are only read.
    if stuck:
        wait = max(0.0, args.recover_minutes * 60 + 2 - min(t["age_s"] for t in stuck))
        log(
            f"{len(stuck)} task(s) stuck in RUNNING (claimed by a worker that exited); tasks_recover "
            f"--minutes {args.recover_minutes} in {wait:.0f} s, when they are old enough"
        )
        time.sleep(wait)
    else:
        log(
            "no task stuck in RUNNING: the worker did not die in the middle of a task in this run, so "
            "tasks_recover is NOT tested (run anyway: it must re-queue nothing)"
        )
    started = time.time()
    command = [str(PY), "manage.py", "tasks_recover", "--minutes", str(args.recover_minutes)]
    result = subprocess.run(command, cwd=ROOT, env=procs.env, capture_output=True, text=True)
    found = re.search(r"(\d+) stuck task", result.stdout)
    requeued = int(found.group(1)) if found else None
    output = result.stdout.strip() or result.stderr.strip()[-300:]
    log(f"manage.py tasks_recover --minutes {args.recover_minutes}: {output}")
    recovery.update(
        {
            "tested": bool(stuck),
            "command": " ".join(command[1:]),
            "returncode": result.returncode,
            "output": result.stdout.strip(),
            "requeued": requeued,
        }
    )
    if result.returncode != 0 or requeued is None:
        problems.append(
            f"tasks_recover failed ({result.returncode}): {result.stderr.strip()[-300:]}"
        )
    elif requeued != len(stuck):
        problems.append(f"tasks_recover re-queued {requeued} task(s), but {len(stuck)} were stuck")

    # The live worker picks the re-queued tasks up; afterwards nothing may stay RUNNING.
    left = wait_for_queue(args.pg_url, args.queue_timeout)
    recovery["done_after_s"] = round(time.time() - started, 1)
    recovery["tasks_left_after_recovery"] = left
    still_running = running_tasks(args.pg_url)
    recovery["running_after_recovery"] = len(still_running)
    if left or still_running:
        problems.append(
            f"after tasks_recover and {args.queue_timeout} s: {left or {}}, "
            f"{len(still_running)} RUNNING"
        )
    time.sleep(3)  # a mail sent twice would arrive now

    # Mails. Every mail task of the stream (confirmations, notifications, owner links) against what
    # the sink received; a re-run stuck task whose mail had already gone out sends it again.
    tasks = mail_tasks(args.pg_url, begin)
    stuck_ids = {t["id"] for t in stuck}
    recovered = [t for t in tasks if t["id"] in stuck_ids]
    final = db_query(
        args.pg_url,
        f"""SELECT id::text, status, return_value::text, worker_ids, finished_at
                                      FROM {TASKS} WHERE id::text = ANY(%s)""",
        [sorted(stuck_ids)],
    )
    recovery["recovered_succeeded"] = sum(1 for row in final if row[1] == "SUCCESSFUL")
    recovery["recovered_final"] = [
        {
            "id": pk,
            "status": status,
            "return_value": value,
            "worker_ids": workers,
            "finished_at": str(finished),
        }
        for pk, status, value, workers, finished in final
    ]
    if recovery["recovered_succeeded"] != len(stuck):
        problems.append(
            f"only {recovery['recovered_succeeded']} of {len(stuck)} re-queued tasks SUCCESSFUL"
        )
    received = sink.received()
    keys = {t["key"] for t in tasks}
    recovered_keys = {t["key"] for t in recovered}
    missing = [k for k in keys if received[k] == 0]
    extra = {k: received[k] - 1 for k in keys if received[k] > 1}
    mails = {
        "tasks": len(tasks),
        "distinct_mails": len(keys),
        "received": sum(received[k] for k in keys),
        "never_received": len(missing),
        "duplicates_of_recovered_tasks": sum(n for k, n in extra.items() if k in recovered_keys),
        "duplicates_other": sum(n for k, n in extra.items() if k not in recovered_keys),
        "duplicate_subjects": sorted({t["subject"] for t in stuck if t["key"] in extra}),
    }
    if missing:
        problems.append(f"{len(missing)} mail task(s) of the stream whose mail never arrived")
    if mails["duplicates_other"]:
        problems.append(
            f"{mails['duplicates_other']} mail(s) arrived twice without a re-queued task behind them"
        )
    # And per saved record, which also finds a mail whose task was never enqueued: the confirmation
    # (inquiry) or owner link (place) to the marker's address, and the staff notification (to the
    # organisation / the region's moderators, with the link to the record in the back office).
    for kind, saved, staff_link in (
        ("inquiry", saved_inquiries, "/datenpflege/anfragen/{}/"),
        ("place", saved_places, "/datenpflege/orte/{}/"),
    ):
        sender = {m: len(sink.to(f"{m.lower()}@example.org")) for m in saved}
        staff = {
            m: sum(len(sink.containing(staff_link.format(pk))) for pk in pks)
            for m, pks in saved.items()
        }
        entry = summary[kind]
        entry["saved_without_mail_to_sender"] = [m for m, n in sender.items() if n == 0]
        entry["saved_without_staff_mail"] = [m for m, n in staff.items() if n == 0]
        entry["saved_with_a_mail_twice"] = [m for m in saved if sender[m] > 1 or staff[m] > 1]
        for what in ("saved_without_mail_to_sender", "saved_without_staff_mail"):
            if entry[what]:
                problems.append(f"{kind}: {len(entry[what])} {what.replace('_', ' ')}")
    recovery["duplicates"] = mails["duplicates_of_recovered_tasks"] + mails["duplicates_other"]
    summary["mails"] = mails
    summary["recovery"] = recovery
    summary["problems"] = problems
    errors = sorted(r["t"] - begin for r in posts if r["outcome"] != "success")
    summary["error_window"] = [round(errors[0], 2), round(errors[-1], 2)] if errors else None
    return summary


# --- scenario 2: mail server down ----------------------------------------------------------------


def scenario_mail(args, procs, sink, run):
    records, lock = [], threading.Lock()
    client = FormClient(procs.url(""), records, lock)
    sink.stop()
    stopped = time.time()
    log("SMTP sink stopped (port closed)")
    markers = [f"FLT-{run}-S2I-{n}" for n in range(1, args.mail_inquiries + 1)]
    outcomes = [post_inquiry(client, marker) for marker in markers]
    log(f"{len(markers)} inquiries posted: {outcomes}")
    saved = stored_inquiries(args.pg_url, f"FLT-{run}-S2")
    pks = {m: saved[m][0] for m in markers if m in saved}
    # Every mail of these inquiries: the confirmation carries the marker, the notification the pk.
    expected = {
        m: [f"{m.lower()}@example.org", f"/datenpflege/anfragen/{pk}/"] for m, pk in pks.items()
    }

    def rows_for(marker):
        return task_rows(args.pg_url, f"%{marker.lower()}@example.org%") + task_rows(
            args.pg_url, f"%/datenpflege/anfragen/{pks[marker]}/%"
        )

    # Wait until every first attempt failed and a retry is enqueued.
    deadline = time.time() + 60
    while time.time() < deadline:
        rows = [row for m in pks for row in rows_for(m)]
        first = [r for r in rows if r[2] == 1]
        retries = [r for r in rows if r[2] == 2]
        if (
            first
            and all(r[0] != "READY" and r[0] != "RUNNING" for r in first)
            and len(retries) >= len(first)
        ):
            break
        time.sleep(1)
    attempts_while_down = {}
    for m in pks:
        for r in rows_for(m):
            key = f"attempt {r[2]}: {r[0]} {r[1]}"
            if r[2] > 1:  # the first attempt runs at once (no run_after)
                key += f", run_after - enqueued_at = {round((r[4] - r[3]).total_seconds())} s"
            attempts_while_down[key] = attempts_while_down.get(key, 0) + 1
    worker_log = [
        line
        for line in (procs.workdir / "worker.log").read_text(errors="replace").splitlines()
        if "failed (attempt" in line
    ]
    log(f"first attempts done: {attempts_while_down}")
    if args.mail_down_extra:
        time.sleep(args.mail_down_extra)
    sink.start()
    restarted = time.time()
    log(
        f"SMTP sink started again after {restarted - stopped:.0f} s; waiting for the retries (up to {args.mail_wait} s)"
    )
    deadline = time.time() + args.mail_wait

    def delivered():
        return {
            m: {"confirmation": len(sink.to(exp[0])), "notification": len(sink.containing(exp[1]))}
            for m, exp in expected.items()
        }

    while time.time() < deadline:
        counts = delivered()
        if all(c["confirmation"] >= 1 and c["notification"] >= 1 for c in counts.values()):
            break
        time.sleep(2)
    time.sleep(5)  # anything sent twice would show up now
    counts = delivered()
    arrival = [
        m["t"] for exp in expected.values() for m in sink.to(exp[0]) + sink.containing(exp[1])
    ]
    problems = []
    if any(o != "success" for o in outcomes):
        problems.append(f"not every inquiry succeeded for the user: {outcomes}")
    wrong = {m: c for m, c in counts.items() if c != {"confirmation": 1, "notification": 1}}
    if wrong:
        problems.append(f"mails not delivered exactly once: {wrong}")
    final = {}
    for m in pks:
        for r in rows_for(m):
            key = f"attempt {r[2]}: {r[0]} {r[1]}"
            final[key] = final.get(key, 0) + 1
    return {
        "inquiries": len(markers),
        "user_outcomes": outcomes,
        "sink_down_s": round(restarted - stopped),
        "attempts_while_down": attempts_while_down,
        "worker_log_failures": worker_log[-2 * len(markers) :],
        "delivered_per_inquiry": counts,
        "delivered_after_sink_up_s": [
            round(min(arrival) - restarted),
            round(max(arrival) - restarted),
        ]
        if arrival
        else None,
        "task_rows_at_end": final,
        "problems": problems,
    }


# --- scenario 3: disk full -----------------------------------------------------------------------


def noise_png(width=320, height=240):
    from PIL import Image

    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def scenario_disk(args, procs, sink, run, media_root: Path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        return {"skipped": "mount needs root"}
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(media_root)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        return {"skipped": f"mount not permitted: {mounted.stderr.strip()}"}
    records, lock = [], threading.Lock()
    try:
        # Fill the tmpfs up to the last 8 KB.
        free = shutil.disk_usage(media_root).free
        with open(media_root / "filler.bin", "wb") as filler:
            filler.write(b"\0" * max(0, free - 8192))
        free_before = shutil.disk_usage(media_root).free
        photo = noise_png()
        client = FormClient(procs.url(""), records, lock)
        marker = f"FLT-{run}-S3P-1"
        outcome = post_place(
            client, marker, files={"photo": ("ort.png", photo, "image/png")}, alt="Rauschen"
        )
        response = records[-1]
        saved = stored_places(args.pg_url, f"FLT-{run}-S3")
        leftovers = [
            f"{p.relative_to(media_root)} ({p.stat().st_size} bytes)"
            for p in media_root.rglob("*")
            if p.is_file() and p.name != "filler.bin"
        ]
        # Control: the same place without a photo is saved while the disk is still full.
        control = post_place(client, f"FLT-{run}-S3P-2")
    finally:
        subprocess.run(["umount", str(media_root)], check=False)
    # And with space again the photo upload works.
    after = post_place(
        FormClient(procs.url(""), records, lock),
        f"FLT-{run}-S3P-3",
        files={"photo": ("ort.png", photo, "image/png")},
        alt="Rauschen",
    )
    saved = stored_places(args.pg_url, f"FLT-{run}-S3")
    problems = []
    if outcome != "507-page":
        problems.append(f"photo upload on a full disk got {outcome} ({response.get('status')})")
    if marker in saved:
        problems.append("the place was saved although the upload failed")
    if control != "success":
        problems.append(f"place without photo on a full disk got {control}")
    if after != "success":
        problems.append(f"photo upload with space again got {after}")
    return {
        "tmpfs": "1 MB",
        "free_before_upload_bytes": free_before,
        "photo_bytes": len(photo),
        "photo_upload": {
            "outcome": outcome,
            "status": response.get("status"),
            "in_db": marker in saved,
        },
        "files_left_on_the_full_disk": leftovers,
        "without_photo_while_full": control,
        "with_photo_after_space_again": after,
        "problems": problems,
    }


# --- main ----------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", default="1,2,3")
    parser.add_argument(
        "--pg-url", default=DEFAULT_PG, help="dropped and created (never test/postgres)"
    )
    parser.add_argument(
        "--pg-cluster", default="15 main", help="for pg_ctlcluster VERSION NAME restart"
    )
    parser.add_argument(
        "--no-prepare", action="store_true", help="reuse the database and work folder"
    )
    parser.add_argument(
        "--workdir", default=str(Path(tempfile.gettempdir()) / "standortlotse-faults")
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--smtp-port", type=int, default=0)
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--restart-after", type=float, default=10)
    parser.add_argument(
        "--restarts", type=int, default=1, help="PostgreSQL restarts during the stream"
    )
    parser.add_argument(
        "--restart-every", type=float, default=10, help="seconds between two restarts"
    )
    parser.add_argument(
        "--recover-minutes",
        type=int,
        default=1,
        help="tasks_recover --minutes after the stream (cron in production: default 30)",
    )
    parser.add_argument(
        "--smtp-delay",
        type=float,
        default=0,
        help="the sink answers each mail this many seconds late (keeps the worker busy)",
    )
    parser.add_argument("--inquiry-threads", type=int, default=2)
    parser.add_argument(
        "--pause", type=float, default=0.05, help="seconds between two submissions per thread"
    )
    parser.add_argument(
        "--quiet-pattern", default=QUIET_PATTERN, help="pgrep -f pattern of runs not to disturb"
    )
    parser.add_argument("--quiet-seconds", type=float, default=30)
    parser.add_argument("--quiet-timeout", type=float, default=1800)
    parser.add_argument(
        "--queue-timeout", type=float, default=120, help="wait for the mails of scenario 1"
    )
    parser.add_argument("--mail-inquiries", type=int, default=3)
    parser.add_argument(
        "--mail-down-extra", type=float, default=0, help="keep the sink down longer (s)"
    )
    parser.add_argument("--mail-wait", type=float, default=240)
    parser.add_argument("--output", default=str(harness.RESULTS_DIR / "faults.json"))
    args = parser.parse_args()
    scenarios = {s.strip() for s in args.scenarios.split(",")}
    if (
        args.restarts < 1
        or args.restart_after + (args.restarts - 1) * args.restart_every >= args.duration
    ):
        parser.error("every restart must fall within --duration")

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port, smtp_port = args.port or free_port(), args.smtp_port or free_port()
    media_root = workdir / "media"
    media_root.mkdir(exist_ok=True)
    secret = workdir / "secret"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DATABASE_URL": args.pg_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret.read_text(),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STANDORTLOTSE_INQUIRIES_PER_HOUR": "100000",
        "STANDORTLOTSE_PLACE_SUBMISSIONS_PER_HOUR": "100000",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(media_root),
        "STANDORTLOTSE_PRIVATE_ROOT": str(workdir / "private"),
        "STANDORTLOTSE_CACHE_DIR": str(workdir / "cache"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "STANDORTLOTSE_SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_LOG_LEVEL": "INFO",
        "STANDORTLOTSE_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    if not args.no_prepare:
        shutil.rmtree(workdir / "cache", ignore_errors=True)
        prepare(args.pg_url, env)
    run = secrets.token_hex(3).upper()
    results = {
        "run": run,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "pg_url": args.pg_url,
        "settings": dict(vars(args)),
        "scenarios": {},
    }
    sink = SmtpSink(smtp_port, args.smtp_delay)
    sink.start()
    procs = Processes(env, workdir, port)
    log(f"run {run}: gunicorn on :{port}, SMTP sink on :{smtp_port}, logs in {workdir}")
    try:
        procs.start()
        # The restart goes last: it may have to wait for other test runs to finish.
        if "3" in scenarios:
            log("scenario 3: disk full during a photo upload")
            results["scenarios"]["3_disk_full"] = scenario_disk(args, procs, sink, run, media_root)
        if "2" in scenarios:
            log("scenario 2: mail server down")
            exits_before = len(procs.worker_exits)
            results["scenarios"]["2_mail_down"] = r = scenario_mail(args, procs, sink, run)
            if len(procs.worker_exits) > exits_before:
                r["problems"].append("task worker exited during the mail outage")
        if "1" in scenarios:
            log("scenario 1: PostgreSQL restart under a stream of submissions")
            results["scenarios"]["1_postgres_restart"] = scenario_restart(args, procs, sink, run)
    finally:
        procs.stop()
        sink.stop()
        if os.path.ismount(media_root):
            subprocess.run(["umount", str(media_root)], check=False)
    results["worker_exits_total"] = len(procs.worker_exits)
    results["mails_received_total"] = len(sink.messages)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, default=str, ensure_ascii=False))
    print(json.dumps(results["scenarios"], indent=2, default=str, ensure_ascii=False))
    problems = [p for s in results["scenarios"].values() for p in s.get("problems", [])]
    log(f"results in {args.output}; {len(problems)} problem(s)")
    for p in problems:
        print("  -", p)
    recovery = results["scenarios"].get("1_postgres_restart", {}).get("recovery")
    if recovery is not None:
        mails = results["scenarios"]["1_postgres_restart"]["mails"]
        if recovery["tested"]:
            log(
                f"tasks_recover: {recovery['stuck_running_found']} stuck task(s) found, {recovery['requeued']} "
                f"re-queued, {recovery['recovered_succeeded']} SUCCESSFUL afterwards, "
                f"{recovery['running_after_recovery']} still RUNNING; duplicate mails: "
                f"{mails['duplicates_of_recovered_tasks']} from re-run tasks, {mails['duplicates_other']} other; "
                f"mails never received: {mails['never_received']}"
            )
        else:
            log(
                f"tasks_recover NOT tested: no task was stuck in RUNNING in this run (worker exits: "
                f"{results['worker_exits_total']}); it re-queued {recovery['requeued']}"
            )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
