"""Log output: one JSON object per line in production, and nothing personal in it.

Every record passes `PrivacyFilter` (attached to the one handler every logger writes to, so it
also covers Django's, runserver's and gunicorn's own loggers): private-link secrets in paths
(owner links, consent answers, unsubscribe links, investor result pages) and email addresses in
messages are replaced, and
Django's `request` attribute is reduced to method and path without the query string, so a
form's content or a search term never reaches the log.
"""

from __future__ import annotations

import hashlib
import logging
import re

# The path segment after these prefixes is a secret that works like a password.
PRIVATE_SEGMENT = re.compile(r"(/(?:mein-ort|zustimmung|abmelden|ergebnis)/)[^/?#\s\"']+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return EMAIL.sub("[email]", PRIVATE_SEGMENT.sub(r"\1" + REDACTED, text))


class PrivacyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            # Formatted once here so that the traceback's text is redacted too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters use exc_text when exc_info is gone; handlers that run before this one
            # (Django's admin mails) have already seen the full exception.
            record.exc_text, record.exc_info = redact(record.exc_text), None
        record.msg, record.args = redact(message), ()
        request = getattr(record, "request", None)
        if request is not None:
            record.method = getattr(request, "method", "")
            record.path = redact(getattr(request, "path", ""))
        return True


def config(fmt: str, level: str) -> dict:
    """The LOGGING setting: `fmt` is "json" (production default) or "plain"."""
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "timestamp": "time",  # ISO 8601 in UTC, the same in every process
            "rename_fields": {"levelname": "level", "name": "logger"},
            # Django adds the request object (replaced by method and path in PrivacyFilter) and the
            # server to some records: not for the log.
            "reserved_attrs": [*_reserved(), "request", "server_time"],
            "json_ensure_ascii": False,
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"privacy": {"()": "standortlotse.core.logs.PrivacyFilter"}},
        "formatters": {"main": formatters[fmt]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["privacy"],
            },
            # errors to settings.ADMINS (DJANGO_ADMINS), redacted like the log
            "mail_admins": {
                "()": "standortlotse.core.logs.ErrorMailHandler",
                "filters": ["privacy"],
            },
        },
        "root": {"handlers": ["console", "mail_admins"], "level": level},
        "loggers": {
            # Django's own defaults (django.utils.log.DEFAULT_LOGGING, configured before this)
            # give "django" and "django.server" (runserver's request lines) handlers without the
            # filter; listing them here with no handlers removes those, so their records reach
            # the filtered root handler only.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            # PDF rendering reports every step at INFO.
            **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
            # gunicorn's own loggers (with gunicorn -c deploy/gunicorn.conf.py) go through the same
            # handler, so access lines are JSON and redacted as well.
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def _reserved() -> list[str]:
    from pythonjsonlogger.core import RESERVED_ATTRS

    return list(RESERVED_ATTRS)


class ErrorMailHandler(logging.Handler):
    """Errors (a 500, a failed task) mailed to ``settings.ADMINS`` (``DJANGO_ADMINS``), so that
    the error page's "the operators are informed" is true. The mail holds what the log holds
    after ``PrivacyFilter`` (attached to this handler too): the message, logger, method and path
    and the redacted traceback; never the request's headers, cookies, query string or form
    content, which Django's own AdminEmailHandler would send. One mail per kind of error
    (logger and first line) in ten minutes, so that an outage does not flood the inbox; a mail
    server that is down never breaks the request (``fail_silently``)."""

    THROTTLE_SECONDS = 600

    def __init__(self):
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        from django.conf import settings

        if not settings.ADMINS:
            return
        try:
            from django.core.cache import cache
            from django.core.mail import mail_admins

            message = record.getMessage()
            first = (message.splitlines() or [""])[0]
            key = "errormail:" + hashlib.sha256(f"{record.name}|{first}".encode()).hexdigest()
            if not cache.add(key, 1, self.THROTTLE_SECONDS):
                return
            lines = [message, "", f"logger: {record.name}", f"level: {record.levelname}"]
            if path := getattr(record, "path", ""):
                lines.append(f"request: {getattr(record, 'method', '')} {path}")
            if record.exc_text:
                lines += ["", record.exc_text]
            minutes = self.THROTTLE_SECONDS // 60
            lines += [
                "",
                f"Further errors of this kind in the next {minutes} minutes: see the log.",
            ]
            mail_admins(first[:120] or record.levelname, "\n".join(lines), fail_silently=True)
        except Exception:  # noqa: BLE001 - reporting an error must never raise one
            self.handleError(record)
