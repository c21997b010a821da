#!/usr/bin/env python
"""Benchmark of the import check (``services.analyse``) with and without the possible-duplicate
check (properties/duplicates.py): N rows of a municipal list against a register of N records.

For each database (``--databases sqlite,postgres``) and size N (``--sizes``, default 20,000 and
100,000) the script

1. prepares a database with N generated records (``harness.prepare``: migrate, load_geo,
   generate_properties N; reused while the data key matches, marker table
   ``bench_duplicates_marker``): SQLite ``$TMPDIR/standortlotse-bench/duplicates/register-N.sqlite3``,
   PostgreSQL ``--pg-url`` with ``_<N/1000>k`` appended to the database name (dropped and created;
   never ``test``/``postgres``);
2. in each child process writes the same seeded CSV of N rows in the forms of a municipal list
   (the columns of ``import_properties.py`` without the ID column: rows without an ID are the
   ones the check is for; semicolons, decimal commas, "12.500 m²", "sofort", "GE/GI", the
   municipality as name or AGS, descriptions): 5 % near-duplicates of records of the register
   (same municipality, the title written differently, the point ~30 m off, the same area),
   1 % rows identical to an earlier row, the rest new rows around the municipality centres with
   round areas ("3,5 ha");
3. runs the check step (``services.analyse``) once in a child *without* the duplicate check and
   once in another child *with* it, so that each peak RSS (``ru_maxrss``) belongs to one run.

It reports both times, their ratio, the time inside the checker, the findings and the peak RSS
of each run, and checks the largest size (≥ 100,000) against the targets of issue 14:

- time: the check step of 100,000 rows including the duplicate check ≤ ``TIME_LIMIT_S`` (60 s);
- memory: the duplicate check adds at most ``MEMORY_LIMIT_MB`` to the peak RSS of the check step
  (the run with the check against the run without, same file and database). Both runs hold the
  same batch of 1,000 rows at a time; what the check adds is its index of the register (flat
  arrays, about 250 bytes per record). Nothing per row of the file: the rows identical to an
  earlier one are found in SQL (``ImportRow.fingerprint``), the near-identical ones after the
  last batch from the stored rows, one municipality at a time (``ImportRow.near_group``).
  ``--file-rows 20000,100000`` runs files of several sizes against
  the same register, for the memory against the file size.

It prints a PASS/FAIL line per database. The check must not be quadratic: the time inside the
checker per row should be about the same for 20,000 × 20,000 and 100,000 × 100,000.
The machine is shared: the ratio with/without is measured in the same minute and is the figure
to compare between runs; the load average before and after each run is printed.

Run from the repository root:
  python bench/duplicates.py [--databases sqlite,postgres] [--sizes 20000,100000] [--fresh]
  python bench/duplicates.py --databases sqlite --sizes 100000 --profile   # + cProfile, tracemalloc
Results: bench/results/duplicates.json (gitignored). The last recorded run is in bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402  the shared bench harness
import import_properties  # noqa: E402  its municipal list's columns

ROOT = harness.ROOT
SRC = harness.SRC
RESULTS = harness.RESULTS_DIR / "duplicates.json"
WORKDIR = Path(tempfile.gettempdir()) / "standortlotse-bench" / "duplicates"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/standortlotse_bench_duplicates"
MARKER = "bench_duplicates_marker"
USERNAME = "bench-duplicates-admin"
TIME_LIMIT_S = 60.0
TARGET_ROWS = 100_000
MEMORY_LIMIT_MB = 64.0
# The municipal list of bench/import_properties.py without its ID column: rows without an ID are
# the ones the duplicate check is for.
HEADERS = [header for header in import_properties.HEADERS if header != "Objekt-Nr."]
KINDS = ["Gewerbegebiet", "Industriegebiet", "Gewerbepark", "Lagerhalle", "Brachfläche"]
PLACES = ["Nord", "Süd", "Ost", "West", "am Bahnhof", "An der B 189", "Am Hafen", "Im Winkel"]
ZONING = ["GE", "GI", "MI", "GE/GI", "Gewerbegebiet"]
RAIL = ["nein", "ja", "möglich", ""]
SENTENCES = [
    "Voll erschlossene Gewerbefläche in verkehrsgünstiger Lage.",
    "Medien (Strom, Wasser, Abwasser, Gas) liegen an der Grundstücksgrenze an.",
    "Die Fläche ist teilbar; Parzellen ab 5.000 m² möglich.",
    "Ehemaliges Betriebsgelände, Altlastengutachten liegt vor.",
    "Kaufpreis verhandelbar; Erbbaurecht auf Anfrage.",
    'Im Bebauungsplan als "GE" festgesetzt, GRZ 0,8.',
]


def _german(number: float, decimals: int = 6) -> str:
    return f"{number:.{decimals}f}".replace(".", ",")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _rest(rnd: random.Random) -> list[str]:
    """The columns after the areas up to the coordinates, and the description."""
    if rnd.random() < 0.6:
        available_from = "sofort"
    else:
        available_from = (date(2026, 1, 1) + timedelta(days=rnd.randint(0, 700))).strftime(
            "%d.%m.%Y"
        )
    price = "" if rnd.random() < 0.1 else f"{_german(rnd.randint(300, 6_000) / 100, 2)} €"
    return [available_from, rnd.choice(ZONING), price, rnd.choice(RAIL)]


def write_csv(path: Path, rows: int, seed: int) -> dict:
    """The file for a register of the same size: near-duplicates, identical rows, new rows."""
    from standortlotse.geo.models import Municipality
    from standortlotse.properties.models import Property

    rnd = random.Random(seed)
    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", "ags", "name"))
    centres = dict(Municipality.objects.values_list("pk", "lat"))
    centres_lon = dict(Municipality.objects.values_list("pk", "lon"))
    names = {pk: (ags, name) for pk, ags, name in municipalities}
    records = list(
        Property.objects.order_by("pk").values_list(
            "title", "municipality_id", "lat", "lon", "area_available_m2", "area_total_m2"
        )
    )
    counts = {"near_register": 0, "identical": 0, "new": 0}
    written: list[list[str]] = []
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADERS)
        for _row in range(rows):
            draw = rnd.random()
            if draw < 0.05 and records:
                title, municipality, lat, lon, available, total = rnd.choice(records)
                ags, name = names[municipality]
                row = [
                    title.upper().replace(" ", " - ", 1),
                    ags if rnd.random() < 0.25 else name,
                    _german(available / 10_000, 4) if available else "",
                    f"{_thousands(total)} m²" if total else "",
                    *_rest(rnd),
                    _german(lat + 0.0002),
                    _german(lon + 0.0002),
                    " ".join(rnd.sample(SENTENCES, rnd.randint(1, 3))),
                ]
                counts["near_register"] += 1
            elif draw < 0.06 and written:
                row = list(rnd.choice(written))
                counts["identical"] += 1
            else:
                pk, ags, name = rnd.choice(municipalities)
                available_ha = rnd.randint(2, 400) / 10  # round areas: 0,2 to 40,0 ha
                total_m2 = int(available_ha * 10_000) + rnd.randint(0, 5_000) * 10
                row = [
                    (
                        f"{rnd.choice(KINDS)} {name.split()[-1]} {rnd.choice(PLACES)}, "
                        f"Parzelle {rnd.randint(1, 60)}"
                    ),
                    ags if rnd.random() < 0.25 else name,
                    _german(available_ha, 1),
                    f"{_thousands(total_m2)} m²",
                    *_rest(rnd),
                    _german(centres[pk] + rnd.uniform(-0.05, 0.05), rnd.choice([4, 5, 6])),
                    _german(centres_lon[pk] + rnd.uniform(-0.08, 0.08), rnd.choice([4, 5, 6])),
                    " ".join(rnd.sample(SENTENCES, rnd.randint(1, 3))),
                ]
                counts["new"] += 1
            out.writerow(row)
            if len(written) < 5000:
                written.append(row)
    return counts


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(args) -> None:
    """One check step of the file: ``--variant without`` or ``with`` the duplicate check;
    ``--mode profile`` (cProfile) or ``tracemalloc`` (what the checker holds at the end)."""
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count
    from django.utils import translation

    from standortlotse.exchange import services
    from standortlotse.exchange.models import ImportJob, ImportRow
    from standortlotse.properties import duplicates
    from standortlotse.properties import importing as property_import
    from standortlotse.properties.models import Property

    translation.activate("de")
    user = harness.state_admin(USERNAME, "bench-duplicates@example.invalid")
    path = Path(args.workdir) / f"rows-{args.engine}-{args.rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    made = write_csv(path, args.rows, args.seed)
    result: dict = {
        "variant": args.variant,
        "mode": args.mode,
        "rows": args.rows,
        "records": Property.objects.count(),
        "file": made,
        "file_s": round(time.perf_counter() - started, 2),
    }
    job = services.start(user, SimpleUploadedFile(path.name, path.read_bytes()))
    job.state = ImportJob.State.ANALYSING
    job.save()

    inside = {"s": 0.0}
    original_check = duplicates.ImportCheck.check

    def timed_check(self, planned):
        begun = time.perf_counter()
        try:
            return original_check(self, planned)
        finally:
            inside["s"] += time.perf_counter() - begun

    duplicates.ImportCheck.check = timed_check  # type: ignore[method-assign]
    kept: list = []
    with_check = property_import.duplicate_check

    def keeping_check(ctx):
        kept.append(with_check(ctx))  # so that tracemalloc sees the index at the end
        return kept[-1]

    if args.variant == "without":
        property_import.duplicate_check = lambda ctx: None  # type: ignore[assignment]
    elif args.mode == "tracemalloc":
        property_import.duplicate_check = keeping_check  # type: ignore[assignment]
    rss_before = _rss_mb()
    profiler = None
    if args.mode == "profile":
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    elif args.mode == "tracemalloc":
        import tracemalloc

        tracemalloc.start(1)
    load_before = harness.load_average()
    begun, cpu = time.perf_counter(), time.process_time()
    services.analyse(job)
    seconds, cpu = time.perf_counter() - begun, time.process_time() - cpu
    if profiler:
        profiler.disable()
        import pstats

        out = Path(args.workdir) / f"duplicates-{args.engine}-{args.rows}.prof"
        profiler.dump_stats(out)
        print(f"  cProfile of the check step with the duplicate check: {out}")
        stats = pstats.Stats(str(out))
        stats.sort_stats("cumulative").print_stats(r"standortlotse/(properties|exchange)", 25)
    if args.mode == "tracemalloc":
        current, peak = tracemalloc.get_traced_memory()
        snapshot = tracemalloc.take_snapshot()
        tracemalloc.stop()
        result["tracemalloc"] = {
            "peak_mb": round(peak / 2**20, 1),
            "held_at_end_mb": round(current / 2**20, 1),
            "top": [
                f"{stat.traceback[0].filename.rsplit('/', 2)[-1]}:{stat.traceback[0].lineno} "
                f"{stat.size / 2**20:.1f} MB"
                for stat in snapshot.statistics("lineno")[:8]
            ],
        }
        print(f"  tracemalloc: {result['tracemalloc']}")
    job.refresh_from_db()
    rows = ImportRow.objects.filter(job=job)
    reasons: dict[str, int] = {}
    for found in rows.filter(duplicate_of_record__isnull=False).values_list(
        "duplicate_reasons", flat=True
    ):
        key = "+".join(found)
        reasons[key] = reasons.get(key, 0) + 1
    result.update(
        {
            "analyse_s": round(seconds, 2),
            "analyse_cpu_s": round(cpu, 2),
            "checker_s": round(inside["s"], 2),
            "counts": job.counts,
            "decisions": dict(
                rows.exclude(decision="")
                .values_list("decision")
                .annotate(n=Count("pk"))
                .values_list("decision", "n")
            ),
            "in_file": {
                "identical": rows.filter(duplicate_identical=True).count(),
                "near_identical": rows.filter(
                    duplicate_of_row__isnull=False, duplicate_identical=False
                ).count(),
            },
            "register_reasons": reasons,
            "rss_before_mb": rss_before,
            "peak_rss_mb": _rss_mb(),
            "load_average": [load_before, harness.load_average()],
        }
    )
    print(
        f"  {args.variant} duplicate check: {seconds:.1f} s (CPU {cpu:.1f} s, checker "
        f"{inside['s']:.1f} s), load {load_before[0]:.1f}, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB, {job.counts}",
        flush=True,
    )
    services.discard(job)
    Path(args.child_output).write_text(json.dumps(result, indent=1, default=str))


def verdict(engine: str, run: dict) -> dict:
    """PASS/FAIL of the largest size against the time and memory limits."""
    with_check, without = run["with"], run["without"]
    growth = with_check["peak_rss_mb"] - without["peak_rss_mb"]
    seconds = with_check["analyse_s"] * TARGET_ROWS / run["rows"]
    result = {
        "time_s_per_100k": round(seconds, 1),
        "memory_growth_mb": round(growth, 1),
        "meets_time": seconds <= TIME_LIMIT_S,
        "meets_memory": growth <= MEMORY_LIMIT_MB,
    }
    ok = result["meets_time"] and result["meets_memory"]
    print(
        f"{'PASS' if ok else 'FAIL'} {engine}: {run['rows']:,} rows against {run['records']:,} "
        f"records, check step incl. duplicate check {with_check['analyse_s']:.1f} s "
        f"(CPU {with_check['analyse_cpu_s']:.1f} s; limit {TIME_LIMIT_S:.0f} s: "
        f"{'ok' if result['meets_time'] else 'MISSED'}), "
        f"the duplicate check adds {growth:.0f} MB peak RSS "
        f"(limit {MEMORY_LIMIT_MB:.0f} MB: {'ok' if result['meets_memory'] else 'MISSED'})",
        flush=True,
    )
    return result


def _run(args, env: dict, engine: str, rows: int, preparation: dict) -> dict:
    """The children of one file size: without and with the check (and profile, tracemalloc)."""
    common = ["--child", "--rows", str(rows), "--seed", str(args.seed)]
    common += ["--engine", engine]
    run: dict = {"engine": engine, "rows": rows, "preparation": preparation}
    if args.wait_quiet:
        harness.wait_low_load(args.wait_quiet)
    for variant in ("without", "with"):
        run[variant] = harness.run_json_child(Path(__file__), env, *common, "--variant", variant)
    run["records"] = run["with"]["records"]
    run["ratio"] = round(run["with"]["analyse_s"] / run["without"]["analyse_s"], 3)
    run["checker_us_per_row"] = round(run["with"]["checker_s"] / rows * 1e6, 1)
    run["check_adds_mb"] = round(run["with"]["peak_rss_mb"] - run["without"]["peak_rss_mb"], 1)
    print(
        f"  ratio with/without duplicate check: {run['ratio']:.2f} "
        f"(checker {run['with']['checker_s']:.1f} s, "
        f"{run['checker_us_per_row']:.0f} µs per row; adds {run['check_adds_mb']:.0f} MB peak "
        f"RSS); findings {run['with']['in_file']}, register {run['with']['register_reasons']}",
        flush=True,
    )
    if args.profile:
        for mode in ("profile", "tracemalloc"):
            run[mode] = harness.run_json_child(
                Path(__file__), env, *common, "--variant", "with", "--mode", mode
            )
    return run


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="20000,100000", help="N rows against N records, comma-separated"
    )
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="_<N/1000>k is appended")
    parser.add_argument(
        "--file-rows",
        default="",
        help="rows of the file, comma-separated, each against every register size "
        "(default: as many rows as records); e.g. 20000,100000 for the memory against file size",
    )
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--fresh", action="store_true", help="prepare the databases anew")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile and tracemalloc runs with the check"
    )
    parser.add_argument(
        "--wait-quiet", type=float, metavar="LOAD", help="wait for a load average below LOAD"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--variant", default="with", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="time", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default=str(WORKDIR), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    report: dict = {
        "machine": harness.machine_info(),
        "commit": harness.git_commit(),
        "limits": {"time_s": TIME_LIMIT_S, "memory_mb": MEMORY_LIMIT_MB},
        "runs": [],
        "skipped": {},
    }
    sizes = [int(s) for s in args.sizes.split(",") if s]
    status = 0
    for engine in [d.strip() for d in args.databases.split(",") if d.strip()]:
        for size in sizes:
            if engine == "sqlite":
                sqlite_path = WORKDIR / f"register-{size}.sqlite3"
                url = f"sqlite:///{sqlite_path}"
            else:
                sqlite_path, url = None, f"{args.pg_url}_{size // 1000}k"
                problem = harness.pg_reachable(url)
                if problem:
                    print(f"PostgreSQL at {url} not reachable ({problem}): skipped")
                    report["skipped"]["postgres"] = problem
                    break
            print(f"{engine}, {size:,} rows against {size:,} records", flush=True)
            preparation = harness.prepare(engine, url, sqlite_path, size, args.fresh, MARKER)
            env = harness.bench_env(url)
            env.update(
                {
                    "STANDORTLOTSE_PRIVATE_ROOT": str(WORKDIR / "private"),
                    "STANDORTLOTSE_CACHE_DIR": str(WORKDIR / "cache"),
                }
            )
            env.pop("REDIS_URL", None)
            file_sizes = [int(r) for r in args.file_rows.split(",") if r] or [size]
            for rows in file_sizes:
                if len(file_sizes) > 1 or rows != size:
                    print(f"  file of {rows:,} rows against the {size:,} records", flush=True)
                run = _run(args, env, engine, rows, preparation)
                if rows == size >= TARGET_ROWS:
                    run["verdict"] = verdict(engine, run)
                    if not (run["verdict"]["meets_time"] and run["verdict"]["meets_memory"]):
                        status = 1
                report["runs"].append(run)
    harness.write_results(report, args.output)
    return status


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standortlotse.settings")
    sys.exit(main())
