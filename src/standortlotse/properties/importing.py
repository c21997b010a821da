"""Bulk import of properties: what each template column means and how a row becomes a record.

The steps (upload, mapping, preview, background run, report) are ``exchange/services.py``,
which registers this module in ``TARGETS`` and calls its ``KEY``, ``REQUIRED``,
``column_label``, ``known_headers``, ``suggest``, ``Context``, ``convert``, ``plan``,
``duplicate_check``, ``decide`` and ``write``. The generic parts are in ``core/tabular``:
reading the file (``readers``), matching headers and choices (``columns``) and the German
number, area, date, yes/no and choice forms (``values``). What is property-specific is here:

* the columns: ``COLUMNS`` of ``properties.exports`` (one list for export and import), their
  labels (``column_label``), the header names seen in municipal lists (``HEADER_ALIASES``)
  and the choice synonyms (``CHOICE_SYNONYMS``, ``PLANNING_FORMS``) and units
  (``UNIT_WORDS``) of their values; ``accepted_forms`` lists, from the same tables, what each
  column reads (for error messages and the column documentation).
* ``convert``: one file row plus the column mapping → field values, errors and warnings.
* ``plan`` / ``write``: match rows to existing records by external ID (or the
  ``standortlotse-<id>`` IDs our exports carry, see ``find_existing``), decide new / update /
  unchanged, and write; ``decide`` carries out the editor's choice for possible duplicates
  (found by ``properties.duplicates``): update the chosen record, create anyway or skip.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models.base import ModelState
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.core import bulk, geocoding
from standortlotse.core.fields import ChoiceListField, concrete_field
from standortlotse.core.tabular import columns as tabular
from standortlotse.core.tabular import coordinates
from standortlotse.core.tabular import values as v
from standortlotse.core.textsearch import fold
from standortlotse.core.validators import validate_geojson_polygon
from standortlotse.geo import infrastructure
from standortlotse.geo.models import Municipality
from standortlotse.properties import duplicates, facts, publication, readiness, statistics
from standortlotse.properties.exports import COLUMNS
from standortlotse.properties.models import (
    Availability,
    Kind,
    MarketingType,
    OwnerConsent,
    OwnerType,
    PlanningStatus,
    Property,
    RailSiding,
    Status,
    Zoning,
)
from standortlotse.properties.readiness import ItemStatus

KEY = "properties"

# Header names seen in municipal lists, folded (see textsearch.fold), besides the column name and
# the German and English field labels.
HEADER_ALIASES = {
    "external_id": [
        "id",
        "objektid",
        "objektnummer",
        "objektnr",
        "nr",
        "nummer",
        "externeid",
        "kennung",
        "flaechenid",
    ],
    "title": [
        "bezeichnung",
        "name",
        "titel",
        "objekt",
        "objektbezeichnung",
        "standort",
        "flaechenbezeichnung",
        "gebietsbezeichnung",
        "standortname",
    ],
    "kind": ["art", "typ", "objektart", "flaechenart", "nutzungsart", "kategorie"],
    "municipality_ags": [
        "ags",
        "gemeindeschluessel",
        "gemeinde",
        "kommune",
        "gemeindename",
        "stadt",
        "stadtgemeinde",
        "municipality",
        "ort",
    ],
    "street": ["strasse", "adresse", "anschrift", "strassehausnummer", "lage"],
    "postcode": ["plz", "postleitzahl", "zip"],
    "locality": ["ortsteil", "ortschaft", "gemarkung", "locality"],
    "lat": [
        "breite",
        "breitengrad",
        "latitude",
        "lat",
        "nord",
        "y",
        "hochwert",
        "nordwert",
        "north",
        "northing",
        "ykoordinate",
        "utmnord",
        "utmhochwert",
        "utmnordwert",
        "utmy",
        "gkhochwert",
        "gky",
    ],
    "lon": [
        "laenge",
        "laengengrad",
        "longitude",
        "lon",
        "lng",
        "ost",
        "x",
        "rechtswert",
        "ostwert",
        "east",
        "easting",
        "xkoordinate",
        "utmost",
        "utmrechtswert",
        "utmostwert",
        "utmx",
        "gkrechtswert",
        "gkx",
    ],
    "area_total_m2": [
        "gesamtflaeche",
        "gesamtgroesse",
        "flaechegesamt",
        "grundstuecksgroesse",
        "groesse",
        "groessegesamt",
        "bruttoflaeche",
        "grundstuecksflaeche",
        "flaechebrutto",
    ],
    "area_available_m2": [
        "verfuegbareflaeche",
        "freieflaeche",
        "davonfrei",
        "davonverfuegbar",
        "frei",
        "flaechefrei",
        "nochfrei",
        "restflaeche",
        "flaeche",
        "flaechengroesse",
        "freiflaeche",
        "nettoflaeche",
    ],
    "location_approximate": ["lageungefaehr", "ungefaehrelage", "positionungefaehr"],
    "divisible": ["teilbar"],
    "smallest_plot_m2": ["kleinsteparzelle", "mindestgroesse", "kleinstegroesse"],
    "living_area_m2": ["wohnflaeche", "wohnflaechem2", "wohnflaecheqm"],
    "zonings": [
        "zoning",  # the column of our exports until one record could hold several zonings
        "gebietsart",
        "baugebiet",
        "gebietstyp",
        "nutzung",
        "baugebietsart",
        "gebietskategorie",
        "artderbaulichennutzung",
    ],
    "planning_status": ["planungsrecht", "planungsstand", "bplan", "bebauungsplan", "planrecht"],
    "marketing_type": ["vermarktung", "vermarktungsart", "angebotsart"],
    "price_per_m2": [
        "preis",
        "kaufpreis",
        "preisproqm",
        "preisprom2",
        "preiseurm2",
        "bodenpreis",
        "preism2",
        "preisqm",
        "preiseurqm",
        "preisjem2",
    ],
    "price_on_request": ["preisaufanfrage"],
    # Housing lists give the whole price ("Kaufpreis" alone stays the price per m² of the
    # commercial lists) or the rent.
    "purchase_price": [
        "gesamtpreis",
        "kaufpreisgesamt",
        "preisgesamt",
        "kaufpreiseur",
        "hauspreis",
    ],
    "monthly_rent": ["miete", "kaltmiete", "monatsmiete", "nettokaltmiete", "mietepromonat"],
    "availability": ["verfuegbarkeit", "status", "verfuegbar"],
    "available_from": ["verfuegbarab", "abdatum", "bezugsfertigab"],
    "owner_type": ["eigentuemer", "eigentum", "eigentuemerart"],
    "motorway_junction": ["anschlussstelle", "autobahnanschluss", "autobahn"],
    "motorway_km": [
        "entfernungautobahn",
        "autobahnkm",
        "kmautobahn",
        "abstandautobahn",
        "entfernungbab",
        "abstandbab",
        "babkm",
        "entfernungzurautobahn",
        "entfernungautobahnanschluss",
        "entfernungzuranschlussstelle",
    ],
    "federal_road_km": ["entfernungbundesstrasse", "bundesstrassekm", "bundesstrasse"],
    "rail_siding": ["gleisanschluss", "bahnanschluss", "gleis"],
    "inland_port_km": ["binnenhafen", "hafen", "entfernunghafen"],
    "airport_km": ["flughafen", "entfernungflughafen"],
    "kita_km": ["kita", "entfernungkita", "kitakm", "kindergarten", "kindertagesstaette"],
    "school_km": ["schule", "grundschule", "entfernungschule", "entfernunggrundschule", "schulekm"],
    "electricity_kv": ["spannung", "strom", "stromkv"],
    "electricity_mw": ["leistung", "stromleistung", "anschlussleistung"],
    "broadband_mbits": ["breitband", "glasfaser", "internet", "bandbreite"],
    "mobile_coverage": ["mobilfunk"],
    "operation_24_7": ["24h", "247", "24stundenbetrieb", "schichtbetrieb"],
    "noise_limits": ["laerm", "laermkontingent", "immissionsrichtwerte"],
    "max_building_height_m": ["bauhoehe", "maxbauhoehe", "gebaeudehoehe"],
    "funding_area": ["foerdergebiet", "grw", "grwfoerdergebiet"],
    "funding_rate": ["foerdersatz", "foerderquote"],
    "description_de": ["beschreibung", "text", "bemerkung", "bemerkungen", "hinweise"],
    "description_en": ["beschreibungenglisch", "description"],
    "contact_name": ["ansprechpartner", "kontakt", "ansprechperson"],
    "contact_organisation": ["organisation", "dienststelle", "institution"],
    "contact_email": ["email", "emailadresse", "mail"],
    "contact_phone": ["telefon", "tel", "telefonnummer"],
    "data_source": ["quelle", "datenquelle"],
    "verified_on": ["stand", "geprueftam", "aktualisiert", "datenstand"],
    "outline": ["umriss", "geometrie", "polygon"],
}

# Choice synonyms as people write them (the column documentation lists them); the parser
# compares folded forms, ``CHOICE_SYNONYMS`` below.
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "kind": {
        "Gewerbegrundstück": Kind.PLOT,
        "Gewerbefläche": Kind.PLOT,
        "Industriefläche": Kind.PLOT,
        "Grundstück": Kind.PLOT,
        "Baugrundstück": Kind.PLOT,
        "Gewerbegebiet": Kind.BUSINESS_PARK,
        "Gewerbepark": Kind.BUSINESS_PARK,
        "Industriegebiet": Kind.BUSINESS_PARK,
        "Industriepark": Kind.BUSINESS_PARK,
        "Halle": Kind.HALL,
        "Lagerhalle": Kind.HALL,
        "Produktionshalle": Kind.HALL,
        "Lager": Kind.HALL,
        "Büro": Kind.OFFICE,
        "Büros": Kind.OFFICE,
        "Bürofläche": Kind.OFFICE,
        "Laden": Kind.RETAIL,
        "Einzelhandel": Kind.RETAIL,
        "Ladenfläche": Kind.RETAIL,
        "Leerstand": Kind.VACANT_BUILDING,
        "leerstehendes Gebäude": Kind.VACANT_BUILDING,
        "Gebäude": Kind.VACANT_BUILDING,
        "Brache": Kind.BROWNFIELD,
        "Industriebrache": Kind.BROWNFIELD,
        "Brachfläche": Kind.BROWNFIELD,
        "Konversionsfläche": Kind.BROWNFIELD,
        # Housing (kept out of the commercial search): building plots and houses.
        "Bauplatz": Kind.BUILDING_PLOT,
        "Wohnbaugrundstück": Kind.BUILDING_PLOT,
        "Wohnbaufläche": Kind.BUILDING_PLOT,
        "Baugrundstück Wohnen": Kind.BUILDING_PLOT,
        "Haus": Kind.HOUSE,
        "Wohnhaus": Kind.HOUSE,
        "Einfamilienhaus": Kind.HOUSE,
        "Zweifamilienhaus": Kind.HOUSE,
        "Bauernhaus": Kind.HOUSE,
        "leerstehendes Haus": Kind.HOUSE,
        "Leerstand Wohnen": Kind.HOUSE,
    },
    "zonings": {
        "Industriegebiet": Zoning.GI,
        "Gewerbegebiet": Zoning.GE,
        "Mischgebiet": Zoning.MI,
        "MU": Zoning.MI,
        "urbanes Gebiet": Zoning.MI,
        "Sondergebiet": Zoning.SO,
        "allgemeines Wohngebiet": Zoning.WA,
        "Wohngebiet": Zoning.WA,
        "keine": Zoning.NONE,
        "ohne": Zoning.NONE,
    },
    "marketing_type": {
        "Kauf": MarketingType.SALE,
        "Verkauf": MarketingType.SALE,
        "Miete": MarketingType.LEASE,
        "Pacht": MarketingType.LEASE,
        "Vermietung": MarketingType.LEASE,
        "Miete oder Pacht": MarketingType.LEASE,
        "Erbpacht": MarketingType.HEREDITARY_LEASE,
        "Erbbaurecht": MarketingType.HEREDITARY_LEASE,
    },
    "availability": {
        "sofort": Availability.IMMEDIATELY,
        "ab sofort": Availability.IMMEDIATELY,
        "per sofort": Availability.IMMEDIATELY,
        "verfügbar": Availability.IMMEDIATELY,
        "frei": Availability.IMMEDIATELY,
        "reserviert": Availability.RESERVED,
        "optioniert": Availability.RESERVED,
        # The register keeps sold records with that state (not published as available).
        "verkauft": Availability.SOLD,
        "vergeben": Availability.SOLD,
        "vermietet": Availability.SOLD,
    },
    "owner_type": {
        "Kommune": OwnerType.MUNICIPAL,
        "kommunal": OwnerType.MUNICIPAL,
        "Gemeinde": OwnerType.MUNICIPAL,
        "Stadt": OwnerType.MUNICIPAL,
        "öffentlich": OwnerType.MUNICIPAL,
        "privat": OwnerType.PRIVATE,
        "sonstige": OwnerType.OTHER,
        "andere": OwnerType.OTHER,
    },
    "rail_siding": {
        "ja": RailSiding.YES,
        "x": RailSiding.YES,
        "yes": RailSiding.YES,
        "vorhanden": RailSiding.YES,
        "möglich": RailSiding.POSSIBLE,
        "planbar": RailSiding.POSSIBLE,
        "nein": RailSiding.NO,
        "no": RailSiding.NO,
        "keiner": RailSiding.NO,
        "nicht vorhanden": RailSiding.NO,
    },
}

# Planning status as people write it: (choice, pattern searched in the folded text
# (``fold(…, letters_only=False)``: "außenbereich" → "aussenbereich"), forms for the
# documentation). The first match wins, so "B-Plan in Aufstellung" is "in preparation".
# "Außenbereich" (§ 35 BauGB) is none of the choices: read as no planning status, noted.
PLANNING_FORMS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        PlanningStatus.IN_PREPARATION,
        r"aufstellung|im verfahren|entwurf|in planung",
        ("B-Plan in Aufstellung", "Aufstellungsbeschluss", "B-Plan im Verfahren"),
    ),
    (
        PlanningStatus.SECTION_34,
        r"§\s*34\b|\b34\s*baugb|^34$|innenbereich",
        ("§ 34 BauGB", "§34", "Innenbereich"),
    ),
    ("", r"§\s*35\b|\b35\s*baugb|^35$|aussenbereich", ("Außenbereich § 35", "§ 35 BauGB")),
    (
        PlanningStatus.FNP_ONLY,
        r"\bfnp\b|flaechennutzungsplan",
        ("nur FNP", "FNP", "Flächennutzungsplan"),
    ),
    (
        PlanningStatus.BPLAN,
        r"\bb\s*-?\s*plan|bebauungsplan|rechtskraeftig|vorhabenbezogen|\bvep\b",
        ("B-Plan", "rechtskräftiger B-Plan Nr. 12", "Bebauungsplan", "vorhabenbezogener B-Plan"),
    ),
]
_PLANNING_NEGATED = re.compile(r"\b(?:kein|keine|keinen|ohne|nicht)\b")
_PLAN_NUMBER = re.compile(r"\bnr\.?\s*([\w./-]*\d[\w./-]*)", re.IGNORECASE)

# The readiness statuses as lists write them (German first; the codes and the labels of both
# languages are read as well, tabular.choice_synonyms).
READINESS_STATUS_WORDS: dict[str, str] = {
    "geklärt": ItemStatus.CLEAR,
    "erledigt": ItemStatus.CLEAR,
    "ok": ItemStatus.CLEAR,
    "clear": ItemStatus.CLEAR,
    "offen": ItemStatus.OPEN,
    "in Prüfung": ItemStatus.OPEN,
    "open": ItemStatus.OPEN,
    "Hindernis": ItemStatus.ISSUE,
    "Problem": ItemStatus.ISSUE,
    "issue": ItemStatus.ISSUE,
    "obstacle": ItemStatus.ISSUE,
    "unbekannt": ItemStatus.UNKNOWN,
    "unknown": ItemStatus.UNKNOWN,
}
CHOICE_WORDS.update(dict.fromkeys(readiness.STATUS_FIELDS, READINESS_STATUS_WORDS))

CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    name: {fold(word): choice for word, choice in words.items()}
    for name, words in CHOICE_WORDS.items()
}

UNIT_WORDS = {
    "price_per_m2": (
        "€",
        "eur",
        "euro",
        "€/m²",
        "€/m2",
        "€/qm",
        "eur/m²",
        "eur/m2",
        "eur/qm",
        "euro/m²",
        "euro/qm",
    ),
    "motorway_km": ("km",),
    "federal_road_km": ("km",),
    "inland_port_km": ("km",),
    "airport_km": ("km",),
    "kita_km": ("km",),
    "school_km": ("km",),
    "purchase_price": ("€", "eur", "euro"),
    "monthly_rent": ("€", "eur", "euro", "€/monat", "eur/monat", "€/mon."),
    "electricity_kv": ("kv",),
    "electricity_mw": ("mw",),
    "broadband_mbits": ("mbit/s", "mbit", "mbits", "mb/s", "mbps"),
    "max_building_height_m": ("m",),
    "funding_rate": ("%", "prozent"),
    "readiness_grid_kva": ("kva",),
    "readiness_grid_upgrade_kva": ("kva",),
    "readiness_water_m3_day": ("m³/tag", "m3/tag", "m³/d", "m3/d", "m³/day"),
    "readiness_waste_water_m3_day": ("m³/tag", "m3/tag", "m³/d", "m3/d", "m³/day"),
}

REQUIRED = ("title", "municipality_ags")

# A point farther than this from the centre of the municipality named in its row is an error.
# We know the municipalities' centres, not their outlines, and the Altmark's unified
# municipalities are among the largest in Germany (Gardelegen 632 km², with villages about 20 km
# from the town): 25 km lets every real point of such a municipality through, yet catches what
# goes wrong in lists: the wrong municipality in the row, a mistyped digit of ten kilometres or
# more, a wrong UTM zone (hundreds of km).
PLAUSIBLE_KM = 25

# The columns whose loss an editor would miss: a file column that looks like one of them and
# stays unmapped is a warning in the mapping step. ``LOOKS_LIKE``: header word parts (folded)
# that make a column look like one of them even when nothing else does.
IMPORTANT = (
    "title",
    "municipality_ags",
    "area_total_m2",
    "area_available_m2",
    "price_per_m2",
    "lat",
    "lon",
)
LOOKS_LIKE = {
    "flaeche": "area_available_m2",
    "groesse": "area_total_m2",
    "preis": "price_per_m2",
    "gemeinde": "municipality_ags",
    "kommune": "municipality_ags",
    "koordinate": "lat",
    "hochwert": "lat",
    "rechtswert": "lon",
    "bezeichnung": "title",
}

# --- value tests for suggesting the mapping: does one sample value fit the column? ---------

AREA_UNITS = ("ha", "hektar", "m²", "m2", "qm")
# Header names a column shares with another one; the values decide ("Autobahn (km)": numbers).
SHARED_WORDS = {
    "motorway_km": ["autobahn", "autobahnanschluss", "anschlussstelle", "entfernung", "bab"],
    "area_available_m2": ["verfuegbar"],
}


def _is_number(value, units=()) -> bool:
    v.decimal(value, units)
    return True


def _is_name(value) -> bool:
    """Text with letters: a name, never a bare number ("A 14 Stendal", not "4,5")."""
    return not isinstance(value, (int, float)) and bool(re.search(r"[^\W\d_]", v.text(value)))


def _is_choice(synonyms, value) -> bool:
    v.choice(value, synonyms, "")
    return True


# Several zonings in one cell: "GE/GI", "GE, GI", "GE; GI", "GE + GI", "GE & GI", "GE und GI",
# "GE oder GI" (read as both, noted). The forms are listed in the column documentation.
ZONING_SEPARATOR = re.compile(r"\s*[/,;+&]\s*|\s+(?:und|oder|and|or)\s+", re.IGNORECASE)
ZONING_FORMS = ("GE/GI", "GE, GI", "GE und GI", "GE/GI/MI")
_ZONING_EITHER = re.compile(r"\s(?:oder|or)\s", re.IGNORECASE)


def _zoning_parts(value) -> list[str]:
    return [p for p in ZONING_SEPARATOR.split(v.text(value)) if p and p.strip()]


def _is_zoning(synonyms, value) -> bool:
    """GE, GI, MI, SO and their names, also several in one cell ("GE/GI", "GE, GI")."""
    parts = _zoning_parts(value)
    return bool(parts) and all(fold(p) in synonyms and fold(p) != "none" for p in parts)


def _zonings(raw, ctx: Context, notes: list[str]) -> list[str]:
    """One or more zonings from a cell: a code, a label or a synonym each ("GE/GI" and "GI/GE"
    → ["GE", "GI"], in the order of the choices); a part that is none of them is an error
    naming it."""
    synonyms = ctx.synonyms["zonings"]
    written = v.text(raw)
    whole = synonyms.get(fold(written))
    if whole:
        return [whole]
    parts = _zoning_parts(written)
    unknown = [p for p in parts if fold(p) not in synonyms]
    if unknown or not parts:
        raise v.BadValue(
            _("“%(value)s”: “%(part)s” is not a known zoning (accepted: %(forms)s).")
            % {
                "value": written,
                "part": "”, “".join(unknown or [written]),
                "forms": " · ".join(accepted_forms("zonings")),
            }
        )
    model_field = ctx.fields["zonings"]
    assert isinstance(model_field, ChoiceListField)
    found = model_field.normalised([synonyms[fold(p)] for p in parts])
    if len(found) > 1 and _ZONING_EITHER.search(written):
        notes.append(
            _("“%(value)s” read as all of %(zonings)s.")
            % {"value": written, "zonings": ", ".join(found)}
        )
    return found


def _choice_source(name: str):
    """What a choice column's synonyms come from: the model field, or for a list of choices
    (the zonings) its items' choices."""
    model_field = _model_field(name)
    if isinstance(model_field, ChoiceListField):
        return SimpleNamespace(choices=model_field.item_choices)
    return model_field


