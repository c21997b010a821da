#!/usr/bin/env python
"""Benchmark of investor matching (standortlotse.cases.matching.match) on generated properties.

For each database (SQLite file in a temp dir; PostgreSQL if it answers) the script

1. prepares the benchmark database with the functions of ``bench/harness.py`` (imported,
   not copied): ``migrate``, ``load_geo``, ``generate_properties COUNT``, reused when the
   marker table says it holds the same data, so both benchmarks share one generated database;
2. starts a child process with ``django.setup()`` and production-like settings
   (DJANGO_DEBUG=0, no query log, persistent connection) that, inside a transaction rolled back
   at the end (nothing stays in the shared database), saves a seeded mix of search profiles
   (see SHAPES), warms up, then times ``matching.match(profile)`` end to end with
   ``time.perf_counter``: the district lookup, the SQL must-have filter and score, fetching the
   ranked rows and computing the reasons for each of them; every profile ``--repeat`` times, all
   calls in shuffled order;
3. prints a table per database (p50, p95, max ms, SQL p95, mean candidates = rows that pass the
   must-haves) and the overall p95 over all calls against the target of 100 ms, besides the p95
   of each profile's fastest call (less skewed by other work on the machine), collects the SQL
   and query plan of the slowest profile per shape, and writes everything to
   ``bench/results/matching.json``.

Run from the repository root:  python bench/matching.py
Options: --databases sqlite,postgres, --profiles, --repeat, --count, --fresh, --wait-quiet,
--explain, see --help. Results and analysis: docs/performance-matching.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
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
RESULTS = harness.RESULTS_DIR / "matching.json"
TARGET_P95_MS = 100.0
KINDS = harness.KINDS
AREA_RANGES = harness.AREA_RANGES
BIG_KINDS = ["plot", "business_park", "brownfield"]
WEIGHT_KEYS = [
    "rail_siding",
    "funding_area",
    "operation_24_7",
    "gas",
    "hydrogen",
    "gigabit",
    "immediately",
    "divisible",
    "municipal_owner",
]  # matching.NICE_TO_HAVES
BENCH_EMAIL = "bench-matching@example.invalid"


# --- Profile shapes (plain dicts; the child turns them into SearchProfile rows) ------------------


def _weights(rnd: random.Random, low: int, high: int) -> dict:
    keys = rnd.sample(WEIGHT_KEYS, rnd.randint(low, high))
    return {key: rnd.randint(1, 5) for key in keys}


def _area(rnd: random.Random, kind: str) -> tuple[int, int]:
    low, high = AREA_RANGES[kind]
    area_min = int(rnd.uniform(low, (low + high) / 2) // 100 * 100) or low
    area_max = int(min(high * 1.2, area_min * rnd.uniform(1.5, 4)) // 100 * 100)
    return area_min, area_max


def _p_kinds_only(rnd, districts):
    return {"kinds": rnd.sample(KINDS, rnd.choice([1, 1, 2]))}


def _p_area_weights(rnd, districts):
    kinds = rnd.sample(KINDS, rnd.choice([1, 1, 2]))
    area_min, area_max = _area(rnd, kinds[0])
    return {
        "kinds": kinds,
        "area_min_m2": area_min,
        "area_max_m2": area_max,
        "weights": _weights(rnd, 2, 4),
    }


def _p_must_haves(rnd, districts):
    kinds = rnd.sample(BIG_KINDS, rnd.choice([1, 2]))
    profile = {
        "kinds": kinds,
        "zoning": rnd.sample(["GI", "GE"], rnd.choice([1, 2])),
        "weights": _weights(rnd, 1, 3),
    }
    options = {
        "need_rail_siding": True,
        "need_electricity_mw": rnd.choice([1, 2, 5, 10, 20]),
        "need_broadband_mbits": rnd.choice([100, 250, 500, 1000]),
        "need_operation_24_7": True,
        "price_max": rnd.choice([15, 20, 25, 30, 40]),
        "motorway_km_max": rnd.choice([10, 20, 30, 40]),
        "available_by": (
            datetime.now(UTC).date() + timedelta(days=rnd.randint(30, 365))
        ).isoformat(),
    }
    for key in rnd.sample(list(options), rnd.randint(2, 5)):
        profile[key] = options[key]
    if rnd.random() < 0.5:
        profile["area_min_m2"], profile["area_max_m2"] = _area(rnd, kinds[0])
    return profile


def _p_districts(rnd, districts):
    profile = {
        "districts": rnd.sample(districts, rnd.randint(1, 3)),
        "weights": _weights(rnd, 0, 3),
    }
    if rnd.random() < 0.5:
        profile["kinds"] = rnd.sample(KINDS, rnd.choice([1, 2]))
    return profile


def _p_broad(rnd, districts):
    return {"weights": _weights(rnd, 6, 9)}


# name -> (factory, share of the mix, description)
SHAPES = {
    "kinds_only": (_p_kinds_only, 0.20, "kinds (1-2), nothing else"),
    "area_weights": (_p_area_weights, 0.30, "kinds (1-2) + area range + 2-4 weights"),
    "must_haves": (
        _p_must_haves,
        0.20,
        (
            "big kinds + zoning + 2-5 of rail/power/broadband/24-7/price/motorway/date"
            " (+ area range in half) + 1-3 weights"
        ),
    ),
    "districts": (_p_districts, 0.15, "1-3 preferred districts (+ kinds in half) + 0-3 weights"),
    "broad_weights": (_p_broad, 0.15, "no filters at all, 6-9 weights (worst case)"),
}


def profile_plan(rnd: random.Random, total: int, districts: list[int]) -> list[tuple[str, dict]]:
    counts = {name: max(1, round(total * share)) for name, (_, share, _) in SHAPES.items()}
    counts["area_weights"] += total - sum(counts.values())
    plan = [(name, SHAPES[name][0](rnd, districts)) for name, n in counts.items() for _ in range(n)]
    rnd.shuffle(plan)
    return plan


# --- Child: time matching.match -----------------------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from standortlotse.cases import matching
    from standortlotse.cases.models import SearchProfile
    from standortlotse.geo.models import District
    from standortlotse.properties.demo import SYNTHETIC_STATE

    translation.activate("de")
    districts = list(
        District.objects.filter(state__code=SYNTHETIC_STATE).values_list("pk", flat=True)
    )
    if not districts:
        raise SystemExit(
            "no synthetic districts: the database was not prepared by generate_properties"
        )
    rnd = random.Random(args.seed)
    plan = profile_plan(rnd, args.profiles, districts)
    warmup = [
        (name, SHAPES[name][0](rnd, districts)) for name in rnd.choices(list(SHAPES), k=args.warmup)
    ]
    warmup += [(name, SHAPES[name][0](rnd, districts)) for name in SHAPES]

    sql = harness.SqlTimer()

    def save(spec: dict) -> SearchProfile:
        fields = {k: v for k, v in spec.items() if k != "districts"}
        if "available_by" in fields:
            fields["available_by"] = date.fromisoformat(fields["available_by"])
        profile = SearchProfile.objects.create(email=BENCH_EMAIL, **fields)
        if spec.get("districts"):
            profile.districts.set(spec["districts"])
        # As the views see it: a fresh instance from the database.
        return SearchProfile.objects.get(pk=profile.pk)

    samples = []
    with transaction.atomic():
        warm_profiles = [(name, save(spec)) for name, spec in warmup]
        timed_profiles = [(name, spec, save(spec)) for name, spec in plan]
        with connection.execute_wrapper(sql):
            for _name, profile in warm_profiles:
                matching.match(profile)
            order = [entry for entry in timed_profiles for _ in range(args.repeat)]
            rnd.shuffle(order)
            started_all = time.perf_counter()
            for name, _spec, profile in order:
                sql.reset()
                started = time.perf_counter()
                matches = matching.match(profile)
                elapsed = (time.perf_counter() - started) * 1000
                samples.append(
                    {
                        "shape": name,
                        "profile": profile.pk,
                        "ms": elapsed,
                        "sql_ms": sql.ms,
                        "queries": sql.count,
                        "results": len(matches),
                        "reasons": sum(len(m.reasons) + len(m.misses) for m in matches),
                    }
                )
            wall = time.perf_counter() - started_all

        # Untimed: how many rows pass the must-haves, per profile.
        candidates = {
            profile.pk: matching.candidates(profile).count() for _, _, profile in timed_profiles
        }
        specs = {profile.pk: spec for _, spec, profile in timed_profiles}
        objects = {profile.pk: profile for _, _, profile in timed_profiles}
        for sample in samples:
            sample["candidates"] = candidates[sample["profile"]]

        # With --repeat > 1: the fastest call per profile, which filters out the moments the
        # process or the database server waited for a CPU (other work on the machine).
        best = {}
        for sample in samples:
            best[sample["profile"]] = min(best.get(sample["profile"], float("inf")), sample["ms"])

        shapes = {}
        plans = {}
        for name in SHAPES:
            rows = [s for s in samples if s["shape"] == name]
            ms = [s["ms"] for s in rows]
            best_ms = [best[profile.pk] for shape, _, profile in timed_profiles if shape == name]
            shapes[name] = {
                "description": SHAPES[name][2],
                "n": len(rows),
                "p50_ms": harness.percentile(ms, 50),
                "p95_ms": harness.percentile(ms, 95),
                "max_ms": max(ms),
                "mean_ms": sum(ms) / len(ms),
                "best_of_repeat_p50_ms": harness.percentile(best_ms, 50),
                "best_of_repeat_p95_ms": harness.percentile(best_ms, 95),
                "sql_p50_ms": harness.percentile([s["sql_ms"] for s in rows], 50),
                "sql_p95_ms": harness.percentile([s["sql_ms"] for s in rows], 95),
                "python_p50_ms": harness.percentile([s["ms"] - s["sql_ms"] for s in rows], 50),
                "mean_candidates": sum(s["candidates"] for s in rows) / len(rows),
                "mean_results": sum(s["results"] for s in rows) / len(rows),
            }
            # SQL and plan of the slowest profile of the shape.
            slowest = max(rows, key=lambda s: s["ms"])
            profile = objects[slowest["profile"]]
            with CaptureQueriesContext(connection) as captured:
                matching.match(profile)
            statements = harness.statement_plans(connection, captured.captured_queries)
            plans[name] = {
                "profile": specs[slowest["profile"]],
                "ms": slowest["ms"],
                "candidates": slowest["candidates"],
                "statements": statements,
            }

        server_version, total, published = harness.database_facts(connection)
        # Nothing of the benchmark stays in the shared database.
        transaction.set_rollback(True)

    all_ms = [s["ms"] for s in samples]
    slowest = sorted(samples, key=lambda s: s["ms"], reverse=True)[:10]
    result = {
        "vendor": connection.vendor,
        "server_version": server_version,
        "properties_total": total,
        "properties_published": int(published or 0),
        "profiles": len(plan),
        "repeat": args.repeat,
        "warmup_profiles": len(warmup),
        "timed_calls": len(samples),
        "wall_s": wall,
        "shapes": shapes,
        "overall": {
            "n": len(all_ms),
            "p50_ms": harness.percentile(all_ms, 50),
            "p95_ms": harness.percentile(all_ms, 95),
            "max_ms": max(all_ms),
            "mean_candidates": sum(s["candidates"] for s in samples) / len(samples),
            "best_of_repeat_p50_ms": harness.percentile(list(best.values()), 50),
            "best_of_repeat_p95_ms": harness.percentile(list(best.values()), 95),
            "target_p95_ms": TARGET_P95_MS,
            "meets_target": harness.percentile(all_ms, 95) <= TARGET_P95_MS,
        },
        "slowest": [{**s, "spec": specs[s["profile"]]} for s in slowest],
        "samples": [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()} for s in samples
        ],
        "plans": plans,
    }
    Path(args.child_output).write_text(json.dumps(result, indent=1, default=str))


# --- Parent: report -----------------------------------------------------------------------------


def print_table(label: str, result: dict) -> None:
    print(
        f"\n{label}: {result['vendor']} {result['server_version']}, "
        f"{result['properties_total']:,} properties ({result['properties_published']:,} "
        f"published), {result['profiles']} profiles x {result['repeat']} timed call(s) "
        f"after {result['warmup_profiles']} warm-up calls"
    )
    repeat = result["repeat"]
    best = f"best{repeat} p95" if repeat > 1 else ""
    header = (
        f"  {'profile shape':<15} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'SQL p95':>8} {'py p50':>7} {'mean candidates':>16} {best:>11}"
    )
    print(header.rstrip())
    print("  " + "-" * (len(header.rstrip()) - 2))
    for name, s in result["shapes"].items():
        extra = f" {s['best_of_repeat_p95_ms']:11.1f}" if repeat > 1 else ""
        print(
            f"  {name:<15} {s['n']:4d} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} {s['max_ms']:8.1f} "
            f"{s['sql_p95_ms']:8.1f} {s['python_p50_ms']:7.1f} {s['mean_candidates']:16,.0f}{extra}"
        )
    o = result["overall"]
    verdict = "meets" if o["meets_target"] else "MISSES"
    extra = f" {o['best_of_repeat_p95_ms']:11.1f}" if repeat > 1 else ""
    print(
        f"  {'overall':<15} {o['n']:4d} {o['p50_ms']:8.1f} {o['p95_ms']:8.1f} {o['max_ms']:8.1f} "
        f"{'':8} {'':7} {o['mean_candidates']:16,.0f}{extra}"
    )
    print(
        f"  -> overall p95 {o['p95_ms']:.1f} ms {verdict} the target p95 <= {TARGET_P95_MS:.0f} ms"
    )
    if repeat > 1:
        print(
            f"     p95 over profiles of the fastest of {repeat} calls (less skewed by other work "
            f"on the machine): {o['best_of_repeat_p95_ms']:.1f} ms"
        )
    print(
        "  ms: matching.match(profile) end to end (SQL, rows, reasons); SQL p95: time inside "
        "cursor.execute;\n  py p50: ms minus SQL time; candidates: rows passing the "
        "must-haves (counted separately, untimed)"
        + (
            f";\n  best{repeat} p95: p95 over profiles of each profile's fastest call."
            if repeat > 1
            else "."
        )
    )
    harness.print_load_average(result)


def print_plans(result: dict) -> None:
    for name, entry in result["plans"].items():
        print(
            f"\n  [{name}] slowest profile {entry['ms']:.1f} ms, {entry['candidates']:,} "
            f"candidates: {json.dumps(entry['profile'])}"
        )
        harness.print_statements(entry["statements"], 300)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default both; postgres is "
        "skipped when it does not answer)",
    )
    parser.add_argument(
        "--profiles",
        type=int,
        default=300,
        help="timed search profiles, mixed over the shapes (default 300)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed calls per profile, shuffled (default 3); the table also shows "
        "the p95 of each profile's fastest call",
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="warm-up profiles besides one per shape (default 20)"
    )
    parser.add_argument(
        "--count",
        type=int,
        default=100_000,
        help="synthetic properties in the shared benchmark database (default 100000)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the profiles")
    parser.add_argument(
        "--sqlite-path",
        type=Path,
        default=harness.DEFAULT_SQLITE,
        help="SQLite benchmark database (default: the one of search_api.py)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", harness.DEFAULT_PG_URL),
        help=f"PostgreSQL benchmark database (default {harness.DEFAULT_PG_URL}, "
        "shared with search_api.py)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="regenerate the data even if a matching marker exists"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        metavar="LOAD",
        help="before timing each database, wait (at most 10 min) until the 1-minute "
        "load average is below LOAD; other work on the machine skews the figures",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print SQL and query plan of the slowest profile per shape",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_output:
        child(args)
        return 0

    if args.profiles < len(SHAPES):
        parser.error(f"--profiles must be at least {len(SHAPES)}")
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    if harness.pg_dbname(args.pg_url) in harness.PROTECTED_PG_DATABASES:
        parser.error(
            f"--pg-url must name a benchmark database, not {harness.pg_dbname(args.pg_url)!r}"
        )

    report = {
        "benchmark": "investor matching (cases.matching.match)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine_info(),
        "settings": {
            "count": args.count,
            "profiles": args.profiles,
            "repeat": args.repeat,
            "warmup": args.warmup,
            "seed": args.seed,
            "data_seed": harness.SEED_DATA,
            "target_p95_ms": TARGET_P95_MS,
        },
        "shapes": {
            name: {"share": share, "description": text} for name, (_, share, text) in SHAPES.items()
        },
        "databases": {},
        "skipped": {},
    }
    targets = harness.database_targets(databases, args.sqlite_path, args.pg_url, report)

    for engine, url, sqlite_path in targets:
        print(f"\n== {engine}: {url}", flush=True)
        preparation = harness.prepare(engine, url, sqlite_path, args.count, args.fresh)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            child_output = handle.name
        try:
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child-output",
                child_output,
                "--profiles",
                str(args.profiles),
                "--repeat",
                str(args.repeat),
                "--warmup",
                str(args.warmup),
                "--seed",
                str(args.seed),
            ]
            if args.wait_quiet:
                harness.wait_low_load(args.wait_quiet)
            load_before = harness.load_average()
            print(
                f"  timing matching.match for {args.profiles} profiles "
                f"(load average {load_before[0]:.2f}) ...",
                flush=True,
            )
            subprocess.run(command, cwd=ROOT, env=harness.bench_env(url), check=True)
            result = json.loads(Path(child_output).read_text())
        finally:
            Path(child_output).unlink(missing_ok=True)
        result["preparation"] = preparation
        result["load_average_before"] = load_before
        result["load_average_after"] = harness.load_average()
        report["databases"][engine] = result
        print_table(engine, result)
        if args.explain:
            print_plans(result)

    harness.write_results(report, args.output)
    # A missed target is a finding reported above, not a failure of the benchmark run.
    return 0


if __name__ == "__main__":
    sys.exit(main())
