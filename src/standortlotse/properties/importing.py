"""Bulk import of properties: what each template column means and how a row becomes a record.

The steps (upload, mapping, preview, background run, report) are ``exchange/services.py``,
which registers this module in ``TARGETS`` and calls its ``KEY``, ``REQUIRED``,
``column_label``, ``known_headers``, ``suggest``, ``Context``, ``convert``, ``plan`` and
``write``. The generic parts are in ``core/tabular``: reading the file (``readers``), matching
headers and choices (``columns``) and the German number, area, date, yes/no and choice forms
(``values``). What is property-specific is here:

* the columns: ``COLUMNS`` of ``properties.exports`` (one list for export and import), their
  labels (``column_label``), the header names seen in municipal lists (``HEADER_ALIASES``)
  and the choice synonyms (``CHOICE_SYNONYMS``) and units (``UNIT_WORDS``) of their values.
* ``convert``: one file row plus the column mapping → field values, errors and warnings.
* ``plan`` / ``write``: match rows to existing records by external ID (or the
  ``standortlotse-<id>`` IDs our exports carry, see ``find_existing``), decide new / update /
  unchanged, and write.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.core.fields import concrete_field
from standortlotse.core.tabular import columns as tabular
from standortlotse.core.tabular import values as v
from standortlotse.core.textsearch import fold
from standortlotse.core.validators import validate_geojson_polygon
from standortlotse.geo.models import Municipality
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
    "lat": ["breite", "breitengrad", "latitude", "lat", "nord", "y", "hochwert"],
    "lon": ["laenge", "laengengrad", "longitude", "lon", "lng", "ost", "x", "rechtswert"],
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
    "divisible": ["teilbar"],
    "smallest_plot_m2": ["kleinsteparzelle", "mindestgroesse", "kleinstegroesse"],
    "zoning": [
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

CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "kind": {
        "gewerbegrundstueck": Kind.PLOT,
        "gewerbeflaeche": Kind.PLOT,
        "industrieflaeche": Kind.PLOT,
        "grundstueck": Kind.PLOT,
        "baugrundstueck": Kind.PLOT,
        "gewerbegebiet": Kind.BUSINESS_PARK,
        "gewerbepark": Kind.BUSINESS_PARK,
        "industriegebiet": Kind.BUSINESS_PARK,
        "industriepark": Kind.BUSINESS_PARK,
        "halle": Kind.HALL,
        "lagerhalle": Kind.HALL,
        "produktionshalle": Kind.HALL,
        "lager": Kind.HALL,
        "buero": Kind.OFFICE,
        "bueros": Kind.OFFICE,
        "bueroflaeche": Kind.OFFICE,
        "laden": Kind.RETAIL,
        "einzelhandel": Kind.RETAIL,
        "ladenflaeche": Kind.RETAIL,
        "leerstand": Kind.VACANT_BUILDING,
        "leerstehendesgebaeude": Kind.VACANT_BUILDING,
        "gebaeude": Kind.VACANT_BUILDING,
        "brache": Kind.BROWNFIELD,
        "industriebrache": Kind.BROWNFIELD,
        "brachflaeche": Kind.BROWNFIELD,
        "konversionsflaeche": Kind.BROWNFIELD,
    },
    "zoning": {
        "industriegebiet": Zoning.GI,
        "gewerbegebiet": Zoning.GE,
        "mischgebiet": Zoning.MI,
        "mu": Zoning.MI,
        "urbanesgebiet": Zoning.MI,
        "sondergebiet": Zoning.SO,
        "keine": Zoning.NONE,
        "ohne": Zoning.NONE,
    },
    "planning_status": {
        "bplan": PlanningStatus.BPLAN,
        "rechtskraeftigerbplan": PlanningStatus.BPLAN,
        "bebauungsplan": PlanningStatus.BPLAN,
        "rechtskraeftig": PlanningStatus.BPLAN,
        "inaufstellung": PlanningStatus.IN_PREPARATION,
        "bplaninaufstellung": PlanningStatus.IN_PREPARATION,
        "34": PlanningStatus.SECTION_34,
        "34baugb": PlanningStatus.SECTION_34,
        "innenbereich": PlanningStatus.SECTION_34,
        "fnp": PlanningStatus.FNP_ONLY,
        "flaechennutzungsplan": PlanningStatus.FNP_ONLY,
        "nurfnp": PlanningStatus.FNP_ONLY,
    },
    "marketing_type": {
        "kauf": MarketingType.SALE,
        "verkauf": MarketingType.SALE,
        "miete": MarketingType.LEASE,
        "pacht": MarketingType.LEASE,
        "vermietung": MarketingType.LEASE,
        "mieteoderpacht": MarketingType.LEASE,
        "erbpacht": MarketingType.HEREDITARY_LEASE,
        "erbbaurecht": MarketingType.HEREDITARY_LEASE,
    },
    "availability": {
        "sofort": Availability.IMMEDIATELY,
        "absofort": Availability.IMMEDIATELY,
        "verfuegbar": Availability.IMMEDIATELY,
        "frei": Availability.IMMEDIATELY,
        "reserviert": Availability.RESERVED,
        "optioniert": Availability.RESERVED,
        "verkauft": Availability.SOLD,
        "vergeben": Availability.SOLD,
        "vermietet": Availability.SOLD,
    },
    "owner_type": {
        "kommune": OwnerType.MUNICIPAL,
        "kommunal": OwnerType.MUNICIPAL,
        "gemeinde": OwnerType.MUNICIPAL,
        "stadt": OwnerType.MUNICIPAL,
        "oeffentlich": OwnerType.MUNICIPAL,
        "privat": OwnerType.PRIVATE,
        "sonstige": OwnerType.OTHER,
        "andere": OwnerType.OTHER,
    },
    "rail_siding": {
        "ja": RailSiding.YES,
        "yes": RailSiding.YES,
        "vorhanden": RailSiding.YES,
        "moeglich": RailSiding.POSSIBLE,
        "planbar": RailSiding.POSSIBLE,
        "nein": RailSiding.NO,
        "no": RailSiding.NO,
        "keiner": RailSiding.NO,
    },
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
    "electricity_kv": ("kv",),
    "electricity_mw": ("mw",),
    "broadband_mbits": ("mbit/s", "mbit", "mbits", "mb/s", "mbps"),
    "max_building_height_m": ("m",),
    "funding_rate": ("%", "prozent"),
}

REQUIRED = ("title", "municipality_ags")

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


def _is_zoning(synonyms, value) -> bool:
    """GE, GI, MI, SO and their names, also several in one cell ("GE/GI", "GE, GI")."""
    parts = [p for p in re.split(r"\s*[/,;+]\s*|\s+(?:und|oder)\s+", v.text(value)) if p]
    return bool(parts) and all(fold(p) in synonyms and fold(p) != "none" for p in parts)


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
        synonyms = tabular.choice_synonyms(model_field, CHOICE_SYNONYMS.get(name))
        test = _is_zoning if name == "zoning" else _is_choice
        spec["test"] = partial(test, synonyms)
        spec["from_values"] = name == "zoning"
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

    def __init__(self, user, mapping: dict[str, str], headers: list[str]):
        self.user = user
        self.mapping = {h: c for h, c in mapping.items() if c}
        self.units = {h: tabular.header_unit(h) for h in self.mapping}
        self.synonyms = {
            name: tabular.choice_synonyms(_model_field(name), CHOICE_SYNONYMS[name])
            for name in CHOICE_SYNONYMS
        }
        self.municipalities = {m.ags: m for m in Municipality.objects.all()}
        self.by_name: dict[str, Municipality] = {}
        for m in self.municipalities.values():
            self.by_name.setdefault(fold(m.name), m)
            self.by_name.setdefault(fold(m.name.replace("Hansestadt", "").replace("Stadt", "")), m)
        scope = policy.editable_municipalities(user).values_list("pk", flat=True)
        self.editable = set(scope)
        self.fields = {name: _model_field(name) for name in COLUMNS if name != "municipality_ags"}


def _municipality(raw, ctx: Context) -> Municipality:
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


def _parse(name: str, raw, ctx: Context, header: str, result: Converted):
    model_field = ctx.fields[name]
    internal = model_field.get_internal_type()
    unit = ctx.units.get(header, "")
    if name in ctx.synonyms:
        value, warning = v.choice(raw, ctx.synonyms[name], str(model_field.verbose_name))
        if warning:
            result.warnings.append(warning)
        return value
    if name.endswith("_m2") and internal == "PositiveIntegerField":
        if unit in ("ha", "hektar"):  # "Fläche (ha)": plain numbers are hectares
            amount, written_unit = v.number(raw)
            if written_unit == "":
                return int((amount * 10_000).to_integral_value())
        return v.area_m2(raw)
    if internal in ("PositiveIntegerField", "IntegerField"):
        return v.integer(raw, UNIT_WORDS.get(name, ()))
    if isinstance(model_field, models.DecimalField):
        amount = v.decimal(raw, UNIT_WORDS.get(name, ()))
        return amount.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    if internal == "FloatField":
        return float(v.number(raw, dot_is_decimal=True)[0])
    if internal == "BooleanField":
        return v.boolean(raw)
    if internal == "DateField":
        return v.parse_date(raw)
    if internal == "JSONField":
        data = json.loads(raw) if isinstance(raw, str) else raw
        validate_geojson_polygon(data)
        return data
    return v.text(raw)


def convert(row, ctx: Context) -> Converted:
    """One file row → field values for a property, with every problem named by column."""
    result = Converted(row.number)
    cells = {}
    for header, column in ctx.mapping.items():
        raw = row.cells.get(header)
        if not v.is_blank(raw):
            cells[column] = (header, raw)
    for column, (header, raw) in cells.items():
        label = header
        try:
            if column == "municipality_ags":
                municipality = _municipality(raw, ctx)
                if municipality.pk not in ctx.editable:
                    # Only that it is outside the editor's scope: which municipality it is, is
                    # none of the refusal's business (the same answer for every foreign record).
                    raise v.BadValue(_("Not in your municipalities."))
                result.values["municipality"] = municipality
                continue
            if (
                column == "available_from"
                and not isinstance(raw, (int, float))
                and fold(v.text(raw)) in ("sofort", "absofort")
            ):
                result.values.setdefault("availability", Availability.IMMEDIATELY)
                continue
            if column == "availability" and not isinstance(raw, str):
                result.values["available_from"] = v.parse_date(raw)
                result.values["availability"] = Availability.FROM_DATE
                continue
            if column == "availability":
                try:
                    result.values["available_from"] = v.parse_date(raw)
                    result.values["availability"] = Availability.FROM_DATE
                    continue
                except v.BadValue:
                    pass
            value = _parse(column, raw, ctx, header, result)
            model_field = ctx.fields[column]
            if model_field.get_internal_type() != "JSONField":
                model_field.clean(value, None)
            result.values[column] = value
        except (v.BadValue, ValidationError, ValueError, TypeError) as error:
            result.errors.append((label, _message(error)))
    if "external_id" in result.values:
        result.external_id = result.values["external_id"]
    _geometry(row, result)
    _complete(result, ctx)
    return result


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, json.JSONDecodeError):
        return _("The outline is not valid GeoJSON.")
    return str(error)


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
    labelled = {c: h for h, c in ctx.mapping.items()}
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
    elif "lat" not in values and municipality is not None:
        values["lat"], values["lon"] = municipality.lat, municipality.lon
        result.warnings.append(
            _("No coordinates: the centre of %(name)s was taken; please set the point on the map.")
            % {"name": municipality.name}
        )
    if values.get("available_from") and "availability" not in values:
        values["availability"] = Availability.FROM_DATE
    if values.get("owner_type") == OwnerType.PRIVATE:
        result.warnings.append(
            _("Private owner: published only after the owner's consent is recorded.")
        )


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
    """Outcome per row: ("error" | "new" | "update" | "unchanged", row, existing, changed fields)."""
    existing = find_existing([c.external_id for c in converted if c.external_id])
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
        if prop is None:
            outcome.append(("new", row, None, []))
            continue
        changed = changes(prop, row.values)
        outcome.append(("update" if changed else "unchanged", row, prop, changed))
    return outcome


def _break_record_rules(row: Converted, prop: Property | None, ctx: Context, granted: bool) -> bool:
    """The record as the row would leave it, checked by the model's record rules (the same as
    form, API and admin); each broken rule is named by the column of the user's file."""
    if prop is None:
        record = Property(**row.values)
    else:
        record = copy.copy(prop)  # the stored record stays as it is until write()
        for name, value in row.values.items():
            setattr(record, name, value)
    errors = record.record_errors(granted=granted)
    headers = {c: h for h, c in ctx.mapping.items()}
    for name, messages in errors.items():
        label = headers.get(name) or column_label(name)
        row.errors.extend((label, str(message)) for message in messages)
    return bool(errors)


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