def _is_date(value) -> bool:
    v.parse_date(value)
    return True


def _is_boolean(value) -> bool:
    v.boolean(value)
    return True


def _value_spec(name: str) -> dict:
    """How the values of a column show that they belong to ``name`` (``tabular.ColumnSpec``)."""
    partial = functools.partial
    spec: dict = {"also": frozenset(SHARED_WORDS.get(name, ()))}
    if name == "municipality_ags":
        return spec
    model_field = _model_field(name)
    internal = model_field.get_internal_type()
    if name in CHOICE_SYNONYMS or model_field.choices:
        synonyms = tabular.choice_synonyms(_choice_source(name), CHOICE_SYNONYMS.get(name))
        test = _is_zoning if name == "zonings" else _is_choice
        spec["test"] = partial(test, synonyms)
        spec["from_values"] = name == "zonings"
        spec["strict"] = name == "kind"  # GE/GI/MI under "Art" are zonings, never kinds
        if name == "availability":  # "ab 01.03.2025" or a date are availabilities too
            spec["test"] = lambda value: _is_choice(synonyms, value) or _is_date(value)
    elif name.endswith("_m2") and internal == "PositiveIntegerField":
        spec["units"] = AREA_UNITS
        spec["test"] = lambda value: bool(v.area_m2(value) >= 0)
    elif internal in ("PositiveIntegerField", "IntegerField", "DecimalField", "FloatField"):
        spec["units"] = UNIT_WORDS.get(name, ())
        spec["test"] = partial(_is_number, units=spec["units"])
        spec["strict"] = name.endswith("_km")
    elif internal == "BooleanField":
        spec["test"] = _is_boolean
    elif internal == "DateField":
        spec["test"] = _is_date
        if name == "available_from":  # "sofort" is read there as well
            spec["test"] = lambda value: (
                fold(v.text(value)) in ("sofort", "absofort") or _is_date(value)
            )
    elif name in ("title", "motorway_junction", "contact_name", "locality"):
        spec["test"], spec["strict"] = _is_name, True
    elif name == "contact_email":
        spec["test"], spec["from_values"] = (lambda value: "@" in v.text(value)), True
    return spec


