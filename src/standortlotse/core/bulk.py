"""Writing many rows at once: ``COPY … FROM STDIN`` on PostgreSQL, ``bulk_create`` elsewhere.

On PostgreSQL, Django 5.2's ``bulk_create`` compiles each value through its SQL compiler and
dumps each column as an array for ``UNNEST`` in Python; for the 70 columns of a property that was
half of the time of inserting 100,000 imported records (bench/import_properties.py). ``COPY``
takes the rows as they are and psycopg's C dumpers adapt them. The values are the ones
``bulk_create`` would send: each field's ``pre_save`` (``auto_now`` fields) and
``get_db_prep_save``. Like ``bulk_create``, no signals are sent and ``save()`` is not called.
"""

import enum

from django.db import connections, router


def _values(fields, obj, connection, add: bool) -> list:
    row = []
    for field in fields:
        value = field.get_db_prep_save(field.pre_save(obj, add), connection)
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
    copy_rows(
        connection,
        meta.db_table,
        [f.column for f in fields],
        (_values(fields, obj, connection, add=True) for obj in objs),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
