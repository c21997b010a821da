"""The charts of the statistics page, drawn on the server as SVG (no script, no inline style: the
colours are classes of site.css, the rest SVG attributes).

- ``trend_chart``: a line of one total (available area or published records) over the days of
  the trend, with the axes' labels in the page's language.
- ``municipality_map``: a choropleth of the available area per municipality over the shipped
  municipality outlines (geo.MunicipalityOutline; a municipality without one gets a circle at its
  centre, sized by its area), the district boundaries on top, each municipality a link to its
  search with a <title> for hover. Drawn once per snapshot, change and language (cache).

Coordinates are written by Python as plain numbers (never through the template's number
localisation, which would write "12,5" in German).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from standortlotse.core.units import hectares, hectares_value
from standortlotse.geo.models import District, Municipality, Region

MAP_WIDTH = 600
MAP_PAD = 6
MAP_CACHE_SECONDS = 24 * 3600
MAP_DRAWING = "2"  # part of the cache key: a new drawing is not hidden by the cached old one
# Palette positions (site.css .choro-1 … .choro-4, light to dark) for 1 to 4 classes with area.
PALETTE = {1: [3], 2: [2, 4], 3: [1, 3, 4], 4: [1, 2, 3, 4]}


def _num(value: float) -> str:
    """A coordinate for an SVG attribute: one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (0 for 0)."""
    if value <= 0:
        return 0
    base = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * base + 1e-9:
            return step * base
    return 10 * base  # pragma: no cover - the loop ends at 10


# --- Trend ---------------------------------------------------------------------------------------

TREND_WIDTH, TREND_HEIGHT = 480, 210
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 64, 466, 14, 164


def trend_chart(series: list[dict], field: str) -> dict | None:
    """The lines, dots and axis labels of one total (``field``: "area_m2" or "count")."""
    if not series:
        return None
    to_value = (lambda m2: float(hectares_value(m2, 1))) if field == "area_m2" else float
    values = [to_value(row[field]) for row in series]
    top = nice_ceiling(max(values)) or 1
    if field == "count" and top % 2:  # the middle line at a whole number of records (25 → 30)
        top += 1 if top < 10 else 5
    first, last = series[0]["day"], series[-1]["day"]
    span = max((last - first).days, 1)

    def xy(row, value):
        days = (row["day"] - first).days
        x = PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (days / span if len(series) > 1 else 0.5)
        y = PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top
        return _num(x), _num(y)

    points = [xy(row, value) for row, value in zip(series, values, strict=True)]
    # The reconstructed days (dashed) up to and including the first day seen, then the rest.
    seen_from = next((i for i, row in enumerate(series) if not row["reconstructed"]), len(series))
    reconstructed = (
        " ".join(f"{x},{y}" for x, y in points[: seen_from + 1]) if seen_from > 0 else ""
    )
    observed = " ".join(f"{x},{y}" for x, y in points[seen_from:])
    decimals = 1 if field == "area_m2" else 0
    ticks = []
    for share in (0, 0.5, 1):
        value = top * share
        y = _num(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * share)
        shown = number_format(Decimal(str(value)), decimal_pos=decimals if value % 1 else 0)
        ticks.append({"y": y, "label": shown, "text_y": _num(float(y) + 4)})
    days = [series[0]] if len(series) == 1 else [series[0], series[-1]]
    day_labels = []
    for row in days:
        x, _y = xy(row, 0)
        anchor = "middle" if len(series) == 1 else ("start" if row is series[0] else "end")
        day_labels.append(
            {"x": x, "anchor": anchor, "label": date_format(row["day"], "SHORT_DATE_FORMAT")}
        )
    return {
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "label_x": PLOT_LEFT - 8,
        "day_y": PLOT_BOTTOM + 22,
        "observed": observed,
        "reconstructed": reconstructed,
        "dots": points if len(series) <= 31 else [points[-1]],
        "ticks": ticks,
        "days": day_labels,
    }


def trend_summary(series: list[dict]) -> str:
    """One sentence: the totals of the first and the last day of the trend."""
    if not series:
        return ""
    first, last = series[0], series[-1]
    values = {
        "first": date_format(first["day"], "SHORT_DATE_FORMAT"),
        "last": date_format(last["day"], "SHORT_DATE_FORMAT"),
        "area_first": hectares(first["area_m2"], 1),
        "area_last": hectares(last["area_m2"], 1),
        "count_first": number_format(first["count"], force_grouping=True),
        "count_last": number_format(last["count"], force_grouping=True),
    }
    if len(series) == 1:
        return _("On %(last)s: %(area_last)s available in %(count_last)s published properties.") % (
            values
        )
    return (
        _(
            "From %(first)s to %(last)s the available area went from %(area_first)s to "
            "%(area_last)s, the number of published properties from %(count_first)s to "
            "%(count_last)s."
        )
        % values
    )


# --- Map -----------------------------------------------------------------------------------------


def class_breaks(areas_m2: list[int]) -> list[float]:
    """Upper bounds (ha) of the classes with area: the quartiles of the municipalities with area,
    rounded up to round numbers; at most three (four classes with area, one without)."""
    positive = sorted(float(hectares_value(a, 1)) for a in areas_m2 if a > 0)
    if not positive:
        return []
    breaks: list[float] = []
    for share in (0.25, 0.5, 0.75):
        value = nice_ceiling(positive[int(share * (len(positive) - 1))])
        if value and (not breaks or value > breaks[-1]) and value < positive[-1]:
            breaks.append(value)
    return breaks


def class_of(area_m2: int, breaks: list[float]) -> int:
    """0 without area, then 1 … len(breaks) + 1."""
    if area_m2 <= 0:
        return 0
    ha = float(hectares_value(area_m2, 1))
    return 1 + sum(1 for b in breaks if ha > b)


def _palette(klass: int, breaks: list[float]) -> int:
    return 0 if klass == 0 else PALETTE[len(breaks) + 1][klass - 1]


def _ha(value: float) -> str:
    return number_format(Decimal(str(value)), decimal_pos=0 if value % 1 == 0 else 1)


def legend(breaks: list[float]) -> list[dict]:
    """The legend's entries: colour class and label, in the page's language."""
    entries = [{"palette": 0, "label": _("no available area")}]
    bounds = [None, *breaks, None]
    for klass in range(1, len(breaks) + 2):
        low, high = bounds[klass - 1], bounds[klass]
        if low is None and high is None:
            label = _("with available area")
        elif low is None:
            label = _("up to %(high)s ha") % {"high": _ha(high)}
        elif high is None:
            label = _("more than %(low)s ha") % {"low": _ha(low)}
        else:
            label = _("more than %(low)s up to %(high)s ha") % {"low": _ha(low), "high": _ha(high)}
        entries.append({"palette": _palette(klass, breaks), "label": label})
    return entries


def _rings(geometry: dict | None) -> list[list]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


class _Projection:
    """Equirectangular with the cosine of the mean latitude (true shapes at a district's scale),
    fitted into MAP_WIDTH; the height follows."""

    def __init__(self, points: list[tuple[float, float]]):
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        if east - west < 0.1:
            west, east = west - 0.05, east + 0.05
        if north - south < 0.06:
            south, north = south - 0.03, north + 0.03
        self.west, self.north = west, north
        self.kx = math.cos(math.radians((south + north) / 2))
        inner = MAP_WIDTH - 2 * MAP_PAD
        self.scale = inner / ((east - west) * self.kx)
        self.height = round((north - south) * self.scale + 2 * MAP_PAD)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            MAP_PAD + (lon - self.west) * self.kx * self.scale,
            MAP_PAD + (self.north - lat) * self.scale,
        )


def _simplified(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points that keep the line within ``tolerance`` (pixels) of all."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy)
    farthest, index = 0.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        if length:
            distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
        else:
            distance = math.hypot(px - x1, py - y1)
        if distance > farthest:
            farthest, index = distance, i
    if farthest <= tolerance:
        return [points[0], points[-1]]
    return _simplified(points[: index + 1], tolerance)[:-1] + _simplified(points[index:], tolerance)


def _path(rings: list[list], project: _Projection, tolerance: float = 0.5) -> str:
    """SVG path data of the rings in whole pixels: simplified to half a pixel, then the first
    point absolute and the others relative ("l"), which halves the bytes of a map."""
    parts = []
    for ring in rings:
        points = _simplified([project(p[0], p[1]) for p in ring], tolerance)
        rounded: list[tuple[int, int]] = []
        for x, y in points:
            point = (round(x), round(y))
            if not rounded or point != rounded[-1]:
                rounded.append(point)
        if len(rounded) < 4:  # a closed ring of fewer than three corners: below a pixel
            continue
        steps = " ".join(
            f"{b[0] - a[0]},{b[1] - a[1]}" for a, b in zip(rounded, rounded[1:], strict=False)
        )
        parts.append(f"M{rounded[0][0]},{rounded[0][1]}l{steps}z")
    return "".join(parts)


def map_context(snap) -> dict:
    """Breaks and legend of the snapshot's municipality figures (cheap: no geometry)."""
    rows = snap.data.get("municipality", [])
    breaks = class_breaks([row["area_m2"] for row in rows])
    return {"breaks": breaks, "legend": legend(breaks)}


def _title(name: str, figures: dict | None) -> str:
    if not figures or not figures["count"]:
        return _("%(name)s: no published properties") % {"name": name}
    return ngettext(
        "%(name)s: %(count)s published property, %(area)s available",
        "%(name)s: %(count)s published properties, %(area)s available",
        figures["count"],
    ) % {
        "name": name,
        "count": number_format(figures["count"], force_grouping=True),
        "area": hectares(figures["area_m2"], 1),
    }


def _drawn_districts(rows: list[dict]):
    ids = [row["id"] for row in rows if row.get("id")]
    districts = District.objects.filter(municipalities__in=ids).distinct()
    if not ids or not districts.exists():
        districts = District.objects.filter(regions__in=Region.objects.all()).distinct()
    return list(districts)


def draw_map(snap) -> str:
    """The map's SVG for the snapshot, in the active language (uncached)."""
    rows = snap.data.get("municipality", [])
    by_id = {row["id"]: row for row in rows if row.get("id")}
    breaks = class_breaks([row["area_m2"] for row in rows])
    districts = _drawn_districts(rows)
    municipalities = list(
        Municipality.objects.filter(district__in=districts)
        .select_related("outline")
        .order_by("name", "pk")
    )
    if not municipalities:
        return ""
    shapes = []
    for municipality in municipalities:
        try:
            geometry = municipality.outline.geometry
        except Municipality.outline.RelatedObjectDoesNotExist:
            geometry = None
        shapes.append((municipality, _rings(geometry)))
    points = [(p[0], p[1]) for _m, rings in shapes for ring in rings for p in ring]
    points += [(m.lon, m.lat) for m, rings in shapes if not rings]
    for district in districts:
        points += [(p[0], p[1]) for ring in _rings(district.outline) for p in ring]
    project = _Projection(points)
    largest = max((row["area_m2"] for row in rows), default=0) or 1
    search = reverse("properties:search")
    drawn = []
    for municipality, rings in shapes:
        figures = by_id.get(municipality.pk)
        area = figures["area_m2"] if figures else 0
        shape = {
            "title": _title(municipality.name, figures),
            "palette": _palette(class_of(area, breaks), breaks),
            "href": f"{search}?municipality={municipality.pk}" if figures else "",
            "ags": municipality.ags,
        }
        if rings:
            shape["path"] = _path(rings, project)
        else:
            x, y = project(municipality.lon, municipality.lat)
            radius = 4 + 14 * math.sqrt(area / largest)
            shape.update({"cx": _num(x), "cy": _num(y), "r": _num(radius)})
        drawn.append(shape)
    # Shapes with a link last, so that their outlines and focus rings are not covered.
    drawn.sort(key=lambda shape: bool(shape["href"]))
    outlines = [p for d in districts if (p := _path(_rings(d.outline), project))]
    return render_to_string(
        "properties/statistics_map.svg",
        {
            "width": MAP_WIDTH,
            "height": project.height,
            "shapes": drawn,
            "districts": outlines,
            "label": _("Map: available area by municipality"),
        },
    )


def cache_key(kind: str, snap) -> str:
    """The cache key of something drawn from ``snap`` in the active language: a new one after
    every change (the row's counter and time) and for a new drawing (MAP_DRAWING)."""
    return ":".join(
        [
            "statistics",
            kind,
            MAP_DRAWING,
            str(snap.pk),
            str(snap.version),
            str(snap.updated_at.timestamp()),
            get_language() or "de",
        ]
    )


def municipality_map(snap) -> SafeString:
    """The map of ``snap`` in the active language, cached per snapshot, change and language."""
    key = cache_key("map", snap)
    svg = cache.get(key)
    if svg is None:
        svg = draw_map(snap)
        cache.set(key, svg, MAP_CACHE_SECONDS)
    return mark_safe(svg)