@functools.cache
def column_specs() -> list[tabular.ColumnSpec]:
    """Header words and value tests of every column, for ``suggest``."""
    index = header_index()
    extra = {name: _value_spec(name) for name in COLUMNS}
    # "Autobahnanschlussstelle (km)": the junction's header words with numbers are its distance.
    junction = {word for word, name in index.items() if name == "motorway_junction"}
    extra["motorway_km"]["also"] |= junction
    return tabular.specs_from_index(COLUMNS, index, **extra)


@dataclass
class Converted:
    number: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    warnings: list[str] = field(default_factory=list)
    external_id: str = ""
    centre_fallback: bool = False  # no coordinates: the municipality centre was taken
    geocoded: bool = False  # no coordinates: the point was looked up by the row's address
    point_rejected: bool = False  # coordinates given but not usable (an error names them)
    # A new row: what publishing the record would still need (publication.py); such a row is
    # created as a draft, also when the import publishes.
    gaps: list[str] = field(default_factory=list)
    # A new row at the preview: the record as the record rules checked it (``plan``), completed
    # by ``stage``, and the publication requirements its fields do not meet.
    record: Property | None = None
    unmet: list[str] = field(default_factory=list)


def _model_field(name: str) -> models.Field:
    return concrete_field(Property, name)


def column_label(name: str) -> str:
    if name == "municipality_ags":
        return _("municipality (AGS or name)")
    return str(_model_field(name).verbose_name)


def _labels(name: str) -> list[str]:
    if name == "municipality_ags":
        return ["Gemeinde", "municipality"]
    return tabular.field_labels(_model_field(name))


def header_index() -> dict[str, str]:
    """Folded header name → column, for suggesting the mapping."""
    return tabular.header_index(COLUMNS, HEADER_ALIASES, _labels)


def known_headers() -> set[str]:
    return set(header_index())


def suggest(headers: list[str], samples: dict[str, list] | None = None) -> dict[str, str]:
    """Header → column from the header words and the sample values of each column (each header
    fills one column, each column takes one header: the best fit)."""
    return tabular.suggest_columns(headers, column_specs(), samples)


def looks_like(header: str, samples: list) -> str:
    """The important column a file column looks like ("" if none), for the unmapped warning."""
    for name in tabular.candidates(header, samples, column_specs(), minimum=1.0):
        if name in IMPORTANT:
            return name
    folded = fold(header)
    return next((name for part, name in LOOKS_LIKE.items() if part in folded), "")


