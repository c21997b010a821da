"""The reference data of transport infrastructure: loading a data set file, and the nearest feature
of a kind to a point (straight-line distance).

A data set is a GeoJSON FeatureCollection with a ``metadata`` object (docs/location-facts.md):
key, name, source, licence, as_of, coverage [west, south, east, north]; each feature has a
Point (junction, station, port, airport, and for the housing facts kita and school) or
LineString (federal road, railway line) geometry and the properties kind, name, refs (road
numbers), source and verified, plus per kind status (junctions: "open", "under_construction",
"planned"), service (stations: "long_distance" or "regional") or scheduled (airports: scheduled
passenger flights, true or false).

The features are read from the database once per process and kept until a data set is loaded
anew (one small query per use tells whether the kept copy is current).
"""

from __future__ import annotations

import datetime
import itertools
import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import transaction

from standortlotse.geo.models import InfrastructureDataset, InfrastructureFeature

SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "infrastructure"
EARTH_KM = 6371.0088
KINDS = set(InfrastructureFeature.Kind.values)
LINE_KINDS = {InfrastructureFeature.Kind.FEDERAL_ROAD, InfrastructureFeature.Kind.RAIL_LINE}
JUNCTION_STATUSES = {"open", "under_construction", "planned"}
STATION_SERVICES = {"long_distance", "regional"}


class DatasetError(ValueError):
    """The file is not a valid infrastructure data set; the message names every problem."""


# --- reading and checking a file -------------------------------------------------------------


def _point_ok(coords) -> bool:
    return (
        isinstance(coords, list | tuple)
        and len(coords) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        and -180 <= coords[0] <= 180
        and -90 <= coords[1] <= 90
    )


