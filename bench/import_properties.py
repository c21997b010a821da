#!/usr/bin/env python
"""Benchmark of the bulk import of properties (standortlotse.exchange.services), large CSV files.

For each database (SQLite file in a temp dir; PostgreSQL if it answers) the script

1. prepares a fresh, separate benchmark database: ``migrate`` and ``load_geo`` in subprocesses
   (no generated properties: the import is what fills the register);
2. in a child process with ``django.setup()`` creates a state administrator (organisation of kind
   state agency + membership with role STATE_ADMIN) and writes one CSV file per ``--rows`` size
   in the forms German municipal lists use: semicolon separator, UTF-8 with BOM, headers such as
   "Fläche (ha)" and "Preis €/m²", values such as "3,5", "12.500 m²", "sofort"/"01.03.2026",
   "GE", "GE/GI", "18,50 €", "ja"/"nein"/"möglich", coordinates with a decimal comma, the
   municipality as name or AGS of the loaded Altmark data, unique external IDs per file;
3. for each file starts a new child process (so that its peak RSS belongs to that file alone)
   that runs the import the way the back office does, through the services: ``start`` (store
   the upload, sniff, find the header, suggest the mapping), ``set_mapping`` with the suggested
   mapping (enqueues the check; with the ImmediateBackend it runs at once: ``analyse``), and
   ``confirm`` (enqueues and runs ``apply``). It times each step with ``time.perf_counter``,
   notes CPU time, SQL time and the peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``)
   after each step;
4. runs a second child per file that uploads and checks the same file again (every row
   "unchanged") and times that check;
5. optionally (``--profile N``) imports one more file of N rows under cProfile and lists the hot
   spots in ``src/``;
6. prints a table per database and writes everything to ``bench/results/import_properties.json``
   (gitignored).

Target (from the issue): 100,000 rows imported in at most 60 s, with memory that does not grow
with the size of the file.

Run from the repository root:  python bench/import_properties.py
Options: --rows 10000,100000, --databases sqlite,postgres, --profile 10000, see --help.

The children run with production-like settings (DJANGO_DEBUG=0, no query log, the file cache of
production in a temp dir) except for the task backend: django-tasks' ImmediateBackend, so the
check and the import run inside ``set_mapping``/``confirm`` (``transaction.on_commit`` fires at
once in autocommit mode) instead of in a ``db_worker``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402  the shared bench harness (database choice and preparation, timing, plans, results)

ROOT = harness.ROOT
SRC = harness.SRC
RESULTS = harness.RESULTS_DIR / "import_properties.json"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/standortlotse_bench_import"
DEFAULT_SQLITE = Path(tempfile.gettempdir()) / "standortlotse-bench" / "import.sqlite3"
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "standortlotse-bench" / "import-files"
TARGET_ROWS = 100_000
TARGET_SECONDS = 60.0
MEMORY_GROWTH_LIMIT = 0.10  # peak RSS of the largest file at most 10 % above the smallest's
BENCH_USERNAME = "bench-import-admin"
IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"

HEADERS = [
    "Objekt-Nr.",
    "Bezeichnung",
    "Gemeinde",
    "Fläche (ha)",
    "Gesamtfläche",
    "Verfügbar ab",
    "Gebietsart",
    "Preis €/m²",
    "Gleisanschluss",
    "Breite",
    "Länge",
    "Beschreibung",
]
# What the import should suggest for these headers (checked in the child before the check runs).
EXPECTED_MAPPING = {
    "Objekt-Nr.": "external_id",
    "Bezeichnung": "title",
    "Gemeinde": "municipality_ags",
    "Fläche (ha)": "area_available_m2",
    "Gesamtfläche": "area_total_m2",
    "Verfügbar ab": "available_from",
    "Gebietsart": "zonings",
    "Preis €/m²": "price_per_m2",
    "Gleisanschluss": "rail_siding",
    "Breite": "lat",
    "Länge": "lon",
    "Beschreibung": "description_de",
}


# --- CSV generation (child, needs the municipalities) -------------------------------------------

TITLE_KINDS = [
    "Gewerbegebiet",
    "Industriegebiet",
    "Gewerbepark",
    "Gewerbefläche",
    "Lagerhalle",
    "Produktionshalle",
    "Brachfläche",
    "Konversionsfläche",
    "Bürogebäude",
]
TITLE_PLACES = [
    "Nord",
    "Süd",
    "Ost",
    "West",
    "am Bahnhof",
    "An der B 189",
    "Am Hafen",
    "Industriestraße",
    "Hansepark",
    "Alte Ziegelei",
    "Zuckerfabrik",
    "Im Winkel",
]
ZONING_FORMS = [
    ("GE", 45),
    ("GI", 30),
    ("MI", 8),
    ("SO", 4),
    ("Gewerbegebiet", 5),
    ("Industriegebiet", 3),
    ("GE/GI", 5),
]
RAIL_FORMS = [("nein", 55), ("ja", 15), ("möglich", 20), ("", 10)]
SENTENCES = [
    "Voll erschlossene Gewerbefläche in verkehrsgünstiger Lage.",
    "Medien (Strom, Wasser, Abwasser, Gas) liegen an der Grundstücksgrenze an.",
    "Die Fläche ist teilbar; Parzellen ab 5.000 m² möglich.",
    "Glasfaseranschluss vorhanden, 24-Stunden-Betrieb zulässig.",
    "Ehemaliges Betriebsgelände, Altlastengutachten liegt vor.",
    "Gute Anbindung an die A 14 und die B 189.",
    "Kaufpreis verhandelbar; Erbbaurecht auf Anfrage.",
    "Halle mit Kranbahn (10 t), Deckenhöhe 8,5 m, Rampe und ebenerdiges Tor.",
    'Im Bebauungsplan als "GE" festgesetzt, GRZ 0,8.',
    "Ansprechpartner: Wirtschaftsförderung, Tel. 03931 / 60 70 80.",
    "Fördermittel nach GRW möglich (bis zu 30 %).",
    "Ruhige Randlage, Wohnbebauung in ca. 400 m Entfernung.",
]


def _weighted(rnd: random.Random, forms: list[tuple[str, int]]) -> str:
    return rnd.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]


def _german(number: float, decimals: int) -> str:
    return f"{number:.{decimals}f}".replace(".", ",")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def csv_row(rnd: random.Random, index: int, tag: str, municipality: tuple) -> list[str]:
    """One file row; municipality = (ags, name, lat, lon)."""
    ags, name, lat, lon = municipality
    short = name.replace("Hansestadt ", "").replace("Stadt ", "").split(",")[0]
    title = (
        f"{rnd.choice(TITLE_KINDS)} {short} {rnd.choice(TITLE_PLACES)}, "
        f"Parzelle {rnd.randint(1, 60)}"
    )
    available_ha = rnd.randint(2, 400) / 10  # 0,2 to 40,0 ha
    available_m2 = int(available_ha * 10_000)
    total_m2 = available_m2 + rnd.randint(0, 5_000) * 10
    total_form = rnd.random()
    if total_form < 0.7:
        total = f"{_thousands(total_m2)} m²"
    elif total_form < 0.9:
        total = _thousands(total_m2)
    else:
        total = f"{_german(total_m2 / 10_000, 2)} ha"
    if rnd.random() < 0.6:
        available_from = rnd.choice(["sofort", "sofort", "ab sofort"])
    else:
        day = date(2026, 1, 1) + timedelta(days=rnd.randint(0, 700))
        available_from = day.strftime("%d.%m.%Y")
    price = "" if rnd.random() < 0.1 else f"{_german(rnd.randint(300, 6_000) / 100, 2)} €"
    if rnd.random() < 0.05:  # no coordinates: the centre of the municipality is taken (warning)
        lat_text = lon_text = ""
    else:
        lat_text = _german(lat + rnd.uniform(-0.05, 0.05), rnd.choice([4, 5, 6]))
        lon_text = _german(lon + rnd.uniform(-0.08, 0.08), rnd.choice([4, 5, 6]))
    description = " ".join(rnd.sample(SENTENCES, rnd.randint(1, 4)))
    return [
        f"{tag}-{index:06d}",
        title,
        ags if rnd.random() < 0.25 else name,
        _german(available_ha, 1),
        total,
        available_from,
        _weighted(rnd, ZONING_FORMS),
        price,
        _weighted(rnd, RAIL_FORMS),
        lat_text,
        lon_text,
        description,
    ]


def write_csv(path: Path, rows: int, tag: str, municipalities: list[tuple], seed: int) -> int:
    rnd = random.Random(f"{seed}-{tag}")
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")  # quotes cells holding ; or " (as Excel does)
        writer.writerow(HEADERS)
        for index in range(1, rows + 1):
            writer.writerow(csv_row(rnd, index, tag, rnd.choice(municipalities)))
    return path.stat().st_size


# --- Child processes ----------------------------------------------------------------------------


def _django():
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    backend = settings.TASKS["default"]["BACKEND"]
    if backend != IMMEDIATE_BACKEND:
        raise SystemExit(f"the child needs the ImmediateBackend, settings.TASKS has {backend}")
    translation.activate("de")  # the back office's language (the tasks use German as well)


def _rss_mb() -> dict:
    """Peak RSS so far (ru_maxrss, KiB on Linux) and the current RSS, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        current = pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except (OSError, ValueError, IndexError):
        current = float("nan")
    return {"peak_rss_mb": round(peak, 1), "rss_mb": round(current, 1)}


