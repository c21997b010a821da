"""The detail page (fact groups, planning terms, QR code, similar properties) and the comparison
(best value per row, selection by ids)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from standortlotse.properties import glossary, selectors
from standortlotse.properties.models import Status
from standortlotse.properties.presenters import best_indexes, compare_table, fact_groups
from tests.factories import MunicipalityFactory, PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    prop = world.prop_a
    prop.planning_status, prop.marketing_type = "section_34", "hereditary_lease"
    prop.grz, prop.gfz = Decimal("0.8"), Decimal("2.4")
    prop.funding_area, prop.funding_rate = True, Decimal("30")
    prop.motorway_km, prop.broadband_mbits, prop.water = Decimal("4.2"), 1000, True
    prop.save()
    return prop


# --- unit: groups, glossary, best values, similar ------------------------------------------------


def test_fact_groups_in_order_with_terms(planned):
    groups = fact_groups(planned)
    assert [g["key"] for g in groups] == ["site", "planning", "access", "utilities", "funding"]
    facts = {f.key: f for g in groups for f in g["facts"]}
    assert [t.key for t in facts["planning_status"].terms] == ["section34"]
    assert [t.key for t in facts["ratios"].terms] == ["grz", "gfz"]
    assert [t.key for t in facts["funding_area"].terms] == ["grw"]
    assert [t.key for t in facts["marketing_type"].terms] == ["erbbaurecht"]
    assert facts["kind"].terms == ()


def test_groups_without_facts_are_left_out(world):
    keys = [g["key"] for g in fact_groups(world.prop_b)]
    assert keys == ["site"]


def test_glossary_has_the_terms_investors_ask_about():
    for key in ("bplan", "section34", "grz", "gfz", "bmz", "grw", "erbbaurecht"):
        assert str(glossary.TERMS[key].explanation)


def test_best_value_per_row(world):
    a, b = world.prop_a, world.prop_b
    a.area_available_m2, b.area_available_m2 = 15_000, 30_000
    a.price_per_m2, b.price_per_m2 = Decimal("12.50"), Decimal("9.00")
    a.motorway_km, b.motorway_km = Decimal("2.0"), Decimal("7.5")
    a.broadband_mbits, b.broadband_mbits = 1000, 1000
    assert best_indexes([a, b], "area_available_m2") == {1}  # largest
    assert best_indexes([a, b], "price_per_m2") == {1}  # lowest
    assert best_indexes([a, b], "motorway_km") == {0}  # shortest
    assert best_indexes([a, b], "broadband_mbits") == set()  # a tie marks nothing
    assert best_indexes([a, b], "kind") == set()  # no rule for the row
    b.price_on_request = True
    assert best_indexes([a, b], "price_per_m2") == set()  # only one comparable price
    rows = {row["key"]: row for row in compare_table([a, b])}
    assert [c["best"] for c in rows["area_available_m2"]["cells"]] == [False, True]
    assert rows["area_available_m2"]["rule"] == "max" and rows["motorway_km"]["rule"] == "min"


def test_similar_nearby_same_kind_or_similar_area(world):
    base = world.prop_a  # a plot of 15,000 m² in Stendal
    near_same_kind = PropertyFactory(municipality=world.mun_a, lat=52.62, lon=11.88)
    near_similar_area = PropertyFactory(
        municipality=world.mun_a, kind="hall", area_available_m2=20_000, lat=52.65, lon=11.9
    )
    PropertyFactory(municipality=world.mun_a, kind="office", area_available_m2=500)  # unlike
    PropertyFactory(municipality=world.mun_a, status=Status.DRAFT)  # not public
    far = MunicipalityFactory(name="Magdeburg", lat=52.13, lon=11.63)
    PropertyFactory(municipality=far)  # 50 km away
    found = selectors.similar(base, km=30)
    assert [p.pk for p in found] == [near_same_kind.pk, near_similar_area.pk]
    assert found[0].distance_km < found[1].distance_km < 30
    for _ in range(5):
        PropertyFactory(municipality=world.mun_a)
    assert len(selectors.similar(base)) == selectors.SIMILAR_LIMIT


def test_similar_area_rule():
    assert selectors.similar_area(10_000, 20_000) and selectors.similar_area(20_000, 10_000)
    assert not selectors.similar_area(10_000, 20_001)
    assert not selectors.similar_area(None, 10_000)


# --- request: detail, compare --------------------------------------------------------------------


def test_detail_german_groups_terms_qr(client, planned):
    html = client.get(reverse("properties:detail", args=[planned.pk])).content.decode()
    for heading in ("Lage und Angebot", "Planungsrecht", "Verkehrsanbindung", "Förderung"):
        assert f">{heading}</h3>" in html, heading
    assert '<dl class="facts-list fact-grid">' in html
    assert "§34 BauGB</abbr>" in html and "Grundstück im bebauten Ortsteil" in html
    assert '<svg role="img" aria-label="QR-Code dieser Seite"' in html
    assert f"/immobilien/{planned.pk}/" in html and "mailto:?subject=" in html
    assert "{%" not in html and "{{" not in html


def test_detail_english_explains_german_terms(client, planned):
    html = client.get("/en" + reverse("properties:detail", args=[planned.pk])).content.decode()
    assert ">Planning law</h3>" in html and ">Funding</h3>" in html
    assert '<abbr lang="de" title="Grundflächenzahl">GRZ</abbr>' in html
    assert "Site coverage ratio" in html and "Hereditary building right" in html
    assert "The federal and state programme for regional economic development" in html
    assert f"/en/immobilien/{planned.pk}/" in html  # the QR code and link carry the English page


def test_detail_lists_similar_properties(client, world):
    near = PropertyFactory(title="Nachbarfläche", municipality=world.mun_a, lat=52.61, lon=11.87)
    html = client.get(reverse("properties:detail", args=[world.prop_a.pk])).content.decode()
    assert "Ähnliche Immobilien in der Nähe" in html and near.title in html
    assert f'data-compare-toggle="{near.pk}"' in html


def test_compare_by_ids_marks_best_values(client, world):
    world.prop_a.area_available_m2, world.prop_b.area_available_m2 = 15_000, 40_000
    world.prop_a.motorway_km, world.prop_b.motorway_km = Decimal("2.5"), Decimal("9")
    world.prop_a.save()
    world.prop_b.save()
    ids = f"{world.prop_a.pk},{world.prop_b.pk}"
    response = client.get("/en" + reverse("properties:compare") + f"?ids={ids}")
    html = response.content.decode()
    assert [p.pk for p in response.context["props"]] == [world.prop_a.pk, world.prop_b.pk]
    assert html.count('<td class="best">') == 2 and html.count('class="best-mark">best<') >= 2
    assert f'data-ids="{ids}"' in html
    assert f"?ids={ids}" in html  # the PDF and the inquiry about both
