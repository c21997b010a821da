"""Errors reach someone: a 500 is mailed to the configured administrators (DJANGO_ADMINS) with
what the log keeps (message, path, redacted traceback) and nothing personal (no query string,
cookies, headers, form content, email addresses); one mail per kind of error in ten minutes;
none without administrators; check --deploy warns when nobody would get them."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from standortlotse.core import checks


@pytest.fixture
def failing_page(client, world, monkeypatch, settings):
    from django.contrib.sessions.backends.db import SessionStore

    client.raise_request_exception = False
    client.force_login(world.editor_a)

    def broken(self, *args, **kwargs):
        raise RuntimeError("kaputt beim Speichern für anna@example.org")

    monkeypatch.setattr(SessionStore, "save", broken)
    settings.SESSION_SAVE_EVERY_REQUEST = True
    cache.clear()

    def get():
        client.cookies["tracking"] = "cookie-secret"
        return client.get(
            reverse("properties:editor_list"),
            {"q": "anna@example.org"},
            HTTP_USER_AGENT="agent-secret",
        )

    return get


def test_a_500_is_mailed_to_the_administrators_without_personal_data(failing_page, settings):
    settings.ADMINS = [("Betrieb", "betrieb@landkreis.example")]
    assert failing_page().status_code == 500
    [message] = mail.outbox
    assert message.to == ["betrieb@landkreis.example"]
    assert "Internal Server Error" in message.subject
    body = message.body
    assert "RuntimeError: kaputt beim Speichern für [email]" in body  # the redacted traceback
    assert "request: GET /datenpflege/" in body
    for secret in ("anna@example.org", "cookie-secret", "agent-secret", "q="):
        assert secret not in body and secret not in message.subject
    # the same error again within ten minutes: no second mail
    assert failing_page().status_code == 500
    assert len(mail.outbox) == 1


def test_no_mail_without_administrators(failing_page, settings):
    settings.ADMINS = []
    assert failing_page().status_code == 500
    assert mail.outbox == []


def test_check_deploy_warns_when_error_reports_reach_nobody(settings):
    settings.ADMINS = []
    [warning] = checks.check_error_recipients(None)
    assert warning.id == "standortlotse.W002" and "DJANGO_ADMINS" in warning.hint
    settings.ADMINS = [("Betrieb", "betrieb@landkreis.example")]
    assert checks.check_error_recipients(None) == []
