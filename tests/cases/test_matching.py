"""cases/matching.py: must-haves exclude, nice-to-haves rank, reasons and misses explained."""

from decimal import Decimal

import pytest
from django.utils import translation

from standortlotse.cases import matching
from tests.factories import PropertyFactory, SearchProfileFactory

pytestmark = pytest.mark.django_db


def titles(results):
    return [m.property.title for m in results]


def test_must_have_excludes(crafted):
    p = SearchProfileFactory(kinds=["plot"], need_rail_siding=True)
    assert set(titles(matching.match(p))) == {"Mit Gleis", "Gleis klein"}


def test_must_have_power_and_area_at_least(crafted):
    p = SearchProfileFactory(kinds=["plot"], need_electricity_mw=Decimal("5"), area_min_m2=60_000)
    # "at least 6 ha": exactly 6 ha (Mit Gleis) matches, 8 ha too; 5 ha is "almost" (83 %).
    assert set(titles(matching.match(p))) == {"Mit Gleis", "Ohne Gleis"}
    assert titles(matching.almost(p)) == []  # Gleis möglich: 5 ha but 2 MW of 5 (40 %)


def test_weights_order_results(crafted):
    rail_first = SearchProfileFactory(kinds=["plot"], weights={"rail_siding": 5, "funding_area": 1})
    assert titles(matching.match(rail_first))[:3] == ["Mit Gleis", "Gleis klein", "Gleis möglich"]
    funding_first = SearchProfileFactory(
        kinds=["plot"], weights={"rail_siding": 1, "funding_area": 5}
    )
    assert titles(matching.match(funding_first))[:2] == ["Mit Gleis", "Ohne Gleis"]


def test_reasons_partial_and_misses(crafted):
    p = SearchProfileFactory(
        kinds=["plot"], area_min_m2=30_000, weights={"rail_siding": 3, "funding_area": 2}
    )
    with translation.override("en"):
        results = {m.property.title: m for m in matching.match(p)}
    small = results["Gleis klein"]
    assert "railway siding: yes" in small.reasons
    assert "area 3.20 ha (at least 3.00 ha wished)" in small.reasons
    assert small.misses == ["GRW funding area: no"] and small.partial == []
    possible = results["Gleis möglich"]
    assert possible.partial == ["railway siding: possible, not existing"]
    assert "railway siding: possible" not in " ".join(possible.reasons)
    assert results["Mit Gleis"].score == 100 and small.score < 100
    with translation.override("de"):
        german = {m.property.title: m for m in matching.match(p)}
    assert "Fläche 3,20 ha (mindestens 3,00 ha gewünscht)" in german["Gleis klein"].reasons
    assert german["Gleis möglich"].partial == ["Gleisanschluss: möglich, nicht vorhanden"]


def test_district_and_price_filters(world, crafted):
    PropertyFactory(
        title="Gardelegen günstig", municipality=world.mun_b, kind="plot", price_per_m2=Decimal("9")
    )
    p = SearchProfileFactory(districts=[world.district_salzwedel], price_max=Decimal("10"))
    assert titles(matching.match(p)) == ["Gardelegen günstig"]


def test_every_nice_to_have_is_checked_like_in_the_database(world):
    """The reasons shown come from the same conditions the database ranks with."""
    from standortlotse.cases import matching
    from standortlotse.properties.models import Property

    prop = Property.objects.get(pk=world.prop_a.pk)
    prop.rail_siding, prop.broadband_mbits, prop.gas, prop.owner_type = (
        "possible",
        1000,
        True,
        "municipal",
    )
    prop.save()
    for key, (_label, full, half) in matching.NICE_TO_HAVES.items():
        for level, condition in (("full", full), ("half", half)):
            if condition is None:
                continue
            in_database = Property.objects.filter(condition, pk=prop.pk).exists()
            assert matching._holds(prop, key, level) == in_database, (key, level)


def test_a_profile_wanting_gi_matches_a_ge_gi_plot_and_says_why(world):
    both = PropertyFactory(title="GE/GI", municipality=world.mun_a, zonings=["GE", "GI"])
    PropertyFactory(title="nur GE", municipality=world.mun_a, zonings=["GE"])
    PropertyFactory(title="ohne", municipality=world.mun_a, zonings=[])
    profile = SearchProfileFactory(zoning=["GI"])
    with translation.override("en"):
        results = {m.property.title: m for m in matching.match(profile)}
    assert set(results) == {"GE/GI"}
    assert "zoning: GI (also GE)" in results["GE/GI"].reasons
    assert matching.matches_property(profile, both)
    with translation.override("de"):
        german = matching.match(SearchProfileFactory(zoning=["GE", "MI"]))
    reasons = {m.property.title: m.reasons for m in german}
    assert (
        "Gebietsart: GE (außerdem GI)" in reasons["GE/GI"] and "Gebietsart: GE" in reasons["nur GE"]
    )


