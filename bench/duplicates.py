#!/usr/bin/env python
"""Benchmark of the possible-duplicate check of the property import (properties/duplicates.py).

For each size N (default 20,000 and 100,000) the script

1. prepares a SQLite database with N generated records (``harness.prepare``: migrate, load_geo,
   generate_properties N; reused while the data key matches, marker table
   ``bench_duplicates_marker``);
2. in a child process with ``django.setup()`` writes a CSV of N rows as a municipal list would
   carry them (semicolons, decimal commas, the municipality as AGS): 5 % near-duplicates of
   records of the register (same municipality, the title written differently, the point
   ~30 m off, the same area), 1 % rows identical to an earlier row, the rest new rows around
   the municipality centres;
3. runs the check step (``services.analyse``) on that file twice in the same process: first
   without the duplicate check, then with it, and reports both times, their ratio, the time
   spent inside the checker itself, the findings and the peak RSS after each run.

The check must not be quadratic: the ratio for 100,000 × 100,000 should be about the one for
20,000 × 20,000 (a quadratic check would be 25 times slower per row).

Run from the repository root:  python bench/duplicates.py [--sizes 20000,100000] [--fresh]
Results: bench/results/duplicates.json (gitignored).
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
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402  the shared bench harness

ROOT = harness.ROOT
SRC = harness.SRC
RESULTS = harness.RESULTS_DIR / "duplicates.json"
WORKDIR = Path(tempfile.gettempdir()) / "standortlotse-bench" / "duplicates"
MARKER = "bench_duplicates_marker"
USERNAME = "bench-duplicates-admin"
HEADERS = ["Bezeichnung", "Gemeinde", "Breite", "Länge", "Fläche", "Gesamtfläche"]
WORDS = ["Gewerbe", "Hof", "Nord", "Süd", "Ost", "West", "Halle", "Park", "Feld", "Hafen", "Au"]


def _german(number: float, decimals: int = 6) -> str:
    return f"{number:.{decimals}f}".replace(".", ",")


def write_csv(path: Path, rows: int, seed: int) -> dict:
    """The file for a register of the same size: near-duplicates, identical rows, new rows."""
    from standortlotse.geo.models import Municipality
    from standortlotse.properties.models import Property

    rnd = random.Random(seed)
    municipalities = list(Municipality.objects.values_list("ags", "lat", "lon"))
    ags = dict(Municipality.objects.values_list("pk", "ags"))
    records = list(
        Property.objects.values_list(
            "title", "municipality_id", "lat", "lon", "area_available_m2", "area_total_m2"
        )
    )
    counts = {"near_register": 0, "identical": 0, "new": 0}
    written: list[list[str]] = []
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADERS)
        for index in range(rows):
            draw = rnd.random()
            if draw < 0.05 and records:
                title, municipality, lat, lon, available, total = rnd.choice(records)
                row = [
                    title.upper().replace(" ", " - ", 1),
                    ags[municipality],
                    _german(lat + 0.0002),
                    _german(lon + 0.0002),
                    str(available or ""),
                    str(total or ""),
                ]
                counts["near_register"] += 1
            elif draw < 0.06 and written:
                row = list(rnd.choice(written))
                counts["identical"] += 1
            else:
                key, lat, lon = rnd.choice(municipalities)
                area = rnd.randrange(800, 200_000)
                row = [
                    f"{rnd.choice(WORDS)}{rnd.choice(WORDS).lower()} {rnd.choice(WORDS)} {index}",
                    key,
                    _german(lat + rnd.uniform(-0.05, 0.05)),
                    _german(lon + rnd.uniform(-0.05, 0.05)),
                    str(area),
                    str(area + rnd.randrange(0, 50_000)),
                ]
                counts["new"] += 1
            out.writerow(row)
            if len(written) < 5000:
                written.append(row)
    return counts


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(args) -> None:
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from standortlotse.exchange import services
    from standortlotse.exchange.models import ImportJob, ImportRow
    from standortlotse.properties import duplicates
    from standortlotse.properties import importing as property_import
    from standortlotse.properties.models import Property

    translation.activate("de")
    user = harness.state_admin(USERNAME, "bench-duplicates@example.invalid")
    path = Path(args.workdir) / f"rows-{args.rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    made = write_csv(path, args.rows, args.seed)
    result = {
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
    with_check = property_import.duplicate_check

    def analyse(label):
        ImportRow.objects.filter(job=job).delete()  # outside the timing: both runs start empty
        begun = time.perf_counter()
        services.analyse(job)
        seconds = time.perf_counter() - begun
        job.refresh_from_db()
        rows = ImportRow.objects.filter(job=job)
        result[label] = {
            "analyse_s": round(seconds, 2),
            "counts": job.counts,
            "decisions": dict(
                rows.exclude(decision="")
                .values_list("decision")
                .annotate(n=_count())
                .values_list("decision", "n")
            ),
            "peak_rss_mb": _rss_mb(),
        }
        print(f"  {label}: {seconds:.1f} s, {job.counts}", flush=True)

    property_import.duplicate_check = lambda ctx: None  # type: ignore[assignment]
    analyse("without_check")
    property_import.duplicate_check = with_check
    analyse("with_check")
    result["checker_s"] = round(inside["s"], 2)
    result["ratio"] = round(
        result["with_check"]["analyse_s"] / result["without_check"]["analyse_s"], 3
    )
    result["checker_us_per_row"] = round(inside["s"] / args.rows * 1e6, 1)
    services.discard(job)
    Path(args.child_output).write_text(json.dumps(result, indent=1, default=str))


def _count():
    from django.db.models import Count

    return Count("pk")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="20000,100000", help="N rows against N records, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--fresh", action="store_true", help="prepare the databases anew")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default=str(WORKDIR), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    report: dict = {"machine": harness.machine_info(), "commit": harness.git_commit(), "runs": []}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        sqlite_path = WORKDIR / f"register-{size}.sqlite3"
        url = f"sqlite:///{sqlite_path}"
        print(f"SQLite, {size:,} rows against {size:,} records", flush=True)
        preparation = harness.prepare("sqlite", url, sqlite_path, size, args.fresh, MARKER)
        env = harness.bench_env(url)
        env.update(
            {
                "STANDORTLOTSE_PRIVATE_ROOT": str(WORKDIR / "private"),
                "STANDORTLOTSE_CACHE_DIR": str(WORKDIR / "cache"),
            }
        )
        env.pop("REDIS_URL", None)
        run = harness.run_json_child(
            Path(__file__), env, "--child", "--rows", str(size), "--seed", str(args.seed)
        )
        run["preparation"] = preparation
        report["runs"].append(run)
        print(
            f"  ratio with/without duplicate check: {run['ratio']:.2f} "
            f"(checker {run['checker_s']:.1f} s, {run['checker_us_per_row']:.0f} µs per row)",
            flush=True,
        )
    harness.write_results(report, args.output)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standortlotse.settings")
    sys.exit(main())
