"""Writing many rows at once: ``COPY … FROM STDIN`` on PostgreSQL, one ``executemany`` of a
single-row ``INSERT`` on SQLite, ``bulk_create`` elsewhere.

On PostgreSQL, Django 5.2's ``bulk_create`` compiles each value through its SQL compiler and
dumps each column as an array for ``UNNEST`` in Python; for the 70 columns of a property that was
half of the time of inserting 100,000 imported records (bench/import_properties.py). ``COPY``
takes the rows as they are and psycopg's C dumpers adapt them. The values are the ones
``bulk_create`` would send: each field's ``pre_save`` (``auto_now`` fields) and
``get_db_prep_save``. Like ``bulk_create``, no signals are sent and ``save()`` is not called.

On SQLite, ``bulk_create`` spent the same time in the compiler (``field_as_sql`` and
``prepare_value`` once per value: 35 % of a 20,000-row import under cProfile); the sqlite3
module's ``executemany`` binds the prepared rows in C. The new keys follow from
``last_insert_rowid()``: inside the transaction this module opens, nobody else writes, and an
``AUTOINCREMENT`` key of rows inserted without one counts up by one.
"""

import datetime
import enum
import functools
import json
from decimal import Decimal

from django.db import connections, models, router, transaction

from standortlotse.core import textsearch

# Field classes whose ``get_db_prep_save`` gives a value of these exact types back as it is
# (``CharField.get_prep_value`` is ``to_python``, the identity for a str; ``IntegerField``'s is
# ``int()``; a foreign key's attname holds the key). A str subclass (a choice member), a str
# for a date and anything else go through the field. Preparing each of the 70 values of a
# property through its field was 14 % of an import of 10,000 rows (cProfile).
_AS_GIVEN: dict[type, tuple[type, ...]] = {
    **{
        cls: (str, type(None))
        for cls in (
            models.CharField,
            models.TextField,
            models.SlugField,
            models.EmailField,
            models.URLField,
        )
    },
    **{
        cls: (int, type(None))
        for cls in (
            models.IntegerField,
            models.BigIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.SmallIntegerField,
            models.ForeignKey,
        )
    },
    models.BooleanField: (bool, type(None)),
    # ``DecimalField`` prepares a Decimal by ``Decimal(value)`` (a copy) and the backends of
    # Django 5.2 take it as it is; ``FloatField`` by ``float()``. A null date, time or JSON
    # value stays None through its field (JSON: SQL NULL, not JSON null).
    models.DecimalField: (Decimal, type(None)),
    models.FloatField: (float, type(None)),
    models.DateField: (type(None),),
    models.DateTimeField: (type(None),),
    models.JSONField: (type(None),),
}


def _columns(fields) -> list[tuple]:
    """Per field: attname, its own ``pre_save`` (None where it is ``Field.pre_save``, which
    reads the attribute), ``get_db_prep_save``, the value types it takes as they are."""
    return [
        (
            f.attname,
            f.pre_save if type(f).pre_save is not models.Field.pre_save else None,
            f.get_db_prep_save,
            _as_given(type(f)),
        )
        for f in fields
    ]


_PREPARING = ("get_prep_value", "get_db_prep_value", "get_db_prep_save", "to_python")


def _as_given(cls: type) -> tuple[type, ...]:
    """The value types a field class passes unchanged: those of the nearest class of
    ``_AS_GIVEN`` among its bases, when the class prepares values exactly as that one does (a
    subclass that only adds validators or a form field, e.g. ``core.fields.EmailAddressField``;
    one that overrides a preparing method goes through the field)."""
    for base in cls.__mro__:
        if base in _AS_GIVEN:
            same = all(getattr(cls, name) is getattr(base, name) for name in _PREPARING)
            return _AS_GIVEN[base] if same else ()
    return ()


def _values(columns, obj, connection, add: bool) -> list:
    row = []
    for attname, pre_save, prepare, as_given in columns:
        value = pre_save(obj, add) if pre_save is not None else getattr(obj, attname)
        if value.__class__ not in as_given:
            value = prepare(value, connection)
            if isinstance(value, enum.Enum):  # a choice member: the database takes its value
                value = value.value
        row.append(value)
    return row


