"""The query interpreter: attribute words and values (German and English) become filters, the
rest stays text."""

from decimal import Decimal

import pytest
from django.utils import translation

from standortlotse.properties.query import (
    area_label,
    interpret,
    municipality_lookup,
    parse_area,
    remove_span,
)

PLACES = municipality_lookup(
    [(1, "Stendal"), (2, "Gardelegen"), (3, "Osterburg (Altmark)"), (4, "Arendsee (Altmark)")]
)


def filters(query):
    return interpret(query, PLACES).filters


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Gleisanschluss", {"rail_siding": "yes"}),
        ("Gleis", {"rail_siding": "yes"}),
        ("Gleisanschluß", {"rail_siding": "yes"}),
        ("rail siding", {"rail_siding": "yes"}),
        ("railway", {"rail_siding": "yes"}),
        ("Halle", {"kind": ["hall"]}),
        ("hall", {"kind": ["hall"]}),
        ("Lagerhalle", {"kind": ["hall"]}),
        ("warehouse", {"kind": ["hall"]}),
        ("Büro", {"kind": ["office"]}),
        ("Buero", {"kind": ["office"]}),
        ("office", {"kind": ["office"]}),
        ("GI", {"zoning": ["GI"]}),
        ("GE", {"zoning": ["GE"]}),
        ("MI", {"zoning": ["MI"]}),
        ("SO", {"zoning": ["SO"]}),
        ("Industriegebiet", {"zoning": ["GI"]}),
        ("GE/GI", {"zoning": ["GE", "GI"]}),
        ("5 ha", {"area_min": 50_000}),
        ("5ha", {"area_min": 50_000}),
        ("2,5 ha", {"area_min": 25_000}),
        ("50.000 m²", {"area_min": 50_000}),
        ("50,000 m2", {"area_min": 50_000}),
        ("ab 2 ha", {"area_min": 20_000}),
        ("at least 3 ha", {"area_min": 30_000}),
        ("bis 800 m²", {"area_max": 800}),
        ("up to 1 ha", {"area_max": 10_000}),
        ("an der A14", {"motorway": "A14"}),
        ("A 14", {"motorway": "A14"}),
        ("near A14", {"motorway": "A14"}),
        ("a39", {"motorway": "A39"}),
        ("Stendal", {"municipality": 1}),
        ("osterburg", {"municipality": 3}),
        ("24/7", {"operation_24_7": True}),
        ("Wasserstoff", {"hydrogen": True}),
        ("hydrogen", {"hydrogen": True}),
        ("GRW", {"funding_area": True}),
        ("Fördergebiet", {"funding_area": True}),
        ("Foerdergebiet", {"funding_area": True}),
        ("nahe Autobahn", {"motorway_km_max": Decimal("10")}),
    ],
)
def test_recognised_words(query, expected):
    meaning = interpret(query, PLACES)
    assert meaning.filters == expected
    assert meaning.text == ""


def test_a_realistic_query_in_parts_and_labels():
    meaning = interpret("Halle mit Gleisanschluss ab 5 ha an der A14 bei Stendal", PLACES)
    assert meaning.filters == {
        "kind": ["hall"],
        "rail_siding": "yes",
        "area_min": 50_000,
        "motorway": "A14",
        "municipality": 1,
    }
    assert [p.label for p in meaning.parts] == [
        "Halle",
        "Gleisanschluss",
        "ab 5 ha",
        "an der A14",
        "Stendal",
    ]
    assert meaning.text == ""  # "mit", "bei" carry no meaning once the rest is understood


def test_english_labels():
    with translation.override("en"):
        meaning = interpret("hall with rail siding from 2 ha", PLACES)
    assert [p.label for p in meaning.parts] == ["hall/warehouse", "rail siding", "from 2 ha"]


def test_unknown_words_stay_text():
    meaning = interpret("Kranbahn Halle Elbhafen", PLACES)
    assert meaning.filters == {"kind": ["hall"]}
    assert meaning.text == "Kranbahn Elbhafen"


def test_words_are_not_found_inside_other_words():
    # "so" in lower case is a German word, "Gleisdreieck" no rail siding, "Altmark" no town
    meaning = interpret("so Gleisdreieck Altmark A140x Halleluja", PLACES)
    assert meaning.filters == {}
    assert meaning.text == "so Gleisdreieck Altmark A140x Halleluja"


def test_removing_a_part_gives_the_query_without_it():
    meaning = interpret("Halle mit Gleisanschluss ab 2 ha", PLACES)
    rail = next(p for p in meaning.parts if p.key == "rail_siding")
    assert meaning.without(rail) == "Halle mit ab 2 ha"
    assert interpret(meaning.without(rail), PLACES).filters == {
        "kind": ["hall"],
        "area_min": 20_000,
    }
    assert remove_span("a b c", "x") == "a b c"


@pytest.mark.parametrize(
    ("text", "m2"),
    [
        ("5000", 5000),
        ("50.000", 50_000),
        ("50.000 m²", 50_000),
        ("5 ha", 50_000),
        ("5ha", 50_000),
        ("2,5 ha", 25_000),
        ("1.5 ha", 15_000),
        ("0,44 ha", 4_400),
        ("", None),
    ],
)
def test_parse_area(text, m2):
    assert parse_area(text) == m2


@pytest.mark.parametrize("text", ["viel", "5 acres", "-3 ha", "1.2.3", "ha"])
def test_parse_area_refuses_what_is_no_area(text):
    with pytest.raises(ValueError):
        parse_area(text)


def test_area_labels_round_hectares():
    assert area_label(43_990) == "4,4 ha"
    assert area_label(20_000) == "2 ha"
    assert area_label(800) == "800 m²"
    with translation.override("en"):
        assert area_label(43_990) == "4.4 ha"
        assert area_label(9_500) == "9,500 m²"


def test_shared_name_parts_are_no_municipality():
    assert "altmark" not in PLACES
    assert PLACES["arendsee"] == (4, "Arendsee (Altmark)")