def write(outcomes, user, publish: bool, reason: str) -> dict[str, int]:
    """Create and update the records of one batch (the caller holds the transaction)."""
    now = timezone.now()
    new, updated, fields = [], [], set()
    for outcome, row, prop, changed in outcomes:
        if outcome == "new":
            prop = Property(**row.values)
            if publish and not prop.lacks_owner_consent(
                status=Status.PUBLISHED, granted=False
            ):  # a new record has no consent yet
                prop.status, prop.published_at = Status.PUBLISHED, now
            prop.search_text = prop.build_search_text()
            new.append(prop)
        elif outcome == "update":
            for name in changed:
                setattr(prop, name, row.values[name])
            prop.search_text = prop.build_search_text()
            prop.updated_at = now
            fields.update(changed)
            updated.append(prop)
    if new:
        created = Property.objects.bulk_create(new, batch_size=500)
        _record_history(
            [p.pk for p in created], user, reason, "+"
        )  # SQLite ≥ 3.35 and PostgreSQL return the IDs
    if updated:
        names = sorted(set(fields) | {"search_text", "updated_at"})
        Property.objects.bulk_update(updated, names, batch_size=500)
        _record_history([p.pk for p in updated], user, reason, "~")
    return {"new": len(new), "update": len(updated)}


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
        "zoning": "GE",
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
    }
    second = {
        **example,
        "external_id": "STD-002",
        "title": "Halle am Hafen",
        "kind": "Halle",
        "area_total_m2": "ca. 2 ha",
        "area_available_m2": "4.800",
        "availability": "01.03.2026",
        "zoning": "GI",
        "rail_siding": "ja",
        "divisible": "nein",
    }
    return [[row.get(c, "") for c in COLUMNS] for row in (example, second)]
