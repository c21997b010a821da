"""Reading uploaded files as rows: CSV, XLSX, GeoJSON, GeoPackage and zipped Shapefiles.

The type is decided by the content, never by the name alone, and hostile files are refused
before anything is parsed: a type that does not match the extension, zip bombs, cells that are
too large, spreadsheet formulas in CSV. Rows are streamed (``Table.rows``), so memory does not
grow with the file; GIS geometries are reprojected to WGS84.

Every row is a ``Row``: its number in the file (as a spreadsheet shows it), the cells by header
and, for GIS formats, the geometry as GeoJSON in WGS84.

Row numbers, the one rule of every import (properties and places, preview and report): a row is
named by its line in the file as the editor's spreadsheet or text editor shows it — title rows
above the header, the header and blank rows are counted, though never imported; a record of a
GIS or JSON file by its position among the features or records (1 = the first). A reader that
turns rows into records of its own keeps the line under ``LINE`` (``line_of`` reads it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from standortlotse.core.spreadsheet import safe_cell
from standortlotse.core.textsearch import fold

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 300
HEADER_SEARCH_ROWS = 15

# What a spreadsheet would run: "=…", "@…", "+A1…", "-SUM(…" (not "- bullet" or "-5").
FORMULA = re.compile(r"^\s*(=|@|[+-][A-Za-z(])")


LINE = "_line"  # the key of a record read from a table row that holds the row's line


def line_of(record: dict, position: int) -> int:
    """The line of the file a record was read from (``LINE``), else its ``position``."""
    line = record.get(LINE)
    return line if isinstance(line, int) and line > 0 else position


class Refused(Exception):
    """The file cannot be imported; ``str(error)`` says why, in the user's language."""


@dataclass
class Row:
    number: int
    cells: dict[str, object]
    geometry: dict | None = None


@dataclass
class Table:
    kind: str  # csv, xlsx, geojson, gpkg, shapefile
    headers: list[str]
    rows_factory: Callable[[], Iterator[Row]] = field(repr=False)
    note: str = ""

    def rows(self) -> Iterator[Row]:
        return self.rows_factory()


EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "shapefile",
}


