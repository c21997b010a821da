"""Full-text search: normalisation (unit) and matching on the database in use."""

import pytest

from standortlotse.core import textsearch
from standortlotse.properties.models import Property
from standortlotse.properties.selectors import SearchCriteria, search
from tests.factories import PropertyFactory


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Gewerbeflächen", "Gewerbefläche"),
        ("Tangermuende", "Tangermünde"),
        ("Strasse", "Straße"),
        ("Hallen", "Halle"),
        ("BÜROS", "Bueros"),
        ("Café", "cafe"),
    ],
)
def test_word_forms_normalise_alike(a, b):
    assert textsearch.words(a) == textsearch.words(b)


def test_fold_is_the_one_normaliser_for_labels_and_search_words():
    # labels, header names, choices: umlauts spelt out, nothing but a-z and 0-9
    assert textsearch.fold("Objekt-Nr.") == "objektnr"
    assert textsearch.fold("Fläche (m²)") == textsearch.fold("Flaeche m2") == "flaechem2"
    assert textsearch.fold("GROẞE Straße") == "grossestrasse"
    assert textsearch.fold(15090535) == "15090535"
    # around the stemmer: umlauts kept for it, dropped after it, other accents always go
    assert (
        textsearch.fold("Tangermünde Café", umlauts="keep", letters_only=False)
        == "tangermünde cafe"
    )
    assert (
        textsearch.fold("Tangermünde Café", umlauts="drop", letters_only=False)
        == "tangermunde cafe"
    )


def test_index_words_keeps_each_word_once_in_order():
    assert textsearch.index_words("Halle Halle", "Lager und Halle") == "hall lag und"


def test_query_words_are_limited_and_unique():
    assert textsearch.query_words("Halle halle HALLEN") == ["hall"]
    assert len(textsearch.query_words(" ".join(f"wort{i}" for i in range(20)))) == 8
    assert textsearch.query_words("!!! ---") == []


def _found(q):
    return set(search(SearchCriteria(q=q)).values_list("title", flat=True))


@pytest.mark.django_db
def test_search_stems_folds_and_matches_prefixes(world):
    PropertyFactory(
        title="Gewerbefläche am Hafen", municipality=world.mun_a, locality="Tangermünde"
    )
    PropertyFactory(
        title="Bürogebäude", municipality=world.mun_b, kind="office", description_en="Bright rooms"
    )
    assert _found("Gewerbeflächen") == {"Gewerbefläche am Hafen"}
    assert _found("tangermuende") == {"Gewerbefläche am Hafen"}
    # the kind's name counts: every plot is a "Gewerbe-/Industriefläche"
    assert _found("Gewerbe") == {
        "Gewerbefläche am Hafen",
        "Gewerbepark Stendal Nord",
        "Fläche Haldensleben",
    }
    assert _found("Gewerbe Hafen") == {"Gewerbefläche am Hafen"}
    assert (
        _found("bueros") == set()
    )  # "Bürogebäude" is one word: prefix "buro" matches, "buros" not
    assert _found("buro") == {"Bürogebäude"}
    assert _found("office") == {"Bürogebäude"}
    # every word must match; the municipality name and the kind (both languages) count too
    assert _found("Halle Gardelegen") == {"Halle Gardelegen"}
    assert _found("hall gardelegen") == {"Halle Gardelegen"}
    assert _found("Halle Stendal") == set()
    assert _found("Haldensleben") == {"Fläche Haldensleben"}


@pytest.mark.django_db
def test_search_text_follows_edits_and_municipality_renames(world):
    prop = world.prop_a
    prop.title = "Logistikzentrum"
    prop.save(update_fields=["title"])
    assert _found("Logistik") == {"Logistikzentrum"}
    assert _found("Gewerbepark") == set()
    world.mun_a.name = "Hansestadt Stendal"
    world.mun_a.save()
    assert _found("Hansestadt") == {"Logistikzentrum"}
    prop.delete()
    assert _found("Logistik") == set()
    assert not Property.objects.filter(search_text__matches=["logistik"]).exists()


@pytest.mark.django_db
def test_hostile_queries_are_harmless(world):
    for q in ['"', "' OR 1=1 --", "NEAR(a b)", "*", "a AND", "\\", "é" * 300]:
        assert isinstance(_found(q), set)


@pytest.mark.django_db
def test_few_and_many_matches_give_the_same_results(world, monkeypatch):
    for i in range(5):
        PropertyFactory(title=f"Lagerhalle {i}", municipality=world.mun_a)
    few = _found("Lagerhalle")
    assert textsearch.matching_ids(Property, ["lagerhall"]) is not None  # id list path
    monkeypatch.setattr(textsearch, "FEW", 2)
    assert textsearch.matching_ids(Property, ["lagerhall"]) is None  # too many: ordered walk
    assert _found("Lagerhalle") == few and len(few) == 5


@pytest.mark.django_db
def test_every_full_text_table_keeps_its_triggers_after_all_migrations():
    """A migration that makes SQLite rebuild a searched table (altering or removing a column)
    drops the table's triggers, and the index then silently stops following writes: every
    such migration must end with ``fts_triggers_restore_operation``."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its generated search column; there are no triggers")
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if any(isinstance(f, textsearch.SearchTextField) for f in m._meta.local_fields)
    ]
    assert tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    missing = [
        f"{textsearch.fts_table(t)}_{s}"
        for t in tables
        for s in ("ai", "ad", "au")
        if f"{textsearch.fts_table(t)}_{s}" not in triggers
    ]
    assert missing == []
