"""The public property search as people use it: typed words read as filters, words that match
nothing dropped (and said so), and for an empty result the nearest matches with what they miss.

The filters themselves are applied in one place, ``selectors.search``; this module decides which
criteria to ask it for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Max, Min
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standortlotse.properties import selectors
from standortlotse.properties.query import Interpretation, area_label, interpret
from standortlotse.properties.query import municipality_lookup as build_lookup
from standortlotse.properties.selectors import SearchCriteria

_PLACES_KEY = "propertysearch:municipalities:v1"
MAX_SUGGESTIONS = 4
MOTORWAY_STEP_KM = 5


def municipality_lookup() -> dict:
    """Folded municipality names → (id, name), cached ten minutes."""
    from standortlotse.geo.models import Municipality

    lookup = cache.get(_PLACES_KEY)
    if lookup is None:
        lookup = build_lookup(Municipality.objects.values_list("pk", "name"))
        cache.set(_PLACES_KEY, lookup, 600)
    return lookup


def _empty(value) -> bool:
    return value in (None, "", [])


def apply_interpretation(criteria: SearchCriteria) -> tuple[SearchCriteria, Interpretation]:
    """The criteria with the text's recognised words as filters (a filter set in the form wins)
    and only the remaining words as full text."""
    meaning = interpret(criteria.q, municipality_lookup())
    extra = {k: v for k, v in meaning.filters.items() if _empty(getattr(criteria, k, None))}
    return replace(criteria, q=meaning.text, **extra), meaning


@dataclass
class Suggestion:
    text: str
    count: int
    criteria: SearchCriteria

    @property
    def query(self) -> str:
        return criteria_params(self.criteria).urlencode()


@dataclass
class Outcome:
    criteria: SearchCriteria  # what the results were found with
    meaning: Interpretation
    results: object  # QuerySet
    dropped: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


def find(criteria: SearchCriteria) -> Outcome:
    applied, meaning = apply_interpretation(criteria)
    results = selectors.search(applied)
    dropped: list[str] = []
    if applied.q and not results.exists():
        applied, dropped = drop_words(applied)
        results = selectors.search(applied)
    outcome = Outcome(applied, meaning, results, dropped)
    if not dropped and not results.exists():
        outcome.suggestions = relaxations(applied)
    return outcome


def _count(criteria: SearchCriteria) -> int:
    return selectors.count_matches(selectors.search(criteria)).value


def drop_words(criteria: SearchCriteria) -> tuple[SearchCriteria, list[str]]:
    """Leave out one text word at a time and keep the variant with most results; when no single
    word explains the empty result, keep the one word that finds most. Returns the criteria found
    with and the words left out (none: nothing helped)."""
    words = criteria.q.split()
    if not words:
        return criteria, []
    variants = [words[:i] + words[i + 1 :] for i in range(len(words))]
    if len(words) > 2:
        variants += [[word] for word in words]
    best: tuple[int, list[str]] | None = None
    for rest in variants:
        count = _count(replace(criteria, q=" ".join(rest)))
        if count and (
            best is None or count > best[0] or (count == best[0] and len(rest) > len(best[1]))
        ):
            best = (count, rest)
    if best is None:
        return criteria, []
    kept = best[1]
    return replace(criteria, q=" ".join(kept)), [w for w in words if w not in kept]


def _ceil_step(value: Decimal, step: int) -> Decimal:
    return Decimal(math.ceil(float(value) / step) * step)


def relaxations(criteria: SearchCriteria, pairs: bool = True) -> list[Suggestion]:
    """For an empty result: each criterion loosened on its own, with the number of matches it
    would give ("3 properties if you allow 40 km to the motorway"), most matches first. When
    fewer than two single steps help, two criteria are loosened together ("without a rail
    siding and if 1.2 ha are enough")."""
    c = criteria
    found: list[Suggestion] = []
    tried: list[tuple[SearchCriteria, str]] = []

    def offer(relaxed: SearchCriteria, text: str, count: int | None = None) -> None:
        tried.append((relaxed, text))
        count = _count(relaxed) if count is None else count
        if count:
            found.append(Suggestion(text, count, relaxed))

    if c.motorway_km_max is not None:
        loose = replace(c, motorway_km_max=None)
        nearest = selectors.search(loose).aggregate(m=Min("motorway_km"))["m"]
        if nearest is not None:
            km = max(_ceil_step(nearest, MOTORWAY_STEP_KM), c.motorway_km_max + MOTORWAY_STEP_KM)
            offer(
                replace(c, motorway_km_max=km),
                _("if you allow %(km)s km to the motorway") % {"km": int(km)},
            )
    if c.area_min is not None:
        loose = replace(c, area_min=None)
        largest = selectors.search(loose).aggregate(m=Max("area_available_m2"))["m"]
        if largest:
            smaller = _round_down_area(largest)
            offer(
                replace(c, area_min=smaller),
                _("if %(area)s are enough") % {"area": area_label(smaller)},
            )
    if c.area_max is not None:
        loose = replace(c, area_max=None)
        smallest = selectors.search(loose).aggregate(m=Min("area_available_m2"))["m"]
        if smallest:
            larger = _round_up_area(smallest)
            offer(
                replace(c, area_max=larger),
                _("if up to %(area)s are fine") % {"area": area_label(larger)},
            )
    if c.price_max is not None:
        loose = replace(c, price_max=None)
        cheapest = selectors.search(loose).aggregate(m=Min("price_per_m2"))["m"]
        if cheapest is not None:
            price = _ceil_step(cheapest, 1)
            offer(
                replace(c, price_max=price),
                _("if you allow up to %(price)s €/m²") % {"price": int(price)},
            )
        offer(loose, _("without the price limit"))
    if c.rail_siding == "yes":
        offer(replace(c, rail_siding="possible"), _("if a rail siding is possible (not built)"))
    if c.rail_siding:
        offer(replace(c, rail_siding=""), _("without a rail siding"))
    if c.zoning:
        offer(replace(c, zoning=[]), _("in any zoning"))
    if c.motorway:
        offer(replace(c, motorway=""), _("on any motorway"))
    if c.municipality or c.district:
        offer(replace(c, municipality=None, district=None), _("in the whole region"))
    if c.kind:
        offer(replace(c, kind=[]), _("of any kind"))
    for name, text in (
        ("availability", _("whatever the availability")),
        ("broadband_min", _("with any broadband")),
        ("funding_area", _("also outside the GRW funding area")),
        ("operation_24_7", _("also without 24/7 operation")),
        ("hydrogen", _("also without hydrogen")),
        ("readiness", _("whatever the site readiness")),
    ):
        if not _empty(getattr(c, name)):
            empty = {"availability": [], "readiness": ""}.get(name)
            offer(replace(c, **{name: empty}), text)
    if c.q:
        offer(replace(c, q=""), _("without the search words “%(q)s”") % {"q": c.q})
    if pairs and len(found) < 2:
        helped = {id(s.criteria) for s in found}
        seen = [_some_ids(s.criteria) for s in found]
        for relaxed, text in tried:
            if id(relaxed) in helped:
                continue
            for second in relaxations(relaxed, pairs=False):
                # Two steps only when they find something that one step does not.
                ids = _some_ids(second.criteria)
                if ids not in seen:
                    seen.append(ids)
                    found.append(
                        Suggestion(
                            _("%(first)s and %(second)s") % {"first": text, "second": second.text},
                            second.count,
                            second.criteria,
                        )
                    )
    found.sort(key=lambda s: -s.count)
    return found[:MAX_SUGGESTIONS]


def _some_ids(criteria: SearchCriteria) -> set[int]:
    return set(selectors.search(criteria).values_list("pk", flat=True)[:50])


def _round_down_area(m2: int) -> int:
    step = 1_000 if m2 >= 10_000 else 100
    return max(step, m2 // step * step)


def _round_up_area(m2: int) -> int:
    step = 1_000 if m2 >= 10_000 else 100
    return -(-m2 // step) * step


def suggestion_text(suggestion: Suggestion) -> str:
    return ngettext(
        "%(count)s property %(condition)s",
        "%(count)s properties %(condition)s",
        suggestion.count,
    ) % {"count": suggestion.count, "condition": suggestion.text}


def criteria_params(criteria: SearchCriteria) -> QueryDict:
    """The criteria as the search page's (and the API's) query parameters."""
    query = QueryDict(mutable=True)
    for f in fields(SearchCriteria):
        value = getattr(criteria, f.name)
        if _empty(value) or (f.name == "sort" and value == "newest"):
            continue
        if f.name == "bbox":
            value = ",".join(f"{v:g}" for v in value)
        if isinstance(value, bool):
            value = "true" if value else "false"
        query.setlist(f.name, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query
