"""SQLite connections use their real limit of variables per statement for Django's batching."""

import sqlite3

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_sqlite_batches_by_the_connections_own_variable_limit():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    assert limit > 999  # SQLite >= 3.32
    assert connection.features.max_query_params == limit
    from standortlotse.properties.models import Property

    fields = [f for f in Property._meta.concrete_fields if not f.primary_key]
    assert connection.ops.bulk_batch_size(fields, [None] * 10_000) == limit // len(fields)
