"""Health checks for load balancers and monitoring (docs/deployment.md, "Health and monitoring").

``/health/`` (liveness: the database answers) and ``/health/ready/`` (readiness: database,
cache, background worker, disk space and the folders the app writes) are answered by
``HealthMiddleware``, first in the chain: before the HTTPS redirect and before the host name is
checked, so that a load balancer may ask over plain HTTP by IP address. The answers carry no
personal data (only names of checks and folders' settings), are never cached and never set a
cookie.
"""

import datetime
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import timezone

LIVE = "/health/"
READY = "/health/ready/"


def writable_folders() -> dict[str, Path]:
    """The folders the app writes at run time, by the setting (or variable) that names them."""
    folders = {
        "DJANGO_MEDIA_ROOT": Path(settings.MEDIA_ROOT),
        "STANDORTLOTSE_PRIVATE_ROOT": Path(settings.PRIVATE_ROOT),
    }
    location = settings.CACHES["default"].get("LOCATION")
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache") and location:
        folders["STANDORTLOTSE_CACHE_DIR"] = Path(location)
    tiles = getattr(settings, "MAP_TILE_CACHE_DIR", "")
    if tiles and getattr(settings, "MAP_TILE_UPSTREAM", ""):
        folders["STANDORTLOTSE_MAP_TILE_CACHE_DIR"] = Path(tiles)
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        folders.pop("DJANGO_MEDIA_ROOT")  # media in S3-compatible storage
    return folders


def folder_problem(path: Path) -> str | None:
    """Why the app cannot write into ``path`` (created if missing, like the app does), or None.
    Tried for real: a file is created and removed, so ownership, mode, read-only mounts and ACLs
    all count."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        return error.strerror or type(error).__name__
    return None


def folder_problems() -> dict[str, str]:
    """Setting → "path: reason" for each folder the app cannot write."""
    problems = {}
    for name, path in writable_folders().items():
        if (reason := folder_problem(path)) is not None:
            problems[name] = f"{path}: {reason}"
    return problems


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return type(error).__name__
    return None


def _cache() -> str | None:
    key = "health:ready"
    try:
        cache.set(key, "1", 30)
        if cache.get(key) != "1":
            return "value not read back"
    except Exception as error:  # noqa: BLE001 - any backend failure means "not ready"
        return type(error).__name__
    return None


def _worker() -> str | None:
    """A task due longer than STANDORTLOTSE_HEALTH_TASK_DELAY seconds (default 600) means no
    worker takes tasks (mails, imports wait). Only with the database task backend."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return None
    from django_tasks_db.models import DBTaskResult

    delay = datetime.timedelta(
        seconds=int(os.environ.get("STANDORTLOTSE_HEALTH_TASK_DELAY", "600"))
    )
    now = timezone.now()
    try:
        waiting = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", "run_after")[:100]
        )
        due = [run_after if run_after.year < 9999 else enqueued for enqueued, run_after in waiting]
    except DatabaseError as error:
        return type(error).__name__
    late = [d for d in due if now - d > delay]
    if late:
        minutes = int((now - min(late)).total_seconds() // 60)
        return f"{len(late)} task(s) waiting, the oldest for {minutes} min: is the worker running?"
    return None


def _disk() -> str | None:
    """At least STANDORTLOTSE_HEALTH_MIN_FREE_MB (default 500) free where files are written."""
    least = int(os.environ.get("STANDORTLOTSE_HEALTH_MIN_FREE_MB", "500"))
    short = []
    for name, path in writable_folders().items():
        try:
            free = shutil.disk_usage(path if path.exists() else path.parent).free // 2**20
        except OSError:
            continue  # reported by the folder check
        if free < least:
            short.append(f"{name}: {free} MB free")
    return "; ".join(short) or None


def _folders() -> str | None:
    problems = folder_problems()
    return "; ".join(f"{name} not writable ({reason})" for name, reason in problems.items()) or None


CHECKS = {
    "database": _database,
    "cache": _cache,
    "worker": _worker,
    "disk": _disk,
    "folders": _folders,
}


def _answer(body: dict, ok: bool) -> JsonResponse:
    response = JsonResponse(body, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


def live() -> JsonResponse:
    problem = _database()
    return _answer({"status": "ok" if problem is None else "database unavailable"}, problem is None)


def ready() -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        problem = check() if name == "database" or results.get("database") == "ok" else "skipped"
        results[name] = "ok" if problem is None else problem
    ok = all(value == "ok" for value in results.values())
    return _answer({"status": "ok" if ok else "not ready", "checks": results}, ok)


class HealthMiddleware:
    """Answers the two health paths before any other middleware (no HTTPS redirect, no host
    check, no session, no language redirect)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in (LIVE, READY):
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            return live() if request.path_info == LIVE else ready()
        return self.get_response(request)