class Context:
    """What converting rows needs once per import: municipalities, choice synonyms, permissions."""

    def __init__(self, user, mapping: dict[str, str], headers: list[str], crs: str = ""):
        self.user = user
        self.crs = crs if crs in coordinates.SYSTEMS else ""
        self.mapping = {h: c for h, c in mapping.items() if c}
        self.units = {h: tabular.header_unit(h) for h in self.mapping}
        self.synonyms = {
            name: tabular.choice_synonyms(_choice_source(name), CHOICE_SYNONYMS.get(name))
            for name in [*CHOICE_SYNONYMS, "planning_status"]
        }
        self.accepted: dict[str, list[str]] = {}  # accepted_forms per choice column
        self.municipalities = {m.ags: m for m in Municipality.objects.all()}
        self._facts_index: infrastructure.Index | None = None  # facts_index(): read once
        self.by_name: dict[str, Municipality] = {}
        for m in self.municipalities.values():
            self.by_name.setdefault(fold(m.name), m)
            self.by_name.setdefault(fold(m.name.replace("Hansestadt", "").replace("Stadt", "")), m)
        scope = policy.editable_municipalities(user).values_list("pk", flat=True)
        self.editable = set(scope)
        self.fields = {name: _model_field(name) for name in COLUMNS if name != "municipality_ags"}
        # Constants of the file, worked out once instead of per cell or row (bench/duplicates.py):
        self.headers = {c: h for h, c in self.mapping.items()}  # column → the file's header
        self.labels = {name: str(f.verbose_name) for name, f in self.fields.items()}
        self.internal = {name: f.get_internal_type() for name, f in self.fields.items()}
        # A cell's parsed value per (column, written value) for the columns whose values repeat
        # (choices, areas, prices, dates …), at most MEMO_PER_COLUMN per column: the same cell
        # text gives the same value, notes and warnings, so it is parsed and cleaned once.
        self.memo: dict[tuple[str, object], tuple] = {}
        self.memo_sizes: dict[str, int] = {}
        self.memo_columns = {name for name in self.fields if _memoisable(name, self.fields[name])}
        self.found_municipality: dict[object, Municipality] = {}
        self.system_labels: dict[str, str] = {}
        # Addresses this run may still look up (cached or not, in row order: the apply step
        # places the same rows as the preview did).
        self.geocode_budget = settings.GEOCODER_REQUESTS_PER_IMPORT
        # The publication gate's requirements and office addresses, once per municipality.
        self.gate = publication.GateCache()
        self.gate_notes: dict[tuple, str] = {}  # the note per combination of gaps
        self.office_records: dict[int, Property] = {}  # write_staged's, by municipality
        # Set by the import's apply step (exchange.services.apply), per batch: row number → the
        # preview's outcome, and whether the import publishes (``plan``).
        self.previewed: dict[int, str] | None = None
        self.publish = False


MEMO_PER_COLUMN = 4096


def _memoisable(name: str, model_field: models.Field) -> bool:
    """A column whose parsed value depends on the written value alone (and the file's
    constants): not free text (every cell differs), not JSON (a mutable value), not the columns
    that set other values of the row (availability)."""
    if name in ("availability", "available_from", "lat", "lon"):
        return False
    if name == "zonings":  # a list (each row gets a copy)
        return True
    internal = model_field.get_internal_type()
    if internal == "JSONField":
        return False
    if internal in ("CharField", "TextField") and not model_field.choices:
        return name in CHOICE_SYNONYMS or name == "planning_status"
    return True


def blank_record(ctx: Context | None = None, values: dict | None = None) -> Property:
    """A new record with the model's defaults, copied from one blank record per process: the
    same attributes ``Property()`` sets (and a fresh ``_state``, as a new instance has), without
    its constructor per row (``Property(**values)`` was a tenth of writing a batch). A field with
    a callable default (a list, a dict, a time) gets its own value per record, as in the
    constructor. ``values`` are set as ``Property(**values)`` sets them (a municipality through
    its descriptor). ``ctx`` is accepted for the callers' symmetry; the defaults are the same for
    every file."""
    record = Property.__new__(Property)
    attributes = vars(record)
    attributes.update(_blank_values())
    for default in _CALLABLE_DEFAULTS:
        attributes[default.attname] = default.get_default()
    record._state = ModelState()
    for name, value in (values or {}).items():
        setattr(record, name, value)
    return record


@functools.cache
def _blank_values() -> dict:
    """The attributes of ``Property()`` but its state: constants (the model's plain defaults)."""
    return {k: v for k, v in vars(Property()).items() if k != "_state"}


_CALLABLE_DEFAULTS = [
    f for f in Property._meta.concrete_fields if f.has_default() and callable(f.default)
]


def _municipality(raw, ctx: Context) -> Municipality:
    found = ctx.found_municipality.get(raw)
    if found is None:
        found = _find_municipality(raw, ctx)
        if len(ctx.found_municipality) < MEMO_PER_COLUMN:
            ctx.found_municipality[raw] = found
    return found


def _find_municipality(raw, ctx: Context) -> Municipality:
    key = v.text(raw)
    digits = re.sub(r"\D", "", key)
    if digits and len(digits) in (7, 8) and key.replace(" ", "").isdigit():
        found = ctx.municipalities.get(digits.zfill(8))
        if found:
            return found
        raise v.BadValue(_("No municipality has the key “%(ags)s”.") % {"ags": key})
    found = ctx.by_name.get(fold(key))
    if found:
        return found
    raise v.BadValue(
        _("Unknown municipality “%(name)s” (use the name or the 8-digit AGS).") % {"name": key}
    )


def _accepted(error: v.BadValue, name: str) -> v.BadValue:
    """The parser's message with what the column accepts (for messages that do not list it)."""
    return v.BadValue(
        _("%(error)s Accepted: %(forms)s.")
        % {"error": error, "forms": " · ".join(accepted_forms(name))}
    )


def _noted(notes: list[str], header: str, result: Converted) -> None:
    if not notes:
        return
    result.warnings.extend(
        _("Column “%(column)s”: %(note)s") % {"column": header, "note": note} for note in notes
    )


def _planning_status(raw, ctx: Context, notes: list[str]) -> str:
    """A planning status from free text ("rechtskräftiger B-Plan Nr. 12", "§ 34 BauGB")."""
    written = v.text(raw)
    exact = ctx.synonyms["planning_status"].get(fold(written))
    if exact:
        return exact
    folded = fold(written, letters_only=False)
    for choice, pattern, _forms in PLANNING_FORMS:
        if not re.search(pattern, folded):
            continue
        if choice in (PlanningStatus.BPLAN, PlanningStatus.IN_PREPARATION) and (
            _PLANNING_NEGATED.search(folded)
        ):
            break  # "kein B-Plan": what there is instead is not said
        if not choice:
            notes.append(
                _(
                    "“%(value)s”: the outer area (§ 35 BauGB) is none of the planning statuses; left empty."
                )
                % {"value": written}
            )
            return ""
        notes.append(
            _("“%(value)s” read as “%(choice)s”.")
            % {"value": written, "choice": PlanningStatus(choice).label}
        )
        number = _PLAN_NUMBER.search(written)
        if number:
            notes.append(
                _("The plan number %(number)s is not stored (the record has no field for it).")
                % {"number": number.group(1)}
            )
        return choice
    raise v.BadValue(
        _("“%(value)s” is not a known planning status (accepted: %(forms)s).")
        % {"value": written, "forms": " · ".join(accepted_forms("planning_status"))}
    )


def _availability(name: str, raw, ctx: Context, notes: list[str], result: Converted) -> None:
    """The availability and available_from columns: a state ("sofort", "reserviert",
    "verkauft") or a date, quarter or year from which the property is available."""
    if isinstance(raw, str):
        state = ctx.synonyms["availability"].get(fold(raw))
        if state == Availability.IMMEDIATELY or (state and name == "availability"):
            if name == "availability":
                result.values["availability"] = state
            else:
                result.values.setdefault("availability", state)
            return
    try:
        day = v.from_date(raw, notes)
    except v.BadValue:
        raise v.BadValue(
            _("“%(value)s” is not an availability (accepted: %(forms)s).")
            % {"value": v.text(raw), "forms": " · ".join(accepted_forms(name))}
        ) from None
    ctx.fields["available_from"].clean(day, None)
    result.values["available_from"] = day
    if name == "availability":
        result.values["availability"] = Availability.FROM_DATE


def _parse(name: str, raw, ctx: Context, header: str, result: Converted):
    unit = ctx.units.get(header, "")
    notes: list[str] = []
    try:
        return _parse_value(name, raw, ctx, unit, notes, result)
    finally:
        _noted(notes, header, result)


