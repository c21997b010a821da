"""Reading location profiles: the latest figure of each kind, the population trend, sums for a
district or region, the nearest infrastructure, travel times and what the register offers there
(through the selectors of the apps that own those records)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from standortlotse.geo import infrastructure
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.guides import services as guides
from standortlotse.guides.models import Topic
from standortlotse.inquiries import routing
from standortlotse.places import selectors as places
from standortlotse.profiles import travel
from standortlotse.profiles.models import ADDITIVE, COUNTS, Figure, Key
from standortlotse.properties import selectors as properties
from standortlotse.properties.facts import FILTERS, junction_label

MAX_COMPARE = 4
LIST_LIMIT = 8

# The order of the figures on the page and in the PDF, in groups.
GROUPS = (
    (_("Population"), (Key.POPULATION, Key.POPULATION_CHANGE_5Y, Key.AREA)),
    (_("Age structure"), (Key.AGE_UNDER_18, Key.AGE_18_64, Key.AGE_65_PLUS)),
    (
        _("Work and commuting"),
        (
            Key.EMPLOYEES_WORKPLACE,
            Key.EMPLOYEES_RESIDENCE,
            Key.COMMUTERS_IN,
            Key.COMMUTERS_OUT,
            Key.UNEMPLOYMENT_RATE,
        ),
    ),
    (_("Taxes and broadband"), (Key.TRADE_TAX_RATE, Key.LAND_TAX_B_RATE, Key.BROADBAND_1000)),
)
ORDER = [key for _label, keys in GROUPS for key in keys]


def value_text(key: str, value: Decimal) -> str:
    """ "12.345", "−3,2 %", "123,45 km²", "380 %" in the language of the page."""
    if key in COUNTS:
        return number_format(value, decimal_pos=0, force_grouping=True)
    if key == Key.AREA:
        return f"{number_format(value, decimal_pos=2, force_grouping=True)}\u00a0km²"
    if key in (Key.TRADE_TAX_RATE, Key.LAND_TAX_B_RATE):
        return f"{number_format(value, decimal_pos=0, force_grouping=True)}\u00a0%"
    text = number_format(value, decimal_pos=1)
    if key == Key.POPULATION_CHANGE_5Y and value > 0:
        text = f"+{text}"
    return f"{text.replace('-', '−')}\u00a0%"


@dataclass
class Shown:
    """One figure as a page shows it."""

    key: str
    label: str
    value: Decimal
    text: str
    as_of: date
    source: str
    source_url: str = ""
    is_demo: bool = False
    summed: int = 0  # >0: the sum over this many municipalities (a district's or region's)

    @property
    def as_of_text(self) -> str:
        return date_format(self.as_of, "SHORT_DATE_FORMAT")


def source_text(figure: Figure) -> str:
    """The source as shown: a demo value's stored marker (DEMO_SOURCE, German) in the reader's
    language; official sources are names of offices and tables, shown as recorded."""
    return str(_("Demo value (not an official figure)")) if figure.is_demo else figure.source


def _shown(figure: Figure) -> Shown:
    return Shown(
        key=figure.key,
        label=capfirst(Key(figure.key).label),
        value=figure.value,
        text=value_text(figure.key, figure.value),
        as_of=figure.as_of,
        source=source_text(figure),
        source_url=figure.source_url,
        is_demo=figure.is_demo,
    )


def _rank(figure: Figure) -> tuple:
    # an official figure wins over any demo value, then the newest
    return (not figure.is_demo, figure.as_of)


def latest(figures) -> dict[str, Shown]:
    """key → the newest official figure of that key (a demo value only where none is)."""
    found: dict[str, Figure] = {}
    for figure in figures:
        kept = found.get(figure.key)
        if kept is None or _rank(figure) > _rank(kept):
            found[figure.key] = figure
    return {key: _shown(f) for key, f in found.items()}


def groups(shown: dict[str, Shown]) -> list[tuple[str, list[Shown]]]:
    return [
        (str(label), [shown[key] for key in keys if key in shown])
        for label, keys in GROUPS
        if any(key in shown for key in keys)
    ]


def trend(figures) -> list[dict]:
    """The population by date, oldest first, with the bar's share of the largest (for CSS)."""
    rows = sorted((f for f in figures if f.key == Key.POPULATION), key=lambda f: f.as_of)
    if any(not f.is_demo for f in rows):
        rows = [f for f in rows if not f.is_demo]  # no demo years beside official ones
    if not rows:
        return []
    top = max(f.value for f in rows) or Decimal(1)
    return [
        {
            "year": f.as_of.year,
            "as_of": f.as_of,
            "text": value_text(Key.POPULATION, f.value),
            "percent": int(round(f.value / top * 100)),
            "is_demo": f.is_demo,
        }
        for f in rows
    ]


