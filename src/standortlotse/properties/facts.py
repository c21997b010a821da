"""Location facts computed, not typed: distances from a record's point to the nearest motorway
junction, federal road, station, long-distance station, railway line, inland port and airport
(straight line, from the reference data of geo.infrastructure), for housing also to the nearest
day-care centre (Kita) and primary school where the reference data has them, and the regional
aid classification of its municipality (GRW funding area and maximum rate).

The record rule (``apply``) runs on every save of a Property (editor form, API, admin, demo)
and in the bulk import's write: each computed fact sets its fields, unless an editor overrode
the fact with a reason (``Property.fact_overrides``: fact → reason). An override survives a later
move of the point; the other facts follow the point. ``Property.location_facts`` keeps what was
computed (also for overridden facts, so that page and form can name the computed value), the
point it was computed for and the data set's date.

A fact that cannot be computed (no data set covers the point, the municipality has no regional
aid classification) is entered by hand, as before. A fact computed earlier that can no longer
be computed (the point left the data's coverage) is cleared rather than left looking computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from standortlotse.geo import infrastructure

DEFAULT_ROAD_FACTOR = 1.3
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class FactSpec:
    key: str
    fields: tuple[str, ...]
    label: object  # lazy text
    kind: str = ""  # the infrastructure kind, "" for the municipality's funding


FACTS: dict[str, FactSpec] = {
    spec.key: spec
    for spec in (
        FactSpec(
            "motorway", ("motorway_junction", "motorway_km"), _("motorway junction"), "junction"
        ),
        FactSpec("federal_road", ("federal_road_km",), _("federal road"), "federal_road"),
        FactSpec("station", ("station_km",), _("railway station"), "station"),
        FactSpec(
            "long_distance_station",
            ("long_distance_station_km",),
            _("long-distance station"),
            "station",
        ),
        FactSpec("rail_network", ("rail_network_km",), _("railway line"), "rail_line"),
        FactSpec("inland_port", ("inland_port_km",), _("inland port"), "port"),
        FactSpec("airport", ("airport_km",), _("airport"), "airport"),
        # What families ask: the shipped Altmark data has no Kitas and schools (no open data
        # set with checked positions was at hand), so these are entered until a data set
        # with features of these kinds is loaded (docs/location-facts.md).
        FactSpec("kita", ("kita_km",), _("day-care centre (Kita)"), "kita"),
        FactSpec("school", ("school_km",), _("primary school"), "school"),
        FactSpec("funding", ("funding_area", "funding_rate"), _("regional aid (GRW)")),
    )
}
FIELD_FACT = {name: spec.key for spec in FACTS.values() for name in spec.fields}
COMPUTED_FIELDS = tuple(FIELD_FACT)
# The fields a computation depends on: a save that writes none of them leaves the facts alone.
INPUT_FIELDS = {"lat", "lon", "municipality"}

FILTERS = {
    "motorway": lambda f: f.properties.get("status", "open") == "open",
    "long_distance_station": lambda f: f.properties.get("service") == "long_distance",
    "airport": lambda f: f.properties.get("scheduled") is True,
}


def km(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def tenth(value: float) -> float:
    """``float(km(value))`` for a distance (≥ 0) without the Decimal (half a million calls in an
    import of 10,000 rows): rounded half up to a tenth."""
    return math.floor(value * 10 + 0.5) / 10


def junction_label(name: str, refs) -> str:
    """ "AS Lüderitz (A14)", "Kreuz Magdeburg (A2/A14)": the motorway search finds the number."""
    prefix = "" if name.startswith(("Kreuz", "Dreieck", "AK ", "AD ")) else "AS "
    return f"{prefix}{name} ({'/'.join(refs)})" if refs else f"{prefix}{name}"


def compute(lat, lon, municipality=None, index=None) -> dict:
    """fact → what was computed for the point and municipality (JSON-ready): km, road_km (the
    straight line times the data set's road factor, an estimate), name, refs, verified; for
    "funding" area, rate (the highest), rates, category, map, valid_until. Facts that cannot be
    computed are absent."""
    results: dict[str, dict] = {}
    if lat is not None and lon is not None:
        index = index or infrastructure.current_index()
        covering = index.covering(lat, lon)
        # The point's nearest features: its batch's (``prime``), or computed now.
        primed = prime([(lat, lon)], index=index)[(float(lat), float(lon))] if covering else {}
        if "_items" in primed:
            # computed for this batch already (the check, then the record rule on write); the
            # items are shared, and nobody changes them (they become the record's JSON)
            results.update(primed["_items"])
        elif covering:
            factor = covering[0].road_factor or DEFAULT_ROAD_FACTOR
            for spec in FACTS.values():
                if not spec.kind:
                    continue
                found = primed.get(spec.key)
                if found is None:
                    continue
                feature = found.feature
                item = {
                    "km": tenth(found.km),
                    "road_km": tenth(found.km * factor),
                    "name": feature.name,
                    "refs": list(feature.refs),
                    "verified": bool(feature.properties.get("verified")),
                }
                if spec.key == "motorway":
                    item["label"] = junction_label(feature.name, feature.refs)
                results[spec.key] = item
            primed["_items"] = dict(results)
    funding = getattr(municipality, "funding", None) if municipality is not None else None
    if funding and isinstance(funding.get("rates"), dict):
        rates = {k: v for k, v in funding["rates"].items() if isinstance(v, int | float)}
        results["funding"] = {
            "area": bool(funding.get("area")),
            "rate": max(rates.values()) if rates and funding.get("area") else None,
            "rates": rates,
            "category": funding.get("category", ""),
            "map": funding.get("map", ""),
            "valid_from": funding.get("valid_from", ""),
            "valid_until": funding.get("valid_until", ""),
        }
    return results


# The nearest features of points computed ahead for a batch (``prime``): (index version, lat,
# lon) → fact → Nearest | None. Bounded; a loaded data set has another version.
_primed: dict[tuple, dict] = {}
PRIMED_MAX = 5_000


def prime(points, index=None) -> dict[tuple[float, float], dict]:
    """Compute the nearest features of many points at once (``infrastructure.nearest_many``),
    so that ``compute`` for each of them (an import batch: the check, then the record rule on
    write) reads them instead of computing them again; (lat, lon) → fact → Nearest | None, for
    the points given."""
    index = index or infrastructure.current_index()
    given = {(float(lat), float(lon)) for lat, lon in points if lat is not None and lon is not None}
    entries = {p: _primed[(index.version, *p)] for p in given if (index.version, *p) in _primed}
    wanted = sorted(given - set(entries))
    if not wanted:
        return entries
    if len(_primed) + len(wanted) > PRIMED_MAX:
        _primed.clear()
    found = {
        spec.key: infrastructure.nearest_many(index, spec.kind, wanted, FILTERS.get(spec.key))
        for spec in FACTS.values()
        if spec.kind
    }
    for n, point in enumerate(wanted):
        entries[point] = _primed[(index.version, *point)] = {
            key: values[n] for key, values in found.items()
        }
    return entries


def field_values(fact: str, result: dict | None) -> dict:
    """The model field values a computed fact sets (None / "" for a fact not computable)."""
    if result is None:
        return {name: "" if name == "motorway_junction" else None for name in FACTS[fact].fields}
    if fact == "funding":
        rate = result.get("rate")
        return {
            "funding_area": result["area"],
            "funding_rate": None if rate is None else Decimal(str(rate)).quantize(Decimal("0.01")),
        }
    values = {FACTS[fact].fields[-1]: km(result["km"])}
    if fact == "motorway":
        values["motorway_junction"] = result["label"]
    return values


def _same(current, value) -> bool:
    if isinstance(value, Decimal) and current is not None:
        return Decimal(str(current)) == value
    return current == value


def state(index=None, **point) -> dict:
    """The location_facts value for a point and municipality: None when nothing is computable."""
    results = compute(point["lat"], point["lon"], point.get("municipality"), index=index)
    if not results:
        return None
    index = index or infrastructure.current_index()
    covering = index.covering(point["lat"], point["lon"]) if point["lat"] is not None else []
    municipality = point.get("municipality")
    return {
        "point": [point["lat"], point["lon"]],
        "municipality": getattr(municipality, "pk", None),
        "datasets": [
            {"key": d.key, "name": d.name, "as_of": d.as_of.isoformat()} for d in covering
        ],
        "road_factor": (covering[0].road_factor if covering else None) or DEFAULT_ROAD_FACTOR,
        "computed": results,
    }


def apply(prop, index=None) -> set[str]:
    """The record rule: compute the facts for the record's point and municipality, set every
    computed fact that is not overridden, clear a fact computed earlier that is computable no
    longer; the names of the fields changed."""
    municipality = prop.municipality if prop.municipality_id else None
    new = state(index=index, lat=prop.lat, lon=prop.lon, municipality=municipality)
    old = prop.location_facts or {}
    overrides = prop.fact_overrides or {}
    changed: set[str] = set()
    if new != (prop.location_facts or None):
        prop.location_facts = new
        changed.add("location_facts")
    results = (new or {}).get("computed", {})
    for fact in FACTS:
        if fact in overrides:
            continue
        if fact in results:
            values = field_values(fact, results[fact])
        elif fact in (old.get("computed") or {}):
            values = field_values(fact, None)  # was computed, no longer computable: cleared
        else:
            continue  # entered by hand
        for name, value in values.items():
            if not _same(getattr(prop, name), value):
                setattr(prop, name, value)
                changed.add(name)
    return changed


# --- the editor's overrides -------------------------------------------------------------------


def differs(fact: str, values: dict, result: dict | None) -> bool:
    """Whether the given field values differ from the computed ones (an override)."""
    if result is None:
        return False
    return any(
        not _same(values.get(name), value) and values.get(name) not in (None, "")
        for name, value in field_values(fact, result).items()
    )


@dataclass(frozen=True)
class Provenance:
    """How a fact's value came about, for the page and the form."""

    state: str  # "computed", "overridden" or "entered"
    computed: dict | None  # what the computation gave (also for an overridden fact)
    reason: str = ""


def provenance(prop, fact: str) -> Provenance:
    results = ((prop.location_facts or {}).get("computed")) or {}
    computed = results.get(fact)
    reason = (prop.fact_overrides or {}).get(fact, "")
    if reason:
        return Provenance("overridden", computed, reason)
    if computed is not None:
        return Provenance("computed", computed)
    return Provenance("entered", None)


def recompute_all(reason: str = "location facts recomputed", batch: int = 500) -> int:
    """Apply the record rule to every record (after a data set or the municipalities were
    loaded): the records changed, each with a history entry."""
    from simple_history.utils import bulk_update_with_history

    from standortlotse.properties.models import Property

    index = infrastructure.current_index()
    changed, fields = [], set()
    for prop in Property.objects.select_related("municipality").iterator(chunk_size=2000):
        names = apply(prop, index=index)
        if names:
            changed.append(prop)
            fields |= names
    if changed:
        bulk_update_with_history(
            changed,
            Property,
            sorted(fields),
            batch_size=batch,
            default_change_reason=reason[:100],
        )
    return len(changed)


# --- how a fact is described (the public page, the editor form) --------------------------------


def _km_text(value) -> str:
    from django.utils.formats import number_format

    return f"{number_format(Decimal(str(value)), decimal_pos=1, use_l10n=True)} km"


def _rate_text(value) -> str:
    from django.utils.formats import number_format

    return f"{number_format(Decimal(str(value)), decimal_pos=0, use_l10n=True)} %"


def target_text(fact: str, computed: dict) -> str:
    """What a computed fact points to: "AS Lüderitz (A14)", "Stendal Hbf", "B 189"."""
    if fact == "motorway":
        return computed.get("label") or computed.get("name", "")
    return computed.get("name", "")


def computed_text(fact: str, computed: dict) -> str:
    """The computed value in words: "4.3 km (AS Lüderitz (A14))", "yes, up to 35 %"."""
    from django.utils.translation import gettext

    if fact == "funding":
        if not computed.get("area"):
            return gettext("no GRW funding area")
        rate = computed.get("rate")
        return (
            gettext("GRW funding area, up to %(rate)s") % {"rate": _rate_text(rate)}
            if rate is not None
            else gettext("GRW funding area")
        )
    return f"{_km_text(computed['km'])}, {target_text(fact, computed)}"


def map_text(computed: dict) -> str:
    """The regional aid map in the page's language, "regional aid map 2022–2027" (the data's own
    name of the map is German and long: it stays in the data and the editor's note)."""
    from django.utils.translation import gettext

    years = "–".join(
        str(computed.get(key, ""))[:4] for key in ("valid_from", "valid_until") if computed.get(key)
    )
    return (
        gettext("regional aid map %(years)s") % {"years": years}
        if years
        else gettext("regional aid map")
    )


def public_note(fact: str, prov: Provenance) -> str:
    """The public page's note on where a value comes from."""
    from django.utils.translation import gettext

    if prov.state == "computed":
        if fact == "funding":
            rates = prov.computed.get("rates") or {}
            if prov.computed.get("area") and {"small", "medium", "large"} <= set(rates):
                return gettext(
                    "computed from the municipality (%(map)s): up to %(small)s for small, "
                    "%(medium)s for medium-sized, %(large)s for large enterprises"
                ) % {
                    "map": map_text(prov.computed),
                    "small": _rate_text(rates["small"]),
                    "medium": _rate_text(rates["medium"]),
                    "large": _rate_text(rates["large"]),
                }
            return gettext("computed from the municipality (%(map)s)") % {
                "map": map_text(prov.computed)
            }
        return gettext("computed: straight line; by road about %(road)s (estimate)") % {
            "road": _km_text(prov.computed["road_km"])
        }
    if prov.state == "overridden":
        if prov.computed is not None:
            return gettext("entered by the editors (computed: %(value)s)") % {
                "value": computed_text(fact, prov.computed)
            }
        return gettext("entered by the editors")
    return gettext("entered")


def editor_note(fact: str, prov: Provenance) -> str:
    """The editor form's note under a computed fact ("" when nothing was computed)."""
    from django.utils.translation import gettext

    if prov.computed is None:
        if prov.state == "overridden":
            return gettext("Entered (reason: %(reason)s); not computable for this point.") % {
                "reason": prov.reason
            }
        return ""
    value = computed_text(fact, prov.computed)
    if fact != "funding":
        value = gettext("%(km)s straight line to %(target)s, about %(road)s by road (estimate)") % {
            "km": _km_text(prov.computed["km"]),
            "target": target_text(fact, prov.computed),
            "road": _km_text(prov.computed["road_km"]),
        }
    if prov.state == "overridden":
        return gettext("Entered instead of the computed value (%(value)s). Reason: %(reason)s") % {
            "value": value,
            "reason": prov.reason,
        }
    if fact == "funding":
        return gettext(
            "Computed from the municipality: %(value)s (%(map)s). To enter another value, give "
            "the reason below."
        ) % {"value": value, "map": map_text(prov.computed)}
    return gettext(
        "Computed from the point: %(value)s. It follows the point; to enter another value, give "
        "the reason below."
    ) % {"value": value}


# --- the postcode check against the municipality ---------------------------------------------

POSTCODE_ELSEWHERE = _(
    "The postcode %(code)s does not belong to %(name)s (its postcodes: %(codes)s). Please check "
    "the address."
)


def postcode_warning(postcode: str, municipality) -> str:
    """The warning for an address whose postcode is not the municipality's ("" when it is, or
    when the municipality's postcodes are unknown)."""
    code = (postcode or "").strip()
    codes = list(getattr(municipality, "postcodes", None) or [])
    if not code or not codes or code in codes:
        return ""
    return str(POSTCODE_ELSEWHERE) % {
        "code": code,
        "name": municipality.name,
        "codes": ", ".join(codes),
    }


# --- the editor form's live preview (the point moved, nothing saved yet) ---------------------


def preview(prop, lat, lon, municipality, reasons: dict) -> None:
    """Set on ``prop`` (never saved) what a save with this point, municipality and these
    reasons for other values (fact → reason) would compute: the record rule ``apply`` as on
    every write, so the preview and the saved record cannot differ."""
    prop.lat, prop.lon = lat, lon
    if municipality is None:
        prop.municipality_id = None
    else:
        prop.municipality = municipality
    prop.fact_overrides = {key: reason for key, reason in reasons.items() if reason}
    apply(prop)


@dataclass(frozen=True)
class PanelRow:
    """One line of the editor's summary of the location facts (beside the map)."""

    key: str
    label: str
    state: str  # "computed", "overridden" or "entered"
    value: str
    note: str


def panel(prop, available) -> list[PanelRow]:
    """The location facts of ``prop`` as the editor form's summary shows them: each fact that
    is computed, overridden, or computable in this installation (``available``: fact keys)."""
    from django.utils.translation import gettext

    rows = []
    for spec in FACTS.values():
        prov = provenance(prop, spec.key)
        if prov.state == "entered" and spec.key not in available:
            continue
        if prov.state == "computed":
            value = computed_text(spec.key, prov.computed)
            note = (
                map_text(prov.computed)
                if spec.key == "funding"
                else gettext("by road about %(road)s (estimate)")
                % {"road": _km_text(prov.computed["road_km"])}
            )
        elif prov.state == "overridden":
            value = gettext("entered instead, reason: %(reason)s") % {"reason": prov.reason}
            note = (
                gettext("computed: %(value)s") % {"value": computed_text(spec.key, prov.computed)}
                if prov.computed is not None
                else gettext("not computable here")
            )
        elif spec.key == "funding" and not prop.municipality_id:
            value, note = gettext("choose the municipality"), ""
        elif prop.lat is None or prop.lon is None:  # nothing to compute from yet
            value, note = gettext("computed once the point is set"), ""
        else:
            value, note = gettext("not computable here: enter it by hand"), ""
        rows.append(PanelRow(spec.key, str(spec.label), prov.state, value, note))
    return rows
