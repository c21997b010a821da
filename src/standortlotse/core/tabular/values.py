"""Reading the values people actually type into German spreadsheets.

"12.500", "12.500 m²", "3,5 ha", "ca. 2 ha", "1.234,56 €", "sofort", "01.03.2025", "ja"/"nein",
"GE/GI", "x". Every parser returns a Python value or raises ``BadValue`` with a German message
for the preview. Cells from XLSX arrive already typed (int, float, datetime) and pass through.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from standortlotse.core.textsearch import fold


class BadValue(ValueError):
    """A value that cannot be read; ``str(error)`` is the message for the user."""


def is_blank(value) -> bool:
    return value is None or (
        isinstance(value, str) and value.strip() in ("", "-", "–", "k.A.", "k. A.")
    )


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%d.%m.%Y")
    result = str(value).strip()
    # Our own exports prefix text that looks like a formula with an apostrophe: undo that.
    if result.startswith("'") and result[1:2] in ("=", "+", "-", "@"):
        result = result[1:]
    return result


_APPROX = re.compile(
    r"^(ca\.?|circa|etwa|rd\.?|rund|ungefähr|~|>|<|≈|max\.?|min\.?|bis)\s*", re.IGNORECASE
)
_NUMBER = re.compile(r"[-+]?\d[\d.,'\s\u202f\u00a0]*")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3}){2,}$")


def number(value, *, dot_is_decimal: bool = False) -> tuple[Decimal, str]:
    """A number and the unit written after it (lower case, may be empty).

    German forms first: "12.500" is twelve thousand five hundred, "3,5" three and a half,
    "1.234,56" and "1 234,56" likewise. "3.5" (a dot not followed by three digits) is read as a
    decimal point. With ``dot_is_decimal`` (coordinates) a dot is always the decimal point.
    """
    if isinstance(value, bool):
        raise BadValue(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)), ""
    raw = text(value)
    rest = _APPROX.sub("", raw).strip()
    match = _NUMBER.match(rest)
    if not match:
        raise BadValue(_("“%(value)s” is not a number.") % {"value": raw})
    digits = re.sub(r"[\s'\u202f\u00a0]", "", match.group(0))
    unit = rest[match.end() :].strip().lower()
    sign = ""
    if digits[0] in "+-":
        sign, digits = digits[0].replace("+", ""), digits[1:]
    digits = digits.rstrip(".,")
    if "," in digits and "." in digits:
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        digits = (
            digits.replace(",", "") if _THOUSANDS_COMMA.match(digits) else digits.replace(",", ".")
        )
    elif "." in digits and not dot_is_decimal and _THOUSANDS_DOT.match(digits):
        digits = digits.replace(".", "")
    try:
        result = Decimal(sign + digits)
    except InvalidOperation:
        raise BadValue(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if unit and not re.match(r"^[^\d]*[2²]?$", unit):
        raise BadValue(_("“%(value)s” is not a number.") % {"value": raw})
    return result, unit


AREA_UNITS = {
    "": 1,
    "m²": 1,
    "m2": 1,
    "qm": 1,
    "m^2": 1,
    "quadratmeter": 1,
    "sqm": 1,
    "ha": 10_000,
    "hektar": 10_000,
}


def area_m2(value) -> int:
    """An area in square metres; hectares ("3,5 ha") are converted."""
    amount, unit = number(value)
    unit = unit.rstrip(".")
    if unit not in AREA_UNITS:
        raise BadValue(_("Unknown area unit “%(unit)s” (use m² or ha).") % {"unit": unit})
    return int((amount * AREA_UNITS[unit]).to_integral_value())


def decimal(value, unit_words: tuple[str, ...] = ()) -> Decimal:
    amount, unit = number(value)
    unit = unit.rstrip(".")
    if unit and unit not in unit_words:
        raise BadValue(
            _("Unexpected unit “%(unit)s” in “%(value)s”.") % {"unit": unit, "value": text(value)}
        )
    return amount


def integer(value, unit_words: tuple[str, ...] = ()) -> int:
    amount = decimal(value, unit_words)
    if amount != amount.to_integral_value():
        raise BadValue(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    return int(amount)


TRUE_WORDS = {
    "ja",
    "j",
    "x",
    "yes",
    "y",
    "true",
    "wahr",
    "1",
    "vorhanden",
    "ja, vorhanden",
    "✓",
    "✔",
}
FALSE_WORDS = {"nein", "n", "no", "false", "falsch", "0", "nicht vorhanden", "keine", "kein"}


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(_("“%(value)s” is not yes or no (use ja or nein).") % {"value": text(value)})


_DATE_FORMATS = (
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%Y",
    "%m.%Y",
)


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date: no time, no zone
        except ValueError:
            continue
    raise BadValue(_("“%(value)s” is not a date (use DD.MM.YYYY).") % {"value": raw})


def choice(value, synonyms: dict[str, str], what: str) -> tuple[str, str]:
    """A choice value from its code, label or a synonym (the keys of ``synonyms`` are folded,
    ``textsearch.fold``). Several values ("GE/GI") take the first and return a warning as the
    second element (empty otherwise)."""
    raw = text(value)
    key = fold(raw)
    if key in synonyms:
        return synonyms[key], ""
    parts = [p for p in re.split(r"\s*[/,;+]\s*|\s+(?:oder|und|or|and)\s+", raw) if p.strip()]
    if len(parts) > 1 and all(fold(p) in synonyms for p in parts):
        first = synonyms[fold(parts[0])]
        return first, _("Several values “%(value)s”: “%(first)s” taken.") % {
            "value": raw,
            "first": parts[0],
        }
    raise BadValue(_("“%(value)s” is not a known %(what)s.") % {"value": raw, "what": what})
