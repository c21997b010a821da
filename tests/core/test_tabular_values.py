"""The value parser of imports (core/tabular/values.py): German numbers, areas, dates, yes/no and
choices as people type them into spreadsheets."""

import re
from datetime import date, datetime
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


# --- the forms of issue 14: prices, availability dates, areas, yes/no -------------------------

PRICE_UNITS = ("€", "eur", "euro", "€/m²", "€/m2", "€/qm", "eur/m²", "eur/m2", "eur/qm")


@pytest.mark.parametrize(
    ("raw", "amount", "on_request", "noted"),
    [
        ("auf Anfrage", None, True, ""),
        ("a. A.", None, True, ""),
        ("Preis auf Anfrage", None, True, ""),
        ("VB", None, True, "VB"),
        ("Verhandlungsbasis", None, True, "Verhandlungsbasis"),
        ("VHB", None, True, "VHB"),
        ("12 € VB", Decimal("12"), False, "verhandelbar|negotiable"),
        ("9,- €", Decimal("9"), False, ""),
        ("€ 14,50", Decimal("14.50"), False, ""),
        ("14,50 EUR/m²", Decimal("14.50"), False, ""),
        ("ab 12 €/m²", Decimal("12"), False, "12"),
        ("12–15 €/m²", Decimal("12"), False, "Spanne „12–15 €/m²“|Range “12–15 €/m²”"),
        ("12-15 €", Decimal("12"), False, "Spanne|Range"),
        ("12,50 - 15,00 €/qm", Decimal("12.50"), False, "Spanne|Range"),
        (18, Decimal("18"), False, ""),
    ],
)
def test_price_forms(raw, amount, on_request, noted):
    notes = []
    assert values.price(raw, PRICE_UNITS, notes) == (amount, on_request)
    if noted:
        assert len(notes) == 1 and re.search(noted, notes[0]), notes
    else:
        assert notes == []


@pytest.mark.parametrize("raw", ["teuer", "12 Äpfel", "15–12 €", "ab", "VB teuer"])
def test_unknown_prices_are_errors_listing_the_accepted_forms(raw):
    with pytest.raises(values.BadValue) as error:
        values.price(raw, PRICE_UNITS)
    message = str(error.value)
    assert f"„{raw}“" in message or f"“{raw}”" in message
    assert "auf Anfrage" in message and "12–15 €/m²" in message and "VB" in message


def test_every_documented_price_form_is_read():
    for form in values.PRICE_FORMS:
        values.price(form, PRICE_UNITS)


@pytest.mark.parametrize(
    ("raw", "day", "noted"),
    [
        ("ab 01.03.2025", date(2025, 3, 1), False),
        ("01.03.2025", date(2025, 3, 1), False),
        ("ab dem 01.03.2025", date(2025, 3, 1), False),
        ("03/2025", date(2025, 3, 1), False),
        ("Q3/2026", date(2026, 7, 1), True),
        ("Q1 2027", date(2027, 1, 1), True),
        ("4. Quartal 2026", date(2026, 10, 1), True),
        ("2026", date(2026, 1, 1), True),
        ("ab 2026", date(2026, 1, 1), True),
        (2026, date(2026, 1, 1), True),  # an XLSX number cell
        (datetime(2025, 3, 1), date(2025, 3, 1), False),  # noqa: DTZ001 - an XLSX cell is naive
    ],
)
def test_from_date_forms(raw, day, noted):
    notes = []
    assert values.from_date(raw, notes) == day
    assert bool(notes) is noted
    if noted:
        assert day.strftime("%d.%m.%Y") in notes[0]


@pytest.mark.parametrize("raw", ["irgendwann", "Q5/2026", "nächstes Jahr", "12345"])
def test_unknown_dates_are_errors(raw):
    with pytest.raises(values.BadValue):
        values.from_date(raw)


def test_every_documented_date_form_is_read():
    for form in values.FROM_DATE_FORMS:
        values.from_date(form)


@pytest.mark.parametrize(
    ("raw", "expected", "noted"),
    [
        ("ca. 2 ha", 20000, False),
        ("12.500 qm", 12500, False),
        ("2,5 ha brutto", 25000, True),
        ("12500m²", 12500, False),
        ("1,2 Hektar", 12000, False),
        ("3.000 m² netto", 3000, True),
    ],
)
def test_area_forms_of_issue_14(raw, expected, noted):
    notes = []
    assert values.area_m2(raw, notes) == expected
    assert bool(notes) is noted


def test_every_documented_area_form_is_read():
    for form in values.AREA_FORMS:
        values.area_m2(form)


def test_unknown_area_unit_names_value_and_units():
    with pytest.raises(values.BadValue, match="Morgen") as error:
        values.area_m2("3 Morgen")
    assert "Hektar" in str(error.value)


@pytest.mark.parametrize(
    ("raw", "expected", "noted"),
    [
        ("ja", True, False),
        ("x", True, False),
        ("X", True, False),
        ("vorhanden", True, False),
        ("möglich", True, True),
        ("nein", False, False),
        ("-", False, False),
        ("nicht vorhanden", False, False),
    ],
)
def test_yes_no_forms(raw, expected, noted):
    notes = []
    assert values.boolean(raw, notes) is expected
    assert bool(notes) is noted


def test_every_documented_yes_no_form_is_read_and_others_list_them():
    for form in values.YES_NO_FORMS:
        values.boolean(form)
    with pytest.raises(values.BadValue) as error:
        values.boolean("vielleicht")
    assert "vielleicht" in str(error.value) and "vorhanden" in str(error.value)


def test_unknown_choice_lists_the_accepted_forms():
    with pytest.raises(values.BadValue) as error:
        values.choice("XY", {"ge": "GE"}, "Gebietsart", ["GE", "GI"])
    assert "XY" in str(error.value) and "GE · GI" in str(error.value)
