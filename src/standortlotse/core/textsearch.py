"""Full-text search shared by every searchable record (properties, places, guides, ...).

Both databases get the same normalised text, so they find the same records:

* Each searchable model has a ``search_text`` column (``SearchTextField``) holding the words of
  its texts, lower-cased, stemmed with the German Snowball stemmer (which also folds "ue" and "ü"
  alike: "Tangermuende" and "Tangermünde" both become ``tangermund``) and stripped of other
  accents. The model fills it on save (``index_words``).
* The query is normalised the same way and every word is matched as a prefix, so "Gewerbe"
  finds "Gewerbeflächen" (``gewerbeflach``).
* The index is database specific: on SQLite an FTS5 table kept in step by triggers
  (``<table>_fts``), on PostgreSQL a GIN index over ``to_tsvector('simple', search_text)``.
  ``fts_index_operation`` creates either in a migration; the lookup ``search_text__matches``
  renders the matching SQL.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.db import models
from django.db.models import Lookup

MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("german")


_DIAERESIS = "\u0308"


def _strip_accents(word: str, keep_umlauts: bool) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    kept = "".join(
        ch for ch in decomposed
        if not unicodedata.combining(ch) or (keep_umlauts and ch == _DIAERESIS)
    )
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=50_000)
def normalise_word(word: str) -> str:
    # Foreign accents go before stemming ("Café" = "cafe"); the stemmer needs the umlauts and
    # folds them itself, any left over go afterwards.
    word = _strip_accents(word.lower().replace("ß", "ss"), keep_umlauts=True)
    return _strip_accents(_stemmer.stemWord(word), keep_umlauts=False)


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
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tsquery = " & ".join(f"{_pg_lexeme(w)}:*" for w in self.rhs)
        return f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)", [
            *lhs_params, tsquery,
        ]

    def as_sqlite(self, compiler, connection):
        model = self.lhs.target.model
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        pk = connection.ops.quote_name(model._meta.pk.column)
        table = connection.ops.quote_name(fts_table(model._meta.db_table))
        match = " ".join(f'"{w}"*' for w in self.rhs)
        return f"{alias}.{pk} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [match]


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
            for statement in (
                f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
                f"content_rowid='{pk}', tokenize='unicode61 remove_diacritics 2')",
                f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{pk}, new.{column}); END",
                f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.{pk}, old.{column}); END",
                f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.{pk}, old.{column}); "
                f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{pk}, new.{column}); END",
                f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
            ):
                schema_editor.execute(statement)
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX {fts} ON {table} USING gin (to_tsvector('simple'::regconfig, {column}))"
            )

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {fts}")

    return migrations.RunPython(forwards, backwards)
