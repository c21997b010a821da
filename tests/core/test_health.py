"""core.health: the liveness and readiness answers for load balancers and monitoring, and the
writable-folder check (system check standortlotse.E001)."""

import datetime
import uuid

import pytest
from django.utils import timezone

from standortlotse.core import checks, health

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    """What a load balancer meets in production: HTTPS redirect on, one public host name."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["standortlotse.example.org"]


def test_liveness_answers_over_plain_http_by_ip_address(client, production_like):
    response = client.get("/health/", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store" and not response.cookies
    # every other page still redirects to HTTPS, and refuses an unknown host
    assert client.get("/", HTTP_HOST="standortlotse.example.org").status_code == 301
    assert client.get("/impressum/", HTTP_HOST="10.0.0.5:8000", secure=True).status_code == 400


def test_readiness_lists_every_check(client, production_like, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    response = client.get("/health/ready/", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": dict.fromkeys(("database", "cache", "worker", "disk", "folders"), "ok"),
    }


def test_only_get_and_head(client):
    assert client.post("/health/").status_code == 405
    assert client.head("/health/").status_code == 200


def test_readiness_reports_a_worker_that_takes_no_tasks(client, settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"

    def waiting(minutes, run_after=None):
        task = DBTaskResult.objects.create(
            id=uuid.uuid4(),
            status="READY",
            run_after=run_after or datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
            args_kwargs={"args": [], "kwargs": {}},
            priority=0,
            task_path="standortlotse.places.tasks.noop",
            queue_name="default",
            backend_name="default",
        )
        enqueued = timezone.now() - datetime.timedelta(minutes=minutes)  # auto_now_add on create
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)

    waiting(2)  # a task of two minutes: the worker is just busy
    # one enqueued long ago but due only in an hour: not late
    waiting(60 * 24, run_after=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/health/ready/").json()["checks"]["worker"] == "ok"
    waiting(25)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["worker"] == (
        "1 task(s) waiting, the oldest for 25 min: is the worker running?"
    )


def test_readiness_reports_low_disk_space(client, settings, tmp_path, monkeypatch):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("STANDORTLOTSE_HEALTH_MIN_FREE_MB", str(10**9))  # a petabyte
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert "STANDORTLOTSE_PRIVATE_ROOT:" in response.json()["checks"]["disk"]
    assert "MB free" in response.json()["checks"]["disk"]


def test_readiness_reports_an_unreachable_database_and_skips_the_rest(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "OperationalError",
        "cache": "skipped",
        "worker": "skipped",
        "disk": "skipped",
        "folders": "skipped",
    }


def test_a_folder_the_app_cannot_write_is_named_by_the_check_and_readiness(
    client, settings, tmp_path, db
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = blocker / "private"  # cannot be created, whoever runs the tests
    [error] = checks.check_writable_folders(None)
    assert error.id == "standortlotse.E001" and error.level >= 40  # an Error: start-up stops
    assert error.msg.startswith("STANDORTLOTSE_PRIVATE_ROOT: ")
    assert f"{blocker / 'private'}: Not a directory" in error.msg
    assert "install -d" in error.hint
    folders = client.get("/health/ready/").json()["checks"]["folders"]
    assert folders.startswith("STANDORTLOTSE_PRIVATE_ROOT not writable")
    settings.PRIVATE_ROOT = tmp_path / "private"
    assert checks.check_writable_folders(None) == []
    assert (tmp_path / "private").is_dir()  # created, as the app would


def test_the_folders_follow_the_storage_and_cache_settings(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.MAP_TILE_UPSTREAM = ""
    assert set(health.writable_folders()) == {
        "DJANGO_MEDIA_ROOT",
        "STANDORTLOTSE_PRIVATE_ROOT",
        "STANDORTLOTSE_CACHE_DIR",
    }
    settings.MAP_TILE_UPSTREAM = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    assert set(health.writable_folders()) == {
        "STANDORTLOTSE_PRIVATE_ROOT",
        "STANDORTLOTSE_CACHE_DIR",
        "STANDORTLOTSE_MAP_TILE_CACHE_DIR",
    }


def test_an_unknown_api_path_answers_json(client, db):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}
    page = client.get("/nope/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_redis_cache_without_its_client_library_stops_the_start_with_the_extra_named(
    settings, monkeypatch
):
    import importlib.util

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert checks.check_cache_client(None) == []  # the test environment has the extra
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "redis" else found(name, *a)
    )
    [error] = checks.check_cache_client(None)
    assert error.id == "standortlotse.E002" and error.level >= 40
    assert '".[redis]"' in error.hint
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert checks.check_cache_client(None) == []
