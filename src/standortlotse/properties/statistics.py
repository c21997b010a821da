"""Statistics of the published register: available area and records by area and attribute.

Computed by ``snapshot()`` (daily via ``manage.py statistics_snapshot``) and stored, so the
public page reads one row. Every breakdown adds up to the totals of the same snapshot: records
without an available area count with 0 m², and regions are listed separately because a
district may belong to more than one. The zoning breakdown is the exception: a record with
several zonings ("GE/GI") counts under each of them, so its rows may add up to more than the
totals (the page says so); records without a zoning are the row "-".
"""

from __future__ import annotations

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from standortlotse.core.collation import sorted_by_name
from standortlotse.core.units import hectares_value
from standortlotse.geo.models import Region
from standortlotse.properties.models import Availability, Kind, Property, StatisticsSnapshot, Zoning

DIMENSIONS = ("district", "municipality", "zoning", "availability", "kind")


def _rows(queryset, field, labels=None):
    rows = (
        queryset.values(field)
        .annotate(count=Count("pk"), area_m2=Coalesce(Sum("area_available_m2"), Value(0)))
        .order_by(field)
    )
    result = []
    for row in rows:
        key = row[field] if row[field] not in (None, "") else "-"
        result.append(
            {
                "key": key,
                "label": (labels or {}).get(key, key),
                "count": row["count"],
                "area_m2": row["area_m2"],
            }
        )
    return result


def _zoning_rows(queryset, labels):
    """One row per zoning: every record that has it (a GE/GI plot in both rows)."""
    result = []
    for key, label in labels.items():
        figures = queryset.filter(zonings__overlaps=[key]).aggregate(
            count=Count("pk"), area_m2=Coalesce(Sum("area_available_m2"), Value(0))
        )
        if figures["count"]:
            result.append({"key": key, "label": label, **figures})
    figures = queryset.filter(zonings=[]).aggregate(
        count=Count("pk"), area_m2=Coalesce(Sum("area_available_m2"), Value(0))
    )
    if figures["count"]:
        result.append({"key": "-", "label": "-", **figures})
    return result


def compute() -> dict:
    # The commercial register: investors' figures (housing is not available commercial land).
    published = Property.objects.published().commercial()
    totals = published.aggregate(
        count=Count("pk"), area_m2=Coalesce(Sum("area_available_m2"), Value(0))
    )
    with translation.override("de"):
        zoning = {k: str(v) for k, v in Zoning.choices}
        availability = {k: str(v) for k, v in Availability.choices}
        kinds = {k: str(v) for k, v in Kind.choices}
    data = {
        "generated_at": timezone.now().isoformat(),
        "totals": totals,
        "district": _rows(published, "municipality__district__name"),
        "municipality": _rows(published, "municipality__name"),
        "zoning": _zoning_rows(published, zoning),
        "availability": _rows(published, "availability", availability),
        "kind": _rows(published, "kind", kinds),
        "region": [],
    }
    for region in Region.objects.order_by("name"):
        figures = published.filter(municipality__district__regions=region).aggregate(
            count=Count("pk"), area_m2=Coalesce(Sum("area_available_m2"), Value(0))
        )
        data["region"].append({"key": region.slug, "label": region.name, **figures})
    return data


def snapshot() -> StatisticsSnapshot:
    return StatisticsSnapshot.objects.create(data=compute())


def latest(max_age_hours: int = 26) -> StatisticsSnapshot:
    """The newest snapshot; a new one when none is younger than a day (and a bit)."""
    found = StatisticsSnapshot.objects.order_by("-created_at").first()
    if found is None or (timezone.now() - found.created_at).total_seconds() > max_age_hours * 3600:
        found = snapshot()
    return found


def csv_rows(data: dict):
    for dimension in ("region", *DIMENSIONS):
        for row in data.get(dimension, []):
            yield [dimension, row["key"], row["label"], row["count"], row["area_m2"]]
    yield ["total", "", "", data["totals"]["count"], data["totals"]["area_m2"]]


CHOICES = {"zoning": Zoning, "availability": Availability, "kind": Kind}
NAMED = {"region", "district", "municipality"}


def rows_for_display(data: dict, dimension: str) -> list[dict]:
    """A snapshot's rows as a page shows them: choice labels in the active language (the
    snapshot keeps the German ones it was computed with, for the CSV), names of regions,
    districts and municipalities in German dictionary order (core.collation)."""
    rows = data.get(dimension, [])
    if dimension in CHOICES:
        labels = dict(CHOICES[dimension].choices)
        return [{**row, "label": str(labels.get(row["key"], row["label"]))} for row in rows]
    if dimension in NAMED:
        return sorted_by_name(rows, lambda row: row["label"])
    return rows


def bars(rows: list[dict], width: int = 400) -> list[dict]:
    """Rows with the bar length in pixels for the SVG chart (the largest area is ``width``)."""
    largest = max((r["area_m2"] for r in rows), default=0) or 1
    return [
        {**r, "bar": round(width * r["area_m2"] / largest), "ha": hectares_value(r["area_m2"], 1)}
        for r in rows
    ]