def _parse_value(name: str, raw, ctx: Context, unit: str, notes: list[str], result: Converted):
    model_field = ctx.fields[name]
    internal = ctx.internal[name]
    if name == "planning_status":
        return _planning_status(raw, ctx, notes)
    if name == "zonings":
        return _zonings(raw, ctx, notes)
    if name == "rail_siding" and v.text(raw) in v.DASHES:
        return RailSiding.NO
    if name in ctx.synonyms:
        accepted = ctx.accepted.get(name)
        if accepted is None:  # once per column and file: folding every label per cell was 30 %
            accepted = ctx.accepted[name] = accepted_forms(name)  # of the check step
        value, warning = v.choice(raw, ctx.synonyms[name], ctx.labels[name], accepted)
        if warning:
            result.warnings.append(warning)
        return value
    if name == "price_per_m2":
        price, on_request = v.price(raw, UNIT_WORDS[name], notes)
        if on_request or price is None:
            result.values.setdefault("price_on_request", True)  # a price_on_request column wins
            return None
        assert isinstance(model_field, models.DecimalField)
        return price.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    try:
        if name.endswith("_m2") and internal == "PositiveIntegerField":
            if unit in ("ha", "hektar"):  # "Fläche (ha)": plain numbers are hectares
                amount, written_unit = v.number(raw)
                if written_unit == "":
                    return int((amount * 10_000).to_integral_value())
            return v.area_m2(raw, notes)
        if internal in ("PositiveIntegerField", "IntegerField"):
            return v.integer(raw, UNIT_WORDS.get(name, ()))
        if isinstance(model_field, models.DecimalField):
            amount = v.decimal(raw, UNIT_WORDS.get(name, ()))
            return amount.quantize(Decimal(1).scaleb(-model_field.decimal_places))
        if internal == "FloatField":
            return float(v.number(raw, dot_is_decimal=True)[0])
        if internal == "DateField":
            return v.parse_date(raw)
    except v.BadValue as error:
        raise _accepted(error, name) from None
    if internal == "BooleanField":
        return v.boolean(raw, notes)
    if internal == "JSONField":
        data = json.loads(raw) if isinstance(raw, str) else raw
        validate_geojson_polygon(data)
        return data
    return v.text(raw)


def _choice_forms(name: str, more: list[str] | None = None) -> list[str]:
    """The labels of a choice column and its synonyms, each form once."""
    forms, seen = [], set()
    labels = [str(label) for _code, label in _choice_source(name).choices or ()]
    for form in labels + (more if more is not None else list(CHOICE_WORDS.get(name, {}))):
        if fold(form) not in seen:
            seen.add(fold(form))
            forms.append(form)
    return forms


def accepted_forms(name: str) -> list[str]:
    """What the import reads in a column, from the tables the parser uses (for error messages
    and the column documentation); empty for free text."""
    if name == "municipality_ags":
        return ["15090535", "Stendal"]
    if name == "price_per_m2":
        return list(v.PRICE_FORMS)
    if name == "availability":
        return [*CHOICE_WORDS[name], *v.FROM_DATE_FORMS]
    if name == "available_from":
        immediate = [w for w, c in CHOICE_WORDS["availability"].items() if c == "immediately"]
        return [*v.FROM_DATE_FORMS, *immediate]
    if name == "planning_status":
        return _choice_forms(name, [form for _c, _p, forms in PLANNING_FORMS for form in forms])
    if name == "zonings":  # one or several in a cell
        return [*_choice_forms(name), *ZONING_FORMS]
    model_field = _model_field(name)
    internal = model_field.get_internal_type()
    if model_field.choices:
        forms = _choice_forms(name)
        return forms + (list(v.DASHES[:1]) if name == "rail_siding" else [])
    if name.endswith("_m2") and internal == "PositiveIntegerField":
        return list(v.AREA_FORMS)
    if internal == "BooleanField":
        return list(v.YES_NO_FORMS)
    if internal == "DateField":
        return ["01.03.2025", "2025-03-01", "03/2025"]
    if internal in ("DecimalField", "FloatField", "PositiveIntegerField", "IntegerField"):
        whole = internal.endswith("IntegerField")
        example = "1000" if whole else "4,5"
        forms = [example] if whole else [example, "4.5"]
        unit = str(model_field.help_text) if name in UNIT_WORDS else ""
        return forms + ([f"{example} {unit}"] if unit else [])
    return []


def convert(row, ctx: Context) -> Converted:
    """One file row → field values for a property, with every problem named by column."""
    result = Converted(row.number)
    cells = {}
    points: dict[str, tuple[str, object]] = {}
    for header, column in ctx.mapping.items():
        raw = row.cells.get(header)
        if not v.is_blank(raw) or _dash_means_no(column, raw, ctx):
            cells[column] = (header, raw)
    for column, (header, raw) in cells.items():
        label = header
        if column in ("lat", "lon"):
            points[column] = (header, raw)
            continue
        try:
            if column == "municipality_ags":
                municipality = _municipality(raw, ctx)
                if municipality.pk not in ctx.editable:
                    # Only that it is outside the editor's scope: which municipality it is, is
                    # none of the refusal's business (the same answer for every foreign record).
                    raise v.BadValue(_("Not in your municipalities."))
                result.values["municipality"] = municipality
                continue
            if column in ("availability", "available_from"):
                notes: list[str] = []
                try:
                    _availability(column, raw, ctx, notes, result)
                finally:
                    _noted(notes, header, result)
                continue
            if column in ctx.memo_columns:
                _memoised(column, raw, ctx, header, result)
                continue
            value = _parse(column, raw, ctx, header, result)
            if column == "zonings" or ctx.internal[column] != "JSONField":
                ctx.fields[column].clean(value, None)
            result.values[column] = value
        except (v.BadValue, ValidationError, ValueError, TypeError) as error:
            result.errors.append((label, _message(error)))
    if "external_id" in result.values:
        result.external_id = result.values["external_id"]
    _coordinates(points, result, ctx)
    _geometry(row, result)
    _complete(result, ctx)
    return result


def _memoised(column: str, raw, ctx: Context, header: str, result: Converted) -> None:
    """``_parse`` and the field's ``clean`` of a cell, once per written value and column: the
    value, the warnings and the values the cell sets besides its own ("auf Anfrage" → price on
    request) are kept and given to every later cell with the same text. A cell that cannot be
    read is read anew each time (its error is raised again)."""
    key = (column, raw)
    hit = ctx.memo.get(key)
    if hit is None:
        scratch = Converted(result.number)
        value = _parse(column, raw, ctx, header, scratch)
        ctx.fields[column].clean(value, None)
        hit = (value, tuple(scratch.warnings), tuple(scratch.values.items()))
        size = ctx.memo_sizes.get(column, 0)
        if size < MEMO_PER_COLUMN:
            ctx.memo[key] = hit
            ctx.memo_sizes[column] = size + 1
    value, warnings, besides = hit
    result.warnings.extend(warnings)
    for name, other in besides:
        result.values.setdefault(name, other)
    result.values[column] = list(value) if isinstance(value, list) else value


def _dash_means_no(column: str, raw, ctx: Context) -> bool:
    """A dash in a yes/no column ("x" / "-" lists) is "no", not an empty cell."""
    if column not in ctx.fields or v.text(raw) not in v.DASHES:
        return False
    return column == "rail_siding" or ctx.internal[column] == "BooleanField"


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, json.JSONDecodeError):
        return _("The outline is not valid GeoJSON.")
    return str(error)


def _plausible(point, municipality) -> bool:
    if not coordinates.in_germany(point):
        return False
    if municipality is None:
        return True
    lat, lon = point
    return coordinates.distance_km(lat, lon, municipality.lat, municipality.lon) <= PLAUSIBLE_KM


def _read_point(crs: str, x, y):
    try:
        return coordinates.to_wgs84(crs, x, y)
    except (v.BadValue, ValueError, TypeError):
        return None


def _coordinates(points: dict, result: Converted, ctx: Context) -> None:
    """The point from the coordinate columns, read in the job's coordinate system and checked
    against the municipality of the row; a swapped pair is read the other way round, with a
    note."""
    if len(points) == 1:
        ((header, _raw),) = points.values()
        result.errors.append((header, _("Latitude and longitude must both be given.")))
        result.point_rejected = True
        return
    if not points:
        return
    lat_header, y = points["lat"]
    lon_header, x = points["lon"]
    crs = ctx.crs or next(iter(coordinates.detect([(x, y)])), "wgs84")
    system = ctx.system_labels.get(crs)
    if system is None:
        system = ctx.system_labels[crs] = str(coordinates.SYSTEMS[crs].label)
    municipality = result.values.get("municipality")
    point = _read_point(crs, x, y)
    if point is None or not _plausible(point, municipality):
        swapped = _read_point(crs, y, x)
        if swapped is not None and _plausible(swapped, municipality):
            result.values["lat"], result.values["lon"] = swapped
            # A location_approximate column (our exports carry it) wins over the coordinates.
            result.values.setdefault("location_approximate", False)
            result.warnings.append(
                _(
                    "“%(lat)s” and “%(lon)s” were swapped in this row (“%(y)s”, “%(x)s”); "
                    "they were read the other way round."
                )
                % {"lat": lat_header, "lon": lon_header, "y": v.text(y), "x": v.text(x)}
            )
            return
    if point is None:
        try:
            coordinates.to_wgs84(crs, x, y)
        except (v.BadValue, ValueError, TypeError) as error:
            problem = str(error)
        else:  # pragma: no cover - _read_point failed for the same values
            problem = ""
        result.errors.append(
            (
                f"{lat_header} / {lon_header}",
                _("%(problem)s Read as %(system)s. Accepted: %(accepted)s.")
                % {"problem": problem, "system": system, "accepted": coordinates.accepted_forms()},
            )
        )
        result.point_rejected = True
        return
    # A point outside Germany is left to the record rule (named by the latitude column).
    if municipality is not None and coordinates.in_germany(point):
        km = coordinates.distance_km(point[0], point[1], municipality.lat, municipality.lon)
        if km > PLAUSIBLE_KM:
            result.errors.append(
                (
                    f"{lat_header} / {lon_header}",
                    _(
                        "The point (%(lat).5f, %(lon).5f) lies %(km)s km from the centre of "
                        "%(name)s, more than %(limit)d km: check the coordinates, the "
                        "municipality and the coordinate system (read as %(system)s)."
                    )
                    % {
                        "lat": point[0],
                        "lon": point[1],
                        "km": _km(km),
                        "name": municipality.name,
                        "limit": PLAUSIBLE_KM,
                        "system": system,
                    },
                )
            )
            result.point_rejected = True
            return
    result.values["lat"], result.values["lon"] = point
    result.values.setdefault("location_approximate", False)


