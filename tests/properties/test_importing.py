"""The property import target's suggestions (properties/importing.py): header words and values."""

import datetime

import pytest

from standortlotse.properties import importing
from tests.exchange.support import HAND_KEPT_MAPPING, HAND_KEPT_ROWS

pytestmark = pytest.mark.django_db  # choice labels are translated; nothing is read from the DB


def test_a_hand_kept_list_is_suggested_completely():
    headers = list(HAND_KEPT_MAPPING)
    samples = {h: [row[i] for row in HAND_KEPT_ROWS if row[i]] for i, h in enumerate(headers)}
    expected = {h: name for h, name in HAND_KEPT_MAPPING.items() if name}
    assert importing.suggest(headers, samples) == expected


def test_a_column_of_zoning_codes_is_the_zoning_not_the_kind():
    samples = {"Art": ["GE", "GI", "MI", "SO", "GE/GI"], "Bezeichnung": ["A", "B", "C"]}
    assert importing.suggest(["Bezeichnung", "Art"], samples)["Art"] == "zonings"
    # With kinds as values, "Art" stays the kind.
    kinds = {"Art": ["Halle", "Gewerbegebiet", "Brachfläche"]}
    assert importing.suggest(["Art"], kinds) == {"Art": "kind"}
    # Zoning codes under any header are the zoning, if nothing else claims it.
    assert importing.suggest(["Spalte F"], {"Spalte F": ["GE", "GI", "GE"]}) == {
        "Spalte F": "zonings"
    }


@pytest.mark.parametrize(
    "header", ["Autobahnanschlussstelle (km)", "Autobahn (km)", "Anschlussstelle in km"]
)
def test_numbers_under_a_km_header_are_a_distance_never_the_junction_name(header):
    samples = {header: ["4,5", 12, "3"]}
    assert importing.suggest([header], samples) == {header: "motorway_km"}


def test_the_junction_name_stays_a_name():
    samples = {"Anschlussstelle": ["A 14 Stendal", "A 2 Burg", "A 14 Colbitz"]}
    assert importing.suggest(["Anschlussstelle"], samples) == {
        "Anschlussstelle": "motorway_junction"
    }
    # Bare numbers never fill a name field, whatever the header says.
    assert importing.suggest(["Anschlussstelle"], {"Anschlussstelle": [4, 12, 3]}) == {
        "Anschlussstelle": "motorway_km"
    }


@pytest.mark.parametrize(
    ("total", "available"),
    [
        ("Gesamtfläche", "davon frei"),
        ("Fläche gesamt", "verfügbar"),
        ("Größe", "frei"),
        ("Gesamtfläche (ha)", "davon frei (m²)"),
    ],
)
def test_total_and_available_area_are_told_apart(total, available):
    samples = {total: ["2,5", "12.000", 3], available: ["1.000", 800, "1,2"]}
    assert importing.suggest([total, available], samples) == {
        total: "area_total_m2",
        available: "area_available_m2",
    }


def test_verfuegbar_with_dates_is_the_availability():
    samples = {"verfügbar": ["sofort", "01.03.2026", "reserviert"]}
    assert importing.suggest(["verfügbar"], samples) == {"verfügbar": "availability"}


def test_yes_no_and_dates_fit_their_fields():
    samples = {
        "teilbar": ["ja", "nein", "x"],
        "Stand": [datetime.date(2025, 3, 1), "01.03.2025"],
        "Bemerkung": ["erschlossen", "Altlasten"],
    }
    assert importing.suggest(list(samples), samples) == {
        "teilbar": "divisible",
        "Stand": "verified_on",
        "Bemerkung": "description_de",
    }


def test_looks_like_names_important_columns_only():
    assert importing.looks_like("Flächenangabe alt", ["2 ha"]) == "area_available_m2"
    assert importing.looks_like("Kaufpreis alt", ["12"]) == "price_per_m2"
    assert importing.looks_like("Gebietsart", ["GE"]) == ""
    assert importing.looks_like("Lfd. Nr.", [1, 2, 3]) == ""
