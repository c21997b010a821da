"""Matching a file's headers to an import target's columns (core/tabular/columns.py)."""

import pytest

from standortlotse.core.tabular import columns
from standortlotse.properties.models import Property


def _index():
    return columns.header_index(
        ["external_id", "area_available_m2", "title"],
        {
            "external_id": ["Objekt-Nr.", "ID"],
            "area_available_m2": ["Fläche"],
            "title": ["Objekt-Nr."],
        },
        lambda name: {"title": ["Titel", "title"]}.get(name, []),
    )


def test_header_index_folds_aliases_labels_and_names():
    index = _index()
    assert index["objektnr"] == "external_id"  # the first alias wins
    assert index["flaeche"] == "area_available_m2" and index["titel"] == "title"
    assert index["externalid"] == "external_id" and index["areaavailablem2"] == "area_available_m2"


def test_suggest_uses_each_column_once_and_ignores_units_in_headers():
    suggested = columns.suggest(["Objekt-Nr.", "Fläche (ha)", "ID", "Sonstiges"], _index())
    assert suggested == {"Objekt-Nr.": "external_id", "Fläche (ha)": "area_available_m2"}


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Fläche (ha)", "ha"),
        ("Preis [€/m²]", "€/m²"),
        ("Entfernung in km", "km"),
        ("Fläche", ""),
    ],
)
def test_header_unit(header, unit):
    assert columns.header_unit(header) == unit


def test_field_labels_and_choice_synonyms_in_both_languages():
    assert columns.field_labels(Property._meta.get_field("title")) == ["Titel", "title"]
    synonyms = columns.choice_synonyms(Property._meta.get_field("zoning"), {"mu": "MI"})
    assert synonyms["ge"] == "GE" and synonyms["mu"] == "MI"
