"""Deployment checks of our own (`manage.py check --deploy`), beside Django's."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
