"""Coordinates as they stand in table columns, whatever system they are written in.

Municipal lists carry WGS84 degrees ("52,6145", "52.6145", "52°36'52.2\"N", "52 36 52,2"),
ETRS89/UTM metres of zone 32 or 33 (the easting with or without the zone in front:
"612345,67", "33 612345,67", "33612345") or the older Gauß-Krüger metres of zones 3–5, on the
West German datum (DHDN) or the East German one (42/83; the two differ by about 600 m here).

``detect`` looks at the values of a whole column pair and returns the systems they can be
written in, the likeliest first; ``to_wgs84`` reads one pair in a chosen system and returns
WGS84 degrees. Nothing here knows a domain app; which candidate fits the municipalities of the
rows is decided by the import target.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.core.tabular.values import BadValue, is_blank, text
from standortlotse.core.validators import point_in_germany


@dataclass(frozen=True)
class System:
    key: str
    epsg: int
    label: Any  # a lazy translation
    kind: str  # "degrees", "utm" or "gk"
    zone: int = 0
    datum: str = ""  # "dhdn" or "4283" for Gauß-Krüger


SYSTEMS: dict[str, System] = {
    s.key: s
    for s in (
        System("wgs84", 4326, gettext_lazy("WGS84 degrees (GPS, web maps)"), "degrees"),
        System("utm32", 25832, gettext_lazy("ETRS89/UTM zone 32N"), "utm", 32),
        System("utm33", 25833, gettext_lazy("ETRS89/UTM zone 33N"), "utm", 33),
        System("gk3_4283", 2397, gettext_lazy("Gauß-Krüger zone 3 (42/83)"), "gk", 3, "4283"),
        System("gk4_4283", 2398, gettext_lazy("Gauß-Krüger zone 4 (42/83)"), "gk", 4, "4283"),
        System("gk5_4283", 2399, gettext_lazy("Gauß-Krüger zone 5 (42/83)"), "gk", 5, "4283"),
        System("gk3_dhdn", 31467, gettext_lazy("Gauß-Krüger zone 3 (DHDN)"), "gk", 3, "dhdn"),
        System("gk4_dhdn", 31468, gettext_lazy("Gauß-Krüger zone 4 (DHDN)"), "gk", 4, "dhdn"),
        System("gk5_dhdn", 31469, gettext_lazy("Gauß-Krüger zone 5 (DHDN)"), "gk", 5, "dhdn"),
    )
}

# Northings in Germany (metres from the equator, the same in UTM and Gauß-Krüger).
NORTHING = (5_200_000, 6_150_000)


def choices() -> list[tuple[str, str]]:
    return [(s.key, str(s.label)) for s in SYSTEMS.values()]


def accepted_forms() -> str:
    """What a coordinate column accepts, for error messages and the column documentation."""
    return _(
        "WGS84 degrees (52,6145 · 52.6145 · 52°36'52,2\"N · 52 36 52,2), "
        "ETRS89/UTM zone 32 or 33 in metres (easting 612345,67, also with the zone: "
        "33 612345,67 or 33612345; northing 5823456) or Gauß-Krüger zones 3–5 in metres, "
        "DHDN or 42/83 (easting 4498068 with the zone digit first, northing 5822990)"
    )


# --- reading one value -------------------------------------------------------------------

_DMS = re.compile(
    r"^\s*([NSEOW])?\s*"
    r"(\d{1,3}(?:[.,]\d+)?)\s*(?:°|º|d|\s)\s*"
    r"(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:'|′|’|´|m|\s)?\s*)?"
    r"(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:\"|″|''|”|s)?\s*)?"
    r"([NSEOW])?\s*$",
    re.IGNORECASE,
)
_DECIMAL = re.compile(r"^\s*([NSEOW])?\s*([-+]?\d{1,3}(?:[.,]\d+)?)\s*°?\s*([NSEOW])?\s*$", re.I)


def _float(part: str) -> float:
    return float(part.replace(",", "."))


def parse_degrees(raw) -> tuple[float, str]:
    """Degrees from decimal or degrees-minutes-seconds forms, and the axis its letter names
    ("lat" for N/S, "lon" for E/O/W, "" without a letter)."""
    if isinstance(raw, bool):
        raise BadValue(_("“%(value)s” is not a coordinate.") % {"value": raw})
    if isinstance(raw, (int, float)):
        return float(raw), ""
    value = text(raw)
    match = _DECIMAL.match(value)
    if match:
        degrees = _float(match.group(2))
        minutes = seconds = 0.0
        letter = match.group(1) or match.group(3) or ""
    else:
        match = _DMS.match(value)
        if not match or not (match.group(3) or "°" in value):
            raise BadValue(_("“%(value)s” is not a coordinate.") % {"value": value})
        degrees = _float(match.group(2))
        minutes = _float(match.group(3)) if match.group(3) else 0.0
        seconds = _float(match.group(4)) if match.group(4) else 0.0
        letter = match.group(1) or match.group(5) or ""
        if minutes >= 60 or seconds >= 60:
            raise BadValue(
                _("“%(value)s”: minutes and seconds must be below 60.") % {"value": value}
            )
    result = abs(degrees) + minutes / 60 + seconds / 3600
    if degrees < 0:
        result = -result
    letter = letter.upper()
    if letter in ("S", "W"):
        result = -abs(result)
    axis = {"N": "lat", "S": "lat", "E": "lon", "O": "lon", "W": "lon"}.get(letter, "")
    return result, axis


def parse_metres(raw) -> tuple[float, int]:
    """Metres of a projected coordinate and the UTM zone written in front of it (0 if none):
    "612345,67", "612.345,67", "5 823 456", "33 612345,67", "33612345"."""
    if isinstance(raw, bool):
        raise BadValue(_("“%(value)s” is not a coordinate.") % {"value": raw})
    if isinstance(raw, (int, float)):
        number, zone = float(raw), 0
    else:
        value = text(raw).replace("\u00a0", " ").replace("\u202f", " ")
        value = re.sub(r"\s*m$", "", value, flags=re.I)
        tokens = value.split()
        zone = 0
        if len(tokens) >= 2 and tokens[0] in ("32", "33"):
            zone, tokens = int(tokens[0]), tokens[1:]
        digits = "".join(tokens)
        if not re.fullmatch(r"\d[\d.,]*", digits):
            raise BadValue(_("“%(value)s” is not a coordinate.") % {"value": value})
        if "," in digits:
            digits = digits.replace(".", "").replace(",", ".")
        elif digits.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", digits):
            digits = digits.replace(".", "")
        try:
            number = float(digits)
        except ValueError:
            raise BadValue(_("“%(value)s” is not a coordinate.") % {"value": value}) from None
    if not zone and 32_000_000 <= number < 34_000_000:  # "33612345": the zone glued in front
        zone, number = int(number // 1_000_000), number % 1_000_000
    return number, zone


def _shape(raw) -> str:
    """What a single value looks like: "deg", "easting" (6 digits), "utm_zoned", "gk3".."gk5"
    (a Gauß-Krüger easting with its zone digit), "northing" or "" (nothing we know)."""
    try:
        degrees, _axis = parse_degrees(raw)
    except BadValue:
        pass
    else:
        if -180 <= degrees <= 180:
            return "deg"
    try:
        metres, zone = parse_metres(raw)
    except BadValue:
        return ""
    if zone:
        return "utm_zoned" if 100_000 <= metres < 1_000_000 else ""
    if 100_000 <= metres < 1_000_000:
        return "easting"
    if NORTHING[0] <= metres <= NORTHING[1]:
        return "northing"  # (or a zone-5 Gauß-Krüger easting: decided by the other column)
    if 2_000_000 <= metres < 6_000_000:
        return f"gk{int(metres // 1_000_000)}"
    return ""


# --- the whole column pair ---------------------------------------------------------------


def detect(pairs) -> list[str]:
    """The systems the (x, y) pairs of two columns can be written in, likeliest first.

    ``x`` is the easting or longitude column, ``y`` the northing or latitude column; blank
    pairs are skipped and a swapped pair counts as the system it would be when swapped back.
    UTM 32 and 33 (and DHDN and 42/83) cannot be told apart by the numbers alone: both are
    returned, and which one puts the rows in their municipalities is decided by the caller.
    """
    votes: dict[str, int] = {}
    for x, y in pairs:
        if is_blank(x) or is_blank(y):
            continue
        for key in _pair_systems(_shape(x), _shape(y), x, y):
            votes[key] = votes.get(key, 0) + 1
    order = list(SYSTEMS)
    return sorted(votes, key=lambda k: (-votes[k], order.index(k)))


def _pair_systems(sx: str, sy: str, x, y) -> list[str]:
    if sx == "deg" and sy == "deg":
        return ["wgs84"]
    shapes = {sx, sy}
    if "northing" in shapes:
        other = sy if sx == "northing" else sx
        if other == "utm_zoned":
            zone = parse_metres(x if sx == other else y)[1]
            return [f"utm{zone}"]
        if other == "easting":
            return ["utm33", "utm32"]
        if other.startswith("gk"):
            return [f"{other}_4283", f"{other}_dhdn"]
        if sx == sy == "northing":  # zone 5 Gauß-Krüger: the easting starts with 5 as well
            return ["gk5_4283", "gk5_dhdn"]
    return []


# --- reprojecting ------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _transformer(epsg: int):
    from pyproj import Transformer

    return Transformer.from_crs(epsg, 4326, always_xy=True)


def effective_system(system: System, x) -> System:
    """The system a value is really in: a zone written in the easting wins ("32 612345" in a
    UTM 33 list; a Gauß-Krüger easting's first digit is its zone)."""
    if system.kind == "utm":
        zone = parse_metres(x)[1]
        if zone and zone != system.zone:
            return SYSTEMS[f"utm{zone}"]
    if system.kind == "gk":
        zone = int(parse_metres(x)[0] // 1_000_000)
        if zone in (3, 4, 5) and zone != system.zone:
            return SYSTEMS[f"gk{zone}_{system.datum}"]
    return system


def to_wgs84(key: str, x, y) -> tuple[float, float]:
    """(lat, lon) in WGS84 degrees, 6 decimals (about 0.1 m), for the easting/longitude ``x`` and
    the northing/latitude ``y`` written in the system ``key``; ``BadValue`` if they cannot be
    read in it. A pair whose letters say it is swapped ("11°51'E" in the latitude column) is
    read the right way round."""
    system = SYSTEMS[key]
    if system.kind == "degrees":
        lon, lon_axis = parse_degrees(x)
        lat, lat_axis = parse_degrees(y)
        if lon_axis == "lat" or lat_axis == "lon":
            lat, lon = lon, lat
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadValue(
                _("“%(lat)s”, “%(lon)s” are no WGS84 degrees.") % {"lat": text(y), "lon": text(x)}
            )
        return round(lat, 6), round(lon, 6)
    system = effective_system(system, x)
    easting, _zone = parse_metres(x)
    northing, _z = parse_metres(y)
    if system.kind == "utm" and not 100_000 <= easting < 1_000_000:
        raise BadValue(
            _("“%(value)s” is no UTM easting (6 digits, or 8 with the zone in front).")
            % {"value": text(x)}
        )
    if system.kind == "gk" and not system.zone * 1_000_000 <= easting < (system.zone + 1) * 1e6:
        raise BadValue(
            _(
                "“%(value)s” is no Gauß-Krüger easting of zone %(zone)d (7 digits, starting with %(zone)d)."
            )
            % {"value": text(x), "zone": system.zone}
        )
    if not NORTHING[0] <= northing <= NORTHING[1]:
        raise BadValue(
            _("“%(value)s” is no northing in Germany (7 digits, 5200000 to 6150000).")
            % {"value": text(y)}
        )
    lon, lat = _transformer(system.epsg).transform(easting, northing)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise BadValue(_("“%(x)s”, “%(y)s” cannot be converted.") % {"x": text(x), "y": text(y)})
    return round(lat, 6), round(lon, 6)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine; good to a few metres at this scale)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


def in_germany(point: tuple[float, float]) -> bool:
    return point_in_germany(*point)