def child_setup(args) -> dict:
    _django()
    from standortlotse.geo.models import Municipality

    user = harness.state_admin(BENCH_USERNAME, "bench-import@example.invalid")
    municipalities = list(
        Municipality.objects.order_by("ags").values_list("ags", "name", "lat", "lon")
    )
    if not municipalities:
        raise SystemExit("no municipalities: did load_geo run?")
    files = []
    for spec in json.loads(args.files):
        path = Path(spec["path"])
        if not path.exists() or spec.get("rewrite", True):
            started = time.perf_counter()
            size = write_csv(path, spec["rows"], spec["tag"], municipalities, args.seed)
            files.append({**spec, "bytes": size, "generated_s": time.perf_counter() - started})
        else:
            files.append({**spec, "bytes": path.stat().st_size, "generated_s": 0.0})
    return {"user_id": user.pk, "municipalities": len(municipalities), "files": files}


def child_run(args) -> dict:
    """One import (mode "import") or a second check of an imported file (mode "reanalyse")."""
    _django()
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.db import connection

    from standortlotse.exchange import services
    from standortlotse.exchange.models import ImportJob, ImportRow
    from standortlotse.properties.models import Property

    user = get_user_model().objects.get(pk=args.user_id)
    sql = harness.SqlTimer()

    profiler = None
    if args.profile_output:
        import cProfile

        profiler = cProfile.Profile()

    phases: dict[str, dict] = {}
    baseline = _rss_mb()

    def step(name, function):
        sql.reset()
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        try:
            result = function()
        finally:
            if profiler:
                profiler.disable()
        phases[name] = {
            "s": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu,
            "sql_s": sql.seconds,
            "queries": sql.count,
            "slowest_sql": sql.top(),
            **_rss_mb(),
        }
        return result

    path = Path(args.file)
    with connection.execute_wrapper(sql):
        with open(path, "rb") as handle:
            job = step("start", lambda: services.start(user, File(handle, name=path.name)))
        unmapped = {
            h: job.mapping.get(h, "")
            for h in HEADERS
            if job.mapping.get(h, "") != EXPECTED_MAPPING[h]
        }
        if unmapped:
            raise SystemExit(f"the suggested mapping differs from the expected one: {unmapped}")

        def analyse():
            services.set_mapping(job, dict(job.mapping))  # enqueues analyse_task: runs at once
            job.refresh_from_db()
            return job

        step("analyse", analyse)
        if job.state != ImportJob.State.PREVIEW:
            raise SystemExit(f"the check ended in state {job.state}: {job.message}")
        counts = dict(job.counts)

        if args.child == "import":

            def apply():
                # Possible duplicates the check asks about are created anyway, as an editor
                # choosing "create them anyway" for all would.
                services.confirm(
                    job, skip_errors=bool(counts.get("error")), publish=False, rest="create"
                )
                job.refresh_from_db()
                return job

            step("apply", apply)
            if job.state != ImportJob.State.DONE:
                raise SystemExit(f"the import ended in state {job.state}: {job.message}")

    prefix = args.tag + "-"
    result = {
        "mode": args.child,
        "file": path.name,
        "vendor": connection.vendor,
        "baseline": baseline,
        "phases": phases,
        "total_s": sum(p["s"] for p in phases.values()),
        "peak_rss_mb": _rss_mb()["peak_rss_mb"],
        "counts": job.counts,
        "import_rows_stored": ImportRow.objects.filter(job=job).count(),
        "properties_with_tag": Property.objects.filter(external_id__startswith=prefix).count(),
        "properties_total": Property.objects.count(),
        "history_rows": Property.history.count(),
    }
    if args.child == "reanalyse":
        services.discard(job)
    if profiler:
        profiler.dump_stats(args.profile_output)
        result["profile"] = hot_spots(args.profile_output)
    return result


