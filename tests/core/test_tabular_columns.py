"""Matching a file's headers to an import target's columns (core/tabular/columns.py)."""

import datetime

import pytest

from standortlotse.core.tabular import columns, readers
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
    synonyms = columns.choice_synonyms(Property._meta.get_field("kind"), {"halle": "hall"})
    assert synonyms["hall"] == "hall" and synonyms["halle"] == "hall"


# --- scoring from header words and values -------------------------------------------------


def _is_number(value):
    float(str(value).replace(",", "."))
    return True


def _specs():
    return [
        columns.ColumnSpec("name", frozenset({"bezeichnung", "anschluss"}), test=str.isalpha),
        columns.ColumnSpec(
            "distance",
            frozenset({"entfernung"}),
            also=frozenset({"anschluss"}),
            units=("km",),
            test=_is_number,
            strict=True,
        ),
        columns.ColumnSpec(
            "code", frozenset({"code"}), test=lambda v: v in ("A", "B", "C"), from_values=True
        ),
        columns.ColumnSpec("kind", frozenset({"art"}), test=lambda v: v in ("x", "y"), strict=True),
    ]


def test_a_unit_another_column_takes_vetoes_a_column_without_it():
    # "(km)" belongs to the distance: a header naming it never fills the name, whose word it is.
    assert columns.suggest_columns(["Anschluss (km)"], _specs(), {"Anschluss (km)": [4, 12]}) == {
        "Anschluss (km)": "distance"
    }
    # Without the unit the header's own word wins while the values fit the name.
    assert columns.suggest_columns(["Anschluss"], _specs(), {"Anschluss": ["Nord", "Ost"]}) == {
        "Anschluss": "name"
    }
    # A unit nobody declares ("intern") is no veto.
    assert columns.suggest_columns(["Bezeichnung (intern)"], _specs()) == {
        "Bezeichnung (intern)": "name"
    }


def test_values_decide_between_a_header_word_and_a_value_test():
    # "Art" is the kind by its header, but its values are codes: the codes win, a strict test
    # that the values fail never suggests the kind.
    samples = {"Art": ["A", "B", "C", "A"]}
    assert columns.suggest_columns(["Art"], _specs(), samples) == {"Art": "code"}
    assert columns.suggest_columns(["Art"], _specs(), {"Art": ["x", "y", "x"]}) == {"Art": "kind"}
    # Values alone need at least three samples of which nearly all fit.
    assert columns.suggest_columns(["Spalte 7"], _specs(), {"Spalte 7": ["A", "B"]}) == {}
    assert columns.suggest_columns(["Spalte 7"], _specs(), {"Spalte 7": ["A", "B", "C"]}) == {
        "Spalte 7": "code"
    }
    # Strict: numbers under "Entfernung" are a distance, words are not.
    assert columns.suggest_columns(["Entfernung"], _specs(), {"Entfernung": ["weit", "nah"]}) == {}


def test_each_header_one_column_and_each_column_one_header_by_best_score():
    samples = {"Code alt": ["A", "B", "C"], "Code": ["A", "A", "B"], "Art": ["A", "B", "C"]}
    suggested = columns.suggest_columns(["Code alt", "Code", "Art"], _specs(), samples)
    assert suggested == {"Code": "code"}  # the header word beats values alone; the rest stay free
    assert columns.candidates("Art", samples["Art"], _specs()) == ["code"]


def test_sample_values_skip_blanks_and_stop_early():
    rows = [
        readers.Row(n, {"a": value, "b": "x"})
        for n, value in enumerate([None, "", " ", "-", "1", 2, "1", 3.0], start=2)
    ]
    samples = columns.sample_values(iter(rows), ["a", "b"], size=3)
    assert samples == {"a": ["1", 2, "1"], "b": ["x", "x", "x"]}
    assert columns.shown_samples(["1", 2, "1", 3.0, "4"]) == ["1", "2", "3"]
    assert columns.shown_samples([12.5, "12,5", "x" * 80]) == ["12,5", "x" * 60]
    assert columns.shown_samples([datetime.date(2025, 3, 1)]) == ["01.03.2025"]


def test_file_shape_is_the_set_of_folded_headers():
    shape = columns.file_shape(["Größe (ha)", "Gemeinde"])
    assert shape == columns.file_shape(["gemeinde", "Groesse (ha)"])
    assert shape != columns.file_shape(["Größe (ha)", "Gemeinde", "Preis"])
