"""What people type into a search box, read as property filters.

``interpret("Halle mit Gleisanschluss ab 5 ha an der A14")`` recognises attribute words and
values (German and English) and turns them into search criteria; the rest stays as text for the
full-text search. Each recognised part keeps the words it came from (``Part.span``), so a page
can say what it understood ("Verstanden: Halle · Gleisanschluss · ab 5 ha") and remove one part
by removing its words from the query.

A plain module: no database. Municipality names come in as a mapping (``places``), built by the
caller (``municipality_lookup``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from standortlotse.core.textsearch import fold

HECTARE = 10_000

# Words that carry no meaning once the attributes are taken out ("Halle mit Gleisanschluss").
STOP_WORDS = {
    "mit",
    "und",
    "oder",
    "in",
    "im",
    "bei",
    "an",
    "am",
    "der",
    "die",
    "das",
    "den",
    "dem",
    "ein",
    "eine",
    "einen",
    "fur",
    "fuer",
    "von",
    "zu",
    "nahe",
    "with",
    "and",
    "or",
    "at",
    "on",
    "the",
    "a",
    "near",
    "for",
    "of",
    "to",
    "by",
    "ab",
    "from",
}


@dataclass
class Part:
    """One understood part of a query: the words, a label for people and the filters."""

    key: str
    label: str
    span: str
    filters: dict


@dataclass
class Interpretation:
    query: str
    parts: list[Part] = field(default_factory=list)
    text: str = ""  # the words left for the full-text search

    @property
    def filters(self) -> dict:
        merged: dict = {}
        for part in self.parts:
            for name, value in part.filters.items():
                if name == "kind":
                    merged.setdefault("kind", [])
                    merged["kind"] += [v for v in value if v not in merged["kind"]]
                elif name == "zoning":
                    merged.setdefault("zoning", [])
                    merged["zoning"] += [v for v in value if v not in merged["zoning"]]
                else:
                    merged[name] = value
        return merged

    def without(self, part: Part) -> str:
        """The query without the words of ``part`` (the link that removes it)."""
        return remove_span(self.query, part.span)


def remove_span(query: str, span: str) -> str:
    index = query.find(span)
    if index < 0:
        return query
    return " ".join((query[:index] + " " + query[index + len(span) :]).split())


# --- numbers and areas ----------------------------------------------------------------------

_NUMBER = r"\d+(?:[.,\u202f' ]\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_AREA_UNITS = {
    "ha": HECTARE,
    "hektar": HECTARE,
    "hectare": HECTARE,
    "hectares": HECTARE,
    "m²": 1,
    "m2": 1,
    "qm": 1,
    "sqm": 1,
    "quadratmeter": 1,
    "square metres": 1,
    "square meters": 1,
}
_UNIT = r"ha|hektar|hectares?|m²|m2|qm|sqm|quadratmeter|square met(?:re|er)s"


def parse_number(text: str) -> Decimal:
    """ "50.000" / "50,000" / "50 000" → 50000, "2,5" / "2.5" → 2.5 (three digits after the
    last separator are thousands, anything else a decimal part)."""
    text = text.strip().replace("\u202f", " ").replace("'", " ")
    groups = re.split(r"[.,\s]", text)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        text = "".join(groups)
    else:
        text = text.replace(" ", "").replace(",", ".")
        if text.count(".") > 1:
            raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error


def parse_area(text: str) -> int | None:
    """An area typed by a person in m²: "5 ha", "5ha", "2,5 ha", "50.000 m²", "50000" → m².
    Empty → None; anything else raises ValueError."""
    text = (text or "").strip().lower()
    if not text:
        return None
    match = re.fullmatch(rf"({_NUMBER})\s*({_UNIT})?\.?", text)
    if not match:
        raise ValueError(text)
    factor = _AREA_UNITS.get(match.group(2) or "m²", 1)
    value = parse_number(match.group(1)) * factor
    if value < 0:
        raise ValueError(text)
    return int(value.to_integral_value())


def area_label(m2: int) -> str:
    """2 ha, 4,4 ha, 800 m² (hectares from one hectare, rounded to one decimal)."""
    from django.utils.formats import number_format

    from standortlotse.core.units import hectares_value

    if m2 >= HECTARE:
        hectares = hectares_value(m2, 1)  # rounded half up, as everywhere (core.units)
        if hectares == hectares.to_integral_value():
            hectares = hectares.quantize(Decimal("1"))
        return f"{number_format(hectares, use_l10n=True)} ha"
    return f"{number_format(m2, use_l10n=True, force_grouping=True)} m²"


# --- the vocabulary -------------------------------------------------------------------------

# (key, pattern, filters, label). Patterns are matched case-insensitively against the query with
# umlauts spelt out as typed or not ("Büro", "Buero", "Buro").
_U = {"ü": "(?:ü|ue|u)", "ä": "(?:ä|ae|a)", "ö": "(?:ö|oe|o)", "ß": "(?:ß|ss)"}


def _p(pattern: str) -> str:
    for letter, alternatives in _U.items():
        pattern = pattern.replace(letter, alternatives)
    return pattern


VOCABULARY = [
    (
        "rail_siding",
        _p(
            r"gleisanschluß(?:es)?|anschlußgleis(?:e)?|bahnanschluß|gleis(?:e)?|"
            r"rail(?:way)?[ -]sidings?|rail(?:way)?[ -]connection|railway|rail"
        ),
        {"rail_siding": "yes"},
        _("rail siding"),
    ),
    (
        "kind:hall",
        _p(r"(?:lager|produktions|gewerbe|industrie)?hallen?|halls?|warehouses?"),
        {"kind": ["hall"]},
        pgettext_lazy("search chip", "hall"),
    ),
    (
        "kind:office",
        _p(r"büro(?:s|räume|raum|fläche|flächen|etage)?|offices?|office space"),
        {"kind": ["office"]},
        pgettext_lazy("search chip", "office"),
    ),
    (
        "kind:retail",
        _p(r"ladenlokal(?:e)?|laden|läden|verkaufsfläche(?:n)?|retail|shops?"),
        {"kind": ["retail"]},
        pgettext_lazy("search chip", "retail"),
    ),
    (
        "kind:brownfield",
        _p(r"brach(?:e|en|fläche|flächen)|konversionsfläche(?:n)?|brownfields?"),
        {"kind": ["brownfield"]},
        pgettext_lazy("search chip", "brownfield"),
    ),
    (
        "kind:vacant_building",
        _p(r"leerstand|leerstehend(?:e|es)?|vacant(?: buildings?)?"),
        {"kind": ["vacant_building"]},
        pgettext_lazy("search chip", "vacant building"),
    ),
    (
        "kind:business_park",
        r"business parks?",
        {"kind": ["business_park"]},
        pgettext_lazy("search chip", "business park"),
    ),
    (
        "kind:plot",
        _p(r"(?:bau)?grundstück(?:e)?|baufeld(?:er)?|plots?|building land"),
        {"kind": ["plot"]},
        pgettext_lazy("search chip", "plot"),
    ),
    (
        "zoning:GI",
        _p(r"industriegebiet(?:e)?|industrial (?:zone|area|estate)|gi"),
        {"zoning": ["GI"]},
        _("GI – industrial zone"),
    ),
    (
        "zoning:GE",
        _p(r"gewerbegebiet(?:e)?|commercial zone|ge"),
        {"zoning": ["GE"]},
        _("GE – commercial zone"),
    ),
    ("zoning:MI", r"(?-i:MI)|mischgebiet|mixed zone", {"zoning": ["MI"]}, _("MI – mixed zone")),
    (
        "zoning:SO",
        r"(?-i:SO)|sondergebiet|special zone",
        {"zoning": ["SO"]},
        _("SO – special zone"),
    ),
    (
        "operation_24_7",
        r"24/7(?:-betrieb)?|24 ?h(?:-betrieb)?|rund um die uhr|around the clock|24/7 operation",
        {"operation_24_7": True},
        _("24/7 operation"),
    ),
    (
        "hydrogen",
        r"wasserstoff|hydrogen|h2",
        {"hydrogen": True},
        _("hydrogen"),
    ),
    (
        "funding_area",
        _p(r"grw(?:-fördergebiet)?|fördergebiet|förderung|funding area|funding"),
        {"funding_area": True},
        _("GRW funding area"),
    ),
    (
        "motorway_near",
        _p(r"autobahnnähe|autobahnnah|nahe (?:der )?autobahn|near (?:the )?motorway|motorway"),
        {"motorway_km_max": Decimal("10")},
        _("up to 10 km to the motorway"),
    ),
]

_MOTORWAY = re.compile(
    r"(?:\b(?:an der|an|nahe der|nahe|bei der|near the|near|on the|at the|along the)\s+)?"
    r"\bA\s?(\d{1,3})\b",
    re.IGNORECASE,
)
_AREA = re.compile(
    r"(?:\b(ab|mindestens|mind\.|min\.|at least|from|over|über|more than|mehr als|>=?)\s*)?"
    r"(?:\b(bis|höchstens|max\.|up to|under|unter|less than|weniger als|<=?)\s*)?"
    rf"(?<![\w.,])({_NUMBER})\s*({_UNIT})(?![\w²])",
    re.IGNORECASE,
)


def municipality_key(name: str) -> str:
    return fold(name)


def interpret(query: str, places: dict[str, tuple[int, str]] | None = None) -> Interpretation:
    """The parts of ``query`` that are filters, and the words left over.

    ``places`` maps folded municipality names (and their distinctive parts) to (id, name).
    """
    query = " ".join((query or "").split())[:200]
    result = Interpretation(query)
    rest = query

    def take(match: re.Match, part: Part) -> None:
        nonlocal rest
        result.parts.append(part)
        rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]

    for match in list(_AREA.finditer(rest)):
        low, high, number, unit = match.groups()
        try:
            m2 = parse_area(f"{number} {unit}")
        except ValueError:
            continue
        if m2 is None:
            continue
        if high:
            take(
                match,
                Part(
                    "area_max",
                    _("up to %(area)s") % {"area": area_label(m2)},
                    match.group(0).strip(),
                    {"area_max": m2},
                ),
            )
        else:
            take(
                match,
                Part(
                    "area_min",
                    _("from %(area)s") % {"area": area_label(m2)},
                    match.group(0).strip(),
                    {"area_min": m2},
                ),
            )
    for match in list(_MOTORWAY.finditer(rest)):
        road = f"A{int(match.group(1))}"
        take(
            match,
            Part(
                "motorway",
                _("on the %(road)s") % {"road": road},
                match.group(0).strip(),
                {"motorway": road},
            ),
        )
    for key, pattern, filters, label in VOCABULARY:
        regex = re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)
        for match in list(regex.finditer(rest)):
            if any(p.key == key for p in result.parts):
                continue  # a repeat stays in the text
            take(match, Part(key, str(label), match.group(0), dict(filters)))
    if places:
        for match in list(re.finditer(r"[\w()-]+", rest)):
            word = match.group(0).strip("()")
            found = places.get(municipality_key(word)) if len(word) >= 4 else None
            if found and not any(p.key == "municipality" for p in result.parts):
                take(
                    match,
                    Part("municipality", found[1], match.group(0), {"municipality": found[0]}),
                )
    words = [w for w in rest.split() if fold(w) not in STOP_WORDS and fold(w)]
    result.text = " ".join(words)
    result.parts.sort(key=lambda p: query.find(p.span))
    return result


def municipality_lookup(rows) -> dict[str, tuple[int, str]]:
    """Folded name (and each distinctive part of it) → (id, name), from (id, name) rows.
    Parts shared by several municipalities ("Altmark", "Elbe") are left out."""
    lookup: dict[str, tuple[int, str]] = {}
    shared: set[str] = set()
    for pk, name in rows:
        lookup[fold(name)] = (pk, name)
        for part in re.split(r"[\s()/-]+", name):
            key = fold(part)
            if len(key) < 4:
                continue
            if key in lookup and lookup[key][0] != pk:
                shared.add(key)
            lookup.setdefault(key, (pk, name))
    for key in shared:
        lookup.pop(key, None)
    return lookup
