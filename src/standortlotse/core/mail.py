"""Outgoing email: rendered in the request, sent by a background task with retries.

The web request only enqueues, in its transaction (core/queue.py); the task worker sends through
Django's email backend and, when the mail server fails, enqueues itself again with a growing
delay, up to MAX_ATTEMPTS. Neither addresses nor subjects (they carry names of places and
inquirers' topics) are logged.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from standortlotse.core.queue import enqueue_with_transaction

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = [60, 300, 900, 3600, 6 * 3600]


@task()
def send_email_task(to: list[str], subject: str, body: str, attempt: int = 1, reply_to: list[str] | None = None) -> str:
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, reply_to=reply_to).send()
    except OSError as error:  # SMTP and connection errors
        if attempt >= MAX_ATTEMPTS:
            logger.error("email given up after %d attempts: %s", attempt, type(error).__name__)
            raise
        delay = BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]
        logger.warning("email failed (attempt %d), retry in %ds: %s", attempt, delay, type(error).__name__)
        retry = send_email_task
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=delay))
        retry.enqueue(to, subject, body, attempt + 1, reply_to)
        return "retry"
    return "sent"


def queue_email(to: str | list[str], template: str, context: dict, reply_to: list[str] | None = None) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` now; the worker sends the mail once
    the caller's transaction has committed."""
    recipients = [to] if isinstance(to, str) else list(to)
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    enqueue_with_transaction(send_email_task, recipients, subject, body, 1, reply_to)
