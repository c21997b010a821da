"""German dictionary order (DIN 5007-1) of names: core.collation."""

import pytest

from standortlotse.core.collation import sort_key, sorted_by_name


def test_umlauts_sort_as_their_base_letter():
    assert sorted_by_name(["Gardelegen", "Diesdorf", "Dähre"]) == [
        "Dähre",
        "Diesdorf",
        "Gardelegen",
    ]


def test_a_name_starting_with_an_umlaut_sorts_among_its_base_letter_not_after_z():
    names = [
        "Zichtau",
        "Uelzen",
        "Ückermünde",
        "Tangermünde",
        "Uchtspringe",
        "Öbisfelde",
        "Osterburg",
    ]
    assert sorted_by_name(names) == [
        "Öbisfelde",
        "Osterburg",
        "Tangermünde",
        "Uchtspringe",
        "Ückermünde",
        "Uelzen",
        "Zichtau",
    ]


def test_sharp_s_sorts_as_ss_and_case_does_not_matter():
    assert sorted_by_name(["Straße B", "strasse a", "Strand"]) == [
        "Strand",
        "strasse a",
        "Straße B",
    ]
    assert sorted_by_name(["beetzendorf", "Arendsee", "Bismark"]) == [
        "Arendsee",
        "beetzendorf",
        "Bismark",
    ]


def test_a_name_with_an_addition_comes_right_after_the_plain_one():
    assert sorted_by_name(["Kalbeland", "Kalbe (Milde)", "Kalbe"]) == [
        "Kalbe",
        "Kalbe (Milde)",
        "Kalbeland",
    ]


def test_equal_spellings_keep_a_fixed_order():
    assert sort_key("Müller") > sort_key("Muller")
    assert sorted_by_name(["Müller", "Muller", "Mueller"]) == ["Mueller", "Muller", "Müller"]


@pytest.mark.parametrize("attribute", [lambda m: m["name"]])
def test_records_sort_by_the_name_they_show(attribute):
    rows = [{"name": "Diesdorf"}, {"name": "Dähre"}]
    assert [r["name"] for r in sorted_by_name(rows, attribute)] == ["Dähre", "Diesdorf"]
