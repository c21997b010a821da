"""Statistics of the published register: available area and records by area and attribute, one
row a day (``StatisticsSnapshot``) for the trend.

Same-day figures: every write to the register (the record's save and delete, the bulk import,
a change of municipality, district or outline) calls ``changed()``, which after the commit sets
a new value of the change counter in the shared cache (``version()``) and, with the database
task backend, queues a background refresh (``refresh_task``). Today's row is recomputed when
its counter is not the current one: by that task, or by the next reader if the worker has not
got to it yet (``current()``: one reader computes, the others meanwhile get the previous
figures). The page itself reads one row. ``manage.py statistics_snapshot`` writes the day's
row at night for days without changes or visitors.

Every breakdown adds up to the totals of the same snapshot: records without an available area
count with 0 m², and regions are listed separately because a district may belong to more than
one. The zoning breakdown is the exception: a record with several zonings ("GE/GI") counts under
each of them, so its rows may add up to more than the totals (the page says so); records
without a zoning are the row "-".

The rows keep keys, not labels: zoning, availability and kind are labelled in the language of
the page or CSV that shows them (``rows_for_display``); regions, districts and municipalities
keep their names, which are the same in every language.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django_tasks import task

from standortlotse.core.collation import sorted_by_name
from standortlotse.core.queue import stored_in_the_database
from standortlotse.core.units import hectares_value
from standortlotse.geo.models import Municipality, Region
from standortlotse.properties.models import Availability, Kind, Property, StatisticsSnapshot, Zoning

DIMENSIONS = ("district", "municipality", "zoning", "availability", "kind")
CHOICES = {"zoning": Zoning, "availability": Availability, "kind": Kind}
NAMED = {"region", "district", "municipality"}
TREND_DAYS = 365

VERSION_KEY = "statistics:version"
QUEUED_KEY = "statistics:refresh-queued"
COMPUTING_KEY = "statistics:computing"
COMPUTING_SECONDS = 120  # a reader that died while computing blocks the others no longer


def _add(rows: dict, key, count: int, area_m2: int, **extra) -> None:
    row = rows.setdefault(key, {"key": key, **extra, "count": 0, "area_m2": 0})
    row["count"] += count
    row["area_m2"] += area_m2


def _groups(published, *fields) -> list[dict]:
    return list(
        published.values(*fields)
        .annotate(count=Count("pk"), area_m2=Coalesce(Sum("area_available_m2"), Value(0)))
        .order_by()
    )


def compute(published=None) -> dict:
    """The figures of the published records (or of ``published``, a queryset of them).

    Two grouping queries: the records by municipality and zonings (a few thousand groups for
    100,000 records in 400 municipalities), and by availability and kind (a few dozen); every
    breakdown is added up from the groups here (bench/statistics_page.py: a scan per breakdown
    took 13 queries).
    """
    # The commercial register: investors' figures (housing is not available commercial land).
    published = Property.objects.published() if published is None else published
    published = published.commercial()
    groups = _groups(published, "municipality_id", "zonings")
    places = {
        m["pk"]: m
        for m in Municipality.objects.filter(pk__in={g["municipality_id"] for g in groups}).values(
            "pk", "ags", "name", "district_id", "district__key", "district__name"
        )
    }
    by: dict[str, dict] = {
        name: {} for name in ("district", "municipality", "availability", "kind")
    }
    zonings: dict = {}
    per_district: dict[int, list[int]] = {}
    totals = {"count": 0, "area_m2": 0}
    for group in groups:
        count, area = group["count"], group["area_m2"] or 0
        place = places[group["municipality_id"]]
        totals["count"] += count
        totals["area_m2"] += area
        _add(by["district"], place["district__key"], count, area, label=place["district__name"])
        _add(by["municipality"], place["ags"], count, area, label=place["name"], id=place["pk"])
        for key in group["zonings"] or ["-"]:  # a GE/GI plot in both rows
            _add(zonings, key, count, area)
        figures = per_district.setdefault(place["district_id"], [0, 0])
        figures[0] += count
        figures[1] += area
    for group in _groups(published, "availability", "kind"):
        count, area = group["count"], group["area_m2"] or 0
        _add(by["availability"], group["availability"] or "-", count, area)
        _add(by["kind"], group["kind"] or "-", count, area)
    order = {key: n for n, key in enumerate([*Zoning.values, "-"])}
    data = {
        "generated_at": timezone.now().isoformat(),
        "totals": totals,
        **{name: [rows[key] for key in sorted(rows)] for name, rows in by.items()},
        "zoning": sorted(zonings.values(), key=lambda row: order.get(row["key"], len(order))),
        "region": [],
    }
    members: dict[int, set[int]] = {}
    for region_id, district_id in Region.districts.through.objects.values_list(
        "region_id", "district_id"
    ):
        members.setdefault(region_id, set()).add(district_id)
    for region in Region.objects.order_by("name"):
        inside = [per_district[d] for d in members.get(region.pk, ()) if d in per_district]
        data["region"].append(
            {
                "key": region.slug,
                "label": region.name,
                "count": sum(f[0] for f in inside),
                "area_m2": sum(f[1] for f in inside),
            }
        )
    return data


# --- The change counter and today's row ----------------------------------------------------------


def version() -> int | None:
    """The register's change counter: a new random value after every change (in the cache all
    processes share, so a reader sees the writes of the others; a lost or emptied cache starts a
    new value, which makes the stored figures count as old once)."""
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, secrets.randbits(62), timeout=None)
        value = cache.get(VERSION_KEY)
    return value


def _after_commit() -> None:
    # A fresh value, not an increment: two writers can never set the same one, so a reader that
    # computed between them is found out by the second.
    cache.set(VERSION_KEY, secrets.randbits(62), timeout=None)
    # The worker refreshes today's row; one queued refresh for many changes. A backend that runs
    # tasks at once (the tests, benchmarks) would compute inside the write: the reader does.
    if stored_in_the_database(refresh_task) and cache.add(QUEUED_KEY, 1, timeout=300):
        refresh_task.enqueue()


def changed() -> None:
    """The register changed (or will, when the current transaction commits)."""
    transaction.on_commit(_after_commit, robust=True)


@task()
def refresh_task() -> None:
    """Bring today's row up to date (queued after changes; `manage.py db_worker` runs it)."""
    cache.delete(QUEUED_KEY)  # changes from now on queue another refresh
    current()


