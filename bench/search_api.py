#!/usr/bin/env python
"""Benchmark of the property search API (GET /api/properties, /api/properties.geojson).

For each database (SQLite file in a temp dir; PostgreSQL if it answers) the script

1. prepares a separate benchmark database: ``migrate``, ``load_geo`` and
   ``generate_properties COUNT`` in subprocesses (reused on the next run when a marker table in
   that database says it holds the same data: count, seed, generator and migrations unchanged);
2. starts a child process that calls ``django.setup()`` and sends requests through
   ``django.test.Client`` (the full WSGI stack, middleware included, no network), timing each
   ``client.get`` with ``time.perf_counter``: ~30 warm-up requests, then ``--requests`` timed
   requests per query shape, in shuffled order, with parameters from a seeded RNG;
3. prints a table per database (p50, p95, max in ms, SQL time, mean hits, mean payload) and the
   overall p95 of the list queries against the target, collects the SQL and query plans of one
   request per shape, and writes everything to ``bench/results/search_api.json``.

Run from the repository root:  python bench/search_api.py  (``make bench`` does exactly that).
Options: --count, --databases sqlite,postgres, --requests, --fresh, --explain, see --help.

The child runs with production-like settings (DJANGO_DEBUG=0, no query logging, persistent
connection); only the plan collection at the end enables query capture.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    DEFAULT_PG_URL,
    DEFAULT_SQLITE,
    KINDS,
    PROTECTED_PG_DATABASES,
    RESULTS_DIR,
    ROOT,
    SEED_DATA,
    SRC,
    SqlTimer,
    bench_env,
    database_facts,
    database_targets,
    git_commit,
    kind_area_filter,
    load_average,
    machine_info,
    percentile,
    pg_conninfo,
    pg_dbname,
    prepare,
    print_load_average,
    print_statements,
    statement_plans,
    write_results,
)

RESULTS = RESULTS_DIR / "search_api.json"
TARGET_P95_MS = 25.0

ZONINGS = ["GI", "GE", "MI", "SO"]
TEXT_TERMS = [
    "Halle",
    "hall",
    "Büro",
    "office",
    "Gewerbe",
    "Bahnhof",
    "Lasttests",
    "brownfield",
    "Testgemeinde 0{n:02d}",
    "Testgemeinde 1{n:02d}",
    "plot {n}",
    "Lager Halle",
]
SORTS = ["newest", "area_desc", "area_asc", "price_asc", "motorway", "title"]


# --- Query shapes -------------------------------------------------------------------------------


def _bbox(rnd: random.Random, size_km: float = 100.0) -> str:
    """A size_km × size_km box with a random centre inside Germany."""
    lat = rnd.uniform(47.9, 54.4)
    lon = rnd.uniform(6.6, 14.4)
    dlat = size_km / 2 / 111.2
    dlon = size_km / 2 / (111.32 * math.cos(math.radians(lat)))
    return f"{lon - dlon:.4f},{lat - dlat:.4f},{lon + dlon:.4f},{lat + dlat:.4f}"


def _q_none(rnd):
    return {}


_q_kind_area = kind_area_filter


def _q_zoning_rail(rnd):
    return {
        "zoning": rnd.sample(ZONINGS, rnd.choice([1, 2])),
        "availability": rnd.choice([["immediately"], ["immediately", "from_date"]]),
        "rail_siding": rnd.choice(["yes", "possible"]),
    }


def _q_motorway_broadband(rnd):
    return {
        "motorway_km_max": rnd.choice([5, 10, 15, 20, 30]),
        "broadband_min": rnd.choice([100, 250, 500, 1000]),
    }


def _q_bbox(rnd):
    return {"bbox": _bbox(rnd)}


def _q_bbox_kind_sort(rnd):
    return {"bbox": _bbox(rnd), "kind": rnd.sample(KINDS, rnd.choice([1, 2])), "sort": "area_desc"}


def _q_text(rnd):
    return {"q": rnd.choice(TEXT_TERMS).format(n=rnd.randrange(100))}


def _q_deep_offset(rnd):
    return {"offset": 5000}


def _q_geojson_bbox(rnd):
    return {"bbox": _bbox(rnd)}


# name -> (path, parameter factory, description); "list" shapes count towards the overall p95.
SHAPES = {
    "no_filters": ("/api/properties", _q_none, "no filters, default sort (newest)"),
    "kind_area": ("/api/properties", _q_kind_area, "kind (1-2) + area_min/area_max"),
    "zoning_avail_rail": (
        "/api/properties",
        _q_zoning_rail,
        "zoning (1-2) + availability + rail_siding",
    ),
    "motorway_broadband": (
        "/api/properties",
        _q_motorway_broadband,
        "motorway_km_max + broadband_min",
    ),
    "bbox_100km": ("/api/properties", _q_bbox, "bbox of ~100 x 100 km"),
    "bbox_kind_area_desc": (
        "/api/properties",
        _q_bbox_kind_sort,
        "bbox ~100 km + kind + sort=area_desc",
    ),
    "text_q": ("/api/properties", _q_text, "q (one or two words)"),
    "deep_offset": ("/api/properties", _q_deep_offset, "offset=5000, default sort"),
    "geojson_bbox": (
        "/api/properties.geojson",
        _q_geojson_bbox,
        "GeoJSON, bbox ~100 km, limit 1000",
    ),
}
LIST_SHAPES = [name for name, (path, _, _) in SHAPES.items() if path == "/api/properties"]


def url_for(shape: str, params: dict) -> str:
    path = SHAPES[shape][0]
    return path + ("?" + urlencode(params, doseq=True) if params else "")


# --- Child: requests through the WSGI stack -----------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, str(SRC))
    import warnings

    # WhiteNoise warns that STATIC_ROOT has not been collected; the API serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=True)
    rnd = random.Random(args.seed)
    sql_time = SqlTimer()

    def request(url: str):
        sql_time.reset()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return elapsed, sql_time.seconds, response

    plan = [(name, SHAPES[name][1](rnd)) for name in SHAPES for _ in range(args.requests)]
    rnd.shuffle(plan)
    warmup = [(name, SHAPES[name][1](rnd)) for name in rnd.choices(list(SHAPES), k=args.warmup)]
    # Every shape at least once in the warm-up (imports, schema building, plan caches).
    warmup += [(name, SHAPES[name][1](rnd)) for name in SHAPES]

    samples = {name: {"ms": [], "sql_ms": [], "bytes": [], "hits": []} for name in SHAPES}
    with connection.execute_wrapper(sql_time):
        for name, params in warmup:
            request(url_for(name, params))
        started = time.perf_counter()
        for name, params in plan:
            elapsed, sql_elapsed, response = request(url_for(name, params))
            sample = samples[name]
            sample["ms"].append(elapsed * 1000)
            sample["sql_ms"].append(sql_elapsed * 1000)
            sample["bytes"].append(len(response.content))
            body = json.loads(response.content)
            sample["hits"].append(body["count"] if "count" in body else len(body["features"]))
        wall = time.perf_counter() - started

    shapes = {}
    for name, sample in samples.items():
        shapes[name] = {
            "url_example": None,
            "description": SHAPES[name][2],
            "n": len(sample["ms"]),
            "p50_ms": percentile(sample["ms"], 50),
            "p95_ms": percentile(sample["ms"], 95),
            "max_ms": max(sample["ms"]),
            "mean_ms": sum(sample["ms"]) / len(sample["ms"]),
            "sql_p50_ms": percentile(sample["sql_ms"], 50),
            "sql_p95_ms": percentile(sample["sql_ms"], 95),
            "mean_bytes": sum(sample["bytes"]) / len(sample["bytes"]),
            "mean_hits": sum(sample["hits"]) / len(sample["hits"]),
            "samples_ms": [round(ms, 3) for ms in sample["ms"]],
        }
    list_ms = [ms for name in LIST_SHAPES for ms in samples[name]["ms"]]

    # One more request per shape with query capture: SQL, time per statement and the plan.
    plans = {}
    explain_rnd = random.Random(args.seed + 1)
    for name in SHAPES:
        url = url_for(name, SHAPES[name][1](explain_rnd))
        shapes[name]["url_example"] = url
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        plans[name] = {
            "url": url,
            "statements": statement_plans(connection, captured.captured_queries),
        }

    server_version, total, published = database_facts(connection)

    result = {
        "vendor": connection.vendor,
        "server_version": server_version,
        "properties_total": total,
        "properties_published": int(published or 0),
        "requests_per_shape": args.requests,
        "warmup_requests": len(warmup),
        "timed_requests": len(plan),
        "wall_s": wall,
        "shapes": shapes,
        "list_overall": {
            "n": len(list_ms),
            "p50_ms": percentile(list_ms, 50),
            "p95_ms": percentile(list_ms, 95),
            "max_ms": max(list_ms),
            "target_p95_ms": TARGET_P95_MS,
            "meets_target": percentile(list_ms, 95) <= TARGET_P95_MS,
        },
        "plans": plans,
    }
    Path(args.child_output).write_text(json.dumps(result, indent=1))


# --- Parent: report -----------------------------------------------------------------------------


def print_table(label: str, result: dict) -> None:
    print(
        f"\n{label}: {result['vendor']} {result['server_version']}, "
        f"{result['properties_total']:,} properties ({result['properties_published']:,} "
        f"published), {result['requests_per_shape']} timed requests per shape "
        f"after {result['warmup_requests']} warm-up"
    )
    header = (
        f"  {'query shape':<21} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'SQL p95':>8} {'mean hits':>10} {'mean bytes':>11}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for name, s in result["shapes"].items():
        print(
            f"  {name:<21} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} {s['max_ms']:8.1f} "
            f"{s['sql_p95_ms']:8.1f} {s['mean_hits']:10,.0f} {s['mean_bytes']:11,.0f}"
        )
    overall = result["list_overall"]
    verdict = "meets" if overall["meets_target"] else "MISSES"
    print(
        f"  {'list queries overall':<21} {overall['p50_ms']:8.1f} {overall['p95_ms']:8.1f} "
        f"{overall['max_ms']:8.1f}   -> {verdict} the target p95 <= {TARGET_P95_MS:.0f} ms"
    )
    print(
        "  ms: server time of client.get (WSGI stack, no network); SQL p95: time inside "
        "cursor.execute per request\n  (PostgreSQL: rows included; SQLite: first step only, "
        "rows stepped later are not counted)."
    )
    print_load_average(result)


def print_plans(result: dict) -> None:
    for name, entry in result["plans"].items():
        print(f"\n  [{name}] {entry['url']}")
        print_statements(entry["statements"], 400)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        default=100_000,
        help="synthetic properties to generate (default 100000)",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default both; postgres is "
        "skipped when it does not answer)",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="timed requests per query shape (default 200)"
    )
    parser.add_argument("--warmup", type=int, default=30, help="warm-up requests (default 30)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the query parameters")
    parser.add_argument(
        "--sqlite-path",
        type=Path,
        default=DEFAULT_SQLITE,
        help="SQLite benchmark database file (default in the temp dir)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help=f"PostgreSQL benchmark database, created and dropped by this script "
        f"(default {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="regenerate the data even if a matching marker exists"
    )
    parser.add_argument(
        "--drop", action="store_true", help="remove the benchmark databases afterwards"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print SQL and query plan of one request per shape"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_output:
        child(args)
        return 0

    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    if pg_dbname(args.pg_url) in PROTECTED_PG_DATABASES:
        parser.error(f"--pg-url must name a benchmark database, not {pg_dbname(args.pg_url)!r}")

    report = {
        "benchmark": "property search API",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine_info(),
        "settings": {
            "count": args.count,
            "requests_per_shape": args.requests,
            "warmup": args.warmup,
            "seed": args.seed,
            "data_seed": SEED_DATA,
            "target_p95_ms": TARGET_P95_MS,
        },
        "shapes": {name: SHAPES[name][2] for name in SHAPES},
        "databases": {},
        "skipped": {},
    }
    targets = database_targets(databases, args.sqlite_path, args.pg_url, report)

    for engine, url, sqlite_path in targets:
        print(f"\n== {engine}: {url}", flush=True)
        preparation = prepare(engine, url, sqlite_path, args.count, args.fresh)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            child_output = handle.name
        try:
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child-output",
                child_output,
                "--requests",
                str(args.requests),
                "--warmup",
                str(args.warmup),
                "--seed",
                str(args.seed),
            ]
            load_before = load_average()
            print(
                f"  timing {len(SHAPES)} query shapes x {args.requests} requests "
                f"(load average {load_before[0]:.2f}) ...",
                flush=True,
            )
            subprocess.run(command, cwd=ROOT, env=bench_env(url), check=True)
            result = json.loads(Path(child_output).read_text())
        finally:
            Path(child_output).unlink(missing_ok=True)
        result["preparation"] = preparation
        report["databases"][engine] = result
        result["load_average_before"] = load_before
        result["load_average_after"] = load_average()
        print_table(engine, result)
        if args.explain:
            print_plans(result)
        if args.drop:
            if engine == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
            else:
                import psycopg
                from psycopg import sql as pgsql

                with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
                    conn.execute(
                        pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            pgsql.Identifier(pg_dbname(url))
                        )
                    )

    write_results(report, args.output)
    # A missed target is a finding reported above, not a failure of the benchmark run.
    return 0


if __name__ == "__main__":
    sys.exit(main())