def summed(municipalities: list[Municipality]) -> dict[str, Shown]:
    """Sums of the counts and areas over the municipalities, for a key only when every one of
    them has a figure of the same date (the newest such date)."""
    if not municipalities:
        return {}
    by_key: dict[tuple[str, date], dict[int, Figure]] = defaultdict(dict)
    for figure in Figure.objects.filter(municipality__in=municipalities, key__in=ADDITIVE):
        by_key[(figure.key, figure.as_of)][figure.municipality_id] = figure
    wanted = len(municipalities)
    result: dict[str, Shown] = {}
    for (key, as_of), figures in sorted(by_key.items(), key=lambda item: item[0][1]):
        if len(figures) < wanted:
            continue
        total = sum((f.value for f in figures.values()), Decimal(0))
        sources = sorted({source_text(f) for f in figures.values()})
        result[key] = Shown(
            key=key,
            label=capfirst(Key(key).label),
            value=total,
            text=value_text(key, total),
            as_of=as_of,
            source="; ".join(sources),
            is_demo=any(f.is_demo for f in figures.values()),
            summed=wanted,
        )
    return result


def summed_trend(municipalities: list[Municipality]) -> list[dict]:
    """The population trend of a district or region: years for which all have a figure."""
    wanted = len(municipalities)
    by_date: dict[date, list[Figure]] = defaultdict(list)
    for figure in Figure.objects.filter(municipality__in=municipalities, key=Key.POPULATION):
        by_date[figure.as_of].append(figure)
    rows = [
        Figure(
            key=Key.POPULATION,
            as_of=when,
            value=sum(f.value for f in fs),
            is_demo=any(f.is_demo for f in fs),
        )
        for when, fs in by_date.items()
        if len(fs) == wanted and wanted
    ]
    return trend(rows)


# --- infrastructure and travel ---------------------------------------------------------------

NEAREST = (
    ("motorway", "junction", _("Motorway junction")),
    ("station", "station", _("Railway station")),
    ("airport", "airport", _("Airport")),
)


def nearest(lat: float, lon: float) -> list[dict]:
    """The nearest motorway junction (open), railway station and airport with scheduled
    flights from the point (straight line, geo.infrastructure's reference data)."""
    index = infrastructure.current_index()
    result = []
    for fact, kind, label in NEAREST:
        found = infrastructure.nearest(index, kind, lat, lon, FILTERS.get(fact))
        if found is None:
            continue
        feature = found.feature
        name = junction_label(feature.name, feature.refs) if fact == "motorway" else feature.name
        result.append({"key": fact, "label": str(label), "name": name, "km": round(found.km, 1)})
    return result


# --- what the register offers there ----------------------------------------------------------


@dataclass
class Offer:
    properties: list = field(default_factory=list)
    property_count: int = 0
    places: list = field(default_factory=list)
    guides: list = field(default_factory=list)
    events: list = field(default_factory=list)


def offer(municipalities: QuerySet | list, region: Region | None, municipality=None) -> Offer:
    props = properties.published_properties().filter(municipality__in=municipalities)
    found = places.published_places().filter(municipality__in=municipalities)
    return Offer(
        properties=list(props.order_by("-published_at", "-pk")[:LIST_LIMIT]),
        property_count=props.count(),
        places=list(found[:LIST_LIMIT]),
        guides=list(guides.published_guides(region)[:LIST_LIMIT]) if region else [],
        events=list(
            guides.upcoming_events(region=region, municipality=municipality, limit=LIST_LIMIT)
        )
        if region
        else [],
    )


