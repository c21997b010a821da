"""Possible duplicates in a property import: rows that repeat an earlier row of the same file, and
rows that look like a record already in the register.

Within the file a row is a possible duplicate of an earlier row when it is *identical* (the same
values after parsing: "12.500 m²" = "1,25 ha") or *near-identical*: same municipality, similar
title and areas within ``FILE_AREA`` (5 %). Against the register a new row is a possible duplicate
of a record in the same municipality when one of these holds: the point lies within ``NEAR_M``
(100 m), the title is similar, or an area agrees within ``REGISTER_AREA`` (2 %). Positions that
are only the municipality centre (rows or records without coordinates) do not count. Rows matched
to a record by external ID are updates and are not checked against the register. The property
has no parcel (Flurstück) field, so parcel designations are not compared.

Titles are compared folded (``textsearch.fold``) as sets of words: numbers must agree ("Parzelle
4" is not "Parzelle 5"), the other words must overlap with a Dice coefficient of at least
``TITLE_SIMILARITY``; filler words ("am", "der", …) are left out.

Nothing here is quadratic: candidates come from blocks per municipality, a grid of
``GRID``-degree cells (a point is compared with its own and the eight neighbouring cells), the two
rarest title words, and logarithmic area buckets (looked at only when neither position nor title
found a record); each block lookup looks at no more than ``CANDIDATES`` entries. The register
of a municipality is read once, when the first row of that municipality comes up
(``register_loader``, the only database access here).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from standortlotse.core.textsearch import fold

GRID = 0.01  # degrees; 100 m is far less than a cell, so the 3 × 3 neighbourhood suffices
NEAR_M = 100.0
TITLE_SIMILARITY = 0.75
FILE_AREA = 0.05
REGISTER_AREA = 0.02
CANDIDATES = 200  # per block lookup: a bound, so a file of 100,000 equal titles stays linear
AREA_BUCKET = math.log(1 + REGISTER_AREA)
FILLER = frozenset("am an auf bei das dem den der des die im in mit nr und von vom zum zur".split())
_WORD = re.compile(r"[0-9a-z]+")


def title_tokens(title: str) -> frozenset[str]:
    words = _WORD.findall(fold(title, letters_only=False))
    return frozenset(w.lstrip("0") or "0" if w.isdigit() else w for w in words if w not in FILLER)


def similar_titles(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    numbers_a = {t for t in a if t.isdigit()}
    numbers_b = {t for t in b if t.isdigit()}
    if numbers_a != numbers_b:
        return False
    words_a, words_b = a - numbers_a, b - numbers_b
    if not words_a or not words_b:
        return False
    return 2 * len(words_a & words_b) / (len(words_a) + len(words_b)) >= TITLE_SIMILARITY


def close_areas(a: int | None, b: int | None, tolerance: float) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= tolerance * max(a, b)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: exact enough for 100 m."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)


@dataclass(slots=True)
class Entry:
    """What the comparison needs of a row or a record (``lat`` is None for a centre fallback)."""

    key: int  # row number or record ID
    municipality: int
    tokens: frozenset[str]
    lat: float | None = None
    lon: float | None = None
    available: int | None = None
    total: int | None = None


@dataclass
class Finding:
    row: int | None = None  # earlier row of the file
    identical: bool = False
    record: int | None = None
    reasons: list[str] = field(default_factory=list)  # "position", "title", "area"


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / GRID), math.floor(lon / GRID)


def _bucket(area: int) -> int:
    return math.floor(math.log(area + 1) / AREA_BUCKET)


class Block:
    """The entries of one municipality, indexed by grid cell, title word and area bucket."""

    def __init__(self, with_areas: bool):
        self.cells: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        self.words: dict[str, list[Entry]] = defaultdict(list)
        self.areas: dict[int, list[Entry]] | None = defaultdict(list) if with_areas else None

    def add(self, entry: Entry) -> None:
        if entry.lat is not None and entry.lon is not None:
            self.cells[_cell(entry.lat, entry.lon)].append(entry)
        for word in entry.tokens:
            self.words[word].append(entry)
        if self.areas is not None:
            for area in {entry.available, entry.total} - {None}:
                self.areas[_bucket(area)].append(entry)

    def near(self, entry: Entry) -> Iterable[Entry]:
        if entry.lat is None or entry.lon is None:
            return
        row, col = _cell(entry.lat, entry.lon)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                yield from self.cells.get((row + dr, col + dc), ())[-CANDIDATES:]

    def titled(self, entry: Entry) -> Iterable[Entry]:
        # A similar title shares most words, so it shares one of the two rarest ones.
        lists = sorted((self.words.get(w, ()) for w in entry.tokens), key=len)
        for found in lists[:2]:
            yield from found[-CANDIDATES:]

    def sized(self, entry: Entry) -> Iterable[Entry]:
        if self.areas is None:
            return
        for area in {entry.available, entry.total} - {None}:
            bucket = _bucket(area)
            for b in (bucket - 1, bucket, bucket + 1):
                yield from self.areas.get(b, ())[-CANDIDATES:]


def _same_register_record(row: Entry, record: Entry) -> list[str]:
    reasons = []
    if (
        row.lat is not None
        and record.lat is not None
        and distance_m(row.lat, row.lon, record.lat, record.lon) <= NEAR_M  # type: ignore[arg-type]
    ):
        reasons.append("position")
    if similar_titles(row.tokens, record.tokens):
        reasons.append("title")
    if close_areas(row.available, record.available, REGISTER_AREA) or close_areas(
        row.total, record.total, REGISTER_AREA
    ):
        reasons.append("area")
    return reasons


def _near_identical_rows(row: Entry, earlier: Entry) -> bool:
    if not similar_titles(row.tokens, earlier.tokens):
        return False
    for a, b in ((row.available, earlier.available), (row.total, earlier.total)):
        if (a is None) != (b is None) or (a is not None and not close_areas(a, b, FILE_AREA)):
            return False
    return True


_WEIGHT = {"position": 3, "title": 3, "area": 1}


class Checker:
    """Finds the possible duplicates of a file, batch by batch, in file order."""

    def __init__(self, load_register: Callable[[set[int]], Iterable[Entry]]):
        self._load = load_register
        self._register: dict[int, Block] = {}
        self._file: dict[int, Block] = {}
        self._seen: dict[bytes, int] = {}  # fingerprint → first row

    def check(self, rows: list[tuple[Entry, bytes, bool]]) -> dict[int, Finding]:
        """rows: (entry, fingerprint, is_new) for each row without errors. Only new rows are
        reported; every row is remembered for the rows after it."""
        wanted = {entry.municipality for entry, _f, new in rows if new} - self._register.keys()
        if wanted:
            for municipality in wanted:
                self._register[municipality] = Block(with_areas=True)
            for record in self._load(wanted):
                self._register[record.municipality].add(record)
        findings = {}
        for entry, fingerprint, new in rows:
            block = self._file.setdefault(entry.municipality, Block(with_areas=False))
            if new:
                finding = self._in_file(entry, fingerprint, block)
                record, reasons = self._in_register(entry)
                if record is not None:
                    finding = finding or Finding()
                    finding.record, finding.reasons = record, reasons
                if finding:
                    findings[entry.key] = finding
            self._seen.setdefault(fingerprint, entry.key)
            block.add(entry)
        return findings

    def _in_file(self, entry: Entry, fingerprint: bytes, block: Block) -> Finding | None:
        first = self._seen.get(fingerprint)
        if first is not None:
            return Finding(row=first, identical=True)
        earlier = [e for e in block.titled(entry) if _near_identical_rows(entry, e)]
        if earlier:
            return Finding(row=min(e.key for e in earlier))
        return None

    def _in_register(self, entry: Entry) -> tuple[int | None, list[str]]:
        register = self._register.get(entry.municipality)
        if register is None:
            return None, []
        best, best_score, best_reasons = None, 0, []
        seen = set()
        for candidate in (*register.near(entry), *register.titled(entry)):
            if candidate.key in seen:
                continue
            seen.add(candidate.key)
            reasons = _same_register_record(entry, candidate)
            score = sum(_WEIGHT[r] for r in reasons)
            if score > best_score or (score == best_score and score and candidate.key < best):
                best, best_score, best_reasons = candidate.key, score, reasons
        if best is not None:
            return best, best_reasons
        # Only the area left: the first record that agrees within REGISTER_AREA will do (the
        # weakest sign; it is shown, but the row is created unless the editor says otherwise).
        area_only = [
            c.key
            for c in register.sized(entry)
            if close_areas(entry.available, c.available, REGISTER_AREA)
            or close_areas(entry.total, c.total, REGISTER_AREA)
        ]
        return (min(area_only), ["area"]) if area_only else (None, [])


# --- the property side: rows of the import and records of the register ----------------------


def fingerprint(values: dict) -> bytes:
    """The row's values after parsing, independent of how they were written."""
    normal = {
        name: (value.pk if name == "municipality" else value) for name, value in values.items()
    }
    text = json.dumps(normal, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def row_entry(number: int, values: dict) -> Entry:
    municipality = values["municipality"]
    lat, lon = values.get("lat"), values.get("lon")
    if (lat, lon) == (municipality.lat, municipality.lon):
        lat = lon = None  # the centre fallback is no position
    return Entry(
        key=number,
        municipality=municipality.pk,
        tokens=title_tokens(values.get("title", "")),
        lat=lat,
        lon=lon,
        available=values.get("area_available_m2"),
        total=values.get("area_total_m2"),
    )


def register_loader(user) -> Callable[[set[int]], Iterable[Entry]]:
    """The records of some municipalities the user may edit (archived ones left out), read in
    one pass each; only those can be chosen for an update, and no other record is named."""
    from standortlotse.accounts import policy
    from standortlotse.geo.models import Municipality
    from standortlotse.properties.models import Property, Status

    def load(municipalities: set[int]) -> Iterable[Entry]:
        centres = {
            m["pk"]: (m["lat"], m["lon"])
            for m in Municipality.objects.filter(pk__in=municipalities).values("pk", "lat", "lon")
        }
        records = policy.editable_records(
            user, Property.objects.filter(municipality_id__in=municipalities)
        ).exclude(status=Status.ARCHIVED)
        fields = ("pk", "municipality_id", "title", "lat", "lon", "area_available_m2")
        for pk, municipality, title, lat, lon, available, total in records.values_list(
            *fields, "area_total_m2"
        ).iterator(chunk_size=5000):
            if (lat, lon) == centres.get(municipality):
                lat = lon = None
            yield Entry(pk, municipality, title_tokens(title), lat, lon, available, total)

    return load


class ImportCheck:
    """The checker fed with the planned rows of a property import."""

    def __init__(self, user):
        self.checker = Checker(register_loader(user))

    def check(self, planned) -> dict[int, Finding]:
        rows = [
            (row_entry(row.number, row.values), fingerprint(row.values), outcome == "new")
            for outcome, row, _existing, _changed in planned
            if outcome != "error" and "municipality" in row.values
        ]
        return self.checker.check(rows)


def record_titles(ids: Iterable[int]) -> dict[int, str]:
    from standortlotse.properties.models import Property

    return dict(Property.objects.filter(pk__in=set(ids)).values_list("pk", "title"))
