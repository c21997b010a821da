"""Backup and restore as documented in docs/deployment.md: pg_dump of the database, pg_restore
into an empty database, every record is there again (PostgreSQL only)."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from tests.factories import PropertyFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def _url(settings_dict, name):
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    user = settings_dict.get("USER") or "postgres"
    return f"postgresql://{user}@{host}:{port}/{name}"


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not installed")
def test_dump_restores_into_an_empty_database(world, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backups are documented for PostgreSQL, the production database")
    for i in range(25):
        PropertyFactory(title=f"Gesichert {i}", municipality=world.mun_a)
    tables = [
        "properties_property",
        "geo_municipality",
        "accounts_organisation",
        "accounts_membership",
        "properties_historicalproperty",
        "auth_user",
    ]
    with connection.cursor() as cursor:
        expected = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            expected[table] = cursor.fetchone()[0]
    settings_dict = connection.settings_dict
    source = _url(settings_dict, settings_dict["NAME"])
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", source], check=True)
    target_name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = _url(settings_dict, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{target_name}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={_url(settings_dict, target_name)}", str(dump)],
            check=True,
        )
        with psycopg.connect(_url(settings_dict, target_name)) as conn:
            for table, count in expected.items():
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table
            titles = {row[0] for row in conn.execute("SELECT title FROM properties_property")}
            assert {f"Gesichert {i}" for i in range(25)} <= titles
            # the full-text index came along
            assert (
                conn.execute(
                    "SELECT count(*) FROM pg_indexes WHERE indexname = 'properties_property_fts'"
                ).fetchone()[0]
                == 1
            )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


def test_health_reports_an_unreachable_database(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    assert client.get("/health/").json() == {"status": "ok"}

    def broken(self, sql, params=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/health/")
    assert response.status_code == 503
