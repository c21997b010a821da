#!/usr/bin/env python
"""Benchmark of the statistics page (/statistik/) that follows every change of the register.

For each database (SQLite file in a temp dir; PostgreSQL if it answers) the script

1. prepares the shared benchmark database with ``bench/harness.py`` (``migrate``, ``load_geo``,
   ``generate_properties COUNT``; reused when the marker says it holds the same data);
2. starts a child process with ``django.setup()`` and production-like settings (DJANGO_DEBUG=0,
   a file cache in a temp dir as in production without Redis) that, inside a transaction rolled
   back at the end, sends requests through ``django.test.Client`` (full middleware, no server):
   - ``unchanged``: the page when nothing changed since the last reader (today's row and the
     trend read, the map from the cache) — every request of a normal day;
   - ``after a change``: the page right after a write (``statistics._after_commit``, as the
     commit of a write calls it): the reader recomputes today's figures and draws the map anew —
     what the first reader after a change pays when the worker has not refreshed yet;
   - ``compute``: ``statistics.compute()`` alone, ``draw map``: the SVG alone;
3. prints p50/p95 per kind and the ratio "after a change / unchanged" (the cost of following
   changes the same day relative to the page as it is read all day), and writes everything to
   ``bench/results/statistics_page.json``.

Run from the repository root:  python bench/statistics_page.py
Options: --databases sqlite,postgres, --requests, --changes, --count, --fresh, see --help.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402  the shared bench harness

RESULTS = harness.RESULTS_DIR / "statistics_page.json"


def child(args) -> None:
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, no collectstatic
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings

    from standortlotse.properties import statistics, statistics_charts

    # As bench/onesearch.py: with DEBUG off the page links static files through WhiteNoise's
    # manifest, which needs `collectstatic`; plain static URLs instead.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client(raise_request_exception=True)
    timer = harness.SqlTimer()

    def timed(call, n):
        samples = []
        for _ in range(n):
            timer.reset()
            started = time.perf_counter()
            result = call()
            samples.append(
                {
                    "ms": (time.perf_counter() - started) * 1000,
                    "sql_ms": timer.ms,
                    "queries": timer.count,
                }
            )
        return samples, result

    def page():
        response = client.get("/statistik/")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    def page_after_change():
        statistics._after_commit()  # what the commit of a write does
        return page()

    with transaction.atomic(), connection.execute_wrapper(timer):
        page()  # today's row, the map in the cache, templates loaded
        for _ in range(3):
            page()
        kinds = {}
        kinds["unchanged"], size = timed(page, args.requests)
        kinds["after a change"], _ = timed(page_after_change, args.changes)
        kinds["compute"], _ = timed(statistics.compute, args.changes)
        snap = statistics.current()
        kinds["draw map"], svg = timed(lambda: statistics_charts.draw_map(snap), args.changes)
        server_version, total, published = harness.database_facts(connection)
        transaction.set_rollback(True)  # nothing of the benchmark stays

    summary = {}
    for name, samples in kinds.items():
        ms = [s["ms"] for s in samples]
        summary[name] = {
            "n": len(ms),
            "p50_ms": harness.percentile(ms, 50),
            "p95_ms": harness.percentile(ms, 95),
            "sql_p50_ms": harness.percentile([s["sql_ms"] for s in samples], 50),
            "queries": max(s["queries"] for s in samples),
        }
    result = {
        "vendor": connection.vendor,
        "server_version": server_version,
        "properties_total": total,
        "properties_published": int(published or 0),
        "page_bytes": size,
        "map_bytes": len(svg),
        "kinds": summary,
        "ratio_after_change_to_unchanged": (
            summary["after a change"]["p50_ms"] / summary["unchanged"]["p50_ms"]
        ),
    }
    Path(args.child_output).write_text(json.dumps(result, indent=1, default=str))


def print_table(label: str, result: dict) -> None:
    print(
        f"\n{label}: {result['vendor']} {result['server_version']}, "
        f"{result['properties_total']:,} properties ({result['properties_published']:,} "
        f"published); page {result['page_bytes'] / 1024:.0f} KB, map {result['map_bytes'] / 1024:.0f} KB"
    )
    print(f"  {'':16} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'queries':>8}")
    for name, s in result["kinds"].items():
        print(
            f"  {name:16} {s['n']:4d} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} "
            f"{s['sql_p50_ms']:8.1f} {s['queries']:8d}"
        )
    print(
        f"  -> ratio p50 after a change / unchanged: "
        f"{result['ratio_after_change_to_unchanged']:.1f}"
    )
    harness.print_load_average(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=200, help="unchanged page requests")
    parser.add_argument(
        "--changes", type=int, default=15, help="requests after a change (and computations)"
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--sqlite-path", type=Path, default=harness.DEFAULT_SQLITE)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", harness.DEFAULT_PG_URL))
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--wait-quiet", type=float, metavar="LOAD")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_output:
        child(args)
        return 0
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if harness.pg_dbname(args.pg_url) in harness.PROTECTED_PG_DATABASES:
        parser.error(f"--pg-url must name a benchmark database, not {args.pg_url!r}")
    report = {
        "benchmark": "statistics page (/statistik/) unchanged and after a change",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine_info(),
        "settings": {"count": args.count, "requests": args.requests, "changes": args.changes},
        "databases": {},
        "skipped": {},
    }
    for engine, url, sqlite_path in harness.database_targets(
        databases, args.sqlite_path, args.pg_url, report
    ):
        print(f"\n== {engine}: {url}", flush=True)
        preparation = harness.prepare(engine, url, sqlite_path, args.count, args.fresh)
        if args.wait_quiet:
            harness.wait_low_load(args.wait_quiet)
        env = harness.bench_env(url)
        with tempfile.TemporaryDirectory(prefix="standortlotse-bench-cache-") as cache_dir:
            env["STANDORTLOTSE_CACHE_DIR"] = cache_dir
            load_before = harness.load_average()
            result = harness.run_json_child(
                Path(__file__),
                env,
                "--requests",
                str(args.requests),
                "--changes",
                str(args.changes),
            )
        result.update(
            preparation=preparation,
            load_average_before=load_before,
            load_average_after=harness.load_average(),
        )
        report["databases"][engine] = result
        print_table(engine, result)
    harness.write_results(report, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
