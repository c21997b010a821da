"""Matching a search profile against the published properties.

The label of every criterion is its rule (tests/cases/test_matching.py checks each at its
boundary):

=========================  ======================================================================
"area at least X"          available area >= X
"area at most X"           available area <= X, or divisible with the smallest plot <= X
"price at most X €/m²"     price per m² <= X (a price on request is not known to be: "almost")
"motorway within X km"     distance to the junction <= X km
"railway siding required"  siding exists ("possible" is a partial match: "almost")
"power at least X MW"      electric power >= X
"broadband at least X"     broadband >= X Mbit/s
"24/7 required"            24/7 operation allowed
kind, zoning, districts,   hard filters: a property outside them is neither a match nor "almost"
"available by"
=========================  ======================================================================

Properties that meet every must-have are the *matches*, ranked in the database by the
nice-to-haves (weights 0–5; a "possible" siding counts half). Properties that miss at most
``MAX_SHORTFALLS`` must-haves, each by no more than its tolerance in ``NEAR``, are *almost*
matches, listed apart with exactly what they miss ("area 2,60 ha instead of at least 3,00 ha",
"railway siding possible, not existing"). For each shown property ``explain`` lists in words why
it matches, what matches partly and what it misses.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Cast, Least
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.core.units import hectares
from standortlotse.geo.models import Municipality
from standortlotse.properties import readiness
from standortlotse.properties.models import Availability, RailSiding
from standortlotse.properties.selectors import published_properties

# Nice-to-haves an investor can weigh (0–5), with the condition that fulfils them.
NICE_TO_HAVES = {
    "rail_siding": (
        gettext_lazy("railway siding"),
        Q(rail_siding=RailSiding.YES),
        Q(rail_siding=RailSiding.POSSIBLE),
    ),
    "funding_area": (gettext_lazy("GRW funding area"), Q(funding_area=True), None),
    "operation_24_7": (gettext_lazy("24/7 operation allowed"), Q(operation_24_7=True), None),
    "gas": (gettext_lazy("natural gas"), Q(gas=True), None),
    "hydrogen": (gettext_lazy("hydrogen"), Q(hydrogen=True), None),
    "gigabit": (gettext_lazy("gigabit broadband"), Q(broadband_mbits__gte=1000), None),
    "immediately": (
        gettext_lazy("available immediately"),
        Q(availability=Availability.IMMEDIATELY),
        None,
    ),
    "divisible": (gettext_lazy("divisible"), Q(divisible=True), None),
    "municipal_owner": (gettext_lazy("municipal owner"), Q(owner_type="municipal"), None),
}
AREA_WEIGHT = 3
RESULT_LIMIT = 50
ALMOST_LIMIT = 10
MAX_SHORTFALLS = 2
# How far an "almost" property may miss a must-have: a share of the wished value.
NEAR = {
    "area_min": Decimal("0.75"),  # at least 75 % of the wished minimum area
    "area_max": Decimal("1.25"),  # at most 125 % of the wished maximum area
    "price_max": Decimal("1.25"),  # at most 125 % of the wished maximum price
    "motorway_km_max": Decimal("1.5"),  # at most 150 % of the wished distance
    "electricity_mw": Decimal("0.75"),  # at least 75 % of the wished power
    "broadband_mbits": Decimal("0.5"),  # at least half the wished bandwidth
}
# How many almost-candidates the database hands over for the shortfalls to be counted.
ALMOST_CANDIDATES = 200


def _hard_filter(profile) -> Q:
    """The criteria without tolerance: kind, zoning, availability, 24/7."""
    q = Q(availability__in=[Availability.IMMEDIATELY, Availability.FROM_DATE])
    if profile.kinds:
        q &= Q(kind__in=profile.kinds)
    if profile.zoning:
        q &= Q(zonings__overlaps=profile.zoning)  # a GE/GI plot suits a profile wanting GI
    if profile.available_by:
        q &= Q(availability=Availability.IMMEDIATELY) | Q(available_from__lte=profile.available_by)
    if profile.need_operation_24_7:
        q &= Q(operation_24_7=True)
    return q


def _area_max_q(limit) -> Q:
    # Divisible plots may be larger than wished: the investor takes a part.
    return Q(area_available_m2__lte=limit) | Q(divisible=True, smallest_plot_m2__lte=limit)


def must_have_filter(profile) -> Q:
    """Every must-have exactly as labelled ("at least" is >=, "at most" and "within" are <=)."""
    q = _hard_filter(profile)
    if profile.area_min_m2:
        q &= Q(area_available_m2__gte=profile.area_min_m2)
    if profile.area_max_m2:
        q &= _area_max_q(profile.area_max_m2)
    if profile.price_max is not None:
        q &= Q(price_per_m2__lte=profile.price_max, price_on_request=False)
    if profile.motorway_km_max is not None:
        q &= Q(motorway_km__lte=profile.motorway_km_max)
    if profile.need_rail_siding:
        q &= Q(rail_siding=RailSiding.YES)
    if profile.need_electricity_mw is not None:
        q &= Q(electricity_mw__gte=profile.need_electricity_mw)
    if profile.need_broadband_mbits is not None:
        q &= Q(broadband_mbits__gte=profile.need_broadband_mbits)
    return q


def near_filter(profile) -> Q:
    """The must-haves with their tolerance (NEAR): matches and almost-matches."""
    q = _hard_filter(profile)
    if profile.area_min_m2:
        q &= Q(area_available_m2__gte=int(profile.area_min_m2 * NEAR["area_min"]))
    if profile.area_max_m2:
        q &= _area_max_q(int(profile.area_max_m2 * NEAR["area_max"]))
    if profile.price_max is not None:
        q &= Q(price_per_m2__lte=profile.price_max * NEAR["price_max"]) | Q(price_on_request=True)
    if profile.motorway_km_max is not None:
        q &= Q(motorway_km__lte=profile.motorway_km_max * NEAR["motorway_km_max"])
    if profile.need_rail_siding:
        q &= Q(rail_siding__in=[RailSiding.YES, RailSiding.POSSIBLE])
    if profile.need_electricity_mw is not None:
        q &= Q(electricity_mw__gte=profile.need_electricity_mw * NEAR["electricity_mw"])
    if profile.need_broadband_mbits is not None:
        q &= Q(broadband_mbits__gte=int(profile.need_broadband_mbits * NEAR["broadband_mbits"]))
    return q


def _weights(profile) -> dict[str, int]:
    return {
        k: int(v) for k, v in (profile.weights or {}).items() if k in NICE_TO_HAVES and int(v) > 0
    }


def score_expression(profile):
    parts = []
    total = 0
    for key, weight in _weights(profile).items():
        _label, full, half = NICE_TO_HAVES[key]
        whens = [When(full, then=Value(float(weight)))]
        if half is not None:
            whens.append(When(half, then=Value(weight / 2)))
        parts.append(Case(*whens, default=Value(0.0), output_field=FloatField()))
        total += weight
    if profile.area_min_m2:
        share = Least(
            ExpressionWrapper(
                Cast("area_available_m2", FloatField()) / float(profile.area_min_m2),
                output_field=FloatField(),
            ),
            Value(1.0),
        )
        parts.append(ExpressionWrapper(share * AREA_WEIGHT, output_field=FloatField()))
        total += AREA_WEIGHT
    if not parts:
        return Value(100.0, output_field=FloatField())
    expression = parts[0]
    for part in parts[1:]:
        expression = expression + part
    return ExpressionWrapper(expression * (100.0 / total), output_field=FloatField())


def _in_districts(profile, qs):
    district_ids = list(profile.districts.values_list("pk", flat=True)) if profile.pk else []
    if district_ids:
        # Municipality ids first: the (status, municipality) index then does the work, no join.
        municipality_ids = list(
            Municipality.objects.filter(district__in=district_ids).values_list("pk", flat=True)
        )
        qs = qs.filter(municipality_id__in=municipality_ids)
    return qs


def candidates(profile):
    """The published properties that meet every must-have."""
    return _in_districts(profile, published_properties().filter(must_have_filter(profile)))


def near_candidates(profile):
    """The published properties within the tolerance of the must-haves, but not all met."""
    return _in_districts(
        profile,
        published_properties().filter(near_filter(profile)).exclude(must_have_filter(profile)),
    )


@dataclass
class Match:
    property: object
    score: int
    reasons: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)  # must-haves missed (almost only)


def _area_pair(have, want) -> tuple[str, str]:
    """Both areas in hectares; in m² if the rounded hectares would look equal ("3,00 ha
    instead of at least 3,00 ha" for 29,999 m²)."""
    have_ha, want_ha = hectares(have), hectares(want)
    if have != want and have_ha == want_ha:
        return f"{intcomma(have)} m²", f"{intcomma(want)} m²"
    return have_ha, want_ha


def _num(value, decimals) -> str:
    return number_format(value, decimal_pos=decimals)


def shortfalls(profile, prop) -> list[str]:
    """The must-haves ``prop`` misses, each with what it has instead; [] for a match."""
    out = []
    area = prop.area_available_m2
    if profile.area_min_m2 and (area is None or area < profile.area_min_m2):
        have, want = _area_pair(area or 0, profile.area_min_m2)
        out.append(_("area %(have)s instead of at least %(want)s") % {"have": have, "want": want})
    if profile.area_max_m2 and area is not None and area > profile.area_max_m2:
        smallest = prop.smallest_plot_m2 if prop.divisible else None
        if smallest is None:
            have, want = _area_pair(area, profile.area_max_m2)
            out.append(
                _("area %(have)s instead of at most %(want)s") % {"have": have, "want": want}
            )
        elif smallest > profile.area_max_m2:
            have, want = _area_pair(smallest, profile.area_max_m2)
            out.append(
                _("smallest plot %(have)s instead of at most %(want)s")
                % {"have": have, "want": want}
            )
    if profile.price_max is not None:
        if prop.price_on_request:
            out.append(
                _("price on request (at most %(max)s €/m² wished)")
                % {"max": _num(profile.price_max, 2)}
            )
        elif prop.price_per_m2 is None or prop.price_per_m2 > profile.price_max:
            out.append(
                _("%(price)s €/m² instead of at most %(max)s €/m²")
                % {"price": _num(prop.price_per_m2 or 0, 2), "max": _num(profile.price_max, 2)}
            )
    if profile.motorway_km_max is not None and (
        prop.motorway_km is None or prop.motorway_km > profile.motorway_km_max
    ):
        out.append(
            _("motorway junction %(km)s km away instead of within %(max)s km")
            % {"km": _num(prop.motorway_km or 0, 1), "max": _num(profile.motorway_km_max, 1)}
        )
    if profile.need_rail_siding and prop.rail_siding != RailSiding.YES:
        out.append(
            _("railway siding possible, not existing")
            if prop.rail_siding == RailSiding.POSSIBLE
            else _("no railway siding")
        )
    if profile.need_electricity_mw is not None and (
        prop.electricity_mw is None or prop.electricity_mw < profile.need_electricity_mw
    ):
        out.append(
            _("electric power %(have)s MW instead of at least %(want)s MW")
            % {
                "have": _num(prop.electricity_mw or 0, 1),
                "want": _num(profile.need_electricity_mw, 1),
            }
        )
    if profile.need_broadband_mbits is not None and (
        prop.broadband_mbits is None or prop.broadband_mbits < profile.need_broadband_mbits
    ):
        out.append(
            _("broadband %(have)s Mbit/s instead of at least %(want)s Mbit/s")
            % {"have": prop.broadband_mbits or 0, "want": profile.need_broadband_mbits}
        )
    return out


def explain(profile, prop) -> tuple[list[str], list[str], list[str]]:
    """Why a property matches, what matches partly and which nice-to-haves it misses, in words
    (the must-haves it misses: ``shortfalls``)."""
    reasons, partial, misses = [], [], []
    if profile.kinds:
        reasons.append(_("kind: %(kind)s") % {"kind": prop.get_kind_display()})
    area = prop.area_available_m2
    if profile.area_min_m2 and area is not None and area >= profile.area_min_m2:
        reasons.append(
            _("area %(have)s (at least %(want)s wished)")
            % {"have": hectares(area), "want": hectares(profile.area_min_m2)}
        )
    if profile.area_max_m2 and area is not None:
        if area <= profile.area_max_m2:
            reasons.append(
                _("area %(have)s (at most %(want)s wished)")
                % {"have": hectares(area), "want": hectares(profile.area_max_m2)}
            )
        elif prop.divisible and prop.smallest_plot_m2 is not None:
            if prop.smallest_plot_m2 <= profile.area_max_m2:
                partial.append(
                    _("%(have)s, divisible from %(smallest)s (at most %(want)s wished)")
                    % {
                        "have": hectares(area),
                        "smallest": hectares(prop.smallest_plot_m2),
                        "want": hectares(profile.area_max_m2),
                    }
                )
    wanted = [z for z in prop.zonings if z in (profile.zoning or ())]
    others = [z for z in prop.zonings if z not in wanted]
    if wanted and others:  # a GE/GI plot for a profile wanting GI: "zoning: GI (also GE)"
        reasons.append(
            _("zoning: %(zoning)s (also %(others)s)")
            % {"zoning": ", ".join(wanted), "others": ", ".join(others)}
        )
    elif wanted:
        reasons.append(_("zoning: %(zoning)s") % {"zoning": ", ".join(wanted)})
    if (
        profile.price_max is not None
        and not prop.price_on_request
        and prop.price_per_m2 is not None
        and prop.price_per_m2 <= profile.price_max
    ):
        reasons.append(
            _("price %(price)s €/m² (at most %(max)s)")
            % {"price": _num(prop.price_per_m2, 2), "max": _num(profile.price_max, 2)}
        )
    if (
        profile.motorway_km_max is not None
        and prop.motorway_km is not None
        and prop.motorway_km <= profile.motorway_km_max
    ):
        reasons.append(
            _("motorway %(km)s km (within %(max)s km)")
            % {"km": _num(prop.motorway_km, 1), "max": _num(profile.motorway_km_max, 1)}
        )
    if profile.need_rail_siding and prop.rail_siding == RailSiding.YES:
        reasons.append(_("railway siding: yes"))
    if (
        profile.need_electricity_mw is not None
        and prop.electricity_mw is not None
        and prop.electricity_mw >= profile.need_electricity_mw
    ):
        reasons.append(_("electric power %(mw)s MW") % {"mw": _num(prop.electricity_mw, 1)})
    if (
        profile.need_broadband_mbits is not None
        and prop.broadband_mbits is not None
        and prop.broadband_mbits >= profile.need_broadband_mbits
    ):
        reasons.append(_("broadband %(mbits)s Mbit/s") % {"mbits": prop.broadband_mbits})
    if profile.need_operation_24_7:
        reasons.append(_("24/7 operation allowed"))
    _explain_readiness(profile, prop, reasons, partial, misses)
    for key in _weights(profile):
        label, _full, half = NICE_TO_HAVES[key]
        if _holds(prop, key, "full"):
            reasons.append(_("%(label)s: yes") % {"label": label})
        elif half is not None and _holds(prop, key, "half"):
            partial.append(_("%(label)s: possible, not existing") % {"label": label})
        else:
            misses.append(_("%(label)s: no") % {"label": label})
    return reasons, partial, misses


def grid_text(profile, prop) -> tuple[str, str]:
    """The property's grid connection against the wished capacity, and where it belongs
    ("reason": enough now, "partial": enough after the planned upgrade, "miss": not enough or not
    known): "grid: 630 kVA available, 2 MVA wished — upgrade to 2.5 MVA planned 2027"."""
    want = profile.need_grid_kva
    have, upgrade = prop.readiness_grid_kva, prop.readiness_grid_upgrade_kva
    wished = readiness.format_kva(want)
    if have is None:
        text = _("grid: capacity not known, %(want)s wished") % {"want": wished}
    else:
        text = _("grid: %(have)s available, %(want)s wished") % {
            "have": readiness.format_kva(have),
            "want": wished,
        }
    if upgrade is not None and (have is None or have < want):
        date = prop.readiness_grid_upgrade_date
        if date:
            text += " — " + _("upgrade to %(kva)s planned %(year)s") % {
                "kva": readiness.format_kva(upgrade),
                "year": date.year,
            }
        else:
            text += " — " + _("upgrade to %(kva)s planned") % {"kva": readiness.format_kva(upgrade)}
    if have is not None and have >= want:
        return text, "reason"
    if upgrade is not None and upgrade >= want:
        return text, "partial"
    return text, "miss"


def readiness_text(prop) -> tuple[str, str]:
    """The property's readiness level and the items not clear yet, and where it belongs:
    "readiness: mostly clear — open: soil survey, access road"."""
    level = prop.readiness_level
    label = prop.get_readiness_level_display()
    if level == readiness.Level.READY:
        return _("readiness: %(level)s") % {"level": label}, "reason"
    statuses = readiness.statuses_of(prop)
    issues = [str(item.label) for item in readiness.ITEMS if statuses[item.key] == "issue"]
    unresolved = [
        str(item.label) for item in readiness.missing(statuses) if statuses[item.key] != "issue"
    ]
    parts = []
    if issues:
        parts.append(_("obstacle: %(items)s") % {"items": ", ".join(issues)})
    if unresolved:
        parts.append(_("not clear yet: %(items)s") % {"items": ", ".join(unresolved)})
    text = _("readiness: %(level)s") % {"level": label} + " — " + "; ".join(parts)
    return text, "partial" if level == readiness.Level.MOSTLY else "miss"


def _explain_readiness(profile, prop, reasons, partial, misses) -> None:
    """The grid line when the profile wishes a capacity, and the readiness line for a property
    whose checklist is filled in (an empty checklist says nothing)."""
    lists = {"reason": reasons, "partial": partial, "miss": misses}
    if profile.need_grid_kva:
        text, where = grid_text(profile, prop)
        lists[where].append(text)
    if readiness.is_filled(prop):
        text, where = readiness_text(prop)
        lists[where].append(text)


def _holds(prop, key, level) -> bool:
    """The same condition as in the database ranking, checked on the loaded property: each
    nice-to-have is defined once, as its ``Q`` in NICE_TO_HAVES."""
    _label, full, half = NICE_TO_HAVES[key]
    condition = full if level == "full" else half
    return condition is not None and _q_holds(prop, condition)


def _q_holds(obj, condition: Q) -> bool:
    """Evaluate a simple Q (exact and gte lookups, AND/OR, negation) on an object in memory."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_q_holds(obj, child))
            continue
        name, expected = child
        field, _sep, lookup = name.partition("__")
        value = getattr(obj, field)
        if lookup in ("", "exact"):
            results.append(value == expected)
        elif lookup == "gte":
            results.append(value is not None and value >= expected)
        else:  # a new nice-to-have with another lookup must be taught here
            raise ValueError(f"lookup {lookup!r} is not supported in nice-to-haves")
    outcome = all(results) if condition.connector == Q.AND else any(results)
    return not outcome if condition.negated else outcome


def _ranked(qs, profile, limit):
    # Rank on (id, score) only, so the database sorts narrow rows (from the covering index on
    # SQLite); then load the few winners whole.
    ranked = list(
        qs.annotate(score=score_expression(profile))
        .order_by("-score", F("area_available_m2").desc(nulls_last=True), "pk")
        .values_list("pk", "score")[:limit]
    )
    loaded = published_properties().prefetch_related("photos").in_bulk([pk for pk, _s in ranked])
    return [(loaded[pk], score) for pk, score in ranked]


def _match(profile, prop, score) -> Match:
    reasons, partial, misses = explain(profile, prop)
    return Match(property=prop, score=round(score), reasons=reasons, misses=misses, partial=partial)


def match(profile, limit: int = RESULT_LIMIT) -> list[Match]:
    """The properties that meet every must-have, best first."""
    return [
        _match(profile, prop, score) for prop, score in _ranked(candidates(profile), profile, limit)
    ]


def almost(profile, limit: int = ALMOST_LIMIT) -> list[Match]:
    """Near misses: at most MAX_SHORTFALLS must-haves missed, each within its tolerance; fewest
    shortfalls first, then by score."""
    found = []
    for prop, score in _ranked(near_candidates(profile), profile, ALMOST_CANDIDATES):
        missed = shortfalls(profile, prop)
        if 0 < len(missed) <= MAX_SHORTFALLS:
            item = _match(profile, prop, score)
            item.shortfalls = missed
            found.append(item)
    found.sort(key=lambda m: (len(m.shortfalls), -m.score))
    return found[:limit]


def matches_property(profile, prop) -> bool:
    return candidates(profile).filter(pk=prop.pk).exists()