def investor_contact(municipality: Municipality):
    """Who an investment inquiry about the municipality reaches (the one routing rule)."""
    return routing.municipality_contact(municipality, topic=Topic.INVESTMENT)


# --- the profiles ----------------------------------------------------------------------------


def municipality_profile(municipality: Municipality) -> dict:
    figures = list(municipality.figures.all())
    shown = latest(figures)
    region = municipality.region
    return {
        "kind": "municipality",
        "place": municipality,
        "name": municipality.name,
        "region": region,
        "figures": shown,
        "groups": groups(shown),
        "has_demo": any(s.is_demo for s in shown.values()),
        "trend": trend(figures),
        "nearest": nearest(municipality.lat, municipality.lon),
        "travel": travel.estimates(municipality.lat, municipality.lon),
        "offer": offer([municipality], region, municipality),
        "contact": investor_contact(municipality),
    }


def _centre(municipalities: list[Municipality]) -> tuple[float, float] | None:
    if not municipalities:
        return None
    return (
        sum(m.lat for m in municipalities) / len(municipalities),
        sum(m.lon for m in municipalities) / len(municipalities),
    )


def district_profile(district: District) -> dict:
    municipalities = list(district.municipalities.all())
    shown = summed(municipalities)
    shown.update(latest(district.figures.all()))  # the district's own figures come first
    return _area_profile("district", district, district.region, municipalities, shown)


def region_profile(region: Region) -> dict:
    municipalities = list(region.municipalities().select_related("district"))
    return _area_profile(
        "region",
        region,
        region,
        municipalities,
        summed(municipalities),
        districts=list(region.districts.all()),
    )


def _area_profile(kind, place, region, municipalities, shown, **extra) -> dict:
    """A district's or region's profile: its figures summed over its municipalities (``shown``),
    the trend, travel times from their centre, what they offer."""
    centre = _centre(municipalities)
    return {
        "kind": kind,
        "place": place,
        "name": place.name,
        "region": region,
        "figures": shown,
        "groups": groups(shown),
        "has_demo": any(s.is_demo for s in shown.values()),
        "trend": summed_trend(municipalities),
        "travel": travel.estimates(*centre) if centre else [],
        "municipalities": municipalities,
        "offer": offer(municipalities, region),
        **extra,
    }


def index() -> list[tuple[District, list[Municipality]]]:
    """Every district that has municipalities, with them, in name order."""
    by_district: dict[int, list[Municipality]] = defaultdict(list)
    for municipality in Municipality.objects.order_by("name"):
        by_district[municipality.district_id].append(municipality)
    districts = District.objects.filter(pk__in=by_district).defer("outline").order_by("name")
    return [(d, by_district[d.pk]) for d in districts]


def compare(ags_list: list[str]) -> list[dict]:
    """The profiles of up to ``MAX_COMPARE`` municipalities, in the order given."""
    wanted = []
    for ags in ags_list:
        if ags not in wanted:
            wanted.append(ags)
    wanted = wanted[:MAX_COMPARE]
    found = {
        m.ags: m for m in Municipality.objects.filter(ags__in=wanted).select_related("district")
    }
    result = []
    for ags in wanted:
        if ags in found:
            municipality = found[ags]
            figures = list(municipality.figures.all())
            result.append(
                {
                    "place": municipality,
                    "figures": latest(figures),
                    "nearest": {n["key"]: n for n in nearest(municipality.lat, municipality.lon)},
                    "travel": travel.estimates(municipality.lat, municipality.lon),
                }
            )
    return result


def compare_rows(profiles: list[dict]) -> list[dict]:
    rows = []
    for key in ORDER:
        cells = [p["figures"].get(key) for p in profiles]
        if any(cells):
            rows.append({"key": key, "label": capfirst(Key(key).label), "cells": cells})
    return rows
