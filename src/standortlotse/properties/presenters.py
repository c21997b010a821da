"""How a property is shown: the key facts table, units, and schema.org JSON-LD."""

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.core.schema import geo, postal_address
from standortlotse.core.units import hectares
from standortlotse.properties import facts, glossary, readiness
from standortlotse.properties.models import Availability, Property


def format_area(m2: int | None) -> str:
    """12 500 m² → '12.500 m² (1,25 ha)'; areas from one hectare also show hectares."""
    if m2 is None:
        return ""
    text = f"{intcomma(m2)} m²"
    if m2 >= 10_000:
        text += f" ({hectares(m2, 2)})"  # rounded half up, not cut (core/units.py)
    return text


def _yes_no(value):
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _num(value, unit, decimals=None, grouped=False):
    if value is None:
        return ""
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=grouped)
    return f"{text} {unit}".strip()


def _euros(value) -> str:
    """A whole amount with thousands: "139.000 €"."""
    return _num(value, "€", 0, grouped=True)


def price_text(prop: Property) -> str:
    if prop.price_on_request:
        return _("on request")
    if prop.price_per_m2 is None:
        return ""
    return _num(prop.price_per_m2, "€/m²", 2)


def housing_price_text(prop: Property) -> str:
    """What a family pays: "185.000 €", "650 € per month", else the price per m²."""
    if prop.price_on_request:
        return _("on request")
    if prop.purchase_price is not None:
        return _euros(prop.purchase_price)
    if prop.monthly_rent is not None:
        return _("%(amount)s per month") % {"amount": _euros(prop.monthly_rent)}
    return price_text(prop)


def availability_text(prop: Property) -> str:
    if prop.availability == Availability.FROM_DATE and prop.available_from:
        return _("from %(date)s") % {"date": date_format(prop.available_from)}
    return prop.get_availability_display()


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    terms: tuple = ()
    # where the value comes from: "computed: straight line; …", "entered" (location facts)
    note: str = ""


# The fact row that carries a location fact's note (properties.facts).
NOTED_FIELDS = {
    spec.fields[-1] if spec.key != "funding" else "funding_area": spec.key
    for spec in facts.FACTS.values()
}


def _distance(prop: Property, field: str, fact: str) -> str:
    """A distance with what it leads to, "4,3 km, Stendal Hbf" (the target's name when the
    distance was computed)."""
    text = _num(getattr(prop, field), "km", 1)
    prov = facts.provenance(prop, fact)
    if text and prov.state == "computed":
        return f"{text}, {facts.target_text(fact, prov.computed)}"
    return text


# The groups of the detail page, in reading order; "contact" comes from the contact rule
# (inquiries.routing.property_contact) and is rendered by the page itself.
GROUPS = (
    ("site", gettext_lazy("Site and offer")),
    ("home", gettext_lazy("Living here")),
    ("planning", gettext_lazy("Planning law")),
    ("access", gettext_lazy("Transport access")),
    ("utilities", gettext_lazy("Utilities")),
    ("funding", gettext_lazy("Funding")),
)


