"""Full-text search shared by every searchable record (properties, places, guides, ...).

Both databases get the same normalised text, so they find the same records:

* Each searchable model has a ``search_text`` column (``SearchTextField``) holding the words of
  its texts, lower-cased, stemmed with the German Snowball stemmer (which also folds "ue" and "ü"
  alike: "Tangermuende" and "Tangermünde" both become ``tangermund``) and stripped of other
  accents. The model fills it on save (``index_words``).
* ``fold`` is the one text normaliser: the stemmer's words above, and (with umlauts spelt
  out, letters and digits only) the header names, choice values and municipality names of
  imports (``core.tabular``) and the place-name correction of the one search.
* The query is normalised the same way and every word is matched as a prefix, so "Gewerbe"
  finds "Gewerbeflächen" (``gewerbeflach``).
* The index is database specific: on SQLite an FTS5 table kept in step by triggers
  (``<table>_fts``), on PostgreSQL a stored ``search_vector`` column generated from it with a
  GIN index (``<table>_fts``).
  ``fts_index_operation`` creates either in a migration; the lookup ``search_text__matches``
  renders the matching SQL.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from functools import lru_cache
from typing import Literal

import snowballstemmer
from django.db import models
from django.db.models import Lookup

MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("german")


_DIAERESIS = "\u0308"
_SPELT_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")


def fold(
    text, *, umlauts: Literal["spell", "keep", "drop"] = "spell", letters_only: bool = True
) -> str:
    """The one text normaliser: lower case, "ß" as "ss", accents and compatibility forms
    undone ("é" → "e", "²" → "2").

    ``umlauts="spell"`` writes umlauts out ("ä" → "ae": "Fläche" = "Flaeche"), ``"keep"``
    leaves them (the German stemmer folds them itself), ``"drop"`` takes their dots off.
    ``letters_only`` keeps nothing but a–z and 0–9: the defaults compare labels, header names,
    choice values and municipality names ("Objekt-Nr." = "objektnr"); ``normalise_word`` uses
    the other forms around the stemmer.
    """
    text = str(text).lower().replace("ß", "ss")
    if text.isascii():
        # Nothing to decompose or to take off (most header names, values and words).
        return _NOT_LETTER_OR_DIGIT.sub("", text) if letters_only else text
    if umlauts == "spell":
        text = text.translate(_SPELT_UMLAUTS)
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(ch) or (umlauts == "keep" and ch == _DIAERESIS)
    )
    if letters_only:
        return _NOT_LETTER_OR_DIGIT.sub("", kept)
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=50_000)
def normalise_word(word: str) -> str:
    # Foreign accents go before stemming ("Café" = "cafe"); the stemmer needs the umlauts and
    # folds them itself, any left over go afterwards.
    word = fold(word, umlauts="keep", letters_only=False)
    return fold(_stemmer.stemWord(word), umlauts="drop", letters_only=False)


def words(text: str) -> list[str]:
    return [normalise_word(w) for w in _WORD.findall(text or "") if not w.isdigit() or len(w) < 12]


def index_words(*parts: str) -> str:
    """The content of a ``search_text`` column: the normalised words of all parts, each once."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in words(part):
            seen.setdefault(word, None)
    return " ".join(seen)


def query_words(query: str) -> list[str]:
    """The normalised words of a user's query (at most eight), without duplicates."""
    result: list[str] = []
    for word in words(query):
        if word and word not in result:
            result.append(word)
    return result[:MAX_QUERY_WORDS]


