"""Backup and restore as documented in docs/deployment.md: pg_dump of the database, pg_restore
into an empty database, every record is there again; the shipped scripts deploy/bin/
standortlotse-backup and -restore do the same with media and import files (PostgreSQL only)."""

import os
import shutil
import stat
import subprocess
import time
import uuid
from pathlib import Path

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


SCRIPTS = Path(__file__).resolve().parents[2] / "deploy" / "bin"


def _script(name, env, *args, check=True):
    return subprocess.run(
        [str(SCRIPTS / name), *args],
        env={"PATH": os.environ["PATH"], "STANDORTLOTSE_ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not installed")
def test_backup_and_restore_scripts_bring_back_database_media_and_import_files(world, tmp_path):
    """deploy/bin/standortlotse-backup and -restore as the guide runs them: owner-only files,
    checksums, retention; the restore refuses a database with tables, brings back every record
    and file, and checks the schema with `standortlotse migrate --check`."""
    if connection.vendor != "postgresql":
        pytest.skip("backups are documented for PostgreSQL, the production database")
    for i in range(5):
        PropertyFactory(title=f"Skript {i}", municipality=world.mun_a)
    expected = {
        table: _count(connection, table)
        for table in ("properties_property", "auth_user", "geo_municipality")
    }
    media, private, backups = tmp_path / "media", tmp_path / "private", tmp_path / "backups"
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "halle.webp").write_bytes(b"RIFF-photo")
    # no private folder yet: a fresh install without imports
    old = backups / "20260101T000000Z"
    old.mkdir(parents=True)
    os.utime(old, (time.time() - 30 * 86400,) * 2)
    settings_dict = connection.settings_dict
    source = {
        "DATABASE_URL": _url(settings_dict, settings_dict["NAME"]),
        "DJANGO_MEDIA_ROOT": str(media),
        "STANDORTLOTSE_PRIVATE_ROOT": str(private),
        "STANDORTLOTSE_BACKUP_DIR": str(backups),
    }
    made = Path(_script("standortlotse-backup", source).stdout.strip())
    assert made.parent == backups and not old.exists()  # 30 days old: removed (14 kept)
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    files = sorted(p.name for p in made.iterdir())
    assert files == ["SHA256SUMS", "database.dump", "media.tgz", "private.tgz"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made.iterdir())

    target_name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = _url(settings_dict, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{target_name}"')
    target = {
        "DATABASE_URL": _url(settings_dict, target_name),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
        "STANDORTLOTSE_PRIVATE_ROOT": str(tmp_path / "restored" / "private"),
        "STANDORTLOTSE_APP": str(Path(__file__).resolve().parents[2]),
        "DJANGO_DEBUG": "1",
    }
    try:
        damaged = tmp_path / "damaged"
        shutil.copytree(made, damaged)
        (damaged / "media.tgz").write_bytes(b"broken")
        refused = _script("standortlotse-restore", target, str(damaged), check=False)
        assert refused.returncode == 65 and "checksums differ" in refused.stderr
        restored = _script("standortlotse-restore", target, str(made), check=False)
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(target["DATABASE_URL"]) as conn:
            for table, count in expected.items():
                assert _count(conn, table) == count, table
        photo = tmp_path / "restored" / "media" / "photos" / "halle.webp"
        assert photo.read_bytes() == b"RIFF-photo"
        again = _script("standortlotse-restore", target, str(made), check=False)
        assert again.returncode == 73 and "restore into an empty one" in again.stderr
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


def _count(conn, table) -> int:
    """Rows of a table, through Django's connection or a psycopg one (both have cursors)."""
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]
