"""Per-connection database settings Django 5.2 does not take from the server itself.

SQLite: Django 5.2 assumes SQLite's old compile-time limit of 999 variables per statement, so
``bulk_create`` of a 70-column record sends 14 rows per INSERT. SQLite since 3.32 allows 32,766
(Debian 12 ships 3.40); the connection reports its real limit, and Django 6 reads it the same way.
With it, importing 10,000 properties sends about 30 times fewer INSERT statements
(bench/import_properties.py)."""

import sqlite3


def use_the_real_sqlite_variable_limit(sender, connection, **kwargs) -> None:
    """``connection_created`` handler: the connection's own variable limit for Django's batching."""
    if connection.vendor != "sqlite":
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if limit > connection.features.max_query_params:
        connection.features.max_query_params = limit
