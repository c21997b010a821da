"""Reading statistics tables as the offices publish them (tests/profiles/data)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from standortlotse.profiles import tables

DATA = Path(__file__).parent / "data"


def read(name):
    return tables.read((DATA / name).read_bytes())


def test_population_table_in_windows_1252_with_header_and_footer():
    table = read("12411-0015_bevoelkerung_gemeinden.csv")
    assert table.encoding == "cp1252"
    assert "12411-0015" in table.title and "Bevölkerung" in table.title
    # three heading lines joined per column; "Bevölkerungsstand" spans all three columns
    assert table.columns == [
        "Bevölkerungsstand Insgesamt Anzahl",
        "Bevölkerungsstand männlich Anzahl",
        "Bevölkerungsstand weiblich Anzahl",
    ]
    assert table.as_of == date(2023, 12, 31)
    keys = [a.key for a in table.areas]
    assert keys == [
        "15",
        "15081",
        "15081135",
        "15081455",
        "15090",
        "15090535",
        "15083270",
        "15090999",
    ]
    stendal = table.areas[5]
    assert (stendal.line, stendal.name, stendal.level) == (
        14,
        "Stendal, Hansestadt",
        "municipality",
    )
    assert tables.number(stendal.cells[0]) == Decimal(39127)
    assert table.areas[1].level == "district" and table.areas[0].level == "other"
    # the footer is not read as areas
    assert any("©" in line for line in table.footer)
    assert any(line.startswith("Stand:") for line in table.footer)


def test_twelve_digit_ars_becomes_the_ags_and_utf8_bom_is_read():
    table = read("71231-01-03-5_hebesaetze_ars_utf8.csv")
    assert table.encoding == "utf-8"
    assert [a.ags for a in table.areas] == ["15081135", "15090535", "15083270"]
    assert table.as_of == date(2023, 12, 31)  # the "2023" line: the year's end
    assert tables.choose_column(table, "Grundsteuer B") == 1
    assert tables.choose_column(table, "3") == 2
    with pytest.raises(tables.TableError, match="several value columns"):
        tables.choose_column(table, None)
    with pytest.raises(tables.TableError, match="more than one"):
        tables.choose_column(table, "Grundsteuer")


def test_tables_by_year_carry_the_date_of_their_block():
    table = read("bevoelkerung_zwei_jahre_cp1252.csv")
    assert table.dates == [date(2022, 12, 31), date(2023, 12, 31)]
    assert [(a.key, a.as_of.year) for a in table.areas] == [
        ("15090535", 2022),
        ("15081135", 2022),
        ("15090535", 2023),
        ("15081135", 2023),
    ]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("12.345,6", Decimal("12345.6")),
        ("2.144.611", Decimal(2144611)),
        ("39127", Decimal(39127)),
        ("-3,2", Decimal("-3.2")),
        ("7,4", Decimal("7.4")),
        ("1.234a", Decimal(1234)),  # a footnote mark after the number
        (" 450 ", Decimal(450)),
        (".", None),
        ("-", None),
        ("x", None),
        ("...", None),
        ("/", None),
        ("", None),
    ],
)
def test_german_numbers_and_missing_markers(cell, expected):
    assert tables.number(cell) == expected


@pytest.mark.parametrize("cell", ["k.A.", "12,3,4", "12.34", "1,234.5", "abc"])
def test_cells_that_are_no_number_are_errors(cell):
    with pytest.raises(tables.CellError):
        tables.number(cell)


def test_a_file_without_area_lines_is_refused():
    with pytest.raises(tables.TableError, match="official key"):
        tables.read(b"Titel;Wert\nEtwas;12\n")
    with pytest.raises(tables.TableError, match="semicolons"):
        tables.read(b"just a text\nwithout columns\n")
    with pytest.raises(tables.TableError, match="not a text table"):
        tables.read(b"PK\x03\x04\x00\x00binary")