def _km(km: float) -> str:
    """One decimal in the active language's form (0,9 in German, 0.9 in English): the notes are
    written in the language the import runs in."""
    return formats.number_format(round(km, 1), 1)


def detect_crs(rows, mapping: dict[str, str], user) -> str:
    """The coordinate system of the file's coordinate columns ("" if it has none): the one the
    values can be written in that puts most of the first rows into their municipalities."""
    samples = [(x, y, m) for _row, x, y, m in _coordinate_cells(rows, Context(user, mapping, []))]
    if not samples:
        return ""
    candidates = coordinates.detect([(x, y) for x, y, _m in samples])
    if len(candidates) <= 1:
        return candidates[0] if candidates else ""

    def fits(crs):
        found = 0
        for x, y, municipality in samples:
            for a, b in ((x, y), (y, x)):
                point = _read_point(crs, a, b)
                if point is not None and _plausible(point, municipality):
                    found += 1
                    break
        return found

    return max(candidates, key=fits)  # the first of equals: the likelier by the numbers


def _coordinate_cells(rows, ctx: Context):
    """(row, easting/longitude cell, northing/latitude cell, the row's municipality or None) for
    each row with both coordinate cells filled; nothing if the mapping has no coordinate pair."""
    columns = {c: h for h, c in ctx.mapping.items()}
    if "lat" not in columns or "lon" not in columns:
        return
    for row in rows:
        x, y = row.cells.get(columns["lon"]), row.cells.get(columns["lat"])
        if not (v.is_blank(x) or v.is_blank(y)):
            yield row, x, y, _row_municipality(row, columns, ctx)


def _row_municipality(row, columns, ctx):
    raw = row.cells.get(columns.get("municipality_ags", ""))
    if v.is_blank(raw):
        return None
    try:
        return _municipality(raw, ctx)
    except v.BadValue:
        return None


def describe_crs(rows, mapping: dict[str, str], user, crs: str) -> str:
    """For the mapping step: where the first row with coordinates lies when read in ``crs``."""
    if not crs:
        return ""
    for row, x, y, municipality in _coordinate_cells(rows, Context(user, mapping, [], crs)):
        point = _read_point(crs, x, y)
        if point is None or not _plausible(point, municipality):
            point = _read_point(crs, y, x) or point
        if point is None:
            return _("The first row (%(row)d) cannot be read in this system.") % {"row": row.number}
        if municipality is None:
            return _("The first row (%(row)d) lies at %(lat).5f, %(lon).5f.") % {
                "row": row.number,
                "lat": point[0],
                "lon": point[1],
            }
        km = coordinates.distance_km(point[0], point[1], municipality.lat, municipality.lon)
        return _("The first row (%(row)d) lies %(km)s km from the centre of %(name)s.") % {
            "row": row.number,
            "km": _km(km),
            "name": municipality.name,
        }
    return ""


def _geometry(row, result: Converted):
    geometry = row.geometry
    if not geometry:
        return
    kind = geometry.get("type")
    try:
        if kind == "Point":
            lon, lat = geometry["coordinates"][:2]
            result.values.setdefault("lat", round(float(lat), 6))
            result.values.setdefault("lon", round(float(lon), 6))
        elif kind in ("Polygon", "MultiPolygon"):
            from shapely.geometry import mapping, shape

            polygon = shape(geometry)
            if kind == "MultiPolygon":
                polygon = max(polygon.geoms, key=lambda g: g.area)
                result.warnings.append(_("The outline has several parts; the largest was taken."))
            outline = json.loads(json.dumps(mapping(polygon)))
            validate_geojson_polygon(outline)
            result.values.setdefault("outline", outline)
            point = polygon.representative_point()
            result.values.setdefault("lat", round(point.y, 6))
            result.values.setdefault("lon", round(point.x, 6))
        else:
            result.errors.append(
                (
                    _("geometry"),
                    _("Geometry type %(type)s is not supported (use points or polygons).")
                    % {"type": kind},
                )
            )
    except (ValidationError, ValueError, TypeError, KeyError, IndexError) as error:
        result.errors.append((_("geometry"), _message(error)))


def _complete(result: Converted, ctx: Context):
    values = result.values
    labelled = ctx.headers
    for name in REQUIRED:
        key = "municipality" if name == "municipality_ags" else name
        if key not in values and not any(
            label == labelled.get(name) for label, _m in result.errors
        ):
            result.errors.append(
                (labelled.get(name, column_label(name)), _("This value is required."))
            )
    municipality = values.get("municipality")
    if ("lat" in values) != ("lon" in values):
        result.errors.append((_("coordinates"), _("Latitude and longitude must both be given.")))
    elif "lat" not in values and municipality is not None and not result.point_rejected:
        if not _geocoded(result, ctx, municipality):
            values["lat"], values["lon"] = municipality.lat, municipality.lon
            values["location_approximate"] = True
            result.centre_fallback = True
            result.warnings.append(_centre_note(municipality))
    if values.get("available_from") and "availability" not in values:
        values["availability"] = Availability.FROM_DATE
    if values.get("owner_type") == OwnerType.PRIVATE:
        result.warnings.append(
            _("Private owner: published only after the owner's consent is recorded.")
        )
    if municipality is not None:
        warning = facts.postcode_warning(str(values.get("postcode") or ""), municipality)
        if warning:
            result.warnings.append(warning)


def _geocoded(result: Converted, ctx: Context, municipality: Municipality) -> bool:
    """A row without coordinates but with street and locality (or municipality): its point from
    the geocoder (``core.geocoding``, when it is on) if that lies within ``PLAUSIBLE_KM`` of the
    municipality; otherwise a note and False (the caller takes the centre).

    The point is an address point, not the parcel's surveyed one, yet it is no municipality
    centre either: ``location_approximate`` (which means "municipality centre" on the record,
    the public page and in the API) stays False, and the preview says where the point came
    from."""
    values = result.values
    street = str(values.get("street") or "").strip()
    if not geocoding.enabled() or not street:
        return False
    locality = str(values.get("locality") or "").strip() or municipality.name
    if ctx.geocode_budget <= 0:
        result.warnings.append(
            _(
                "The geocoder looks up at most %(count)d addresses per import; this row's "
                "address was not looked up."
            )
            % {"count": settings.GEOCODER_REQUESTS_PER_IMPORT}
        )
        return False
    ctx.geocode_budget -= 1
    point = geocoding.geocode(street, str(values.get("postcode") or ""), locality)
    if point is None:
        return False
    km = coordinates.distance_km(point[0], point[1], municipality.lat, municipality.lon)
    if not coordinates.in_germany(point) or km > PLAUSIBLE_KM:
        result.warnings.append(
            _(
                "The geocoder placed the address %(km)s km from the centre of %(name)s, more "
                "than %(limit)d km; its point was not used."
            )
            % {"km": _km(km), "name": municipality.name, "limit": PLAUSIBLE_KM}
        )
        return False
    values["lat"], values["lon"] = point
    values["location_approximate"] = False
    result.geocoded = True
    result.warnings.append(_geocoded_note())
    return True


def _geocoded_note() -> str:
    return _("Location determined from the address (geocoder).")


def _centre_note(municipality: Municipality) -> str:
    return _(
        "No coordinates: the centre of %(name)s was taken; please set the point on the map."
    ) % {"name": municipality.name}


# --- matching and writing ------------------------------------------------------------------

OWN_ID = re.compile(r"^standortlotse-(\d+)$")
COMPARED = [c for c in COLUMNS if c not in ("municipality_ags", "external_id")] + ["municipality"]


def find_existing(external_ids: list[str]) -> dict[str, Property]:
    """Existing properties for a batch of external IDs (our own export IDs match the record)."""
    own = {int(m.group(1)): e for e in external_ids if (m := OWN_ID.match(e))}
    found = {
        p.external_id: p
        for p in Property.objects.filter(
            external_id__in=[e for e in external_ids if e]
        ).select_related("municipality")
    }
    for prop in Property.objects.filter(pk__in=own).select_related("municipality"):
        found.setdefault(own[prop.pk], prop)
    return found


