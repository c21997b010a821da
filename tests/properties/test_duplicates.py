"""The possible-duplicate matcher of the property import (pure logic, and its register reader)."""

import pytest

from standortlotse.properties import duplicates as d
from tests.factories import PropertyFactory


def entry(key, title, municipality=1, lat=None, lon=None, available=None, total=None):
    return d.Entry(key, municipality, d.title_tokens(title), lat, lon, available, total)


def checker(records=()):
    loaded = []

    def load(municipalities):
        loaded.append(set(municipalities))
        return [r for r in records if r.municipality in municipalities]

    check = d.Checker(load)
    check.loaded = loaded
    return check


def test_titles_are_folded_and_compared_as_word_sets():
    tokens = d.title_tokens("Gewerbegebiet Stendal-Nord, Parzelle 04 am Hafen")
    assert tokens == {"gewerbegebiet", "stendal", "nord", "parzelle", "4", "hafen"}
    same = d.title_tokens("GEWERBEGEBIET Stendal Nord Parzelle 4, Hafen")
    assert d.similar_titles(tokens, same)
    assert d.similar_titles(d.title_tokens("Große Halle Süd"), d.title_tokens("Grosse Halle Sued"))
    # one word more of five still similar, a different number is another plot
    assert d.similar_titles(
        d.title_tokens("Gewerbegebiet Stendal Nord Parzelle 4"),
        d.title_tokens("Gewerbegebiet Stendal Nord Parzelle 4 Erweiterung"),
    )
    assert not d.similar_titles(
        d.title_tokens("Gewerbegebiet Stendal Nord Parzelle 4"),
        d.title_tokens("Gewerbegebiet Stendal Nord Parzelle 5"),
    )
    assert not d.similar_titles(d.title_tokens("Halle am Hafen"), d.title_tokens("Halle Nord"))
    assert not d.similar_titles(frozenset(), frozenset())


def test_areas_and_distances():
    assert d.close_areas(10_000, 10_190, d.REGISTER_AREA)
    assert not d.close_areas(10_000, 10_300, d.REGISTER_AREA)
    assert d.close_areas(10_000, 10_450, d.FILE_AREA)
    assert not d.close_areas(None, 10_000, d.FILE_AREA)
    assert 85 < d.distance_m(52.6, 11.86, 52.6008, 11.8605) < 110


def test_identical_row_in_the_file():
    check = checker()
    first = entry(2, "Halle am Hafen", lat=52.6, lon=11.9, available=4800)
    again = entry(3, "Halle am Hafen", lat=52.6, lon=11.9, available=4800)
    findings = check.check([(first, b"same", True), (again, b"same", True)])
    assert set(findings) == {3}
    assert (findings[3].row, findings[3].identical, findings[3].record) == (2, True, None)


def test_near_identical_row_needs_title_municipality_and_area():
    check = checker()
    rows = [
        entry(2, "Gewerbegebiet Süd, Parzelle 3", available=10_000),
        entry(3, "Gewerbegebiet Sued Parzelle 3", available=10_400),  # 4 %: near-identical
        entry(4, "Gewerbegebiet Süd Parzelle 3", available=12_000),  # area differs
        entry(5, "Gewerbegebiet Süd Parzelle 3", municipality=2, available=10_000),  # elsewhere
        entry(6, "Gewerbegebiet Süd Parzelle 3"),  # one without area, the other with
    ]
    findings = check.check([(row, bytes([row.key]), True) for row in rows])
    assert set(findings) == {3}
    assert (findings[3].row, findings[3].identical) == (2, False)


def test_register_match_by_position_or_title_in_the_same_municipality():
    records = [
        entry(101, "Gewerbepark Nord", lat=52.6000, lon=11.8600),
        entry(102, "Halle am Hafen", lat=52.70, lon=11.70),
        entry(104, "Halle am Hafen", municipality=2, lat=52.6, lon=11.86),
    ]
    check = checker(records)
    rows = [
        entry(2, "Bauland", lat=52.6005, lon=11.8604),  # ~60 m from 101
        entry(3, "Halle Hafen", lat=52.8, lon=11.8),  # title of 102
        entry(5, "Nichts davon", lat=52.4, lon=11.4, available=20_000),
        entry(6, "Halle am Hafen", lat=52.6, lon=11.86),  # existing by ID: an update
    ]
    flags = [True, True, True, False]
    findings = check.check([(r, bytes([r.key]), new) for r, new in zip(rows, flags, strict=True)])
    assert {k: (f.record, f.reasons) for k, f in findings.items()} == {
        2: (101, ["position"]),
        3: (102, ["title"]),
    }
    assert check.loaded == [{1}]  # the register of a municipality is read once


def test_an_area_alone_is_no_reason_but_adds_to_position_or_title():
    """Round areas ("ca. 2 ha") coincide often: the same area (within 2 %) in the same
    municipality says nothing unless the point is near or the title similar."""
    records = [
        entry(103, "Fläche West", lat=52.50, lon=11.50, available=33_000),
        entry(105, "Gewerbehof Süd", lat=52.30, lon=11.30, total=20_000),
        entry(106, "Lager", lat=52.6000, lon=11.8600, available=8_000),
    ]
    rows = [
        entry(4, "Irgendwas", lat=52.4, lon=11.4, available=32_500),  # only the area of 103
        entry(5, "Sonstiges", available=33_000),  # no point of its own, only the area of 103
        entry(6, "Gewerbehof Sued", lat=52.9, lon=11.9, total=20_100),  # title + area of 105
        entry(7, "Werkhalle", lat=52.6004, lon=11.8600, available=8_100),  # ~45 m + area of 106
    ]
    findings = checker(records).check([(r, bytes([r.key]), True) for r in rows])
    assert {k: (f.record, f.reasons) for k, f in findings.items()} == {
        6: (105, ["title", "area"]),
        7: (106, ["position", "area"]),
    }


