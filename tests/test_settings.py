"""Production settings: mail is delivered, the secret key is never the repository's, demo
accounts never carry the published password (settings.py, core/checks.py, load_demo)."""

import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from settings_probe import setting_from_environment
from standortlotse.properties.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "prod-Key-4-tests_" + "AbCdEf0123456789" * 3, "DJANGO_ALLOWED_HOSTS": "example.org"}


def check_deploy(**env):
    environment = {**os.environ, **PRODUCTION, "DATABASE_URL": "", **env}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=environment, capture_output=True, text=True)


# --- Mail -----------------------------------------------------------------------------------------

def test_production_sends_mail_by_smtp_unless_told_otherwise():
    assert setting_from_environment("EMAIL_BACKEND", **PRODUCTION, DJANGO_EMAIL_BACKEND="") == (
        "django.core.mail.backends.smtp.EmailBackend")
    # Development prints them (make run also sets the console backend explicitly).
    assert setting_from_environment("EMAIL_BACKEND", DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="") == (
        "django.core.mail.backends.console.EmailBackend")


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_check_deploy_warns_about_a_backend_that_does_not_deliver(backend):
    result = check_deploy(DJANGO_EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
    assert result.returncode != 0
    assert "standortlotse.W001" in result.stderr and f"backends.{backend}.EmailBackend" in result.stderr


def test_check_deploy_accepts_smtp():
    result = check_deploy(DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_run_chooses_the_console_backend_explicitly():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DJANGO_EMAIL_BACKEND := django.core.mail.backends.console.EmailBackend" in makefile


# --- Secret key -----------------------------------------------------------------------------------

def test_development_key_is_generated_once_per_installation_outside_the_repository(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    env = {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "", "STANDORTLOTSE_SECRET_KEY_FILE": str(key_file)}
    first = setting_from_environment("SECRET_KEY", **env)
    assert key_file.read_text() == first and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert setting_from_environment("SECRET_KEY", **env) == first  # the same on the next start
    other = setting_from_environment("SECRET_KEY", **{**env, "STANDORTLOTSE_SECRET_KEY_FILE": str(tmp_path / "b")})
    assert other != first  # another installation, another key
    # No key is written in the source any more.
    assert "dev-only-insecure-key" not in (ROOT / "src/standortlotse/settings.py").read_text()
    assert setting_from_environment("SECRET_KEY", **{**env, "DJANGO_SECRET_KEY": "given-" + "z" * 50}) == "given-" + "z" * 50


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as error:
        setting_from_environment("SECRET_KEY", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="",
                                 STANDORTLOTSE_SECRET_KEY_FILE=str(tmp_path / "key"))
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0" in error.value.stderr
    assert not (tmp_path / "key").exists()


def test_the_key_file_is_not_in_the_repository():
    ignored = subprocess.run(["git", "check-ignore", "var/secret_key"], cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0


# --- Demo data ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_load_demo_refuses_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo", "--count", "1", stdout=StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_forced_load_demo_in_production_never_sets_the_published_password(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", "--count", "1", "--allow-production", stdout=out)
    users = get_user_model().objects.filter(username__in=["landesadmin", "redaktion-stendal"])
    assert users.count() == 2
    for user in users:
        assert not user.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD not in out.getvalue()
    admin = get_user_model().objects.get(username="landesadmin")
    printed = [line for line in out.getvalue().splitlines() if line.strip().startswith("landesadmin:")]
    (line,) = printed  # printed once, so the operator can log in
    assert admin.check_password(line.split("'")[1])


@pytest.mark.django_db
def test_forced_load_demo_in_production_replaces_a_published_password(settings):
    settings.DEBUG = True
    call_command("load_demo", "--count", "1", stdout=StringIO())  # development run first
    assert get_user_model().objects.get(username="landesadmin").check_password(DEMO_PASSWORD)
    settings.DEBUG = False
    call_command("load_demo", "--count", "1", "--allow-production", stdout=StringIO())
    for user in get_user_model().objects.all():
        assert not user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_load_demo_in_development_keeps_the_published_password(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", "--count", "1", stdout=out)
    assert get_user_model().objects.get(username="landesadmin").check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out.getvalue()
