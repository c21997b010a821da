"""Checks of our own beside Django's: the deployment checks (`manage.py check --deploy`) and the
writable folders (every `check`, and at gunicorn's start)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Backends that never deliver a mail: they print it, write it to a file, keep it in memory or drop it.
UNDELIVERED_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every mail (recipient, names, message) to the log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every mail to a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every mail",
}


@register(Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs):
    reason = UNDELIVERED_MAIL_BACKENDS.get(settings.EMAIL_BACKEND)
    if reason is None:
        return []
    return [
        Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: it {reason} instead of sending it.",
            hint="Unset DJANGO_EMAIL_BACKEND (production default: SMTP) and set EMAIL_HOST, EMAIL_PORT, "
            "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (docs/deployment.md).",
            id="standortlotse.W001",
        )
    ]


@register()
def check_writable_folders(app_configs, **kwargs):
    """Every folder the app writes at run time (uploads, import files, the file cache, the tile
    cache) must be writable by the user the app runs as: said when the app starts (``check``
    runs before ``migrate`` and ``runserver``; gunicorn runs it in ``deploy/gunicorn.conf.py``)
    instead of a 500 at the first login or upload."""
    import getpass

    from standortlotse.core.health import folder_problems

    problems = folder_problems()
    if not problems:
        return []
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        user = "the app's user"
    return [
        Error(
            f"{name}: {user} cannot write to {reason}.",
            hint=f"Create the folder and give it to {user}, e.g. "
            f"`install -d -o {user} -g {user} -m 750 <folder>` (docs/deployment.md, step 1).",
            id="standortlotse.E001",
        )
        for name, reason in problems.items()
    ]


@register(Tags.security, deploy=True)
def check_error_recipients(app_configs, **kwargs):
    """The error page says the operators are informed: someone must get the error mails."""
    if settings.ADMINS:
        return []
    return [
        Warning(
            "Nobody gets the error reports (ADMINS is empty): a 500 would go unnoticed.",
            hint='Set DJANGO_ADMINS="Betrieb <betrieb@example.org>" (comma separated; docs/deployment.md).',
            id="standortlotse.W002",
        )
    ]


@register()
def check_cache_client(app_configs, **kwargs):
    """A Redis cache (``REDIS_URL``) needs the client library of the extra ``redis``; without it
    the first use of the cache fails (a command, a login) instead of the start."""
    backends = {options.get("BACKEND", "") for options in settings.CACHES.values()}
    if "django.core.cache.backends.redis.RedisCache" not in backends:
        return []
    import importlib.util

    if importlib.util.find_spec("redis") is not None:
        return []
    return [
        Error(
            "REDIS_URL is set, but the Redis client library is not installed.",
            hint='Install the platform with the extra: `.venv/bin/pip install ".[redis]"` '
            "(docs/deployment.md, step 1), or unset REDIS_URL (a file cache for one server).",
            id="standortlotse.E002",
        )
    ]
