"""Possible duplicates in a property import: rows that repeat an earlier row of the same file, and
rows that look like a record already in the register.

Within the file a row is a possible duplicate of an earlier row when it is *identical* (the same
values after parsing: "12.500 m²" = "1,25 ha") or *near-identical*: same municipality, similar
title and areas within ``FILE_AREA`` (5 %). Against the register a new row is a possible duplicate
of a record in the same municipality when the point lies within ``NEAR_M`` (100 m) or the title
is similar; an area that agrees within ``REGISTER_AREA`` (2 %) is named as a further reason and
makes that record the better candidate, but it is no reason on its own: round areas ("ca. 2 ha")
coincide so often that a match by area alone said nothing. Positions that are only the
municipality centre (rows or records without coordinates) do not count. Rows matched to a record
by external ID are updates and are not checked against the register. The property has no parcel
(Flurstück) field, so parcel designations are not compared.

Titles are compared folded (``textsearch.fold``) as sets of words: numbers must agree ("Parzelle
4" is not "Parzelle 5"), the other words must overlap with a Dice coefficient of at least
``TITLE_SIMILARITY``; filler words ("am", "der", …) are left out.

Nothing here is quadratic: candidates come from blocks per municipality, a grid of cells of at
least 100 m (a point is compared with its own and the eight neighbouring cells) and title keys:
the numbers of a title with numbers (which a similar title must have as well), else the two
rarest of its words; each block lookup looks at no more than ``CANDIDATES`` entries. The register
of a municipality is read once, when the first row of that municipality comes up
(``register_loader``, the only database access here).

Memory: a block keeps its entries in flat arrays (``array``), not as objects: per record or row
the key, the two areas and the 64-bit hashes of its title words, the posting lists of its title
keys, and for a record its point and the posting list of its grid cell. The register's blocks
are bounded by the register (about 250 bytes per record). Nothing per row of the file is kept
when the caller takes over the two in-file checks (the import does, ``exchange.services``):
the fingerprint of each row's values is stored with the row (``ImportRow.fingerprint``) and the
identical rows are grouped in SQL after the last batch (``Checker.identical_by_caller``); the
near-identical rows are found after the last batch too (``Checker.near_by_caller``), by
``near_identical`` over the stored rows read back in the order of their municipality, one
municipality's block at a time (``ImportRow.near_group``, ``near_a``, ``near_b``). Before, the
rows' blocks grew with the file by about 140 bytes of peak RSS per row (bench/duplicates.py,
figures in bench/README.md); an object and a word set per entry took 270 MB at
100,000 × 100,000. Hashes of words and fingerprints are 64 bits wide; a collision (about one in
10^9 for a file of 100,000 rows) could at worst show one possible duplicate too many, which the
editor sees and decides.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from standortlotse.core.textsearch import fold

# Grid cells: 0.001° of latitude is 111 m, 0.002° of longitude is at least 100 m up to 63° N,
# so every point within NEAR_M lies in the 3 × 3 cells around a point.
GRID_LAT = 0.001
GRID_LON = 0.002
NEAR_M = 100.0
TITLE_SIMILARITY = 0.75
FILE_AREA = 0.05
REGISTER_AREA = 0.02
CANDIDATES = 200  # per block lookup: a bound, so a file of 100,000 equal titles stays linear
FILLER = frozenset("am an auf bei das dem den der des die im in mit nr und von vom zum zur".split())
_WORD = re.compile(r"[0-9a-z]+")
_NO_AREA = -1
_NOWHERE = math.nan


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


class _Title:
    """A title as the blocks hold it: the hashes of its words and of its numbers, and its
    blocking keys. A similar title has the same numbers, so a title with numbers has one key,
    its numbers (e.g. "Parzelle 4": all titles with exactly the number 4); a title without
    numbers has one key per word."""

    __slots__ = ("keys", "numbers", "words")

    def __init__(self, tokens: frozenset[str]):
        self.words = frozenset(hash(t) for t in tokens if not t.isdigit())
        self.numbers = tuple(sorted(hash(t) for t in tokens if t.isdigit()))
        self.keys = (hash(self.numbers),) if self.numbers else tuple(self.words)

    def similar(self, words: array, numbers: array) -> bool:
        """``similar_titles`` of this title and one stored as word and number hashes."""
        if not (self.words or self.numbers) or not (words or numbers):
            return False
        if self.numbers != tuple(numbers):
            return False
        if not self.words or not words:
            return not self.words and not words  # only numbers, the same ones: equal titles
        common = sum(1 for w in words if w in self.words)
        return 2 * common / (len(self.words) + len(words)) >= TITLE_SIMILARITY


def _cell(lat: float, lon: float) -> int:
    return math.floor(lat / GRID_LAT) * 1_000_000 + math.floor(lon / GRID_LON)


_NEIGHBOURS = tuple(dr * 1_000_000 + dc for dr in (-1, 0, 1) for dc in (-1, 0, 1))
_EMPTY = array("l")


def _post(index: dict, key: int, position: int) -> None:
    """Adds a position to a posting list; a list of one is stored as the bare number."""
    found = index.get(key)
    if found is None:
        index[key] = position
    elif type(found) is int:
        index[key] = array("l", (found, position))
    else:
        found.append(position)


def _postings(index: dict, key: int):
    found = index.get(key, _EMPTY)
    return (found,) if type(found) is int else found


def _area(value: int | None) -> int:
    return _NO_AREA if value is None else value


def _close(a: int, b: int, tolerance: float) -> bool:
    return a != _NO_AREA and b != _NO_AREA and abs(a - b) <= tolerance * max(a, b)


class Block:
    """The entries of one municipality in flat arrays, indexed by title key and (for the
    register) by grid cell. Entries are addressed by their position in the arrays."""

    __slots__ = (
        "available",
        "cells",
        "keys",
        "lat",
        "lon",
        "numbers",
        "starts",
        "titles",
        "total",
        "word_hashes",
    )

    def __init__(self, with_positions: bool):
        self.keys = array("q")
        self.available = array("q")
        self.total = array("q")
        self.lat = array("d") if with_positions else None
        self.lon = array("d") if with_positions else None
        # Title hashes of entry i: words word_hashes[starts[2i]:starts[2i+1]], numbers up to
        # starts[2i+2] (sorted).
        self.word_hashes = array("q")
        self.starts = array("l", (0,))
        self.cells: dict[int, int | array] | None = {} if with_positions else None
        self.titles: dict[int, int | array] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, entry: Entry, title: _Title) -> None:
        position = len(self.keys)
        self.keys.append(entry.key)
        self.available.append(_area(entry.available))
        self.total.append(_area(entry.total))
        self.word_hashes.extend(title.words)
        self.starts.append(len(self.word_hashes))
        self.word_hashes.extend(title.numbers)
        self.starts.append(len(self.word_hashes))
        for key in title.keys:
            _post(self.titles, key, position)
        if self.lat is not None:
            located = entry.lat is not None and entry.lon is not None
            self.lat.append(entry.lat if located else _NOWHERE)  # type: ignore[arg-type]
            self.lon.append(entry.lon if located else _NOWHERE)  # type: ignore[arg-type,union-attr]
            if located:
                _post(self.cells, _cell(entry.lat, entry.lon), position)  # type: ignore[arg-type]

    def title(self, position: int) -> tuple[array, array]:
        """(word hashes, sorted number hashes) of an entry."""
        start, middle, end = self.starts[2 * position : 2 * position + 3]
        return self.word_hashes[start:middle], self.word_hashes[middle:end]

    def near(self, entry: Entry) -> Iterator[int]:
        if entry.lat is None or entry.lon is None or self.cells is None:
            return
        cell = _cell(entry.lat, entry.lon)
        for offset in _NEIGHBOURS:
            yield from _postings(self.cells, cell + offset)[-CANDIDATES:]

    def titled(self, title: _Title) -> Iterator[int]:
        # A similar title has the same numbers (one list), or it shares most words, so it
        # shares one of the two rarest ones that occur here at all.
        lists = sorted(
            (found for key in title.keys if len(found := _postings(self.titles, key))), key=len
        )
        for found in lists[:2]:
            yield from found[-CANDIDATES:]


_WEIGHT = {"position": 3, "title": 3, "area": 1}


class Checker:
    """Finds the possible duplicates of a file, batch by batch, in file order."""

    def __init__(self, load_register: Callable[[set[int]], Iterable[Entry]]):
        self._load = load_register
        self._register: dict[int, Block] = {}
        self._file: dict[int, Block] = {}
        self._seen: dict = {}  # fingerprint → first row
        # The caller finds the rows identical to an earlier row itself (the import does, in SQL
        # over the stored rows): no fingerprint per row of the file is kept here.
        self.identical_by_caller = False
        # The caller finds the near-identical rows itself after the last batch, with
        # ``near_identical`` over the rows it stored (the import does): no index of the file's
        # rows is kept here, and the memory of a check does not grow with the file.
        self.near_by_caller = False

    def check(self, rows: list[tuple[Entry, int, bool]]) -> dict[int, Finding]:
        """rows: (entry, fingerprint, is_new) for each row without errors. Only new rows are
        reported; every row is remembered for the rows after it."""
        wanted = {entry.municipality for entry, _f, new in rows if new} - self._register.keys()
        if wanted:
            for municipality in wanted:
                self._register[municipality] = Block(with_positions=True)
            for record in self._load(wanted):
                self._register[record.municipality].add(record, _Title(record.tokens))
        findings = {}
        near_here = not self.near_by_caller
        for entry, fingerprint, new in rows:
            block = None
            if near_here:
                block = self._file.get(entry.municipality)
                if block is None:
                    block = self._file[entry.municipality] = Block(with_positions=False)
            title = _Title(entry.tokens)
            if new:
                finding = self._in_file(entry, title, fingerprint, block)
                record, reasons = self._in_register(entry, title)
                if record is not None:
                    finding = finding or Finding()
                    finding.record, finding.reasons = record, reasons
                if finding:
                    findings[entry.key] = finding
            if not self.identical_by_caller:
                self._seen.setdefault(fingerprint, entry.key)
            if block is not None:
                block.add(entry, title)
        return findings

    def _in_file(
        self, entry: Entry, title: _Title, fingerprint, block: Block | None
    ) -> Finding | None:
        first = None if self.identical_by_caller else self._seen.get(fingerprint)
        if first is not None:
            return Finding(row=first, identical=True)
        earlier = None if block is None else _near(entry, title, block)
        return None if earlier is None else Finding(row=earlier)

    def _in_register(self, entry: Entry, title: _Title) -> tuple[int | None, list[str]]:
        register = self._register.get(entry.municipality)
        if register is None or not len(register):
            return None, []
        best, best_score, best_reasons = None, 0, []
        available, total = _area(entry.available), _area(entry.total)
        located = entry.lat is not None and entry.lon is not None
        seen = set()
        for i in (*register.near(entry), *register.titled(title)):
            if i in seen:
                continue
            seen.add(i)
            reasons = []
            if located:
                lat = register.lat[i]  # type: ignore[index]
                if lat == lat and (  # not NaN: the record has a point of its own
                    distance_m(entry.lat, entry.lon, lat, register.lon[i])  # type: ignore[arg-type,index]
                    <= NEAR_M
                ):
                    reasons.append("position")
            if title.similar(*register.title(i)):
                reasons.append("title")
            if not reasons:
                continue  # an area alone is no reason (see the module's docstring)
            if _close(available, register.available[i], REGISTER_AREA) or _close(
                total, register.total[i], REGISTER_AREA
            ):
                reasons.append("area")
            score = sum(_WEIGHT[r] for r in reasons)
            key = register.keys[i]
            if score > best_score or (score == best_score and key < best):  # type: ignore[operator]
                best, best_score, best_reasons = key, score, reasons
        return best, best_reasons


def _near(entry: Entry, title: _Title, block: Block) -> int | None:
    """The first earlier row of ``block`` near-identical to ``entry`` (similar title, areas
    within ``FILE_AREA``, an area missing on both sides), or None."""
    available, total = _area(entry.available), _area(entry.total)
    earlier = None
    for i in block.titled(title):
        if (earlier is not None and block.keys[i] >= earlier) or not title.similar(*block.title(i)):
            continue
        if all(
            (a == _NO_AREA) == (b == _NO_AREA) and (a == _NO_AREA or _close(a, b, FILE_AREA))
            for a, b in ((available, block.available[i]), (total, block.total[i]))
        ):
            earlier = block.keys[i]
    return earlier


def near_identical(
    rows: Iterable[tuple[int, int, str, int | None, int | None, bool]],
) -> Iterator[tuple[int, int]]:
    """(row, earlier row) for each new row near-identical to an earlier row of the file, from
    ``rows``: (row number, municipality, title, available area, total area, is new) ordered by
    municipality, then row number — the import reads them so from the rows it stored. Only one
    municipality's index is held at a time: the memory is bounded by the largest municipality
    of the file, not by the file; the same block lookups as during the batches, so the check
    stays linear."""
    current, block = None, Block(with_positions=False)
    for number, municipality, title_text, available, total, new in rows:
        if municipality != current:
            current, block = municipality, Block(with_positions=False)
        entry = Entry(number, municipality, title_tokens(title_text), None, None, available, total)
        title = _Title(entry.tokens)
        if new:
            earlier = _near(entry, title, block)
            if earlier is not None:
                yield number, earlier
        block.add(entry, title)


# --- the property side: rows of the import and records of the register ----------------------


def fingerprint(values: dict) -> int:
    """The row's values after parsing, independent of how they were written: a signed 64-bit
    hash (it fits a ``BigIntegerField``)."""
    normal = {
        name: (value.pk if name == "municipality" else value) for name, value in values.items()
    }
    text = json.dumps(normal, sort_keys=True, default=str, ensure_ascii=False)
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


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
    one pass each as plain values in chunks; only those can be chosen for an update, and no other
    record is named."""
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
    """The checker fed with the planned rows of a property import. For the batch checked last,
    ``fingerprints`` holds row number → fingerprint and ``near`` row number → (municipality,
    available area, total area), for the caller to store with the rows. After
    ``leave_identical_rows_to_caller()`` the caller finds the identical rows with the
    fingerprints (``exchange.services`` does, in SQL); after ``leave_near_rows_to_caller()`` it
    passes the stored rows to ``near_rows`` after the last batch."""

    def __init__(self, user):
        self.checker = Checker(register_loader(user))
        self.fingerprints: dict[int, int] = {}
        self.near: dict[int, tuple[int, int | None, int | None]] = {}

    def check(self, planned) -> dict[int, Finding]:
        rows = [
            (row_entry(row.number, row.values), fingerprint(row.values), outcome == "new")
            for outcome, row, _existing, _changed in planned
            if outcome != "error" and "municipality" in row.values
        ]
        self.fingerprints = {entry.key: fingerprint for entry, fingerprint, _new in rows}
        if self.checker.near_by_caller:
            self.near = {
                entry.key: (entry.municipality, entry.available, entry.total)
                for entry, _f, _new in rows
            }
        return self.checker.check(rows)

    def leave_identical_rows_to_caller(self) -> None:
        self.checker.identical_by_caller = True

    def leave_near_rows_to_caller(self) -> None:
        self.checker.near_by_caller = True

    @staticmethod
    def near_rows(rows) -> Iterator[tuple[int, int]]:
        """``near_identical`` of the stored rows: (number, municipality, title, available,
        total, is new), ordered by municipality and number."""
        return near_identical(rows)


def record_titles(ids: Iterable[int]) -> dict[int, str]:
    from standortlotse.properties.models import Property

    return dict(Property.objects.filter(pk__in=set(ids)).values_list("pk", "title"))
