"""deploy/bin/standortlotse-upgrade on a checkout of its own (a clone of this repository with two
releases on top: one that adds a migration, one whose migration fails), its own virtualenv and
a PostgreSQL database: the good release is installed, migrated and started (gunicorn answers
/health/ready/), the failing one is rolled back to the code and the database before it, and a
checkout with local changes or an unknown release is refused. PostgreSQL only (the backup and
restore it relies on use pg_dump and pg_restore)."""

import http.client
import os
import shutil
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.operations.nginx_support import free_port

ROOT = Path(__file__).resolve().parents[2]
UPGRADE = ROOT / "deploy" / "bin" / "standortlotse-upgrade"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not installed"),
]

GOOD_MIGRATION = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("exchange", "0014_import_row_staged")]
    operations = [
        migrations.RunSQL(
            "CREATE TABLE upgrade_probe (id integer)", "DROP TABLE upgrade_probe"
        )
    ]
"""

FAILING_MIGRATION = """from django.db import migrations


def fail(apps, schema_editor):
    raise RuntimeError("this release's migration fails")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0015_upgrade_probe")]
    operations = [
        migrations.RunSQL("CREATE TABLE upgrade_half (id integer)"),
        migrations.RunPython(fail),
    ]
"""


def _git(app, *args):
    return subprocess.run(
        ["git", "-C", str(app), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _release(app, name, filename, content):
    (app / "src/standortlotse/exchange/migrations" / filename).write_text(content)
    _git(app, "add", "-A")
    _git(app, "-c", "user.name=Test", "-c", "user.email=t@example.org", "commit", "-qm", name)
    _git(app, "tag", name)


def _checkout(tmp_path) -> Path:
    """A clone of the committed repository with its own virtualenv: the installed packages of
    this one are visible through a path file, the project itself is installed into it."""
    app = tmp_path / "app"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(app)], check=True)
    _release(app, "v-good", "0015_upgrade_probe.py", GOOD_MIGRATION)
    _release(app, "v-failing", "0016_upgrade_fails.py", FAILING_MIGRATION)
    _git(app, "checkout", "--quiet", "--detach", "v-good~1")
    subprocess.run([sys.executable, "-m", "venv", str(app / ".venv")], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = app / ".venv" / "lib" / version / "site-packages"
    (site / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return app


def _env(tmp_path, app, database_url, port) -> dict:
    env_file = tmp_path / "standortlotse.env"
    values = {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "upgrade-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_ADMINS": "Betrieb <betrieb@example.org>",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "STANDORTLOTSE_PRIVATE_ROOT": str(tmp_path / "private"),
        "STANDORTLOTSE_CACHE_DIR": str(tmp_path / "cache"),
        "STANDORTLOTSE_BACKUP_DIR": str(tmp_path / "backups"),
        "STANDORTLOTSE_MAP_TILE_UPSTREAM": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    env_file.write_text("".join(f'{k}="{v}"\n' for k, v in values.items()))
    pid = tmp_path / "gunicorn.pid"
    restart = (
        f'[ -f {pid} ] && kill "$(cat {pid})" && sleep 1; '
        f"cd {app} && echo restart >> {tmp_path / 'restarts'} && "
        f".venv/bin/python -m gunicorn -c deploy/gunicorn.conf.py --daemon --pid {pid}"
        f" --error-logfile {tmp_path / 'gunicorn.log'}"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "STANDORTLOTSE_ENV_FILE": str(env_file),
        "STANDORTLOTSE_APP": str(app),
        "STANDORTLOTSE_RESTART": restart,
        "STANDORTLOTSE_HEALTH_URL": f"http://127.0.0.1:{port}/health/ready/",
        "STANDORTLOTSE_HEALTH_WAIT": "60",
        "RUNTIME_DIRECTORY": str(tmp_path),
        # the test's virtualenv holds the dependencies already: install the project alone
        "PIP_NO_DEPS": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return environment


def _upgrade(env, ref):
    return subprocess.run([str(UPGRADE), ref], env=env, capture_output=True, text=True, timeout=600)


def _tables(url) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {name for (name,) in rows}


def _count(url, table) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def _ready(port) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/health/ready/")
        return conn.getresponse().status
    finally:
        conn.close()


def test_upgrade_installs_a_release_and_rolls_back_a_failing_one(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the upgrade's rollback restores a PostgreSQL backup")
    settings_dict = connection.settings_dict
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    user = settings_dict.get("USER") or "postgres"
    name = f"upgrade_{uuid.uuid4().hex[:8]}"
    admin = f"postgresql://{user}@{host}:{port}/postgres"
    url = f"postgresql://{user}@{host}:{port}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    app = _checkout(tmp_path)
    web = free_port()
    env = _env(tmp_path, app, url, web)
    pid = tmp_path / "gunicorn.pid"
    try:
        # the installation as it runs before the upgrade
        venv = app / ".venv" / "bin"
        subprocess.run(
            [str(venv / "pip"), "install", "--quiet", str(app)], env=env, check=True, cwd=app
        )
        wrapper = ROOT / "deploy" / "bin" / "standortlotse-env"
        for command in (["migrate", "--noinput"], ["load_geo"]):
            subprocess.run([str(wrapper), *command], env=env, check=True, capture_output=True)
        municipalities = _count(url, "geo_municipality")
        assert municipalities > 0

        done = _upgrade(env, "v-good")
        assert done.returncode == 0, done.stdout + done.stderr
        assert _git(app, "rev-parse", "HEAD") == _git(app, "rev-parse", "v-good")
        assert "upgrade_probe" in _tables(url)
        assert (tmp_path / "restarts").read_text().count("restart") == 1
        assert _ready(web) == 200  # the upgraded installation answers
        assert "upgraded to v-good" in done.stdout
        assert len(list((tmp_path / "backups").iterdir())) == 1
        assert (tmp_path / "static" / "staticfiles.json").exists()  # collectstatic ran

        failed = _upgrade(env, "v-failing")
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "rolling back" in failed.stderr and "this release's migration fails" in failed.stderr
        assert _git(app, "rev-parse", "HEAD") == _git(app, "rev-parse", "v-good")
        tables = _tables(url)
        assert "upgrade_probe" in tables and "upgrade_half" not in tables  # the database before it
        assert _count(url, "geo_municipality") == municipalities
        with psycopg.connect(url) as conn:
            applied = {n for (n,) in conn.execute("SELECT name FROM django_migrations")}
        assert "0015_upgrade_probe" in applied and "0016_upgrade_fails" not in applied
        assert (tmp_path / "restarts").read_text().count("restart") == 2, failed.stderr[-1500:]
        assert _ready(web) == 200  # the previous release runs again
        assert "rolled back; running" in failed.stderr
        assert "not restored" not in failed.stderr and "could not" not in failed.stderr
        # the failed release's migration is not installed any more (setuptools' build/ kept it)
        installed = next((app / ".venv" / "lib").glob("python*/site-packages/standortlotse"))
        assert not (installed / "exchange" / "migrations" / "0016_upgrade_fails.py").exists()

        (app / "README.md").write_text("changed on the server\n")
        refused = _upgrade(env, "v-failing")
        assert refused.returncode == 65 and "local changes" in refused.stderr
        _git(app, "checkout", "--", "README.md")
        unknown = _upgrade(env, "v-none")
        assert unknown.returncode == 65 and 'no release or commit "v-none"' in unknown.stderr
        already = _upgrade(env, "v-good")
        assert already.returncode == 0 and "already at v-good" in already.stdout
    finally:
        if pid.exists():
            subprocess.run(["kill", pid.read_text().strip()], check=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