def changes(prop: Property, values: dict) -> list[str]:
    """The fields the row would change on an existing record."""
    changed = []
    for name, value in values.items():
        if name == "external_id":
            continue
        current = getattr(prop, name)
        if isinstance(current, Decimal) and value is not None:
            if current != Decimal(str(value)):
                changed.append(name)
        elif name == "municipality":
            if prop.municipality_id != value.pk:
                changed.append(name)
        elif current != value:
            changed.append(name)
    return changed


def plan(
    converted: list[Converted], ctx: Context
) -> list[tuple[str, Converted, Property | None, list[str]]]:
    """Outcome per row: ("error" | "new" | "update" | "unchanged", row, existing, changed fields).

    Applying (``ctx.previewed``: row number → the preview's outcome, ``ctx.publish``): a row the
    preview found new, still without an error and without a record of its external ID, is new
    again without the notes the preview showed (the location facts compared with the file's
    values, the gate's text); the record rules still run, and the gate only when the import
    publishes. The record rule on write computes the location facts (``write``)."""
    existing = find_existing([c.external_id for c in converted if c.external_id])
    previewed = ctx.previewed or {}
    quiet = {
        c.number
        for c in converted
        if previewed.get(c.number) == "new"
        and not c.errors
        and not (c.external_id and c.external_id in existing)
    }
    # The location facts of the batch's points in one computation (the check below and the
    # record rule on write read them).
    facts.prime(
        [(c.values.get("lat"), c.values.get("lon")) for c in converted if not c.errors],
        index=facts_index(ctx),
    )
    public = [p.pk for p in existing.values() if p.status == Status.PUBLISHED]
    consented = set(
        OwnerConsent.objects.filter(
            property_id__in=public, state=OwnerConsent.State.GRANTED
        ).values_list("property_id", flat=True)
    )
    outcome: list[tuple[str, Converted, Property | None, list[str]]] = []
    for row in converted:
        if row.errors:
            outcome.append(("error", row, None, []))
            continue
        prop = existing.get(row.external_id) if row.external_id else None
        if prop is not None and prop.municipality_id not in ctx.editable:
            row.errors.append(
                (
                    column_label("external_id"),
                    _("The record with this ID is not in your municipalities."),
                )
            )
            outcome.append(("error", row, prop, []))
            continue
        if _break_record_rules(row, prop, ctx, granted=prop is not None and prop.pk in consented):
            outcome.append(("error", row, prop, []))
            continue
        if row.number in quiet:
            if ctx.publish:
                row.gaps = ctx.gate.gaps(_record_of(row, ctx), photo_count=0)
            outcome.append(("new", row, None, []))
            continue
        _computed_columns(row, prop, ctx)
        if prop is None:
            _note_gate(row, ctx)
            outcome.append(("new", row, None, []))
            continue
        if row.centre_fallback:
            # A row without coordinates leaves the record's point where it is.
            for name in ("lat", "lon", "location_approximate"):
                row.values.pop(name, None)
            row.warnings = [w for w in row.warnings if w != _centre_note(prop.municipality)]
        elif row.geocoded and not prop.location_approximate:
            # An address point does not replace the record's own point (set on the map or
            # surveyed); it replaces only a municipality centre.
            for name in ("lat", "lon", "location_approximate"):
                row.values.pop(name, None)
            row.warnings = [w for w in row.warnings if w != _geocoded_note()]
        changed = changes(prop, row.values)
        outcome.append(("update" if changed else "unchanged", row, prop, changed))
    return outcome


def facts_index(ctx: Context):
    """The infrastructure reference data, read once per import (properties.facts)."""
    index = ctx._facts_index
    if index is None:
        index = ctx._facts_index = infrastructure.current_index()
    return index


def _computed_columns(row: Converted, prop: Property | None, ctx: Context) -> None:
    """Location facts are computed from the point, not read from the file: a column with a
    computed fact's value is left out (the record rule computes it on write), and the row notes
    the file's values that differ from the computation. A fact that cannot be computed (no data
    for the point, no regional aid data for the municipality), or that an editor entered with a
    reason on the record, takes the file's value."""
    values = row.values
    lat = values.get("lat", prop.lat if prop is not None else None)
    lon = values.get("lon", prop.lon if prop is not None else None)
    municipality = values.get("municipality") or (prop.municipality if prop is not None else None)
    results = facts.compute(lat, lon, municipality, index=facts_index(ctx))
    overrides = (prop.fact_overrides or {}) if prop is not None else {}
    differing = []
    for spec in facts.FACTS.values():
        result = results.get(spec.key)
        if result is None or spec.key in overrides:
            continue
        given = {name: values.pop(name) for name in spec.fields if name in values}
        if given and facts.differs(spec.key, given, result):
            headers = ", ".join(ctx.headers.get(name) or column_label(name) for name in given)
            differing.append(f"{headers}: {facts.computed_text(spec.key, result)}")
    if differing:
        row.warnings.append(
            _(
                "Computed from the point and the municipality, not taken from the file (which "
                "gives other values): %(facts)s."
            )
            % {"facts": "; ".join(differing)}
        )


def _break_record_rules(row: Converted, prop: Property | None, ctx: Context, granted: bool) -> bool:
    """The record as the row would leave it, checked by the model's record rules (the same as
    form, API and admin); each broken rule is named by the column of the user's file."""
    if prop is None:
        record = row.record = blank_record(ctx)
        for name, value in row.values.items():
            setattr(record, name, value)
    else:
        record = copy.copy(prop)  # the stored record stays as it is until write()
        for name, value in row.values.items():
            setattr(record, name, value)
    errors = record.record_errors(granted=granted)
    for name, messages in errors.items():
        label = ctx.headers.get(name) or column_label(name)
        row.errors.extend((label, str(message)) for message in messages)
    return bool(errors)


def _note_gate(row: Converted, ctx: Context) -> None:
    """A new row that lacks what its region requires for publishing (a file brings no photos):
    created as a draft even when the import publishes, with a note naming what is missing."""
    record = row.record or _record_of(row, ctx)
    row.unmet = publication.unmet_by_fields(record)
    row.gaps = publication.gaps_of(
        row.unmet,
        ctx.gate.requirements(record),
        record.kind,
        photo_count=0,
        email=lambda: ctx.gate.contact_email(record),
    )
    if row.gaps:
        key = tuple(row.gaps)
        if key not in ctx.gate_notes:  # a few combinations per file
            ctx.gate_notes[key] = gate_note(row.gaps)
        row.warnings.append(ctx.gate_notes[key])


def _record_of(row: Converted, ctx: Context) -> Property:
    """A new record as the row would create it (not saved)."""
    record = blank_record(ctx)
    for name, value in row.values.items():
        setattr(record, name, value)
    return record


def gate_note(gaps: list[str]) -> str:
    return _(
        "Not complete enough to publish (missing: %(missing)s): created as a draft, also "
        "with “publish”."
    ) % {"missing": publication.missing_text(gaps)}


def duplicate_check(ctx: Context):
    """The possible-duplicate check of a whole file (``properties.duplicates``)."""
    return duplicates.ImportCheck(ctx.user)


record_titles = duplicates.record_titles


class DecisionRefused(Exception):
    """The editor's choice for a possible duplicate cannot be carried out (row, message)."""


def decide(outcomes, decisions: dict[int, tuple[str, int | None]], ctx: Context):
    """Honour the editor's choice for the possible duplicates of a batch: "skip" (and "ask", which
    confirming does not leave) leaves the row out, "create" keeps it new, "update" updates the
    chosen record as a match by external ID would — only a record the user may edit, checked by
    the same record rules."""
    wanted = {pk for choice, pk in decisions.values() if choice == "update" and pk}
    records = {
        p.pk: p
        for p in policy.editable_records(
            ctx.user, Property.objects.filter(pk__in=wanted)
        ).select_related("municipality")
    }
    consented = set(
        OwnerConsent.objects.filter(
            property_id__in=records, state=OwnerConsent.State.GRANTED
        ).values_list("property_id", flat=True)
    )
    result = []
    for outcome, row, prop, changed in outcomes:
        choice, pk = decisions.get(row.number, ("", None))
        if choice in ("skip", "ask"):
            continue
        if choice == "update" and outcome == "new":
            prop = records.get(pk) if pk else None
            if prop is None or prop.municipality_id not in ctx.editable:
                raise DecisionRefused(
                    row.number, _("The record #%(id)s cannot be updated by you.") % {"id": pk}
                )
            if _break_record_rules(row, prop, ctx, granted=prop.pk in consented):
                raise DecisionRefused(row.number, "; ".join(m for _c, m in row.errors))
            changed = changes(prop, row.values)
            # The record already holds the row's values: the row is unchanged, and the result
            # says so (it read "skipped", though the editor chose to update).
            result.append(("update" if changed else "unchanged", row, prop, changed))
            continue
        result.append((outcome, row, prop, changed))
    return result


HISTORY_META = (
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
)


