"""Project-wide checks: translations complete, production settings pass `check --deploy`."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_german_catalogue_is_complete_and_compiled():
    po_path = ROOT / "src/standortlotse/locale/de/LC_MESSAGES/django.po"
    catalogue = polib.pofile(str(po_path))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime - 1


@pytest.mark.parametrize("language", ["de", "en"])
def test_catalogue_compiles_and_the_mo_file_holds_what_the_po_file_says(language):
    """Parallel branches append to the catalogues; a merge that leaves a msgid without its msgstr
    breaks `compilemessages` for everyone, and a .mo not compiled after a merge shows stale texts."""
    po_path = ROOT / f"src/standortlotse/locale/{language}/LC_MESSAGES/django.po"
    if shutil.which("msgfmt"):  # GNU gettext (CI installs it): the strict syntax check
        result = subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(po_path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    catalogue = polib.pofile(str(po_path))
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))

    def translations(entries):
        return {
            (e.msgctxt, e.msgid): e.msgstr or tuple(sorted(e.msgstr_plural.items()))
            for e in entries
            if (e.msgstr or any(e.msgstr_plural.values()))
            and not e.obsolete
            and "fuzzy" not in e.flags
        }

    assert translations(compiled) == translations(catalogue)


def test_all_ui_strings_are_in_the_catalogue(tmp_path):
    """makemessages into a scratch copy must not find strings missing from django.po."""
    import shutil

    copy = tmp_path / "standortlotse"
    shutil.copytree(
        ROOT / "src/standortlotse", copy, ignore=shutil.ignore_patterns("vendor", "__pycache__")
    )
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": ""},
    )
    fresh = polib.pofile(str(copy / "locale/de/LC_MESSAGES/django.po"))
    assert [e.msgid for e in fresh.untranslated_entries()] == []


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 30 + "-prod-AbC123!@#%^&*()_+-=",
        "DJANGO_ALLOWED_HOSTS": "standortlotse.example.org",
        "DJANGO_ADMINS": "Betrieb <betrieb@standortlotse.example.org>",
        "DATABASE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="no database involved: the SQLite pass of `make test` runs it (a minute each time)",
)
def test_collectstatic_with_the_production_storage(tmp_path, settings):
    """Production hashes the static files; every file they reference must exist."""
    from django.core.management import call_command

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/leaflet/images/marker-icon.png" in manifest and "js/map.js" in manifest
