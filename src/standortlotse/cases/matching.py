"""Matching a search profile against the published properties.

Must-haves filter in the database (kind, zoning, price, motorway distance, districts, date,
rail siding, power, broadband, 24/7, and at least half the wished area). The database also
computes the score, so only the best few rows leave it; for those, `explain` lists in words why
each matches and what it misses ("Gleisanschluss: ja", "Fläche 3,2 ha von 5 ha gewünscht").
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Cast, Least
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.geo.models import Municipality
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
MIN_AREA_SHARE = Decimal("0.5")
RESULT_LIMIT = 50


def must_have_filter(profile) -> Q:
    q = Q(availability__in=[Availability.IMMEDIATELY, Availability.FROM_DATE])
    if profile.kinds:
        q &= Q(kind__in=profile.kinds)
    if profile.zoning:
        q &= Q(zonings__overlaps=profile.zoning)  # a GE/GI plot suits a profile wanting GI
    if profile.area_min_m2:
        q &= Q(area_available_m2__gte=int(profile.area_min_m2 * MIN_AREA_SHARE))
    if profile.area_max_m2:
        # Divisible plots may be larger than wished: the investor takes a part.
        q &= Q(area_available_m2__lte=profile.area_max_m2) | Q(
            divisible=True, smallest_plot_m2__lte=profile.area_max_m2
        )
    if profile.available_by:
        q &= Q(availability=Availability.IMMEDIATELY) | Q(available_from__lte=profile.available_by)
    if profile.price_max is not None:
        q &= Q(price_per_m2__lte=profile.price_max) | Q(price_on_request=True)
    if profile.motorway_km_max is not None:
        q &= Q(motorway_km__lte=profile.motorway_km_max)
    if profile.need_rail_siding:
        q &= Q(rail_siding=RailSiding.YES)
    if profile.need_electricity_mw is not None:
        q &= Q(electricity_mw__gte=profile.need_electricity_mw)
    if profile.need_broadband_mbits is not None:
        q &= Q(broadband_mbits__gte=profile.need_broadband_mbits)
    if profile.need_operation_24_7:
        q &= Q(operation_24_7=True)
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


def candidates(profile):
    qs = published_properties().filter(must_have_filter(profile))
    district_ids = list(profile.districts.values_list("pk", flat=True)) if profile.pk else []
    if district_ids:
        # Municipality ids first: the (status, municipality) index then does the work, no join.
        municipality_ids = list(
            Municipality.objects.filter(district__in=district_ids).values_list("pk", flat=True)
        )
        qs = qs.filter(municipality_id__in=municipality_ids)
    return qs


@dataclass
class Match:
    property: object
    score: int
    reasons: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def _ha(m2) -> str:
    return number_format(Decimal(m2) / Decimal(10_000), decimal_pos=1) + " ha"


def explain(profile, prop) -> tuple[list[str], list[str]]:
    """Why a property matches and what it misses, in words."""
    reasons, misses = [], []
    if profile.kinds:
        reasons.append(_("kind: %(kind)s") % {"kind": prop.get_kind_display()})
    if profile.area_min_m2 and prop.area_available_m2 is not None:
        if prop.area_available_m2 >= profile.area_min_m2:
            reasons.append(
                _("area %(have)s (wished at least %(want)s)")
                % {"have": _ha(prop.area_available_m2), "want": _ha(profile.area_min_m2)}
            )
        else:
            misses.append(
                _("area %(have)s of %(want)s wished")
                % {"have": _ha(prop.area_available_m2), "want": _ha(profile.area_min_m2)}
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
    if profile.price_max is not None:
        if prop.price_per_m2 is not None:
            reasons.append(
                _("price %(price)s €/m² (at most %(max)s)")
                % {
                    "price": number_format(prop.price_per_m2, 2),
                    "max": number_format(profile.price_max, 2),
                }
            )
        else:
            misses.append(_("price on request"))
    if profile.motorway_km_max is not None and prop.motorway_km is not None:
        reasons.append(_("motorway %(km)s km") % {"km": number_format(prop.motorway_km, 1)})
    if profile.need_rail_siding:
        reasons.append(_("railway siding: yes"))
    if profile.need_electricity_mw is not None:
        reasons.append(
            _("electric power %(mw)s MW") % {"mw": number_format(prop.electricity_mw, 1)}
        )
    if profile.need_broadband_mbits is not None:
        reasons.append(_("broadband %(mbits)s Mbit/s") % {"mbits": prop.broadband_mbits})
    if profile.need_operation_24_7:
        reasons.append(_("24/7 operation allowed"))
    for key in _weights(profile):
        label, full, half = NICE_TO_HAVES[key]
        if _holds(prop, key, "full"):
            reasons.append(_("%(label)s: yes") % {"label": label})
        elif half is not None and _holds(prop, key, "half"):
            reasons.append(_("%(label)s: possible") % {"label": label})
        else:
            misses.append(_("%(label)s: no") % {"label": label})
    return reasons, misses


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


def match(profile, limit: int = RESULT_LIMIT) -> list[Match]:
    # Rank on (id, score) only, so the database sorts narrow rows (from the covering index on
    # SQLite); then load the few winners whole.
    ranked = list(
        candidates(profile)
        .annotate(score=score_expression(profile))
        .order_by("-score", F("area_available_m2").desc(nulls_last=True), "pk")
        .values_list("pk", "score")[:limit]
    )
    loaded = published_properties().in_bulk([pk for pk, _score in ranked])
    results = []
    for pk, score in ranked:
        prop = loaded[pk]
        reasons, misses = explain(profile, prop)
        results.append(Match(property=prop, score=round(score), reasons=reasons, misses=misses))
    return results


def matches_property(profile, prop) -> bool:
    return candidates(profile).filter(pk=prop.pk).exists()