def _record_history(ids: list[int], user, reason: str, kind: str) -> None:
    """History rows for many records in one statement per batch: the same rows
    django-simple-history writes, copied in SQL from the table (building 70-column model objects
    for each of 100,000 rows took a third of an import)."""
    from django.db import connection

    history = Property.history.model
    quote = connection.ops.quote_name
    columns = [f.column for f in history._meta.fields if f.name not in HISTORY_META]
    target = ", ".join(
        quote(c)
        for c in [
            *columns,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ]
    )
    source = ", ".join(quote(c) for c in columns)
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
                f"SELECT {source}, %s, %s, %s, %s FROM {quote(Property._meta.db_table)} "
                f"WHERE {quote('id')} IN ({marks})",
                [now, reason[:100], kind, getattr(user, "pk", None), *chunk],
            )


def write(outcomes, user, publish: bool, reason: str) -> dict:
    """Create and update the records of one batch (the caller holds the transaction); the counts,
    and per row number what was done to which record."""
    now = timezone.now()
    new, updated, fields = [], [], set()
    held = 0  # new records left as drafts for the publication gate
    numbers: list[tuple[int, str, Property, list[str]]] = []
    index = infrastructure.current_index()
    for outcome, row, prop, changed in outcomes:
        if outcome == "new":
            prop = _new_record(row, index)
            if publish and row.gaps:
                held += 1
            elif publish and _may_publish(prop):
                prop.status, prop.published_at = Status.PUBLISHED, now
            new.append(prop)
        elif outcome == "update":
            for name in changed:
                setattr(prop, name, row.values[name])
            fields.update(facts.apply(prop, index=index))
            if prop.update_readiness_level():
                fields.add("readiness_level")
            prop.search_text = prop.build_search_text()
            prop.updated_at = now
            fields.update(changed)
            updated.append(prop)
        else:
            continue
        numbers.append((row.number, outcome, prop, list(changed or [])))
    if new:
        created = bulk.insert(Property, new)  # COPY on PostgreSQL
        _record_history(
            [p.pk for p in created], user, reason, "+"
        )  # SQLite ≥ 3.35 and PostgreSQL return the IDs
    if updated:
        names = sorted(set(fields) | {"search_text", "updated_at"})
        Property.objects.bulk_update(updated, names, batch_size=500)
        _record_history([p.pk for p in updated], user, reason, "~")
    if new or updated:
        statistics.changed()  # bulk writes send no signal: the figures follow after the commit
    # Per row: what was done and to which record (the result page and the report show it).
    rows = {number: (outcome, prop.pk, changed) for number, outcome, prop, changed in numbers}
    return {"new": len(new), "update": len(updated), "held": held, "rows": rows}


def _new_record(row: Converted, index) -> Property:
    """The new record a row creates, with what the record rules of ``Property.save`` derive:
    the location facts, the readiness level, the search text (as a draft)."""
    return _derived(blank_record(values=row.values), index)


def _derived(prop: Property, index) -> Property:
    facts.apply(prop, index=index)
    prop.update_readiness_level()
    prop.search_text = prop.build_search_text()
    return prop


def _may_publish(prop: Property) -> bool:
    """Whether a new record may be published by the import: the consent rule (a new record has
    no owner's consent yet)."""
    return not prop.lacks_owner_consent(status=Status.PUBLISHED, granted=False)


def stage(planned, ctx: Context) -> dict[int, str]:
    """The records of a batch's new rows, built at the preview and kept with its rows (row number
    → text): the publication requirements its fields do not meet, whether the consent rule lets
    the import publish it, and its prepared column values (``core.bulk.stage``).
    ``write_staged`` writes them without converting and checking the rows again."""
    connection = connections[router.db_for_write(Property)]
    index = facts_index(ctx)
    staged = {}
    for outcome, row, prop, _changed in planned:
        if outcome != "new" or prop is not None:
            continue
        # The record the rules checked (``_break_record_rules``; its computed facts as the file
        # gave them: set now) and its unmet requirements (``_note_gate``).
        record = _derived(row.record, index)
        staged[row.number] = bulk.staged_text(
            [
                row.unmet,
                _may_publish(record),
                bulk.stage(Property, record, connection),
            ]
        )
    return staged


@functools.cache
def _staged_positions() -> dict[str, int]:
    return {f.attname: n for n, f in enumerate(bulk.staged_fields(Property))}


def write_staged(staged: dict[int, str], user, publish: bool, reason: str, ctx: Context) -> dict:
    """Write the records ``stage`` built for new rows (row number → text), as ``write`` writes new
    records: with the time of writing, published where the import publishes and the record
    meets the publication gate of its region as it is now and the consent rule (else a draft;
    "held" counts the drafts the gate keeps), with a history entry. ``{"changed": row}``
    instead, and nothing written, when the register changed since the preview: a record with
    the row's external ID exists now, or its municipality is no longer one the user may edit."""
    connection = connections[router.db_for_write(Property)]
    at = _staged_positions()
    decoded = {number: json.loads(text) for number, text in staged.items()}
    external_ids = [values[at["external_id"]] for _u, _p, values in decoded.values()]
    existing = find_existing([e for e in external_ids if e])
    for number, (_unmet, _may, values) in decoded.items():
        if (
            len(values) != len(at)  # staged by a version with other columns
            or (values[at["external_id"]] and values[at["external_id"]] in existing)
            or values[at["municipality_id"]] not in ctx.editable
        ):
            return {"changed": number}
    now = timezone.now()
    times = bulk.now_values(Property, connection, now)
    published_at = Property._meta.get_field("published_at").get_db_prep_save(now, connection)
    rows, numbers, held = [], [], 0
    for number, (unmet, may_publish, values) in decoded.items():
        for n, value in times.items():
            values[n] = value
        if publish:
            if _staged_gaps(unmet, values, at, ctx):
                held += 1
            elif may_publish:
                values[at["status"]] = Status.PUBLISHED.value
                values[at["published_at"]] = published_at
        rows.append(values)
        numbers.append(number)
    ids = bulk.insert_staged(Property, rows)
    _record_history(ids, user, reason, "+")
    statistics.changed()
    return {
        "new": len(ids),
        "held": held,
        "rows": {number: ("new", pk, []) for number, pk in zip(numbers, ids, strict=True)},
    }


def _staged_gaps(unmet: list[str], values: list, at: dict[str, int], ctx: Context) -> list[str]:
    """The publication gate of the staged record's region as it is when the import runs (a
    record from a file has no photos; the contact is its own address or its office's)."""
    office = _office_record(values[at["municipality_id"]], ctx)
    own = values[at["contact_email"]] or ""
    return publication.gaps_of(
        unmet,
        ctx.gate.requirements(office),
        values[at["kind"]],
        photo_count=0,
        email=lambda: ctx.gate.contact_email(office, own=own),
    )


def _office_record(pk: int, ctx: Context) -> Property:
    """A blank record of the municipality ``pk``: what the gate's requirements and the office's
    address depend on (``publication.GateCache``), one per municipality."""
    found = ctx.office_records.get(pk)
    if found is None:
        municipality = Municipality.objects.get(pk=pk)
        found = ctx.office_records[pk] = blank_record(values={"municipality": municipality})
    return found


def template_example() -> list[list]:
    """Two example rows for the template, in the German forms the import reads."""
    example = {
        "external_id": "STD-001",
        "title": "Gewerbegebiet Stendal Nord, Parzelle 4",
        "kind": "Gewerbegebiet mit freien Flächen",
        "municipality_ags": "15090535",
        "street": "Industriestraße 12",
        "postcode": "39576",
        "locality": "Stendal",
        "lat": "52,6145",
        "lon": "11,8557",
        "area_total_m2": "12.500 m²",
        "area_available_m2": "3,5 ha",
        "divisible": "ja",
        "zonings": "GE",
        "planning_status": "B-Plan",
        "marketing_type": "Kauf",
        "price_per_m2": "18,50 €",
        "availability": "sofort",
        "owner_type": "kommunal",
        "motorway_km": "4,5",
        "rail_siding": "möglich",
        "broadband_mbits": "1000",
        "funding_area": "ja",
        "description_de": "Voll erschlossene Gewerbefläche.",
        "verified_on": "01.03.2025",
        "readiness_building_rights_status": "geklärt",
        "readiness_grid_status": "offen",
        "readiness_grid_kva": "630 kVA",
        "readiness_grid_operator": "Avacon Netz GmbH",
        "readiness_grid_upgrade_kva": "2000",
        "readiness_grid_upgrade_date": "30.06.2027",
        "readiness_water_status": "geklärt",
        "readiness_water_m3_day": "120",
        "readiness_ownership_status": "geklärt",
        "readiness_willing_to_sell": "ja",
    }
    second = {
        **example,
        "external_id": "STD-002",
        "title": "Halle am Hafen",
        "kind": "Halle",
        "area_total_m2": "ca. 2 ha",
        "area_available_m2": "4.800",
        "availability": "01.03.2026",
        "zonings": "GE/GI",
        "rail_siding": "ja",
        "divisible": "nein",
    }
    return [[row.get(c, "") for c in COLUMNS] for row in (example, second)]
