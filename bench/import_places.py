#!/usr/bin/env python
"""Benchmark of applying partner records to the places register (``places/exchange.py``
``apply``, which the places import's ``write`` and the scheduled pull call): N Karte von morgen
entries, all new, against a floor.

For each database (``--databases sqlite,postgres``) the script prepares a fresh database
(``migrate``, ``load_geo``): SQLite ``$TMPDIR/standortlotse-bench/import_places.sqlite3``,
PostgreSQL ``--pg-url`` (default ``standortlotse_bench_places``; dropped and created, never
``test``/``postgres``). A child process creates a region of the Altmark districts and a
moderator, builds N entries in the Karte von morgen JSON format (the shape of
``tests/places/data/kvm_entries.json``: title, description, position, address, contact,
categories, tags, a social link; every entry its own ID, name and position), reads and maps them
as the upload does (``partners.read_and_map``) and plans them (``exchange.plan``). It then times,
each inside a transaction that is rolled back afterwards, so every pass starts from the same
empty register:

- ``apply``: ``exchange.apply(rows, "kvm", region, moderator)`` — the field and record rules,
  ``Place.save`` (HTML clean-up, search text), the attributes, the import hash and the
  ``Transition`` (history) of every place;
- ``floor``: the same number of bare places, each saved on its own with ``Place.save()`` (name,
  municipality, position): the least any write path that saves one record at a time costs.

It prints both times, the ratio apply/floor and the number of SQL statements of each; the
machine is shared, so the ratio (measured in the same minute) is the figure to compare.
``--profile`` also prints the cProfile hot spots of one ``apply`` pass.

Run from the repository root:
  python bench/import_places.py [--databases sqlite,postgres] [--records 1000] [--repeat 3]
Results: bench/results/import_places.json (gitignored). The last recorded run is in
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import harness  # noqa: E402  the shared bench harness

ROOT = harness.ROOT
SRC = harness.SRC
RESULTS = harness.RESULTS_DIR / "import_places.json"
WORKDIR = Path(tempfile.gettempdir()) / "standortlotse-bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/standortlotse_bench_places"
TEMPLATE = ROOT / "tests" / "places" / "data" / "kvm_entries.json"


def entries(count: int, seed: int, municipalities: list[tuple[str, float, float]]) -> bytes:
    """N Karte von morgen entries modelled on the first one of the test data."""
    rnd = random.Random(seed)
    template = json.loads(TEMPLATE.read_text())[0]
    made = []
    for index in range(count):
        name, lat, lon = rnd.choice(municipalities)
        entry = dict(template)
        entry.update(
            {
                "id": f"{index:08d}{rnd.getrandbits(96):024x}",
                "version": rnd.randint(1, 9),
                "title": f"{rnd.choice(['Coworking', 'Dorfladen', 'Werkstatt', 'Kulturhof'])} "
                f"{name} {index}",
                "lat": round(lat + rnd.uniform(-0.03, 0.03), 5),
                "lng": round(lon + rnd.uniform(-0.03, 0.03), 5),
                "city": name,
                "tags": rnd.sample(["coworking", "makerspace", "glasfaser", "zukunftsort"], 2),
            }
        )
        made.append(entry)
    return json.dumps(made).encode()


class _Rollback(Exception):
    pass


def child(args) -> None:
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import translation

    from standortlotse.geo.models import District, Municipality, Region
    from standortlotse.places import exchange, partners
    from standortlotse.places.models import Place, Status

    translation.activate("de")
    region, _ = Region.objects.get_or_create(slug="bench-altmark", defaults={"name": "Altmark"})
    region.districts.set(
        District.objects.filter(name__in=["Stendal", "Altmarkkreis Salzwedel"])
        or District.objects.all()[:2]
    )
    moderator, _ = get_user_model().objects.get_or_create(username="bench-places-moderator")
    municipalities = list(
        Municipality.objects.filter(district__regions=region)
        .order_by("pk")
        .values_list("name", "lat", "lon")
    )
    raw = entries(args.records, args.seed, municipalities)
    mapped, _format = partners.read_and_map(raw, "entries.json", "auto")
    rows = exchange.plan(mapped.records, "kvm", region)
    actions: dict[str, int] = {}
    for row in rows:
        actions[row.action] = actions.get(row.action, 0) + 1
    first = Municipality.objects.filter(district__regions=region).order_by("pk").first()

    def apply_pass():
        exchange.apply(rows, "kvm", region, moderator)

    def floor_pass():
        for index in range(args.records):
            Place(
                region=region,
                municipality=first,
                name=f"Ort {index}",
                lat=first.lat,
                lon=first.lon,
                status=Status.PUBLISHED,
            ).save()

    def timed(function) -> tuple[float, int]:
        statements = 0

        def count(execute, sql, params, many, context):
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        try:
            with connection.execute_wrapper(count), transaction.atomic():
                function()
                raise _Rollback
        except _Rollback:
            pass
        return time.perf_counter() - started, statements

    result: dict = {"records": args.records, "planned": actions, "passes": []}
    for _pass in range(args.repeat):
        load = harness.load_average()
        apply_s, apply_sql = timed(apply_pass)
        floor_s, floor_sql = timed(floor_pass)
        result["passes"].append(
            {
                "apply_s": round(apply_s, 3),
                "apply_statements": apply_sql,
                "floor_s": round(floor_s, 3),
                "floor_statements": floor_sql,
                "ratio": round(apply_s / floor_s, 2),
                "load_average": load,
            }
        )
        print(
            f"  apply {apply_s:.2f} s ({apply_sql} statements), floor {floor_s:.2f} s "
            f"({floor_sql}), ratio {apply_s / floor_s:.2f}, load {load[0]:.1f}",
            flush=True,
        )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        timed(apply_pass)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"standortlotse/", 25)
    best = min(result["passes"], key=lambda p: p["apply_s"])
    result["best"] = best
    Path(args.child_output).write_text(json.dumps(result, indent=1, default=str))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    if harness.pg_dbname(args.pg_url) in harness.PROTECTED_PG_DATABASES:
        raise SystemExit(f"--pg-url must name a benchmark database: {args.pg_url}")
    report: dict = {"machine": harness.machine_info(), "commit": harness.git_commit(), "runs": []}
    for engine in [d.strip() for d in args.databases.split(",") if d.strip()]:
        if engine == "sqlite":
            sqlite_path: Path | None = WORKDIR / "import_places.sqlite3"
            url = f"sqlite:///{sqlite_path}"
        else:
            sqlite_path, url = None, args.pg_url
            problem = harness.pg_reachable(url)
            if problem:
                print(f"PostgreSQL at {url} not reachable ({problem}): skipped")
                continue
        print(f"{engine}: {args.records:,} Karte von morgen records", flush=True)
        harness.reset_database(engine, url, sqlite_path)
        env = harness.bench_env(url)
        harness.run_manage(env, "migrate", "--noinput")
        harness.run_manage(env, "load_geo")
        extra = ["--records", str(args.records), "--repeat", str(args.repeat)]
        extra += ["--seed", str(args.seed)] + (["--profile"] if args.profile else [])
        run = harness.run_json_child(Path(__file__), env, "--child", *extra)
        run["engine"] = engine
        best = run["best"]
        print(
            f"{engine}: apply {best['apply_s']:.2f} s for {args.records:,} records "
            f"({best['apply_s'] / args.records * 1000:.1f} ms each), floor "
            f"{best['floor_s']:.2f} s, ratio {best['ratio']:.2f}",
            flush=True,
        )
        report["runs"].append(run)
    harness.write_results(report, args.output)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standortlotse.settings")
    sys.exit(main())