def sniff(path: str, filename: str) -> str:
    """The file's kind from its content, checked against its extension."""
    ext = os.path.splitext(filename.lower())[1]
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise Refused(
            _(
                "Files of type “%(ext)s” cannot be imported. Use CSV, XLSX, GeoJSON, GeoPackage or a zipped Shapefile."
            )
            % {"ext": ext or filename}
        )
    size = os.path.getsize(path)
    if size == 0:
        raise Refused(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise Refused(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        actual = _zip_kind(path)
    elif head.startswith(b"SQLite format 3\x00"):
        actual = "gpkg" if head[68:72] in (b"GPKG", b"GP10", b"GP11") else "sqlite"
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        actual = "geojson"
    elif _looks_like_text(head):
        actual = "csv"
    else:
        actual = "binary"
    if actual != expected:
        raise Refused(
            _(
                "The file is called “%(name)s” but its content is not %(kind)s. "
                "Please check that you chose the right file."
            )
            % {"name": filename, "kind": KIND_NAMES.get(expected, expected)}
        )
    return actual


KIND_NAMES = {
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "Shapefile (ZIP)",
}


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start > len(head) - 4:
                return True  # a character cut off at the end of the sample
    return False


def _zip_kind(path: str) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise Refused(_("The file is a damaged ZIP archive.")) from None
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
        if total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO or len(infos) > 1000:
            raise Refused(
                _(
                    "The archive unpacks to far more data than it holds (a “zip bomb”); it is refused."
                )
            )
        names = [info.filename.lower() for info in infos]
        if any(n.endswith(".zip") for n in names):
            raise Refused(_("Archives inside archives are not accepted."))
        if "[content_types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.endswith(".shp") for n in names):
            return "shapefile"
    return "zip"


# --- tabular files -------------------------------------------------------------------------


def _check_cell(value, number: int, header: str):
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise Refused(
            _(
                "Row %(row)d, column “%(column)s”: the cell holds more than %(max)d characters; the file is refused."
            )
            % {"row": number, "column": header, "max": MAX_CELL_CHARS}
        )


def _find_header(first_rows: list[tuple[int, list]], known: set[str]) -> int:
    """Index of the header row: blank rows and merged title rows above it are skipped."""
    best, best_score = 0, (-1, -1)
    for index, (_number, cells) in enumerate(first_rows):
        filled = [c for c in cells if c not in (None, "") and str(c).strip()]
        if len(filled) < 2:
            continue
        score = (sum(1 for c in filled if fold(c) in known), len(filled))
        if score > best_score:
            best, best_score = index, score
    return best


def _headers(cells: list) -> list[str]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell not in (None, "") else _("column %(n)d") % {"n": position}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


def _tabular(kind: str, raw_rows, known: set[str], check_formulas: bool) -> Table:
    """A table from an iterator factory of (number, cells) pairs."""
    iterator = raw_rows()
    first = []
    for item in iterator:
        first.append(item)
        if len(first) >= HEADER_SEARCH_ROWS:
            break
    if not first:
        raise Refused(_("The file contains no rows."))
    header_index = _find_header(first, known)
    header_number, header_cells = first[header_index]
    while header_cells and header_cells[-1] in (None, ""):
        header_cells = header_cells[:-1]
    if len(header_cells) > MAX_COLUMNS:
        raise Refused(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})
    headers = _headers(header_cells)

    def rows():
        for number, cells in raw_rows():
            if number <= header_number:
                continue
            if all(c in (None, "") or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            values = {}
            for position, header in enumerate(headers):
                value = cells[position] if position < len(cells) else None
                _check_cell(value, number, header)
                if check_formulas and isinstance(value, str) and FORMULA.match(value):
                    raise Refused(
                        _(
                            "Row %(row)d, column “%(column)s” holds a spreadsheet formula (%(value)s). "
                            "Formulas are not imported; please save the values instead."
                        )
                        % {"row": number, "column": header, "value": value[:40]}
                    )
                values[header] = value
            yield Row(number, values)

    return Table(kind, headers, rows)


def _detect_encoding(path: str) -> str:
    with open(path, "rb") as handle:
        sample = handle.read(1024 * 1024)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start > len(sample) - 4 and len(sample) == 1024 * 1024:
            return "utf-8"
        return "cp1252"


def read_csv(path: str, known: set[str]) -> Table:
    encoding = _detect_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = max((";", ",", "\t"), key=lambda d: sample.count(d) + first_line.count(d) * 10)
    csv.field_size_limit(MAX_CELL_CHARS * 4)

    def raw_rows():
        with open(path, encoding=encoding, newline="", errors="strict") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            line = 1  # where the next record starts (a quoted cell may hold line breaks)
            try:
                for cells in reader:
                    yield line, cells
                    line = reader.line_num + 1
            except csv.Error as error:
                raise Refused(
                    _("Row %(row)d cannot be read as CSV: %(error)s")
                    % {"row": reader.line_num, "error": error}
                ) from None
            except UnicodeDecodeError:
                raise Refused(_("The file mixes character encodings; save it as UTF-8.")) from None

    table = _tabular("csv", raw_rows, known, check_formulas=True)
    table.note = _("CSV, separator “%(sep)s”, encoding %(enc)s") % {
        "sep": "Tab" if delimiter == "\t" else delimiter,
        "enc": "UTF-8" if encoding.startswith("utf") else "Windows-1252",
    }
    return table


def read_xlsx(path: str, known: set[str]) -> Table:
    from openpyxl import load_workbook

    def raw_rows():
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for broken files
            raise Refused(
                _("The Excel file cannot be read; is it damaged or password protected?")
            ) from None
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        finally:
            workbook.close()

    table = _tabular("xlsx", raw_rows, known, check_formulas=False)
    table.note = _("Excel, first sheet")
    return table


def read_geojson(path: str) -> Table:
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except (ValueError, UnicodeDecodeError):
        raise Refused(_("The file is not valid GeoJSON.")) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise Refused(_("The GeoJSON file must hold a FeatureCollection."))
    features = data["features"]
    headers: dict[str, None] = {}
    if any(isinstance(f, dict) and f.get("id") is not None for f in features):
        headers["id"] = None
    for feature in features:
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            for key in feature["properties"]:
                headers.setdefault(str(key), None)
        if len(headers) > MAX_COLUMNS:
            raise Refused(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})

    def rows():
        for number, feature in enumerate(features, start=1):
            props = feature.get("properties") if isinstance(feature, dict) else None
            cells = {}
            for header in headers:
                value = (props or {}).get(header)
                if header == "id" and value is None and isinstance(feature, dict):
                    value = feature.get("id")
                if isinstance(value, (dict, list)):
                    value = json.dumps(value)
                _check_cell(value, number, header)
                cells[header] = value
            geometry = feature.get("geometry") if isinstance(feature, dict) else None
            yield Row(number, cells, geometry if isinstance(geometry, dict) else None)

    return Table(
        "geojson", list(headers), rows, note=_("GeoJSON, %(n)d features") % {"n": len(features)}
    )


def _gis(path: str, kind: str) -> Table:
    import pyogrio
    from pyproj import CRS, Transformer

    with _gis_source(path, kind) as source:
        try:
            info = pyogrio.read_info(source)
        except Exception:
            raise Refused(_("The GIS file cannot be read.")) from None
    crs = info.get("crs")
    if not crs:
        raise Refused(
            _("The GIS file has no coordinate reference system (a .prj file is missing).")
        )
    source_crs = CRS.from_user_input(crs)
    epsg = source_crs.to_epsg()
    if epsg not in (4326, 25832, 25833, 4258, 31468, 31469, 3857):
        raise Refused(
            _(
                "Coordinate reference system EPSG:%(epsg)s is not supported (use EPSG:25832, 25833 or 4326)."
            )
            % {"epsg": epsg}
        )
    to_wgs84 = Transformer.from_crs(source_crs, CRS.from_epsg(4326), always_xy=True).transform
    headers = [str(name) for name in info["fields"]]
    count = int(info.get("features") or 0)

    def rows():
        with _gis_source(path, kind) as source:
            yield from _gis_rows(source, count, to_wgs84)

    return Table(
        kind,
        headers,
        rows,
        note=_("%(kind)s, %(n)d features, EPSG:%(epsg)s reprojected to WGS84")
        % {"kind": KIND_NAMES[kind], "n": count, "epsg": epsg},
    )


def _gis_rows(source, count, to_wgs84):
    import pyogrio
    import shapely
    from shapely.geometry import mapping

    batch = 5000
    for start in range(0, max(count, 1), batch):
        meta, _fids, geometries, columns = pyogrio.raw.read(
            source, skip_features=start, max_features=batch
        )
        names = [str(n) for n in meta["fields"]]
        for offset in range(len(geometries) if geometries is not None else 0):
            cells = {}
            for name, column in zip(names, columns, strict=True):
                value = column[offset]
                value = value.item() if hasattr(value, "item") else value
                _check_cell(value, start + offset + 1, name)
                cells[name] = value
            geometry = None
            if geometries[offset] is not None:
                shape = shapely.transform(
                    shapely.from_wkb(bytes(geometries[offset])), to_wgs84, interleaved=False
                )
                geometry = mapping(shape)
            yield Row(start + offset + 1, cells, geometry)


@contextmanager
def _gis_source(path: str, kind: str):
    """The path GDAL should open: the file itself, or the .shp of a zip unpacked to a temp dir."""
    if kind != "shapefile":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="standortlotse-shp-") as workdir:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = os.path.basename(info.filename)
                if not name or info.is_dir():
                    continue
                with archive.open(info) as src, open(os.path.join(workdir, name), "wb") as dst:
                    dst.write(src.read(MAX_UNZIPPED_BYTES))
        shp = sorted(n for n in os.listdir(workdir) if n.lower().endswith(".shp"))
        yield os.path.join(workdir, shp[0])


def open_table(path: str, filename: str, known: set[str]) -> Table:
    kind = sniff(path, filename)
    if kind == "csv":
        return read_csv(path, known)
    if kind == "xlsx":
        return read_xlsx(path, known)
    if kind == "geojson":
        return read_geojson(path)
    return _gis(path, kind)


def csv_text(headers: list[str], rows: list[list]) -> bytes:
    """A CSV file (semicolon, UTF-8 with BOM for Excel) from rows: used for templates and reports."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
