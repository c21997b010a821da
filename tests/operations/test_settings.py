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

from standortlotse.properties.demo import DEMO_PASSWORD
from tests.operations.settings_probe import setting_from_environment, settings_from_environment

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "prod-Key-4-tests_" + "AbCdEf0123456789" * 3,
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "DJANGO_ADMINS": "Betrieb <betrieb@example.org>",  # someone gets the error mails (W002)
}


def check_deploy(**env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        **PRODUCTION,
        "DATABASE_URL": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


# --- Mail -----------------------------------------------------------------------------------------


def test_production_sends_mail_by_smtp_unless_told_otherwise():
    assert setting_from_environment("EMAIL_BACKEND", **PRODUCTION, DJANGO_EMAIL_BACKEND="") == (
        "django.core.mail.backends.smtp.EmailBackend"
    )
    # Development prints them (make run also sets the console backend explicitly).
    assert setting_from_environment("EMAIL_BACKEND", DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="") == (
        "django.core.mail.backends.console.EmailBackend"
    )


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_check_deploy_warns_about_a_backend_that_does_not_deliver(backend):
    result = check_deploy(DJANGO_EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
    assert result.returncode != 0
    assert (
        "standortlotse.W001" in result.stderr
        and f"backends.{backend}.EmailBackend" in result.stderr
    )


def test_check_deploy_accepts_smtp():
    result = check_deploy(DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert result.returncode == 0, result.stdout + result.stderr


def make_variable(name: str) -> dict:
    """The environment a Makefile variable like RUN_ENV sets (continued lines joined)."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith(f"{name} :=")]
    return dict(item.split("=", 1) for item in line.split(":=", 1)[1].split())


def test_make_run_is_production_mode_with_console_mail_chosen_explicitly():
    env = make_variable("RUN_ENV")
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DJANGO_EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "load_demo --allow-production --new-passwords" in makefile
        and "gunicorn -c deploy/gunicorn.conf.py" in makefile
    )
    # `make dev` is the development mode (DEBUG on), with console mail too
    assert (
        "dev: export DJANGO_EMAIL_BACKEND := django.core.mail.backends.console.EmailBackend"
        in makefile
    )


def test_make_run_settings_are_production_over_plain_http_on_this_machine():
    env = {**make_variable("RUN_ENV"), "DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}
    expected = {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SERVE_MEDIA": True,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "STORAGES['staticfiles']['BACKEND']": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
    assert settings_from_environment(expected, **env) == list(expected.values())
    # without the make-run switches production keeps its secure cookies
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert setting_from_environment(name, **PRODUCTION) is True


# --- Secret key -----------------------------------------------------------------------------------


def test_development_key_is_generated_once_per_installation_outside_the_repository(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    env = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "",
        "STANDORTLOTSE_SECRET_KEY_FILE": str(key_file),
    }
    first = setting_from_environment("SECRET_KEY", **env)
    assert key_file.read_text() == first and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert setting_from_environment("SECRET_KEY", **env) == first  # the same on the next start
    other = setting_from_environment(
        "SECRET_KEY", **{**env, "STANDORTLOTSE_SECRET_KEY_FILE": str(tmp_path / "b")}
    )
    assert other != first  # another installation, another key
    # No key is written in the source any more.
    assert "dev-only-insecure-key" not in (ROOT / "src/standortlotse/settings.py").read_text()
    assert (
        setting_from_environment("SECRET_KEY", **{**env, "DJANGO_SECRET_KEY": "given-" + "z" * 50})
        == "given-" + "z" * 50
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as error:
        setting_from_environment(
            "SECRET_KEY",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="",
            STANDORTLOTSE_SECRET_KEY_FILE=str(tmp_path / "key"),
        )
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0" in error.value.stderr
    assert not (tmp_path / "key").exists()


def test_the_key_file_is_not_in_the_repository():
    ignored = subprocess.run(
        ["git", "check-ignore", "var/secret_key"], cwd=ROOT, capture_output=True
    )
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
    printed = [
        line for line in out.getvalue().splitlines() if line.strip().startswith("landesadmin:")
    ]
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


@pytest.mark.django_db
def test_load_demo_new_passwords_gives_working_fresh_passwords_at_every_start(settings):
    settings.DEBUG = False

    def start():
        out = StringIO()
        call_command(
            "load_demo", "--count", "1", "--allow-production", "--new-passwords", stdout=out
        )
        return {
            line.split(":")[0].strip(): line.split("'")[1]
            for line in out.getvalue().splitlines()
            if "password '" in line
        }

    first, second = start(), start()
    assert (
        set(first)
        == set(second)
        == {
            "redaktion-stendal",
            "redaktion-gardelegen",
            "moderation-altmark",
            "landesadmin",
            "redaktion-perleberg",  # the second region's demo logins
            "moderation-prignitz",
        }
    )
    for username, password in second.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password) and not user.check_password(first[username])
        assert not user.check_password(DEMO_PASSWORD)