def refresh(seen: int | None = None) -> StatisticsSnapshot:
    """Compute and store today's row. ``seen``: the counter read before computing."""
    seen = version() if seen is None else seen
    data = compute()
    now = timezone.now()
    snap, _created = StatisticsSnapshot.objects.update_or_create(
        day=timezone.localdate(now),
        defaults={
            "data": data,
            "version": seen,
            "count": data["totals"]["count"],
            "area_m2": data["totals"]["area_m2"],
            "updated_at": now,
            "reconstructed": False,
        },
        create_defaults={
            "data": data,
            "version": seen,
            "count": data["totals"]["count"],
            "area_m2": data["totals"]["area_m2"],
            "updated_at": now,
            "created_at": now,
        },
    )
    return snap


def snapshot() -> StatisticsSnapshot:
    """Today's row, computed now (``manage.py statistics_snapshot``)."""
    return refresh()


def current() -> StatisticsSnapshot:
    """Today's figures as of the last change: the stored row when it has seen the current
    counter, otherwise computed now. While another reader computes, the previous figures."""
    seen = version()
    today = timezone.localdate()
    # The figures are loaded when read (a page drawn from the cache needs the row's key only).
    snap = StatisticsSnapshot.objects.defer("data").filter(day=today).first()
    if snap is not None and seen is not None and snap.version == seen:
        return snap
    if cache.add(COMPUTING_KEY, 1, timeout=COMPUTING_SECONDS):
        try:
            return refresh(seen)
        finally:
            cache.delete(COMPUTING_KEY)
    previous = snap or StatisticsSnapshot.objects.defer("data").order_by("-day").first()
    return previous or refresh(seen)


# --- The trend -----------------------------------------------------------------------------------


def trend(days: int = TREND_DAYS, until: date | None = None) -> list[dict]:
    """The totals of each day with a row, oldest first, over the last ``days`` days."""
    until = until or timezone.localdate()
    rows = (
        StatisticsSnapshot.objects.filter(day__gt=until - timedelta(days=days), day__lte=until)
        .order_by("day")
        .values("day", "count", "area_m2", "reconstructed")
    )
    return list(rows)


def trend_table(series: list[dict]) -> list[dict]:
    """The rows of the trend's table: every day for a month or less, otherwise the last row of
    each month and the newest (a year in 13 rows)."""
    if len(series) <= 31:
        return series
    by_month: dict[tuple[int, int], dict] = {}
    for row in series:
        by_month[(row["day"].year, row["day"].month)] = row
    rows = list(by_month.values())
    if rows[-1] is not series[-1]:
        rows.append(series[-1])
    return rows


def reconstruct(days: int) -> int:
    """Rows for the past ``days`` days that have none, worked out from the publication dates of
    the records published now (the demo data's past: records published since, withdrawn or
    changed in between are not known). Marked as reconstructed; returns the number written."""
    today = timezone.localdate()
    have = set(
        StatisticsSnapshot.objects.filter(day__gte=today - timedelta(days=days)).values_list(
            "day", flat=True
        )
    )
    published = (
        Property.objects.published()
        .commercial()
        .annotate(published_day=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
    )
    written = 0
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if day in have:
            continue
        data = compute(published.filter(Q(published_day__lte=day) | Q(published_at__isnull=True)))
        data["reconstructed"] = True
        StatisticsSnapshot.objects.create(
            day=day,
            data=data,
            count=data["totals"]["count"],
            area_m2=data["totals"]["area_m2"],
            reconstructed=True,
        )
        written += 1
    if written:
        changed()  # the trend's cached drawings are drawn anew
    return written


# --- For pages and downloads ---------------------------------------------------------------------


def rows_for_display(data: dict, dimension: str) -> list[dict]:
    """A snapshot's rows as a page or the CSV shows them: choice labels in the active language,
    names of regions, districts and municipalities in German dictionary order (core.collation).
    Rows stored before the labels were left out keep their key and get the label anew."""
    rows = data.get(dimension, [])
    if dimension in CHOICES:
        labels = dict(CHOICES[dimension].choices)
        return [
            {**row, "label": str(labels.get(row["key"], row.get("label", row["key"])))}
            for row in rows
        ]
    if dimension in NAMED:
        return sorted_by_name(
            [{**row, "label": row.get("label", row["key"])} for row in rows],
            lambda row: row["label"],
        )
    return rows


def csv_rows(data: dict):
    """The CSV's rows, labelled in the active language (the URL's: /en/statistik.csv)."""
    for dimension in ("region", *DIMENSIONS):
        for row in rows_for_display(data, dimension):
            yield [dimension, row["key"], row["label"], row["count"], row["area_m2"]]
    yield ["total", "", "", data["totals"]["count"], data["totals"]["area_m2"]]


def bars(rows: list[dict], width: int = 400) -> list[dict]:
    """Rows with the bar length in pixels for the SVG chart (the largest area is ``width``)."""
    largest = max((r["area_m2"] for r in rows), default=0) or 1
    return [
        {**r, "bar": round(width * r["area_m2"] / largest), "ha": hectares_value(r["area_m2"], 1)}
        for r in rows
    ]
