"""Reading the values people actually type into German spreadsheets.

"12.500", "12.500 m²", "3,5 ha", "ca. 2 ha", "1.234,56 €", "sofort", "01.03.2025", "ja"/"nein",
"GE/GI", "x", prices ("9,- €", "ab 12 €/m²", "12–15 €/m²", "VB", "auf Anfrage") and dates of
availability ("ab 01.03.2025", "Q3/2026", "2026"). Every parser returns a Python value or raises
``BadValue`` with a German message for the preview; parsers that read more into a cell than it
says ("ab 12 €" → 12, "Q3/2026" → 01.07.2026) append a note to ``notes`` when one is given. Cells
from XLSX arrive already typed (int, float, datetime) and pass through.

The word tables below (``AREA_UNITS``, ``TRUE_WORDS``, ``PRICE_ON_REQUEST`` …) and the
``*_FORMS`` examples are what the parser reads *and* what the column documentation lists, so the
two cannot drift apart (tests/core/test_tabular_values.py parses every documented form).
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
# Words after the unit that say which area is meant ("2,5 ha brutto"): read, and noted.
AREA_QUALIFIERS = ("brutto", "netto", "gesamt", "insgesamt")
AREA_FORMS = (
    "12.500",
    "12500m²",
    "12.500 m²",
    "12.500 qm",
    "3,5 ha",
    "1,2 Hektar",
    "ca. 2 ha",
    "2,5 ha brutto",
)


def _note(notes: list[str] | None, message: str) -> None:
    if notes is not None:
        notes.append(message)


def area_m2(value, notes: list[str] | None = None) -> int:
    """An area in square metres; hectares ("3,5 ha") are converted, a qualifier after the unit
    ("2,5 ha brutto") is noted."""
    amount, unit = number(value)
    words = [w.strip("().,") for w in unit.split()]
    qualifiers = [w for w in words if w in AREA_QUALIFIERS]
    unit = " ".join(w for w in words if w and w not in qualifiers)
    if unit not in AREA_UNITS:
        raise BadValue(
            _("Unknown area unit “%(unit)s” in “%(value)s” (use m², qm, ha or Hektar).")
            % {"unit": unit, "value": text(value)}
        )
    result = int((amount * AREA_UNITS[unit]).to_integral_value())
    if qualifiers:
        _note(
            notes,
            _("“%(value)s” read as %(area)s m² (%(word)s).")
            % {
                "value": text(value),
                "area": f"{result:,}".replace(",", "."),
                "word": qualifiers[0],
            },
        )
    return result


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
# Read as yes, with a note: "möglich" in a yes/no column says it can be had, not that it is there.
POSSIBLE_WORDS = {"möglich", "moeglich", "machbar"}
FALSE_WORDS = {"nein", "n", "no", "false", "falsch", "0", "nicht vorhanden", "keine", "kein"}
# A dash in a yes/no column is "no" (lists marked "x" / "-"); elsewhere it is an empty cell.
DASHES = ("-", "–", "—")
YES_NO_FORMS = (
    "ja",
    "x",
    "X",
    "vorhanden",
    "möglich",
    "✓",
    "1",
    "nein",
    "-",
    "nicht vorhanden",
    "keine",
    "0",
)


def boolean(value, notes: list[str] | None = None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in POSSIBLE_WORDS:
        _note(notes, _("“%(value)s” read as yes.") % {"value": text(value)})
        return True
    if word in FALSE_WORDS or word in DASHES:
        return False
    raise BadValue(
        _("“%(value)s” is not yes or no (accepted: %(forms)s).")
        % {"value": text(value), "forms": ", ".join(YES_NO_FORMS)}
    )


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


# --- prices -----------------------------------------------------------------------------------

PRICE_ON_REQUEST = (
    "auf Anfrage",
    "a. A.",
    "a.A.",
    "Preis auf Anfrage",
    "auf Nachfrage",
    "nach Vereinbarung",
)
NEGOTIABLE = ("VB", "VHB", "Verhandlungsbasis", "verhandelbar")
PRICE_FORMS = (
    "18,50",
    "18,50 €",
    "9,- €",
    "€ 14,50",
    "14,50 EUR/m²",
    "ab 12 €/m²",
    "12–15 €/m²",
    "12-15 €",
    "12 € VB",
    "VB",
    "Verhandlungsbasis",
    "VHB",
    "auf Anfrage",
    "a. A.",
)
_ON_REQUEST_KEYS = {fold(word) for word in PRICE_ON_REQUEST}
_NEGOTIABLE_WORD = re.compile(
    r"(?<![^\W\d_])(?:" + "|".join(re.escape(w) for w in NEGOTIABLE) + r")\.?(?![^\W\d_])",
    re.IGNORECASE,
)
_CURRENCY_FIRST = re.compile(r"^(€|eur|euro)\s*(?=\d)", re.IGNORECASE)
_NO_CENTS = re.compile(r"(?<=\d),[-–]+")  # "9,-" = 9 euros
_FROM = re.compile(r"^(?:ab|von|from)\s+(?=\S)", re.IGNORECASE)
_RANGE = re.compile(
    r"^(?P<low>\d[\d.,]*)\s*(?P<low_unit>[^\d\s–—-]*)\s*(?:-|–|—|bis)\s*(?P<high>\d.*)$",
    re.IGNORECASE,
)


def _price_amount(raw: str, unit_words: tuple[str, ...]) -> Decimal:
    currency = _CURRENCY_FIRST.match(raw)
    if currency:
        raw = raw[currency.end() :]
    amount, unit = number(raw)
    unit = unit.replace(" ", "").rstrip(".")
    if currency and (unit == "" or unit.startswith("/")):
        unit = currency.group(1).lower() + unit
    if unit and unit not in unit_words:
        raise BadValue(
            _("Unexpected unit “%(unit)s” in “%(value)s”.") % {"unit": unit, "value": raw}
        )
    return amount


def price(
    value, unit_words: tuple[str, ...] = (), notes: list[str] | None = None
) -> tuple[Decimal | None, bool]:
    """A price and whether it is "on request": (amount or None, on_request).

    "auf Anfrage" / "a. A." → (None, True). "VB" (negotiable) alone is a price on request, after
    an amount ("12 € VB") the amount is kept; both are noted. "ab 12 €/m²" and ranges
    ("12–15 €/m²") give the lower value, noted. ``unit_words``: the units allowed after the
    amount ("€/m²" …), lower case, without spaces.
    """
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value)), False
    raw = text(value)
    try:
        rest = _NEGOTIABLE_WORD.sub(" ", raw).strip(" ,;/()")
        negotiable = rest != raw.strip(" ,;/()")
        if negotiable and not rest:
            _note(
                notes,
                _("“%(value)s”: negotiable, no amount given: price on request.") % {"value": raw},
            )
            return None, True
        if fold(rest) in _ON_REQUEST_KEYS:
            return None, True
        rest = _NO_CENTS.sub("", rest)
        lower_bound = _FROM.match(rest)
        if lower_bound:
            rest = rest[lower_bound.end() :]
        span = _RANGE.match(rest)
        if span:
            high = _price_amount(span.group("high"), unit_words)
            amount = _price_amount(span.group("low") + span.group("low_unit"), unit_words)
            if amount > high:
                raise BadValue(raw)
        else:
            amount = _price_amount(rest, unit_words)
    except BadValue:
        raise BadValue(
            _("“%(value)s” is not a price (accepted: %(forms)s).")
            % {"value": raw, "forms": " · ".join(PRICE_FORMS)}
        ) from None
    if amount < 0:
        raise BadValue(_("“%(value)s”: a price cannot be negative.") % {"value": raw})
    if span:
        _note(
            notes,
            _("Range “%(value)s”: the lower value %(amount)s was taken.")
            % {"value": raw, "amount": _german(amount)},
        )
    elif lower_bound:
        _note(
            notes,
            _("“%(value)s”: the lowest price %(amount)s was taken.")
            % {"value": raw, "amount": _german(amount)},
        )
    if negotiable:
        _note(
            notes,
            _("“%(value)s”: the price is negotiable (the record has no field for that).")
            % {"value": raw},
        )
    return amount, False


def _german(amount: Decimal) -> str:
    return f"{amount:f}".replace(".", ",")


# --- dates of availability -----------------------------------------------------------------

FROM_DATE_FORMS = ("ab 01.03.2025", "01.03.2025", "2025-03-01", "03/2025", "Q3/2026", "2026")
_QUARTER = re.compile(
    r"^(?:q\s*(?P<q1>[1-4])|(?P<q2>[1-4])\s*\.?\s*quartal)\s*[/.\s]?\s*(?P<year>\d{4})$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?P<year>(?:19|20|21)\d\d)$")
_FROM_DAY = re.compile(r"^(?:ab|von|from)(?:\s+(?:dem|den))?\s+(?=\S)", re.IGNORECASE)


def from_date(value, notes: list[str] | None = None) -> date:
    """The day from which something is available: a date ("ab 01.03.2025", "01.03.2025",
    "03/2025"), a quarter ("Q3/2026", "3. Quartal 2026": its first day) or a year ("2026":
    1 January); quarter and year are noted, since they are less exact than the date shown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        value = str(int(value))
    if isinstance(value, (date, datetime)):
        return parse_date(value)
    raw = text(value)
    rest = _FROM_DAY.sub("", raw).strip()
    quarter, year = _QUARTER.match(rest), _YEAR.match(rest)
    if quarter:
        number_ = int(quarter.group("q1") or quarter.group("q2"))
        day = date(int(quarter.group("year")), 3 * number_ - 2, 1)
        _note(
            notes,
            _("“%(value)s” read as from %(date)s (the first day of the quarter).")
            % {"value": raw, "date": day.strftime("%d.%m.%Y")},
        )
        return day
    if year:
        day = date(int(year.group("year")), 1, 1)
        _note(
            notes,
            _("“%(value)s” read as from %(date)s (the first day of the year).")
            % {"value": raw, "date": day.strftime("%d.%m.%Y")},
        )
        return day
    return parse_date(rest)


def choice(
    value, synonyms: dict[str, str], what: str, accepted: tuple[str, ...] | list[str] = ()
) -> tuple[str, str]:
    """A choice value from its code, label or a synonym (the keys of ``synonyms`` are folded,
    ``textsearch.fold``). Several values ("GE/GI") take the first and return a warning as the
    second element (empty otherwise). ``accepted``: the forms the error message lists."""
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
    if accepted:
        raise BadValue(
            _("“%(value)s” is not a known %(what)s (accepted: %(forms)s).")
            % {"value": raw, "what": what, "forms": " · ".join(accepted)}
        )
    raise BadValue(_("“%(value)s” is not a known %(what)s.") % {"value": raw, "what": what})