def hot_spots(profile_path: str, top: int = 15) -> dict:
    """The functions in src/ with the largest cumulative and own time, and the overall top list."""
    import pstats

    stats = pstats.Stats(profile_path).stats
    total = sum(entry[2] for entry in stats.values()) or 1.0
    src = str(SRC) + os.sep

    def row(key, entry):
        filename, line, function = key
        shown = filename[len(str(ROOT)) + 1 :] if filename.startswith(str(ROOT)) else filename
        if "site-packages" in shown:
            shown = shown.split("site-packages" + os.sep, 1)[1]
        return {
            "function": function,
            "file": f"{shown}:{line}",
            "calls": entry[1],
            "own_s": round(entry[2], 3),
            "cumulative_s": round(entry[3], 3),
            "own_share": round(entry[2] / total, 4),
            "cumulative_share": round(entry[3] / total, 4),
        }

    in_src = [(k, e) for k, e in stats.items() if k[0].startswith(src)]
    # Every function's own time is handed up its callers (in proportion to the time of each
    # call edge) to the nearest src/ function: the time of a src/ function together with the
    # library code it calls, without the time of other src/ functions it calls.
    shares: dict = {}
    in_progress: set = set()

    def share(key):
        if key[0].startswith(src):
            return {key: 1.0}
        if key in shares:
            return shares[key]
        in_progress.add(key)
        callers = {
            c: edge for c, edge in stats[key][4].items() if c in stats and c not in in_progress
        }  # a recursive call edge is dropped
        by_time = any(edge[3] for edge in callers.values())
        weight = sum(edge[3] if by_time else edge[1] for edge in callers.values())
        result: dict = {}
        for caller, edge in callers.items():
            part = (edge[3] if by_time else edge[1]) / weight
            for target, fraction in share(caller).items():
                result[target] = result.get(target, 0.0) + part * fraction
        in_progress.discard(key)
        shares[key] = result or {None: 1.0}  # None: outside src/ (the benchmark's own code)
        return shares[key]

    attributed_time: dict = {}
    for key, entry in stats.items():
        for target, fraction in share(key).items():
            attributed_time[target] = attributed_time.get(target, 0.0) + entry[2] * fraction
    attributed = sorted(
        ((k, stats[k], t) for k, t in attributed_time.items() if k is not None), key=lambda i: -i[2]
    )
    return {
        "profiled_s": round(total, 3),
        "src_by_attributed": [
            {**row(k, e), "attributed_s": round(a, 3), "attributed_share": round(a / total, 4)}
            for k, e, a in attributed[:top]
        ],
        "src_by_cumulative": [row(k, e) for k, e in sorted(in_src, key=lambda i: -i[1][3])[:top]],
        "src_by_own": [row(k, e) for k, e in sorted(in_src, key=lambda i: -i[1][2])[:top]],
        "all_by_own": [row(k, e) for k, e in sorted(stats.items(), key=lambda i: -i[1][2])[:top]],
    }