def read_dataset(path: Path | str) -> dict:
    """The file's content, checked: a DatasetError lists what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{path}: not a readable JSON file ({error})") from error
    return check_dataset(data)


def check_dataset(data) -> dict:
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DatasetError("The file is not a GeoJSON FeatureCollection.")
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        raise DatasetError("The FeatureCollection has no 'metadata' object.")
    for name in ("key", "name", "source", "licence", "as_of"):
        if not isinstance(meta.get(name), str) or not meta[name].strip():
            problems.append(f"metadata.{name} is missing")
    try:
        datetime.date.fromisoformat(str(meta.get("as_of", "")))
    except ValueError:
        problems.append("metadata.as_of is not a date (YYYY-MM-DD)")
    coverage = meta.get("coverage")
    if not (
        isinstance(coverage, list)
        and len(coverage) == 4
        and all(isinstance(c, int | float) for c in coverage)
        and coverage[0] < coverage[2]
        and coverage[1] < coverage[3]
    ):
        problems.append("metadata.coverage must be [west, south, east, north]")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        problems.append("the file has no features")
        features = []
    for number, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        label = f"feature {number} ({props.get('name') or 'no name'})"
        kind = props.get("kind")
        geometry = (feature or {}).get("geometry") or {}
        if kind not in KINDS:
            problems.append(f"{label}: kind must be one of {', '.join(sorted(KINDS))}")
            continue
        if not isinstance(props.get("name"), str) or not props["name"].strip():
            problems.append(f"{label}: name is missing")
        if not isinstance(props.get("source"), str) or not props["source"].strip():
            problems.append(f"{label}: source is missing")
        if not isinstance(props.get("verified"), bool):
            problems.append(f"{label}: verified must be true or false")
        refs = props.get("refs", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            problems.append(f"{label}: refs must be a list of road numbers")
        if kind in LINE_KINDS:
            coords = geometry.get("coordinates")
            if (
                geometry.get("type") != "LineString"
                or not isinstance(coords, list)
                or len(coords) < 2
                or not all(_point_ok(c) for c in coords)
            ):
                problems.append(f"{label}: a {kind} needs a LineString of at least two points")
        elif geometry.get("type") != "Point" or not _point_ok(geometry.get("coordinates")):
            problems.append(f"{label}: a {kind} needs a Point geometry")
        if kind == "junction":
            if not refs:
                problems.append(f"{label}: a junction needs its motorway in refs")
            if props.get("status", "open") not in JUNCTION_STATUSES:
                problems.append(f"{label}: status must be one of {sorted(JUNCTION_STATUSES)}")
        if kind == "federal_road" and not refs:
            problems.append(f"{label}: a federal road needs its number in refs")
        if kind == "station" and props.get("service") not in STATION_SERVICES:
            problems.append(f"{label}: service must be one of {sorted(STATION_SERVICES)}")
        if kind == "airport" and not isinstance(props.get("scheduled"), bool):
            problems.append(f"{label}: scheduled must be true or false")
    if problems:
        raise DatasetError("; ".join(problems))
    return data


@transaction.atomic
def load_dataset(data: dict) -> InfrastructureDataset:
    """Create or replace (by metadata.key) one data set and all its features."""
    data = check_dataset(data)
    meta = data["metadata"]
    known = {"key", "name", "source", "licence", "as_of", "coverage"}
    dataset, _created = InfrastructureDataset.objects.update_or_create(
        key=meta["key"],
        defaults={
            "name": meta["name"],
            "source": meta["source"],
            "licence": meta["licence"],
            "as_of": datetime.date.fromisoformat(meta["as_of"]),
            "coverage": meta["coverage"],
            "metadata": {k: v for k, v in meta.items() if k not in known},
        },
    )
    dataset.features.all().delete()
    InfrastructureFeature.objects.bulk_create(
        [
            InfrastructureFeature(
                dataset=dataset,
                kind=f["properties"]["kind"],
                name=f["properties"]["name"].strip(),
                refs=f["properties"].get("refs", []),
                geometry=f["geometry"],
                properties={
                    k: v for k, v in f["properties"].items() if k not in ("kind", "name", "refs")
                },
            )
            for f in data["features"]
        ]
    )
    dataset.save()  # a new loaded_at: every process reads the features anew
    return dataset


def load_file(path: Path | str) -> InfrastructureDataset:
    return load_dataset(read_dataset(path))


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.geojson"))


# --- the nearest feature -----------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    id: int
    dataset: int
    kind: str
    name: str
    refs: tuple[str, ...]
    # (lat, lon) of the point, or of the line's vertices
    points: tuple[tuple[float, float], ...]
    properties: dict = field(hash=False, compare=False)

    @property
    def is_line(self) -> bool:
        return self.kind in LINE_KINDS


@dataclass(frozen=True)
class DatasetInfo:
    id: int
    key: str
    name: str
    as_of: datetime.date
    coverage: tuple[float, float, float, float]
    source: str
    licence: str
    road_factor: float | None = None

    def covers(self, lat: float, lon: float) -> bool:
        west, south, east, north = self.coverage
        return west <= lon <= east and south <= lat <= north


@dataclass(frozen=True)
class Index:
    version: tuple
    datasets: tuple[DatasetInfo, ...]
    features: dict = field(hash=False, compare=False)  # kind → [Feature]

    def covering(self, lat: float, lon: float) -> list[DatasetInfo]:
        return [d for d in self.datasets if d.covers(lat, lon)]


@dataclass(frozen=True)
class Nearest:
    feature: Feature
    km: float


_cache: dict[str, Index] = {}
_lock = threading.Lock()


def _version() -> tuple:
    return tuple(InfrastructureDataset.objects.order_by("pk").values_list("pk", "loaded_at"))


def current_index() -> Index:
    """The features of every loaded data set (read once per process, until one is loaded anew)."""
    version = _version()
    kept = _cache.get("index")
    if kept is not None and kept.version == version:
        return kept
    with _lock:
        datasets = tuple(
            DatasetInfo(
                d.pk,
                d.key,
                d.name,
                d.as_of,
                tuple(d.coverage),
                d.source,
                d.licence,
                d.metadata.get("road_factor"),
            )
            for d in InfrastructureDataset.objects.order_by("pk")
        )
        features: dict[str, list[Feature]] = {kind: [] for kind in KINDS}
        for f in InfrastructureFeature.objects.order_by("pk").iterator():
            coords = f.geometry["coordinates"]
            points = coords if f.geometry["type"] == "LineString" else [coords]
            features[f.kind].append(
                Feature(
                    f.pk,
                    f.dataset_id,
                    f.kind,
                    f.name,
                    tuple(f.refs),
                    tuple((float(lat), float(lon)) for lon, lat in points),
                    f.properties,
                )
            )
        index = Index(version, datasets, features)
        _cache["index"] = index
        return index


def point_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return EARTH_KM * 2 * math.asin(min(1.0, math.sqrt(a)))


def segment_km(lat: float, lon: float, a: tuple, b: tuple) -> float:
    """Distance from a point to the segment a–b, in a plane tangent at the point (equirectangular:
    under 0.5 % off for the few hundred kilometres a region spans)."""
    scale = math.cos(math.radians(lat))

    def plane(p):
        return (math.radians(p[1] - lon) * scale * EARTH_KM, math.radians(p[0] - lat) * EARTH_KM)

    (ax, ay), (bx, by) = plane(a), plane(b)
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)


def nearest(
    index: Index,
    kind: str,
    lat: float,
    lon: float,
    where: Callable[[Feature], bool] | None = None,
) -> Nearest | None:
    """The nearest feature of a kind (that ``where`` accepts) among the data sets covering the
    point; None when no data set covers it or none of its features qualifies (``nearest_many``
    for one point)."""
    return nearest_many(index, kind, [(lat, lon)], where)[0]


@dataclass(frozen=True)
class _Prepared:
    """The features of a kind (that a filter accepts) as arrays, once per index (``nearest_many``):
    points as their latitude, longitude (radians) and cosine of latitude; lines as their segments'
    ends (radians). ``features[i]`` owns row i, ``owner[i]`` is its data set."""

    features: list
    owner: np.ndarray
    a_lat: np.ndarray
    a_lon: np.ndarray
    b_lat: np.ndarray | None = None
    b_lon: np.ndarray | None = None
    a_cos: np.ndarray | None = None


_prepared: dict[tuple, _Prepared | None] = {}


def _prepare(index: Index, kind: str, where) -> _Prepared | None:
    key = (index.version, kind, where)
    if key in _prepared:
        return _prepared[key]
    if any(k[0] != index.version for k in _prepared):
        _prepared.clear()  # another data set was loaded
    rows: list[tuple[Feature, tuple, tuple]] = []
    for feature in index.features.get(kind, ()):
        if where is not None and not where(feature):
            continue
        if feature.is_line:
            pairs = list(itertools.pairwise(feature.points)) or [(feature.points[0],) * 2]
        else:
            pairs = [(feature.points[0], feature.points[0])]
        rows.extend((feature, a, b) for a, b in pairs)
    prepared = None
    if rows:
        features = [r[0] for r in rows]
        a = np.radians(np.array([r[1] for r in rows], dtype=float))
        owner = np.array([f.dataset for f in features])
        if kind in LINE_KINDS:
            b = np.radians(np.array([r[2] for r in rows], dtype=float))
            prepared = _Prepared(features, owner, a[:, 0], a[:, 1], b[:, 0], b[:, 1])
        else:
            prepared = _Prepared(features, owner, a[:, 0], a[:, 1], a_cos=np.cos(a[:, 0]))
    _prepared[key] = prepared
    return prepared


def nearest_many(
    index: Index,
    kind: str,
    points: list[tuple[float, float]],
    where: Callable[[Feature], bool] | None = None,
) -> list[Nearest | None]:
    """The nearest feature of a kind (that ``where`` accepts) for each point, among the data sets
    covering that point (None where none covers it or none qualifies): one numpy computation of
    every point against every point or segment of the kind, with the formulas of ``point_km``
    and ``segment_km``. A loop in Python over the features took 0.56 ms a point for the eight
    facts: minutes for an import of 100,000 rows. The nearest is found by the haversine term
    (points) or the squared distance (segments), which grow with the distance; the distance is
    worked out for the nearest only (the arcsine and root of every pair were half the time)."""
    if not points:
        return []
    prepared = _prepare(index, kind, where)
    if prepared is None:
        return [None] * len(points)
    p = np.array(points, dtype=float)
    lats, lons = p[:, 0], p[:, 1]
    # Only the features of the data sets covering each point.
    allowed = np.zeros((len(points), len(prepared.features)), dtype=bool)
    for dataset in index.datasets:
        west, south, east, north = dataset.coverage
        covers = (west <= lons) & (lons <= east) & (south <= lats) & (lats <= north)
        allowed |= covers[:, None] & (prepared.owner == dataset.id)[None, :]
    r = np.radians(p)
    plat, plon = r[:, 0:1], r[:, 1:2]  # (N, 1)
    rows = np.arange(len(points))
    if prepared.b_lat is None:  # points: the haversine term h, then the distance of the least
        h = (
            np.sin((prepared.a_lat - plat) / 2) ** 2
            + np.cos(plat) * prepared.a_cos * np.sin((prepared.a_lon - plon) / 2) ** 2
        )
        h = np.where(allowed, h, np.inf)
        best = np.argmin(h, axis=1)
        least = h[rows, best]
        with np.errstate(invalid="ignore"):
            found = EARTH_KM * 2 * np.arcsin(np.minimum(1.0, np.sqrt(least)))
        found = np.where(np.isfinite(least), found, np.inf)
    else:  # segments, in the plane tangent at each point: the squared distance, then its root
        scale = np.cos(plat)
        ax, ay = (prepared.a_lon - plon) * scale * EARTH_KM, (prepared.a_lat - plat) * EARTH_KM
        bx, by = (prepared.b_lon - plon) * scale * EARTH_KM, (prepared.b_lat - plat) * EARTH_KM
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(length == 0, 0.0, np.clip(-(ax * dx + ay * dy) / length, 0.0, 1.0))
        ex, ey = ax + t * dx, ay + t * dy
        squared = np.where(allowed, ex * ex + ey * ey, np.inf)
        best = np.argmin(squared, axis=1)
        found = np.where(
            np.isfinite(squared[rows, best]), np.hypot(ex[rows, best], ey[rows, best]), np.inf
        )
    features = prepared.features
    return [
        Nearest(features[i], float(km)) if math.isfinite(km) else None
        for i, km in zip(best.tolist(), found.tolist(), strict=True)
    ]
