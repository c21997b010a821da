"""Reading statistics tables as the statistical offices publish them (GENESIS-Online,
Regionalstatistik, the Statistisches Landesamt Sachsen-Anhalt): "CSV" with semicolons, in
Windows-1252 or UTF-8, a few lines about the table before it, column headings over several lines,
one line per area with its official key first, and the copyright and "Stand" lines after it::

    Statistisches Landesamt Sachsen-Anhalt
    Tabelle: 12411-0015 Bevölkerung nach Gemeinden
    ;;Bevölkerung;Bevölkerung
    ;;insgesamt;unter 18 Jahren
    ;;Anzahl;%
    31.12.2023;;;
    15081;Altmarkkreis Salzwedel;81.234;15,2
    15081025;Apenburg-Winterfeld;1.907;.
    __________
    © Statistisches Landesamt Sachsen-Anhalt, 2025
    Stand: 12.05.2025

Numbers are German ("12.345,6"); "." (unknown or secret), "-" (nothing), "x" (not sensible),
"..." (later), "/" (too uncertain) and the like mark a cell without a value. The areas are
named by their official key: 8 digits (AGS, municipality), 12 digits (ARS, the AGS is its first
five and last three digits), 5 digits (district); other levels (state, Verbandsgemeinde) are
read but are not municipalities.

Only reading here: what a line means for the register is decided in ``services``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

ENCODINGS = ("utf-8-sig", "cp1252")
MISSING = {".", "-", "–", "—", "x", "X", "...", "…", "/", "()", "*"}
FOOTER_START = re.compile(
    r"^\s*(_{3,}|-{5,}|©|\(c\)|copyright|stand\b|quelle\b|hinweis|fußnote)", re.I
)
KEY_CELL = re.compile(r"^\s*(\d{2,12})(?:\s+(.*\S))?\s*$")
DATE_CELL = re.compile(r"^\s*(?:stichtag\s*)?(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$", re.I)
YEAR_CELL = re.compile(r"^\s*(?:jahr\s*)?(\d{4})\s*$", re.I)
# 12.345,6 · 12345,6 · 12 345 · -3,2 · 12.345 (German thousands) · 12345
GERMAN_NUMBER = re.compile(r"^[+-]?(\d{1,3}((\.|\u00a0| )\d{3})+|\d+)(,\d+)?$")
MAX_BYTES = 5 * 1024 * 1024


class TableError(ValueError):
    """The file is not a table we can read; the message says why."""


class CellError(ValueError):
    """A cell that is neither a number nor a missing-value marker."""


@dataclass
class Area:
    """One line of the table: the area's key (as in the file), its level and the cells."""

    line: int  # line number in the file (1 = first line)
    key: str
    name: str
    cells: list[str]
    as_of: date | None = None  # the date line of its block, when the file has one

    @property
    def level(self) -> str:
        n = len(self.key)
        if n in (8, 12):
            return "municipality"
        if n == 5:
            return "district"
        return "other"

    @property
    def ags(self) -> str:
        """The 8-digit municipality key (also from a 12-digit ARS), else the key itself."""
        if len(self.key) == 12:
            return self.key[:5] + self.key[9:]
        return self.key


