"""The property search as people use it: typed words as filters, words that find nothing left
out, and the nearest matches with what they miss when nothing matches."""

from decimal import Decimal

import pytest
from django.urls import reverse

from standortlotse.properties.models import Kind, Property
from standortlotse.properties.searching import (
    criteria_params,
    drop_words,
    find,
    relaxations,
    suggestion_text,
)
from standortlotse.properties.selectors import SearchCriteria
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plots(world):
    Property.objects.all().delete()  # only these two
    near = PropertyFactory(
        title="Gewerbefläche Nord",
        municipality=world.mun_a,
        kind=Kind.PLOT,
        area_available_m2=60_000,
        motorway_km=Decimal("38"),
        motorway_junction="AS Stendal (A14)",
        rail_siding="yes",
        price_per_m2=Decimal("14"),
    )
    hall = PropertyFactory(
        title="Lagerhalle Süd",
        municipality=world.mun_b,
        kind=Kind.HALL,
        area_available_m2=4_000,
        motorway_km=Decimal("4"),
        motorway_junction="AS Uelzen (A39)",
        rail_siding="no",
    )
    return near, hall


def test_typed_words_become_filters(plots):
    near, hall = plots
    outcome = find(SearchCriteria(q="Gewerbefläche mit Gleisanschluss an der A14 ab 5 ha"))
    assert list(outcome.results) == [near]
    assert outcome.criteria.rail_siding == "yes" and outcome.criteria.motorway == "A14"
    assert outcome.criteria.area_min == 50_000 and outcome.criteria.q == "Gewerbefläche"


def test_motorway_name_does_not_find_a_longer_number(plots, world):
    PropertyFactory(title="A140", municipality=world.mun_a, motorway_junction="AS X (A140)")
    assert [p.title for p in find(SearchCriteria(q="A14")).results] == ["Gewerbefläche Nord"]


def test_a_form_filter_wins_over_a_typed_one(plots):
    near, hall = plots
    outcome = find(SearchCriteria(q="Halle", kind=["plot"]))
    assert list(outcome.results) == [near]


def test_a_word_that_matches_nothing_is_left_out_and_named(plots):
    near, hall = plots
    outcome = find(SearchCriteria(q="Lagerhalle Zauberwald"))
    assert outcome.dropped == ["Zauberwald"]
    assert list(outcome.results) == [hall]


def test_drop_words_keeps_the_variant_with_most_results(plots):
    criteria, dropped = drop_words(SearchCriteria(q="Gewerbefläche Lagerhalle"))
    assert dropped in (["Gewerbefläche"], ["Lagerhalle"])
    assert drop_words(SearchCriteria(q="Zauberwald", kind=["office"])) == (
        SearchCriteria(q="Zauberwald", kind=["office"]),
        [],
    )


def test_relaxing_the_motorway_distance_says_how_far(plots):
    suggestions = relaxations(SearchCriteria(rail_siding="yes", motorway_km_max=Decimal("10")))
    first = suggestions[0]
    assert first.criteria.motorway_km_max == Decimal("40")  # 38 km, rounded up to 5 km steps
    assert suggestion_text(first) == "1 Objekt, wenn Sie 40 km zur Autobahn zulassen"
    assert "motorway_km_max=40" in first.query and "rail_siding=yes" in first.query


def test_each_criterion_is_relaxed_on_its_own(plots):
    texts = [
        suggestion_text(s)
        for s in relaxations(SearchCriteria(kind=["hall"], rail_siding="yes", area_min=5_000))
    ]
    # Without the rail siding the hall is still too small, without the area it has no siding:
    # one step: another kind; two steps: the hall without both.
    assert texts == [
        "1 Objekt, jeder Objektart",
        "1 Objekt, ohne Gleisanschluss und wenn 4.000 m² genügen",
    ]


def test_area_and_price_relaxations_round(plots):
    [area] = [
        s for s in relaxations(SearchCriteria(kind=["hall"], area_min=10_000)) if s.criteria.kind
    ]
    assert area.criteria.area_min == 4_000 and suggestion_text(area).endswith("4.000 m² genügen")
    price = relaxations(SearchCriteria(rail_siding="yes", price_max=Decimal("10")))
    assert price[0].criteria.price_max == Decimal("14")


def test_no_suggestions_when_something_is_found(plots):
    assert find(SearchCriteria(kind=["hall"])).suggestions == []


def test_criteria_params_round_trip(client, plots):
    criteria = SearchCriteria(kind=["hall", "plot"], area_min=2_000, funding_area=False)
    query = criteria_params(criteria).urlencode()
    assert query == "kind=hall&kind=plot&area_min=2000&funding_area=false"
    response = client.get(reverse("properties:search") + "?" + query)
    assert response.status_code == 200


def test_two_criteria_are_loosened_together_when_one_is_not_enough(plots, world):
    # A hall with a siding and 2 ha: no hall has a siding, none is that large.
    suggestions = relaxations(SearchCriteria(kind=["hall"], rail_siding="yes", area_min=20_000))
    texts = [suggestion_text(s) for s in suggestions]
    assert "1 Objekt, jeder Objektart" in texts
    assert "1 Objekt, ohne Gleisanschluss und wenn 4.000 m² genügen" in texts
    pair = next(s for s in suggestions if "und" in s.text)
    assert pair.criteria.kind == ["hall"] and pair.criteria.rail_siding == ""
    assert pair.criteria.area_min == 4_000
