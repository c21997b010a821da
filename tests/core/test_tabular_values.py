"""The value parser of imports (core/tabular/values.py): German numbers, areas, dates, yes/no and
choices as people type them into spreadsheets."""

from decimal import Decimal

import pytest

from standortlotse.core.tabular import values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.500", 12500),
        ("12.500 m²", 12500),
        ("3,5 ha", 35000),
        ("ca. 2 ha", 20000),
        ("12500", 12500),
        ("1.234.567 qm", 1234567),
        (4800, 4800),
        (2.5, 2),
        ("0,75 ha", 7500),
        ("12 500 m2", 12500),
    ],
)
def test_area_forms(raw, expected):
    assert values.area_m2(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("18,50 €", Decimal("18.50")),
        ("1.234,56", Decimal("1234.56")),
        ("3.5", Decimal("3.5")),
        ("1,234,567", Decimal("1234567")),
        ("4,5 km", Decimal("4.5")),
        ("-3", Decimal("-3")),
    ],
)
def test_number_forms(raw, expected):
    assert values.number(raw)[0] == expected


@pytest.mark.parametrize("raw", ["viel", "12 Äpfel 3", "ha", "", "1,2,3,4"])
def test_bad_numbers_are_named(raw):
    with pytest.raises(values.BadValue):
        values.area_m2(raw)


def test_dates_booleans_choices():
    assert str(values.parse_date("01.03.2025")) == "2025-03-01"
    assert str(values.parse_date("2025-03-01")) == "2025-03-01"
    with pytest.raises(values.BadValue, match="kein Datum|not a date"):
        values.parse_date("nächstes Jahr")
    assert (
        values.boolean("ja") is True
        and values.boolean("Nein") is False
        and values.boolean("x") is True
    )
    with pytest.raises(values.BadValue):
        values.boolean("vielleicht")
    synonyms = {"ge": "GE", "gi": "GI"}
    assert values.choice("GE/GI", synonyms, "zoning")[0] == "GE"
    assert values.choice("GE/GI", synonyms, "zoning")[1]  # a warning names the choice taken
    assert values.text("'=1+2") == "=1+2"  # our own neutralised export cell
