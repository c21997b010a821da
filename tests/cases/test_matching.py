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


def test_must_have_power_and_half_area_rule(crafted):
    p = SearchProfileFactory(kinds=["plot"], need_electricity_mw=Decimal("5"), area_min_m2=70_000)
    # at least half the wished area (35,000 m²) and 5 MW
    assert set(titles(matching.match(p))) == {"Mit Gleis", "Ohne Gleis"}


def test_weights_order_results(crafted):
    rail_first = SearchProfileFactory(kinds=["plot"], weights={"rail_siding": 5, "funding_area": 1})
    assert titles(matching.match(rail_first))[:3] == ["Mit Gleis", "Gleis klein", "Gleis möglich"]
    funding_first = SearchProfileFactory(
        kinds=["plot"], weights={"rail_siding": 1, "funding_area": 5}
    )
    assert titles(matching.match(funding_first))[:2] == ["Mit Gleis", "Ohne Gleis"]


def test_reasons_and_misses(crafted):
    p = SearchProfileFactory(
        kinds=["plot"], area_min_m2=50_000, weights={"rail_siding": 3, "funding_area": 2}
    )
    with translation.override("en"):
        results = {m.property.title: m for m in matching.match(p)}
    small = results["Gleis klein"]
    assert "railway siding: yes" in small.reasons
    assert "area 3.2 ha of 5.0 ha wished" in small.misses
    assert "GRW funding area: no" in small.misses
    assert results["Gleis möglich"].reasons.count("railway siding: possible") == 1
    assert results["Mit Gleis"].score == 100 and small.score < 100
    with translation.override("de"):
        german = {m.property.title: m for m in matching.match(p)}["Gleis klein"]
    assert "Fläche 3,2 ha von 5,0 ha gewünscht" in german.misses


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