def copy_rows(connection, table: str, columns: list[str], rows) -> None:
    """``COPY table (columns) FROM STDIN`` with ``rows`` (sequences of prepared values)."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert(model, objs: list, batch_size: int = 500) -> list:
    """Insert ``objs`` (new, unsaved instances of ``model``) and set their primary keys."""
    if not objs:
        return objs
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    if connection.vendor not in ("sqlite", "postgresql"):
        return model.objects.bulk_create(objs, batch_size=batch_size)
    if connection.vendor == "sqlite" and any(getattr(obj, pk.attname) is not None for obj in objs):
        return model.objects.bulk_create(objs)  # keys given: let Django handle them
    columns = _columns(staged_fields(model))
    ids = _insert_rows(
        connection, model, [_values(columns, obj, connection, add=True) for obj in objs]
    )
    for obj, new_id in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, new_id)
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _insert_rows(connection, model, rows: list[list]) -> list[int]:
    """Insert prepared rows (the values of ``staged_fields``, no key); the new keys in their
    order. PostgreSQL: keys from the table's sequence, then ``COPY``. SQLite: one
    ``executemany``, the full-text index filled once for the rows, the keys from
    ``last_insert_rowid()``."""
    meta = model._meta
    fields = staged_fields(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        copy_rows(
            connection,
            meta.db_table,
            [meta.pk.column, *(f.column for f in fields)],
            ([new_id, *row] for new_id, row in zip(ids, rows, strict=True)),
        )
        return ids
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        with textsearch.sqlite_bulk_insert(cursor, meta.db_table) as index:
            cursor.executemany(sql, rows)
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            index(last - len(rows) + 1, last)
    return list(range(last - len(rows) + 1, last + 1))


# --- Rows prepared once and written later (an import's preview builds the records, its apply
# writes them): the values of ``insert``, kept as JSON text between the two steps.


def staged_fields(model) -> list:
    """The fields of a staged row, in the order of its values: the concrete fields but the
    primary key (the key is given when the row is written)."""
    pk = model._meta.pk
    return [f for f in model._meta.concrete_fields if f is not pk]


def stage(model, obj, connection) -> list:
    """The values ``insert`` would write for ``obj`` (a new instance), in ``staged_fields``
    order: each field's ``pre_save`` and ``get_db_prep_save`` on ``connection``."""
    return _values(_columns_of(model), obj, connection, add=True)


@functools.cache
def _columns_of(model) -> list[tuple]:
    """``_columns`` of the staged fields; the times of writing are left empty (``now_values``
    gives them when the row is written)."""
    fields = staged_fields(model)
    return [
        (column[0], _empty, column[2], (type(None),)) if _written_at(f) else column
        for f, column in zip(fields, _columns(fields), strict=True)
    ]


def _empty(obj, add):
    return None


def _written_at(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _jsonable(value):
    """A prepared value JSON has no type for, as text the database reads back as that value:
    a Decimal as its digits (SQLite's adapter writes a Decimal as ``str`` too), a date or time
    in ISO 8601 (what SQLite's adapters give and PostgreSQL's COPY reads), a JSON value
    wrapped for psycopg (``Jsonb``) as its JSON text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    obj, dumps = getattr(value, "obj", None), getattr(value, "dumps", None)
    if dumps is not None:  # psycopg.types.json.Jsonb / Json
        return dumps(obj)
    raise TypeError(f"cannot stage a value of type {type(value).__name__}")


def staged_text(values) -> str:
    """``values`` (any JSON structure holding prepared rows) as compact JSON text."""
    return json.dumps(values, default=_jsonable, separators=(",", ":"), ensure_ascii=False)


def now_values(model, connection, now) -> dict[int, object]:
    """Position → prepared value of the fields that take the time of writing (``auto_now`` and
    ``auto_now_add``): a staged row gets the time it is written, not the time it was staged."""
    return {
        n: f.get_db_prep_save(now, connection)
        for n, f in enumerate(staged_fields(model))
        if _written_at(f)
    }


def insert_staged(model, rows: list[list]) -> list[int]:
    """Insert rows of ``stage`` values (as ``staged_text`` gave them back through ``json``); the
    new keys in the order of ``rows``. The caller holds the transaction (SQLite: the keys
    follow from ``last_insert_rowid()``, as in ``insert``)."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(
            f"staged rows are written on SQLite and PostgreSQL, not {connection.vendor}"
        )
    return _insert_rows(connection, model, rows)