@dataclass
class Table:
    encoding: str
    title: str
    columns: list[str]  # headings of the value columns (several heading lines joined)
    areas: list[Area] = field(default_factory=list)
    as_of: date | None = None  # a "31.12.2023" line above the areas, if the file has one
    dates: list[date] = field(default_factory=list)  # every date line (tables by year: blocks)
    footer: list[str] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) when it decodes, else Windows-1252."""
    if len(raw) > MAX_BYTES:
        raise TableError("The file is larger than 5 MB.")
    if b"\x00" in raw[:4096]:
        raise TableError("The file is not a text table (CSV).")
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("The file is neither UTF-8 nor Windows-1252.")  # cp1252 leaves 5 bytes


def number(cell: str) -> Decimal | None:
    """A German number, or None for a missing-value marker or an empty cell. Footnote marks
    after the number ("1.234a", "12,5¹") are dropped. CellError for anything else."""
    text = (cell or "").strip().replace("\u2212", "-")
    if text in MISSING or text == "":
        return None
    text = re.sub(r"(?<=\d)\s*[a-z¹²³⁴⁵⁶⁷⁸⁹*)]+$", "", text)
    if not GERMAN_NUMBER.match(text):
        raise CellError(cell)
    text = re.sub(r"[.\u00a0 ]", "", text).replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise CellError(cell) from error


def _dialect(text: str) -> str:
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    semicolons = sum(line.count(";") for line in lines)
    tabs = sum(line.count("\t") for line in lines)
    if semicolons == 0 and tabs == 0:
        raise TableError("The file has no columns separated by semicolons.")
    return ";" if semicolons >= tabs else "\t"


def _heading_rows(rows: list[list[str]], width: int) -> list[str]:
    """Join heading lines column by column; a heading over several columns (a merged cell:
    written once, the cells to its right empty) counts for each of them."""
    joined = [""] * width
    for row in rows:
        last = ""
        for i in range(width):
            cell = row[i].strip() if i < len(row) else ""
            if i >= 2:  # the key and name columns carry no spanning headings
                if cell:
                    last = cell
                cell = cell or last
            if cell and not joined[i].endswith(cell):
                joined[i] = f"{joined[i]} {cell}".strip()
    return joined


def _as_of(cells: list[str]) -> date | None:
    for cell in cells:
        found = DATE_CELL.match(cell or "")
        if found:
            day, month, year = (int(g) for g in found.groups())
            try:
                return date(year, month, day)
            except ValueError:
                return None
        found = YEAR_CELL.match(cell or "")
        if found and 1950 <= int(found.group(1)) <= 2100:
            return date(int(found.group(1)), 12, 31)
    return None


def read(raw: bytes) -> Table:
    """The table in ``raw`` (the bytes of the file). TableError when no area line is found."""
    text, encoding = decode(raw)
    delimiter = _dialect(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"'))
    first = None
    for number_, row in enumerate(rows):
        if row and KEY_CELL.match(row[0]) and len(row) >= 2 and not _as_of(row[:1]):
            first = number_
            break
    if first is None:
        raise TableError(
            "No line starts with an official key (AGS with 8 digits, ARS with 12): is this a "
            "table by municipality?"
        )
    above = [r for r in rows[:first] if any(c.strip() for c in r)]
    as_of = None
    headings_rows = []
    title_lines = []
    for row in above:
        filled = [c for c in row if c.strip()]
        found = _as_of(row[:1]) if row else None
        if found and len(filled) == 1:
            as_of = found  # "31.12.2023;;;": the date the lines below refer to
        elif len(filled) == 1 and row[0].strip():
            title_lines.append(row[0].strip())  # a line about the table
        else:
            headings_rows.append(row)
    areas: list[Area] = []
    footer: list[str] = []
    width = 0
    block = as_of
    dates = [as_of] if as_of else []
    for offset, row in enumerate(rows[first:]):
        line = first + offset + 1
        first_cell = row[0] if row else ""
        if footer or FOOTER_START.match(first_cell):
            if any(c.strip() for c in row):
                footer.append(";".join(c for c in row if c.strip()))
            continue
        if not any(c.strip() for c in row):
            continue
        found = KEY_CELL.match(first_cell)
        if not found:
            found_date = _as_of(row[:1])
            if found_date and len([c for c in row if c.strip()]) == 1:
                block = found_date  # the next block of a table by year
                dates.append(found_date)
                as_of = as_of or found_date
                continue
            footer.append(";".join(c for c in row if c.strip()))
            continue
        key, name_in_key = found.groups()
        if name_in_key:  # "15081025 Apenburg-Winterfeld" in one cell
            name, cells = name_in_key, [c.strip() for c in row[1:]]
        else:
            name, cells = (row[1].strip() if len(row) > 1 else ""), [c.strip() for c in row[2:]]
        width = max(width, len(cells) + 2)
        areas.append(Area(line=line, key=key, name=name, cells=cells, as_of=block))
    width = max(width, *(len(r) for r in headings_rows)) if headings_rows else width
    joined = _heading_rows(headings_rows, width)[2:]
    columns = [h or f"Spalte {i + 3}" for i, h in enumerate(joined)]
    # a column without heading and without any value in the table is a trailing ";"
    while (
        columns
        and columns[-1].startswith("Spalte ")
        and not any(len(a.cells) >= len(columns) and a.cells[len(columns) - 1] for a in areas)
    ):
        columns.pop()
    return Table(
        encoding=encoding,
        title=" · ".join(title_lines)[:300],
        columns=columns,
        areas=areas,
        as_of=as_of,
        dates=dates,
        footer=footer,
    )


def choose_column(table: Table, column: str | int | None) -> int:
    """The index of the value column: the only one; or the one named (its number, counted from 1
    among the value columns, or a part of its heading, e.g. "insgesamt"). TableError otherwise."""
    if not table.columns:
        raise TableError("The table has no value column.")
    if column in (None, ""):
        if len(table.columns) == 1:
            return 0
        raise TableError(
            "The table has several value columns; choose one: "
            + "; ".join(f"{i + 1} = {c}" for i, c in enumerate(table.columns))
        )
    text = str(column).strip()
    if text.isdigit():
        index = int(text) - 1
        if 0 <= index < len(table.columns):
            return index
        raise TableError(f"There is no value column {text}.")
    matches = [i for i, c in enumerate(table.columns) if text.casefold() in c.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise TableError(
        f"“{text}” names {'no' if not matches else 'more than one'} value column: "
        + "; ".join(f"{i + 1} = {c}" for i, c in enumerate(table.columns))
    )
