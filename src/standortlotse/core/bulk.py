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

import enum
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
    if connection.vendor == "sqlite":
        return _insert_sqlite(connection, model, objs)
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, new_id)
    fields = meta.concrete_fields
    columns = _columns(fields)
    copy_rows(
        connection,
        meta.db_table,
        [f.column for f in fields],
        (_values(columns, obj, connection, add=True) for obj in objs),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _insert_sqlite(connection, model, objs: list) -> list:
    meta = model._meta
    pk = meta.pk
    if any(getattr(obj, pk.attname) is not None for obj in objs):
        return model.objects.bulk_create(objs)  # keys given: let Django handle them
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        columns = _columns(fields)
        with textsearch.sqlite_bulk_insert(cursor, meta.db_table) as index:
            cursor.executemany(sql, [_values(columns, obj, connection, add=True) for obj in objs])
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            index(last - len(objs) + 1, last)
    for new_id, obj in enumerate(objs, start=last - len(objs) + 1):
        setattr(obj, pk.attname, new_id)
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