def child(args) -> None:
    result = child_setup(args) if args.child == "setup" else child_run(args)
    Path(args.child_output).write_text(json.dumps(result, indent=1, default=str))


# --- Parent -------------------------------------------------------------------------------------


def child_env(url: str, workdir: Path) -> dict:
    env = harness.bench_env(url)
    env.update(
        {
            "STANDORTLOTSE_TASK_BACKEND": IMMEDIATE_BACKEND,
            "STANDORTLOTSE_PRIVATE_ROOT": str(workdir / "private"),
            "STANDORTLOTSE_CACHE_DIR": str(workdir / "cache"),
        }
    )
    env.pop("REDIS_URL", None)
    return env


def run_child(env: dict, mode: str, *extra: str) -> dict:
    return harness.run_json_child(Path(__file__), env, "--child", mode, *extra)


def prepare(engine: str, url: str, sqlite_path: Path | None) -> dict:
    print("  fresh database: migrate, load_geo ...", flush=True)
    harness.reset_database(engine, url, sqlite_path)
    env = harness.bench_env(url)
    timings = {
        "migrate_s": harness.run_manage(env, "migrate", "--noinput"),
        "load_geo_s": harness.run_manage(env, "load_geo"),
    }
    print("  " + ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in timings.items()), flush=True)
    return {name: round(value, 2) for name, value in timings.items()}