# --- label and rule agree: every must-have at its boundary --------------------------------------


def verdict(profile, prop) -> str:
    if prop.pk in {m.property.pk for m in matching.match(profile)}:
        return "match"
    if prop.pk in {m.property.pk for m in matching.almost(profile)}:
        return "almost"
    return "none"


def _plot(world, **values):
    defaults = {"municipality": world.mun_a, "kind": "plot", "availability": "immediately"}
    return PropertyFactory(**{**defaults, **values})


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (30_000, "match"),
        (30_001, "match"),
        (29_900, "almost"),
        (22_500, "almost"),
        (22_499, "none"),
    ],
)
def test_area_at_least(world, area, expected):
    prop = _plot(world, area_available_m2=area)
    assert verdict(SearchProfileFactory(area_min_m2=30_000), prop) == expected


@pytest.mark.parametrize(
    ("area", "divisible", "smallest", "expected"),
    [
        (30_000, False, None, "match"),
        (30_001, False, None, "almost"),
        (37_500, False, None, "almost"),
        (37_501, False, None, "none"),
        (90_000, True, 30_000, "match"),  # divisible: the investor takes a part
        (90_000, True, 30_001, "almost"),  # smallest plot 3.0001 ha
        (90_000, True, 37_501, "none"),
    ],
)
def test_area_at_most(world, area, divisible, smallest, expected):
    prop = _plot(world, area_available_m2=area, divisible=divisible, smallest_plot_m2=smallest)
    assert verdict(SearchProfileFactory(area_max_m2=30_000), prop) == expected


@pytest.mark.parametrize(
    ("price", "on_request", "expected"),
    [
        (Decimal("20.00"), False, "match"),
        (Decimal("20.01"), False, "almost"),
        (Decimal("25.00"), False, "almost"),
        (Decimal("25.01"), False, "none"),
        (None, True, "almost"),  # not known to be at most 20 €/m²
    ],
)
def test_price_at_most(world, price, on_request, expected):
    prop = _plot(world, price_per_m2=price, price_on_request=on_request)
    assert verdict(SearchProfileFactory(price_max=Decimal("20")), prop) == expected


@pytest.mark.parametrize(
    ("km", "expected"),
    [(Decimal("10.0"), "match"), (Decimal("10.1"), "almost"), (Decimal("15.1"), "none")],
)
def test_motorway_within(world, km, expected):
    prop = _plot(world, motorway_km=km)
    assert verdict(SearchProfileFactory(motorway_km_max=Decimal("10")), prop) == expected


@pytest.mark.parametrize(
    ("siding", "expected"), [("yes", "match"), ("possible", "almost"), ("no", "none")]
)
def test_railway_siding_required(world, siding, expected):
    prop = _plot(world, rail_siding=siding)
    assert verdict(SearchProfileFactory(need_rail_siding=True), prop) == expected


@pytest.mark.parametrize(
    ("mw", "expected"),
    [(Decimal("5"), "match"), (Decimal("4.9"), "almost"), (Decimal("3.7"), "none")],
)
def test_power_at_least(world, mw, expected):
    prop = _plot(world, electricity_mw=mw)
    assert verdict(SearchProfileFactory(need_electricity_mw=Decimal("5")), prop) == expected


@pytest.mark.parametrize(("mbits", "expected"), [(1000, "match"), (999, "almost"), (499, "none")])
def test_broadband_at_least(world, mbits, expected):
    prop = _plot(world, broadband_mbits=mbits)
    assert verdict(SearchProfileFactory(need_broadband_mbits=1000), prop) == expected


@pytest.mark.parametrize(("allowed", "expected"), [(True, "match"), (False, "none")])
def test_24_7_required_has_no_almost(world, allowed, expected):
    prop = _plot(world, operation_24_7=allowed)
    assert verdict(SearchProfileFactory(need_operation_24_7=True), prop) == expected