def test_the_best_candidate_is_named():
    records = [
        entry(201, "Fläche A", lat=52.6, lon=11.86, available=5000),
        entry(202, "Gewerbehof Ost", lat=52.6003, lon=11.8601, available=5000),
    ]
    row = entry(2, "Gewerbehof Ost", lat=52.6002, lon=11.8601, available=5010)
    finding = checker(records).check([(row, b"x", True)])[2]
    assert (finding.record, finding.reasons) == (202, ["position", "title", "area"])


def test_positions_without_coordinates_do_not_count():
    records = [entry(301, "A", lat=None, lon=None)]
    row = entry(2, "B")
    assert checker(records).check([(row, b"x", True)]) == {}


def test_many_equal_titles_stay_bounded():
    """A file of thousands of rows with the same words looks at a bounded number of candidates."""
    check = checker()
    rows = [
        (entry(n, f"Gewerbefläche Nord {n}"), bytes(str(n), "ascii"), True) for n in range(5000)
    ]
    assert check.check(rows) == {}  # the numbers differ: none is a duplicate


@pytest.mark.django_db
def test_register_loader_reads_editable_records_and_treats_the_centre_as_no_position(world):
    near = PropertyFactory(title="Am Bahnhof", municipality=world.mun_a, lat=52.61, lon=11.87)
    archived = PropertyFactory(title="Alt", municipality=world.mun_a, status="archived")
    loaded = {e.key: e for e in d.register_loader(world.editor_a)({world.mun_a.pk, world.mun_b.pk})}
    assert near.pk in loaded and world.prop_a.pk in loaded
    assert archived.pk not in loaded and world.prop_b.pk not in loaded  # B: not editor A's
    assert loaded[world.prop_a.pk].lat is None  # the factory puts it on the centre
    assert (loaded[near.pk].lat, loaded[near.pk].tokens) == (52.61, {"bahnhof"})


def test_words_the_register_does_not_have_do_not_hide_a_similar_title():
    """The candidates come from the rarest title words the register has: two words of the row
    that no record has (an addition, a typo) leave the others to find the record."""
    records = [entry(401, "Lager Nord Hafen Kai Dock")]
    row = entry(2, "Lager Nord Hafen Kai Dock Zusatz Erweiterung")  # Dice 10/12
    finding = checker(records).check([(row, b"x", True)])[2]
    assert (finding.record, finding.reasons) == (401, ["title"])


def test_a_title_with_numbers_is_found_among_many_with_the_same_words():
    records = [entry(n, f"Gewerbefläche Nord {n}") for n in range(1000, 1500)]
    row = entry(2, "GEWERBEFLAECHE NORD 1003")
    finding = checker(records).check([(row, b"x", True)])[2]
    assert (finding.record, finding.reasons) == (1003, ["title"])


def test_identical_rows_left_to_the_caller_keep_no_fingerprint_here():
    """With ``identical_by_caller`` the checker keeps no fingerprint per row (the import finds
    identical rows in SQL); near-identical rows are still found."""
    check = d.Checker(lambda municipalities: [])
    check.identical_by_caller = True
    findings = check.check([(entry(5, "Halle Ost", available=1000), 7, True)])
    findings = check.check([(entry(6, "Halle Ost", available=1000), 7, True)])
    assert findings[6].row == 5 and not findings[6].identical  # near-identical, by title
    assert check._seen == {}


def test_near_identical_rows_left_to_the_caller_keep_no_index_of_the_file():
    """With ``near_by_caller`` the checker holds nothing per row of the file; the caller passes
    the rows it stored to ``near_identical`` after the last batch, ordered by municipality."""
    check = d.Checker(lambda municipalities: [])
    check.identical_by_caller = check.near_by_caller = True
    assert check.check([(entry(5, "Halle Ost", available=1000), 7, True)]) == {}
    assert check.check([(entry(6, "Halle Ost", available=1000), 7, True)]) == {}
    assert check._file == {} and check._seen == {}
    stored = [  # (number, municipality, title, available, total, is new)
        (5, 1, "Halle Ost", 1000, None, True),
        (6, 1, "HALLE OST", 1020, None, True),  # within 5 %: near-identical to row 5
        (9, 1, "Halle Ost", 2000, None, True),  # another area
        (12, 1, "Halle Ost", None, None, True),  # an area on one side only
        (3, 2, "Halle Ost", 1000, None, False),  # another municipality: an update
        (7, 2, "Halle Ost", 1000, None, True),
        (8, 2, "Halle Ost", 1000, None, True),  # the first earlier one is named
    ]
    assert list(d.near_identical(stored)) == [(6, 5), (7, 3), (8, 3)]


def test_near_identical_holds_one_municipality_at_a_time():
    import tracemalloc

    def rows(n, municipalities):
        for number in range(n):
            group = number * municipalities // n
            yield number, group, f"Fläche {number}", 1000 + number, None, True

    def peak(n):
        tracemalloc.start()
        found = list(d.near_identical(rows(n, n // 1000)))
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert found == []
        return top

    small, large = peak(5_000), peak(50_000)
    assert large < small * 1.5, (small, large)  # flat: not ten times as much