class SearchTextField(models.TextField):
    """The normalised words of a record. Not edited by people, not kept in the history."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


def fts_table(model_table: str) -> str:
    return f"{model_table}_fts"


@SearchTextField.register_lookup
class Matches(Lookup):
    """``search_text__matches=["gewerb", "hall"]``: every word occurs as a prefix of a word."""

    lookup_name = "matches"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def process_rhs(self, compiler, connection):
        return "%s", [self.rhs]

    def as_sql(self, compiler, connection):  # pragma: no cover - vendor methods below
        raise NotImplementedError(f"full-text search is not available on {connection.vendor}")

    def as_postgresql(self, compiler, connection):
        # The stored, GIN-indexed ``search_vector`` column next to ``search_text``
        # (made by ``fts_index_operation``): no to_tsvector() per row.
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        return f"{alias}.search_vector @@ to_tsquery('simple'::regconfig, %s)", [
            pg_tsquery(self.rhs)
        ]

    def as_sqlite(self, compiler, connection):
        model = self.lhs.target.model
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        pk = connection.ops.quote_name(model._meta.pk.column)
        table = connection.ops.quote_name(fts_table(model._meta.db_table))
        return f"{alias}.{pk} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [
            sqlite_match(self.rhs)
        ]


def pg_tsquery(terms: list[str]) -> str:
    return " & ".join(f"{_pg_lexeme(w)}:*" for w in terms)


def sqlite_match(terms: list[str]) -> str:
    return " ".join(f'"{w}"*' for w in terms)


FEW = 1000


def matching_ids(model, terms: list[str], limit: int | None = None) -> list[int] | None:
    """The ids of all records matching ``terms`` when there are at most ``limit``, else None.

    Asking the full-text index first lets rare words (most searches) filter by a short id list
    instead of walking the sort index of every published record; frequent words keep the walk,
    which stops after one page.
    """
    from django.db import connection

    limit = FEW if limit is None else limit
    table = model._meta.db_table
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        fts = quote(fts_table(table))
        sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s"
        params: list[str | int] = [sqlite_match(terms), limit + 1]
    elif connection.vendor == "postgresql":
        sql = (
            f"SELECT {quote(model._meta.pk.column)} FROM {quote(table)} "
            f"WHERE search_vector @@ to_tsquery('simple'::regconfig, %s) LIMIT %s"
        )
        params = [pg_tsquery(terms), limit + 1]
    else:  # pragma: no cover
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= limit else None


def filter_matches(queryset, query_or_terms):
    """``queryset`` restricted to records whose texts match (see ``matching_ids``)."""
    terms = query_or_terms if isinstance(query_or_terms, list) else query_words(query_or_terms)
    if not terms:
        return queryset
    ids = matching_ids(queryset.model, terms)
    if ids is not None:
        return queryset.filter(pk__in=ids)
    return queryset.filter(search_text__matches=terms)


def _pg_lexeme(word: str) -> str:
    # Normalised words consist of \w characters only; quote them anyway for to_tsquery.
    return "'" + word.replace("'", "") + "'"


def fts_index_operation(table: str, column: str = "search_text", pk: str = "id"):
    """A migration operation creating the full-text index of ``table`` for the current database."""
    from django.db import migrations

    fts = fts_table(table)

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
                f"content_rowid='{pk}', tokenize='unicode61 remove_diacritics 2')"
            )
            for statement in _sqlite_triggers(table, column, pk):
                schema_editor.execute(statement)
        elif vendor == "postgresql":
            # A stored tsvector next to the text: to_tsvector() runs once per write, not per row
            # and search (measured: a word in all 10,000 places 107 → 18 ms).
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {column})) STORED"
            )
            schema_editor.execute(f"CREATE INDEX {fts} ON {table} USING gin (search_vector)")

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {fts}")
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")

    return migrations.RunPython(forwards, backwards)


@contextmanager
def sqlite_bulk_insert(cursor, table: str, column: str = "search_text", pk: str = "id"):
    """Inside a transaction on SQLite: rows inserted into ``table`` in the block are indexed for
    the full-text search by one ``INSERT … SELECT`` per block of keys (the function the block
    gets: ``index(first_key, last_key)``) instead of the insert trigger per row; the trigger is
    dropped for the block and created again after it (SQLite's schema changes belong to the
    transaction: a failed block rolls back with its rows). The trigger per row was two thirds
    of inserting 20,000 imported properties (8.2 s with it, 2.7 s without, 3.0 s with the
    ``INSERT … SELECT``). Tables without a full-text index get a function that does nothing."""
    fts = fts_table(table)
    cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{fts}_ai"]
    )
    found = cursor.fetchone()
    if found is None:
        yield lambda first, last: None
        return

    def index(first: int, last: int) -> None:
        cursor.execute(
            f"INSERT INTO {fts}(rowid, {column}) SELECT {pk}, {column} FROM {table} "
            f"WHERE {pk} BETWEEN %s AND %s",
            [first, last],
        )

    cursor.execute(f"DROP TRIGGER {fts}_ai")
    try:
        yield index
    finally:
        cursor.execute(found[0])


def _sqlite_triggers(table: str, column: str, pk: str) -> list[str]:
    """The triggers that keep SQLite's FTS table in step with ``table``, then a rebuild."""
    fts = fts_table(table)
    return [
        (
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{pk}, new.{column}); END"
        ),
        (
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.{pk}, old.{column}); END"
        ),
        (
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.{pk}, old.{column}); "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{pk}, new.{column}); END"
        ),
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def fts_triggers_restore_operation(table: str, column: str = "search_text", pk: str = "id"):
    """A migration operation for after a schema change that makes SQLite rebuild ``table``
    (removing or altering a column): the rebuild drops the table's triggers, so the full-text
    index would silently stop following writes. Puts them back; nothing to do on PostgreSQL,
    whose generated search column survives such changes."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            fts = fts_table(table)
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            for statement in _sqlite_triggers(table, column, pk):
                schema_editor.execute(statement)

    return migrations.RunPython(forwards, forwards)