def test_almost_says_exactly_what_is_missed(world):
    short = _plot(world, title="Knapp", area_available_m2=26_000, rail_siding="possible")
    exact = _plot(world, title="Genau", area_available_m2=29_999, rail_siding="yes")
    three = _plot(
        world, title="Drei", area_available_m2=26_000, rail_siding="possible", electricity_mw=4
    )
    profile = SearchProfileFactory(
        area_min_m2=30_000, need_rail_siding=True, need_electricity_mw=Decimal("5")
    )
    short.electricity_mw = exact.electricity_mw = Decimal(5)
    short.save()
    exact.save()
    with translation.override("en"):
        found = {m.property.title: m for m in matching.almost(profile)}
    assert found["Knapp"].shortfalls == [
        "area 2.60 ha instead of at least 3.00 ha",
        "railway siding possible, not existing",
    ]
    # Rounded, both would read 3.00 ha: shown in m² instead.
    assert found["Genau"].shortfalls == ["area 29,999 m² instead of at least 30,000 m²"]
    assert "Drei" not in found  # three must-haves missed: more than "almost"
    assert [m.property.title for m in matching.almost(profile)] == ["Genau", "Knapp"]
    assert three.pk not in {m.property.pk for m in matching.match(profile)}
    with translation.override("de"):
        german = {m.property.title: m for m in matching.almost(profile)}
    assert german["Knapp"].shortfalls == [
        "Fläche 2,60 ha statt mindestens 3,00 ha",
        "Gleisanschluss möglich, nicht vorhanden",
    ]


def test_almost_texts_for_price_motorway_power_broadband(world):
    _plot(
        world,
        title="Fast",
        price_per_m2=Decimal("22.50"),
        motorway_km=Decimal("12.0"),
        electricity_mw=Decimal("4"),
        broadband_mbits=600,
    )
    with translation.override("en"):
        one = matching.almost(SearchProfileFactory(price_max=Decimal("20"), motorway_km_max=10))
        two = matching.almost(
            SearchProfileFactory(need_electricity_mw=Decimal("5"), need_broadband_mbits=1000)
        )
    assert one[0].shortfalls == [
        "22.50 €/m² instead of at most 20.00 €/m²",
        "motorway junction 12.0 km away instead of within 10.0 km",
    ]
    assert two[0].shortfalls == [
        "electric power 4.0 MW instead of at least 5.0 MW",
        "broadband 600 Mbit/s instead of at least 1000 Mbit/s",
    ]


# --- site readiness in the explanation (properties/readiness.py) -----------------------------


def _with_grid(prop, have, upgrade=None, year=None, **statuses):
    import datetime

    from standortlotse.properties import readiness

    for item in readiness.ITEMS:
        setattr(prop, item.status_field, statuses.get(item.key, "clear"))
    prop.readiness_grid_kva = have
    prop.readiness_grid_upgrade_kva = upgrade
    prop.readiness_grid_upgrade_date = datetime.date(year, 6, 30) if year else None
    prop.save()
    return prop


def _explained(profile, prop, language):
    with translation.override(language):
        return matching.explain(profile, prop)


def test_grid_and_open_readiness_items_explained_in_german_and_english(world):
    prop = _with_grid(world.prop_a, 630, 2500, 2027, grid="open", soil="unknown")
    profile = SearchProfileFactory(need_grid_kva=2000)
    reasons, partial, misses = _explained(profile, prop, "en")
    assert partial == [
        "grid: 630\u00a0kVA available, 2\u00a0MVA wished — upgrade to 2.5\u00a0MVA planned 2027",
        "readiness: mostly clear — not clear yet: grid connection, soil survey",
    ]
    reasons, partial, misses = _explained(profile, prop, "de")
    assert partial == [
        (
            "Netz: 630\u00a0kVA verfügbar, 2\u00a0MVA gewünscht — Ausbau auf 2,5\u00a0MVA für "
            "2027 geplant"
        ),
        "Baureife: weitgehend geklärt — noch offen: Netzanschluss, Baugrund",
    ]


def test_enough_grid_and_ready_to_build_are_reasons(world):
    prop = _with_grid(world.prop_a, 4000)
    profile = SearchProfileFactory(need_grid_kva=2000)
    reasons, partial, misses = _explained(profile, prop, "en")
    assert "grid: 4\u00a0MVA available, 2\u00a0MVA wished" in reasons
    assert "readiness: ready to build" in reasons
    assert partial == [] and misses == []


def test_too_little_grid_and_an_obstacle_are_misses(world):
    prop = _with_grid(world.prop_a, 400, flood="issue")
    prop.readiness_flood_note = "HQ100"
    prop.save()
    profile = SearchProfileFactory(need_grid_kva=630)
    reasons, partial, misses = _explained(profile, prop, "en")
    assert misses == [
        "grid: 400\u00a0kVA available, 630\u00a0kVA wished",
        "readiness: being clarified — obstacle: flood zone",
    ]
    unknown = SearchProfileFactory(need_grid_kva=630)
    world.prop_b.readiness_grid_kva = None
    _reasons, _partial, misses = _explained(unknown, world.prop_b, "de")
    assert misses == ["Netz: Leistung unbekannt, 630\u00a0kVA gewünscht"]  # checklist empty


def test_no_grid_wish_and_no_checklist_say_nothing(world):
    profile = SearchProfileFactory()
    reasons, partial, misses = _explained(profile, world.prop_b, "en")
    assert not any("grid" in text or "readiness" in text for text in reasons + partial + misses)