def _grouped_facts(prop: Property) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(group key, [(fact key, label, value)]) for everything known, empty values included."""
    f = Property._meta.get_field

    def field(name, value):
        return (name, f(name).verbose_name, value)

    motorway = _num(prop.motorway_km, "km", 1)
    if motorway and prop.motorway_junction:
        motorway = f"{motorway}, {prop.motorway_junction}"
    electricity = " / ".join(
        x for x in (_num(prop.electricity_kv, "kV"), _num(prop.electricity_mw, "MW", 2)) if x
    )
    ratios = " / ".join(
        f"{label} {number_format(value, decimal_pos=2)}"
        for label, value in (("GRZ", prop.grz), ("GFZ", prop.gfz), ("BMZ", prop.bmz))
        if value is not None
    )
    address = ", ".join(x for x in (prop.street, f"{prop.postcode} {prop.locality}".strip()) if x)
    housing = prop.is_housing
    return [
        (
            "site",
            [
                ("kind", _("Kind"), prop.get_kind_display()),
                (
                    "municipality",
                    _("Municipality"),
                    f"{prop.municipality.name} ({prop.municipality.district.name})",
                ),
                ("address", _("Address"), address),
                (
                    ("area_total_m2", _("plot size"), format_area(prop.area_total_m2))
                    if housing
                    else field("area_total_m2", format_area(prop.area_total_m2))
                ),
                field("area_available_m2", format_area(prop.area_available_m2)),
                field("divisible", _yes_no(prop.divisible)),
                field("smallest_plot_m2", format_area(prop.smallest_plot_m2)),
                field(
                    "marketing_type",
                    prop.get_marketing_type_display() if prop.marketing_type else "",
                ),
                field("price_per_m2", price_text(prop)),
                field("availability", availability_text(prop)),
                field("owner_type", prop.get_owner_type_display() if prop.owner_type else ""),
            ],
        ),
        (
            "home",
            [
                field("living_area_m2", format_area(prop.living_area_m2)),
                field("purchase_price", _euros(prop.purchase_price)),
                (
                    "monthly_rent",
                    _("monthly rent"),
                    _("%(amount)s per month") % {"amount": _euros(prop.monthly_rent)}
                    if prop.monthly_rent is not None
                    else "",
                ),
                field("kita_km", _distance(prop, "kita_km", "kita")),
                field("school_km", _distance(prop, "school_km", "school")),
            ],
        ),
        (
            "planning",
            [
                field("zonings", prop.zonings_display()),
                field(
                    "planning_status",
                    prop.get_planning_status_display() if prop.planning_status else "",
                ),
                ("ratios", _("GRZ / GFZ / BMZ"), ratios),
                field("max_building_height_m", _num(prop.max_building_height_m, "m", 1)),
                field("operation_24_7", _yes_no(prop.operation_24_7)),
                field("noise_limits", prop.noise_limits),
            ],
        ),
        (
            "access",
            [
                field("motorway_km", motorway),
                field("federal_road_km", _distance(prop, "federal_road_km", "federal_road")),
                field("rail_siding", prop.get_rail_siding_display() if prop.rail_siding else ""),
                field("station_km", _distance(prop, "station_km", "station")),
                field(
                    "long_distance_station_km",
                    _distance(prop, "long_distance_station_km", "long_distance_station"),
                ),
                field("rail_network_km", _distance(prop, "rail_network_km", "rail_network")),
                field("inland_port_km", _distance(prop, "inland_port_km", "inland_port")),
                field("airport_km", _distance(prop, "airport_km", "airport")),
            ],
        ),
        (
            "utilities",
            [
                ("electricity", _("Electricity"), electricity),
                field("gas", _yes_no(prop.gas)),
                field("hydrogen", _yes_no(prop.hydrogen)),
                field("water", _yes_no(prop.water)),
                field("waste_water", _yes_no(prop.waste_water)),
                field("broadband_mbits", _num(prop.broadband_mbits, "Mbit/s")),
                field("mobile_coverage", prop.mobile_coverage),
            ],
        ),
        (
            "funding",
            [
                field("funding_area", _yes_no(prop.funding_area)),
                field("funding_rate", _num(prop.funding_rate, "%", 0)),
            ],
        ),
        ("readiness", _readiness_rows(prop)),
        (
            "verified",
            [
                field("verified_on", date_format(prop.verified_on) if prop.verified_on else ""),
            ],
        ),
    ]


def _readiness_rows(prop: Property) -> list[tuple[str, str, str]]:
    """The checklist as fact rows for the exposé and the comparison: the level, then each item
    with its status, figures and note ("clear · available capacity 630 kVA · …"). Nothing when
    no item is known (the detail page has its own section: ``readiness_section``)."""
    if not readiness.is_filled(prop):
        return []
    rows = [("readiness_level", _("Site readiness"), str(prop.get_readiness_level_display()))]
    for item in readiness.ITEMS:
        parts = [str(readiness.ItemStatus(getattr(prop, item.status_field)).label)]
        for name in item.extra:
            if text := _readiness_value(prop, name):
                parts.append(f"{Property._meta.get_field(name).verbose_name}: {text}")
        if note := getattr(prop, item.note_field):
            parts.append(note)
        rows.append((item.status_field, capfirst(str(item.label)), " · ".join(parts)))
    return rows


# Facts of the commercial register that say nothing to a family (a siding, the port, the
# regional aid for businesses): left out of a house's or building plot's page.
COMMERCIAL_ONLY = {"rail_siding", "rail_network_km", "inland_port_km", "funding_area",
                   "funding_rate", "electricity", "hydrogen", "operation_24_7", "noise_limits"}  # fmt: skip


def _shown_rows(prop: Property):
    for group, rows in _grouped_facts(prop):
        if prop.is_housing:
            rows = [row for row in rows if row[0] not in COMMERCIAL_ONLY]
        yield group, rows


def fact_groups(prop: Property) -> list[dict]:
    """The detail page's fact groups: key, heading and the known facts (with the planning
    terms their values use, see ``glossary``); groups without a known fact are left out."""
    headings = dict(GROUPS)
    result = []
    for key, rows in _shown_rows(prop):
        if key not in headings:
            continue
        shown = [
            Fact(
                name,
                str(label),
                value,
                tuple(glossary.terms_for_fact(prop, name)),
                facts.public_note(NOTED_FIELDS[name], facts.provenance(prop, NOTED_FIELDS[name]))
                if name in NOTED_FIELDS
                else "",
            )
            for name, label, value in rows
            if value
        ]
        if shown:
            result.append({"key": key, "heading": headings[key], "facts": shown})
    return result


def fact_rows(prop: Property) -> list[tuple[str, str]]:
    """Label/value pairs for everything known about the property, in reading order."""
    return [
        (str(label), value)
        for _group, rows in _shown_rows(prop)
        for _key, label, value in rows
        if value
    ]


# How the comparison finds the best value of a row: the model field and whether more is better.
BEST = {
    "area_total_m2": ("area_total_m2", max),
    "area_available_m2": ("area_available_m2", max),
    "price_per_m2": ("price_per_m2", min),
    "motorway_km": ("motorway_km", min),
    "federal_road_km": ("federal_road_km", min),
    "inland_port_km": ("inland_port_km", min),
    "airport_km": ("airport_km", min),
    "station_km": ("station_km", min),
    "long_distance_station_km": ("long_distance_station_km", min),
    "rail_network_km": ("rail_network_km", min),
    "broadband_mbits": ("broadband_mbits", max),
    "funding_rate": ("funding_rate", max),
    "max_building_height_m": ("max_building_height_m", max),
}


def _comparable(prop: Property, field: str):
    if field == "price_per_m2" and prop.price_on_request:
        return None
    return getattr(prop, field)


def best_indexes(props: list[Property], key: str) -> set[int]:
    """The columns holding the best value of a row (all of them on a tie); none when the row has
    no rule, fewer than two properties have a value, or all values are equal."""
    if key not in BEST:
        return set()
    field, pick = BEST[key]
    values = [_comparable(p, field) for p in props]
    known = [v for v in values if v is not None]
    if len(known) < 2 or len(set(known)) == 1:
        return set()
    best = pick(known)
    return {i for i, v in enumerate(values) if v == best}


def compare_table(props: list[Property]) -> list[dict]:
    """The facts of several properties side by side: label, one cell per property (text, best)
    and the rule of the row ("max"/"min" or "")."""
    tables = []
    for prop in props:
        tables.append(
            {
                key: (str(label), value)
                for _group, rows in _grouped_facts(prop)
                for key, label, value in rows
                if value
            }
        )
    keys: list[str] = []
    for table in tables:
        for key in table:
            if key not in keys:
                keys.append(key)
    rows = []
    for key in keys:
        label = next(t[key][0] for t in tables if key in t)
        best = best_indexes(props, key)
        rule = ""
        if key in BEST:
            rule = "max" if BEST[key][1] is max else "min"
        cells = [
            {"text": t[key][1] if key in t else "–", "best": i in best}
            for i, t in enumerate(tables)
        ]
        rows.append({"key": key, "label": label, "cells": cells, "rule": rule})
    return rows


def compare_rows(props: list[Property]) -> list[tuple[str, list[str]]]:
    """The facts of several properties side by side: (label, [value per property])."""
    return [(row["label"], [c["text"] for c in row["cells"]]) for row in compare_table(props)]


def json_ld(prop: Property, request) -> dict:
    """schema.org RealEstateListing about a Place, with an Offer when it is marketed."""
    url = request.build_absolute_uri(prop.get_absolute_url())
    place = {
        "@type": "Place",
        "name": prop.title,
        "geo": geo(prop.lat, prop.lon),
        "address": postal_address(
            prop.street,
            prop.postcode,
            prop.locality or prop.municipality.name,
            prop.municipality.district.name,
        ),
    }
    if prop.area_available_m2:
        place["additionalProperty"] = [
            {
                "@type": "PropertyValue",
                "name": "available area",
                "value": prop.area_available_m2,
                "unitCode": "MTK",
            }
        ]
    data = {
        "@context": "https://schema.org",
        "@type": "RealEstateListing",
        "@id": url,
        "url": url,
        "name": prop.title,
        "description": prop.description_de or prop.description_en,
        "dateModified": prop.updated_at.isoformat(),
        "about": place,
    }
    if prop.published_at:
        data["datePosted"] = prop.published_at.isoformat()
    photos = [request.build_absolute_uri(p.image.url) for p in prop.photos.all()]
    if photos:
        data["image"] = photos
    if prop.marketing_type:
        offer = {
            "@type": "Offer",
            "url": url,
            "businessFunction": (
                "http://purl.org/goodrelations/v1#Sell"
                if prop.marketing_type == "sale"
                else "http://purl.org/goodrelations/v1#LeaseOut"
            ),
        }
        if prop.purchase_price is not None:
            offer["priceSpecification"] = {
                "@type": "PriceSpecification",
                "price": str(prop.purchase_price),
                "priceCurrency": "EUR",
            }
        elif prop.monthly_rent is not None:
            offer["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "price": str(prop.monthly_rent),
                "priceCurrency": "EUR",
                "unitCode": "MON",
            }
        elif prop.price_per_m2 is not None:
            offer["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "price": str(prop.price_per_m2),
                "priceCurrency": "EUR",
                "unitCode": "MTK",
            }
        data["offers"] = offer
    return data


def family_facts(prop: Property) -> list[tuple[str, str]]:
    """The facts families ask first, for the cards of the Wohnen overview: (label, value) of
    what is known (plot size, living area, price, Kita, school, station, availability)."""
    f = Property._meta.get_field
    rows = [
        (
            _("plot size") if prop.is_housing else f("area_total_m2").verbose_name,
            format_area(prop.area_total_m2),
        ),
        (f("living_area_m2").verbose_name, format_area(prop.living_area_m2)),
        (_("price"), housing_price_text(prop)),
        (_("Kita"), _num(prop.kita_km, "km", 1)),
        (_("school"), _num(prop.school_km, "km", 1)),
        (_("station"), _distance(prop, "station_km", "station")),
        (f("availability").verbose_name, availability_text(prop)),
    ]
    return [(str(label), value) for label, value in rows if value]


def _readiness_value(prop: Property, name: str) -> str:
    value = getattr(prop, name)
    if value in (None, ""):
        return ""
    if name in ("readiness_grid_kva", "readiness_grid_upgrade_kva"):
        return readiness.format_kva(value)
    if name in ("readiness_water_m3_day", "readiness_waste_water_m3_day"):
        return _num(value, _("m³/day"), 0, grouped=True)
    if name == "readiness_grid_upgrade_date":
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _yes_no(value)
    return str(value)


def readiness_section(prop: Property) -> dict | None:
    """The public "Baureife" section: the level and each item with its status, note, figures
    and documents; None when nothing of the checklist is known (no empty heading)."""
    if not readiness.is_filled(prop):
        return None
    documents = list(prop.documents.all())
    items = []
    for item in readiness.ITEMS:
        status = getattr(prop, item.status_field)
        values = []
        for name in item.extra:
            text = _readiness_value(prop, name)
            if text:
                label = Property._meta.get_field(name).verbose_name
                values.append((str(label), text))
        items.append(
            {
                "key": item.key,
                "label": str(item.label),
                "status": status,
                "status_label": str(readiness.ItemStatus(status).label),
                "note": getattr(prop, item.note_field),
                "values": values,
                "documents": [d for d in documents if d.readiness_item == item.key],
            }
        )
    return {
        "level": prop.readiness_level,
        "level_label": str(prop.get_readiness_level_display()),
        "items": items,
    }