def mb(value: float) -> str:
    return f"{value:,.0f}"


def print_table(engine: str, result: dict) -> None:
    print(
        f"\n{engine}: {result['server_version']}, {result['municipalities']} municipalities, "
        f"import as a state administrator"
    )
    header = (
        f"  {'rows':>8} {'file MB':>8} {'start s':>8} {'analyse s':>10} {'apply s':>8} "
        f"{'total s':>8} {'rows/s':>7} {'base MB':>8} {'peak MB':>8}   "
        f"{'2nd analyse s':>13} {'peak MB':>8}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for run in result["runs"]:
        first, again = run["import"], run.get("reanalyse")
        p = first["phases"]
        line = (
            f"  {run['rows']:>8,} {run['bytes'] / 1e6:8.1f} {p['start']['s']:8.2f} "
            f"{p['analyse']['s']:10.2f} {p['apply']['s']:8.2f} {first['total_s']:8.2f} "
            f"{run['rows'] / first['total_s']:7,.0f} {mb(first['baseline']['peak_rss_mb']):>8} "
            f"{mb(first['peak_rss_mb']):>8}   "
        )
        if again:
            line += f"{again['phases']['analyse']['s']:13.2f} {mb(again['peak_rss_mb']):>8}"
        print(line)
    print(
        "  per phase: SQL s / CPU s of the child (PostgreSQL works in its own process) / peak MB "
        "after the phase"
    )
    for run in result["runs"]:
        parts = []
        for name, phase in run["import"]["phases"].items():
            parts.append(
                f"{name} {phase['sql_s']:.2f}/{phase['cpu_s']:.2f}/{mb(phase['peak_rss_mb'])}"
            )
        if run.get("reanalyse"):
            phase = run["reanalyse"]["phases"]["analyse"]
            parts.append(f"2nd analyse {phase['sql_s']:.2f}/{phase['cpu_s']:.2f}")
        counts = run["import"]["counts"]
        again = run.get("reanalyse", {}).get("counts", {})
        print(
            f"  {run['rows']:>8,}: "
            + ", ".join(parts)
            + f"; new {counts.get('new', 0):,}, warnings {counts.get('warning', 0):,}, "
            f"errors {counts.get('error', 0):,}; 2nd check unchanged "
            f"{again.get('unchanged', 0):,}, update {again.get('update', 0):,}"
        )
        for name, phase in run["import"]["phases"].items():
            slowest = phase.get("slowest_sql") or []
            if slowest and phase["sql_s"] >= 1:
                print(
                    f"    {name} SQL: "
                    + ", ".join(f"{k['kind']} {k['count']:,}× {k['s']:.1f} s" for k in slowest[:5])
                )
    verdicts = result["verdict"]
    if verdicts.get("time") is not None:
        print(f"  time:   {verdicts['time']}")
    if verdicts.get("memory") is not None:
        print(f"  memory: {verdicts['memory']}")
    print(
        f"  1-minute load average {result['load_average_before'][0]:.2f} before, "
        f"{result['load_average_after'][0]:.2f} after ({os.cpu_count()} CPUs)."
    )


def print_profile(engine: str, profile: dict, rows: int) -> None:
    total = profile["profile"]["profiled_s"]
    print(
        f"\n  cProfile of a {rows:,}-row import on {engine} ({total:.1f} s profiled, "
        f"cProfile overhead included).\n  src/ functions by time spent in them and in the "
        f"library code they call (other src/ functions excluded):"
    )
    for entry in profile["profile"]["src_by_attributed"][:12]:
        print(
            f"    {entry['attributed_share']:6.1%} {entry['cumulative_share']:6.1%} cum "
            f"{entry['calls']:>9,} calls  {entry['function']}  ({entry['file']})"
        )
    print("  all functions by own time:")
    for entry in profile["profile"]["all_by_own"][:12]:
        print(
            f"    {entry['own_share']:6.1%} own {entry['cumulative_share']:6.1%} cum "
            f"{entry['calls']:>9,} calls  {entry['function']}  ({entry['file']})"
        )


def verdict(runs: list[dict]) -> dict:
    result = {"time": None, "memory": None, "meets_time": None, "memory_flat": None}
    largest = max(runs, key=lambda r: r["rows"])
    if largest["rows"] >= TARGET_ROWS:
        seconds = largest["import"]["total_s"] * TARGET_ROWS / largest["rows"]
        result["meets_time"] = seconds <= TARGET_SECONDS
        result["time"] = (
            f"{largest['rows']:,} rows in {largest['import']['total_s']:.1f} s -> "
            f"{'meets' if result['meets_time'] else 'MISSES'} the target of "
            f"{TARGET_ROWS:,} rows in <= {TARGET_SECONDS:.0f} s"
        )
    if len(runs) > 1:
        smallest = min(runs, key=lambda r: r["rows"])
        low, high = smallest["import"]["peak_rss_mb"], largest["import"]["peak_rss_mb"]
        growth = (high - low) / low
        per_1000 = (high - low) * 1024 * 1000 / (largest["rows"] - smallest["rows"])
        result["memory_flat"] = growth <= MEMORY_GROWTH_LIMIT
        result["memory"] = (
            f"peak RSS {low:,.0f} MB ({smallest['rows']:,} rows) -> {high:,.0f} MB "
            f"({largest['rows']:,} rows), {growth:+.0%} -> "
            f"{'flat' if result['memory_flat'] else 'GROWS'} (limit "
            f"+{MEMORY_GROWTH_LIMIT:.0%}); {per_1000:,.0f} KB "
            f"per 1,000 extra rows"
        )
    return result


def server_version(engine: str, url: str, sqlite_path: Path | None) -> str:
    if engine == "sqlite":
        import sqlite3

        return "SQLite " + sqlite3.sqlite_version
    import psycopg

    with psycopg.connect(harness.pg_conninfo(url, harness.pg_dbname(url))) as conn:
        version = conn.execute("SELECT current_setting('server_version')").fetchone()[0]
    return "PostgreSQL " + version


def drop(engine: str, url: str, sqlite_path: Path | None) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql as pgsql

    with psycopg.connect(harness.pg_conninfo(url), autocommit=True) as conn:
        conn.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                pgsql.Identifier(harness.pg_dbname(url))
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        default="10000,100000",
        help="comma-separated file sizes in rows (default 10000,100000)",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default both; postgres is "
        "skipped when it does not answer)",
    )
    parser.add_argument(
        "--no-reanalyse",
        action="store_true",
        help="skip the second check of each file (all rows unchanged)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="ROWS",
        help="also import a file of ROWS rows under cProfile and list the hot "
        "spots in src/ (e.g. 10000; default off)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated files")
    parser.add_argument(
        "--sqlite-path",
        type=Path,
        default=DEFAULT_SQLITE,
        help="SQLite benchmark database file, recreated (default in the temp dir)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_IMPORT_PG_URL", DEFAULT_PG_URL),
        help=f"PostgreSQL benchmark database, dropped and created by this script "
        f"(default {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=DEFAULT_WORKDIR,
        help="generated CSV files, stored uploads and the cache (default in the "
        "temp dir; emptied first)",
    )
    parser.add_argument(
        "--keep-files",
        action="store_true",
        help="keep the work directory (CSV files, stored uploads) afterwards",
    )
    parser.add_argument(
        "--drop", action="store_true", help="remove the benchmark databases afterwards"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    # Child-only options.
    parser.add_argument("--child", choices=["setup", "import", "reanalyse"], help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--tag", help=argparse.SUPPRESS)
    parser.add_argument("--user-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile-output", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child(args)
        return 0

    sizes = sorted({int(n.replace("_", "")) for n in args.rows.split(",") if n.strip()})
    if not sizes or min(sizes) < 1:
        parser.error("--rows needs positive numbers")
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    if harness.pg_dbname(args.pg_url) in harness.PROTECTED_PG_DATABASES:
        parser.error(
            f"--pg-url must name a benchmark database, not {harness.pg_dbname(args.pg_url)!r}"
        )

    report = {
        "benchmark": "bulk import of properties (CSV)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine_info(),
        "settings": {
            "rows": sizes,
            "seed": args.seed,
            "profile_rows": args.profile,
            "headers": HEADERS,
            "target_rows": TARGET_ROWS,
            "target_seconds": TARGET_SECONDS,
            "memory_growth_limit": MEMORY_GROWTH_LIMIT,
            "task_backend": IMMEDIATE_BACKEND,
        },
        "databases": {},
        "skipped": {},
    }
    targets = harness.database_targets(databases, args.sqlite_path, args.pg_url, report)

    workdir = args.workdir.resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "private").mkdir(parents=True)
    # Unique external IDs per file, so that every file imports as new rows into the same database.
    specs = [
        {"name": f"{n}", "rows": n, "tag": f"B{n}", "path": str(workdir / f"objekte_{n}.csv")}
        for n in sizes
    ]
    if args.profile:
        specs.append(
            {
                "name": "profile",
                "rows": args.profile,
                "tag": f"P{args.profile}",
                "path": str(workdir / f"objekte_profil_{args.profile}.csv"),
            }
        )

    try:
        for engine, url, sqlite_path in targets:
            print(f"\n== {engine}: {url}", flush=True)
            load_before = harness.load_average()
            preparation = prepare(engine, url, sqlite_path)
            env = child_env(url, workdir)
            # The same seed gives the same files for every database; write them only once.
            first = not any(Path(s["path"]).exists() for s in specs)
            setup = run_child(
                env,
                "setup",
                "--files",
                json.dumps([{**s, "rewrite": first} for s in specs]),
                "--seed",
                str(args.seed),
            )
            for spec in setup["files"]:
                if spec["generated_s"]:
                    print(
                        f"  wrote {Path(spec['path']).name}: {spec['rows']:,} rows, "
                        f"{spec['bytes'] / 1e6:.1f} MB in {spec['generated_s']:.1f} s",
                        flush=True,
                    )
            files = {spec["name"]: spec for spec in setup["files"]}
            user = str(setup["user_id"])
            result = {
                "server_version": server_version(engine, url, sqlite_path),
                "preparation": preparation,
                "municipalities": setup["municipalities"],
                "runs": [],
            }
            for n in sizes:
                spec = files[str(n)]
                common = ["--file", spec["path"], "--tag", spec["tag"], "--user-id", user]
                print(f"  importing {n:,} rows ...", flush=True)
                run = {
                    "rows": n,
                    "bytes": spec["bytes"],
                    "import": run_child(env, "import", *common),
                }
                if not args.no_reanalyse:
                    print(f"  checking the same {n:,} rows again ...", flush=True)
                    run["reanalyse"] = run_child(env, "reanalyse", *common)
                result["runs"].append(run)
            if args.profile:
                spec = files["profile"]
                print(f"  importing {args.profile:,} rows under cProfile ...", flush=True)
                profile_path = args.output.parent / f"import_properties_{engine}.prof"
                profile_path.parent.mkdir(parents=True, exist_ok=True)
                result["profile"] = run_child(
                    env,
                    "import",
                    "--file",
                    spec["path"],
                    "--tag",
                    spec["tag"],
                    "--user-id",
                    user,
                    "--profile-output",
                    str(profile_path),
                )
                result["profile"]["rows"] = args.profile
                result["profile"]["profile_file"] = str(profile_path)
            result["load_average_before"] = load_before
            result["load_average_after"] = harness.load_average()
            result["verdict"] = verdict(result["runs"])
            report["databases"][engine] = result
            print_table(engine, result)
            if args.profile:
                print_profile(engine, result["profile"], args.profile)
            if args.drop:
                drop(engine, url, sqlite_path)
    finally:
        if not args.keep_files:
            shutil.rmtree(workdir, ignore_errors=True)

    harness.write_results(report, args.output)
    # A missed target is a finding reported above, not a failure of the benchmark run.
    return 0


if __name__ == "__main__":
    sys.exit(main())
