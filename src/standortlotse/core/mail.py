"""Outgoing email: rendered in the request, sent by a background task with retries.

The web request only enqueues, in its transaction (core/queue.py); the task worker sends through
Django's email backend and, when the mail server fails, enqueues itself again with a growing
delay, up to MAX_ATTEMPTS. A mail that can never be sent (a recipient or reply-to that is not a
valid address, a header with a line break) is not retried: the task fails once, and the people
named in its ``notice`` (the moderators of the record's region, see ``undeliverable_notice``;
without one, the state agency) get a mail naming the record to correct. Neither addresses nor
subjects (they carry names of places and inquirers' topics) are logged.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from standortlotse.core.queue import enqueue_with_transaction
from standortlotse.core.validators import validate_email_address

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = [60, 300, 900, 3600, 6 * 3600]


def _no_fallback() -> list[str]:
    return []


# Who is told about an undeliverable mail that came without a notice: the accounts app sets the
# state agency here (core imports no domain app); then the MANAGERS setting.
fallback_notice_recipients = _no_fallback


def _site_language(addresses: list[str]) -> dict[str, list[str]]:
    return {settings.LANGUAGE_CODE: sorted(addresses)} if addresses else {}


# The notice's recipients grouped by the language they read mail in ({language: addresses}): the
# accounts app sets its staff languages here; without it, the site's language.
notice_languages = _site_language


class Undeliverable(Exception):
    """The mail can never be sent as it is; retrying would fail the same way."""


def undeliverable_notice(to: list[str], record: str, url: str = "") -> dict:
    """Who hears of a mail about ``record`` that can never be sent, and where to correct it
    (task arguments: plain JSON)."""
    return {"to": list(to), "record": str(record), "url": url}


def _is_address(address) -> bool:
    try:
        validate_email_address(address)
    except ValidationError:
        return False
    return True


def _notify_undeliverable(notice: dict | None, subject: str) -> None:
    notice = notice or {}
    if notice.get("silent"):
        return
    recipients = (
        notice.get("to")
        or fallback_notice_recipients()
        or [address for _name, address in settings.MANAGERS]
    )
    if not recipients:
        logger.error("undeliverable email: nobody to notify")
        return
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "record": notice.get("record") or subject,
        "url": notice.get("url", ""),
    }
    # One notice per language its recipients read mail in (staff mail is never in the language
    # of whoever caused it).
    for language, addresses in notice_languages(list(recipients)).items():
        with translation.override(language):
            notice_subject = " ".join(
                render_to_string("core/email/undeliverable_subject.txt", context).split()
            )
            body = render_to_string("core/email/undeliverable_body.txt", context)
        # No notice about the notice: if the moderators' own address is broken, that task just
        # fails.
        send_email_task.enqueue(addresses, notice_subject, body, 1, None, {"silent": True})


@task()
def send_email_task(
    to: list[str],
    subject: str,
    body: str,
    attempt: int = 1,
    reply_to: list[str] | None = None,
    notice: dict | None = None,
) -> str:
    deliverable = [address for address in to if _is_address(address)]
    problem = ""
    if len(deliverable) < len(to):
        # The valid recipients still get the mail; the invalid ones are reported once.
        problem = "invalid recipient address"
        logger.error(
            "email undeliverable to %d recipient(s), not retried: %s",
            len(to) - len(deliverable),
            problem,
        )
        _notify_undeliverable(notice, subject)
    if not deliverable or not all(_is_address(address) for address in reply_to or []):
        if not problem:
            problem = "invalid reply-to address" if deliverable else "no recipient"
            logger.error("email undeliverable, not retried: %s", problem)
            _notify_undeliverable(notice, subject)
        raise Undeliverable(problem)
    try:
        EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, deliverable, reply_to=reply_to
        ).send()
    except ValueError as error:  # BadHeaderError and unparsable addresses: permanent
        logger.error("email undeliverable, not retried: %s", type(error).__name__)
        _notify_undeliverable(notice, subject)
        raise Undeliverable(type(error).__name__) from None
    except OSError as error:  # SMTP and connection errors
        if attempt >= MAX_ATTEMPTS:
            logger.error("email given up after %d attempts: %s", attempt, type(error).__name__)
            raise
        delay = BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]
        logger.warning(
            "email failed (attempt %d), retry in %ds: %s", attempt, delay, type(error).__name__
        )
        retry = send_email_task
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=delay))
        retry.enqueue(deliverable, subject, body, attempt + 1, reply_to, notice)
        return "retry"
    return "sent to some recipients" if problem else "sent"


def queue_email(
    to: str | list[str],
    template: str,
    context: dict,
    reply_to: list[str] | None = None,
    notice: dict | None = None,
) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` now; the worker sends the mail once
    the caller's transaction has committed. ``notice`` (``undeliverable_notice``) says whom to
    tell if the mail can never be sent; without it, the state agency (or the MANAGERS setting)."""
    recipients = [to] if isinstance(to, str) else list(to)
    subject, body = render_email(template, context)
    enqueue_with_transaction(send_email_task, recipients, subject, body, 1, reply_to, notice)


def render_email(template: str, context: dict) -> tuple[str, str]:
    """Subject (one line) and body of `<template>_subject.txt` / `<template>_body.txt`, in the
    active language, with SITE_NAME and SITE_URL in the context."""
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return subject, render_to_string(f"{template}_body.txt", context)
