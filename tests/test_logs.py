"""Structured logs without personal data (core/logs.py, deploy/gunicorn.conf.py)."""

import io
import json
import logging
import logging.config
import runpy
from pathlib import Path

import pytest
from django.urls import reverse

from standortlotse.core import logs
from standortlotse.core import mail as core_mail

ROOT = Path(__file__).resolve().parent.parent


def production_handler(fmt="json"):
    """The console handler of the production LOGGING, writing into a buffer instead of stderr."""
    config = logs.config(fmt, "INFO")
    configurator = logging.config.DictConfigurator(config)
    formatter = configurator.configure_formatter(config["formatters"]["main"])
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(formatter)
    handler.addFilter(logs.PrivacyFilter())
    return handler


@pytest.fixture
def captured():
    """Every record of the given loggers as the production handler writes it: a list of dicts."""
    handler = production_handler()
    attached = []

    def attach(*names):
        for name in names:
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            attached.append(logger)

    def lines():
        return [json.loads(line) for line in handler.stream.getvalue().splitlines()]

    attach.lines = lines
    attach.text = lambda: handler.stream.getvalue()
    yield attach
    for logger in attached:
        logger.removeHandler(handler)


def test_redact_private_segments_and_addresses():
    assert logs.redact("Not Found: /orte/mein-ort/Abc-123_x/") == "Not Found: /orte/mein-ort/[redacted]/"
    assert logs.redact("/en/zustimmung/tok/?a=1") == "/en/zustimmung/[redacted]/?a=1"
    assert logs.redact("/investieren/abmelden/t0k3n") == "/investieren/abmelden/[redacted]"
    assert "[redacted]" in logs.redact("/investieren/ergebnis/0b5f-11e9/")
    assert logs.redact("from anna.m+test@mail.example.de today") == "from [email] today"
    # Ordinary paths stay as they are.
    assert logs.redact("GET /immobilien/12/ 200") == "GET /immobilien/12/ 200"


def test_every_line_is_one_json_object_with_time_level_logger(captured):
    captured("standortlotse.test")
    logging.getLogger("standortlotse.test").warning("import %s failed in step %s", "job-1", "parse")
    (line,) = captured.lines()
    assert line["message"] == "import job-1 failed in step parse"
    assert line["level"] == "WARNING" and line["logger"] == "standortlotse.test"
    assert line["time"].endswith("+00:00")  # ISO 8601, UTC in every process


@pytest.mark.django_db
def test_request_log_has_method_and_path_but_no_secret_and_no_query(client, captured):
    captured("django.request")
    response = client.get("/orte/mein-ort/geheimes-token-123/?email=anna@example.org")
    assert response.status_code == 404
    text = captured.text()
    assert "geheimes-token-123" not in text and "anna@example.org" not in text and "email=" not in text
    (line,) = [line for line in captured.lines() if line["logger"] == "django.request"]
    assert line["method"] == "GET" and line["path"] == "/orte/mein-ort/[redacted]/"
    assert line["status_code"] == 404
    assert "request" not in line  # the request object itself (headers, cookies) is never written


def test_traceback_is_kept_but_redacted(captured):
    captured("standortlotse.test")
    try:
        raise ValueError("no match for anna@example.org at /zustimmung/s3cr3t/")
    except ValueError:
        logging.getLogger("standortlotse.test").exception("consent answer failed")
    (line,) = captured.lines()
    assert "ValueError" in line["exc_info"] and "Traceback" in line["exc_info"]
    assert "anna@example.org" not in captured.text() and "s3cr3t" not in captured.text()


def test_failed_mail_logs_neither_address_nor_subject(monkeypatch, captured):
    captured("standortlotse.core.mail")

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    monkeypatch.setattr(core_mail, "MAX_ATTEMPTS", 2)
    # The first attempt enqueues the retry; the test's immediate task backend runs it at once.
    core_mail.send_email_task.call(["anna@example.org"], "Ihr Ort „Atelier Anna Muster“", "Text")
    text = captured.text()
    assert [line["level"] for line in captured.lines()] == ["WARNING", "ERROR"]
    assert "retry in" in text and "given up" in text and "ConnectionRefusedError" in text
    assert "anna@example.org" not in text and "Anna Muster" not in text


def test_plain_format_for_development_also_filters():
    handler = production_handler("plain")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "mail to %s", ("anna@example.org",), None)
    handler.handle(record)
    assert handler.stream.getvalue().strip().endswith("INFO x mail to [email]")


def test_settings_default_to_json_in_production_and_plain_in_development(settings):
    production = logs.config("json", "INFO")
    assert production["formatters"]["main"]["()"] == "pythonjsonlogger.json.JsonFormatter"
    assert production["handlers"]["console"]["filters"] == ["privacy"]
    # gunicorn's loggers use the same handler (deploy/gunicorn.conf.py).
    assert production["loggers"]["gunicorn.access"]["handlers"] == ["console"]
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["privacy"]
    logging.config.DictConfigurator(production).configure_formatter(production["formatters"]["main"])


def test_gunicorn_config_uses_the_app_log_configuration():
    namespace = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert namespace["wsgi_app"] == "standortlotse.wsgi"
    assert namespace["logconfig_dict"]["filters"]["privacy"]["()"] == "standortlotse.core.logs.PrivacyFilter"
    # Path without query string, no client address.
    assert "%(U)s" in namespace["access_log_format"] and "%(h)s" not in namespace["access_log_format"]
    assert "%(r)s" not in namespace["access_log_format"] and "%(q)s" not in namespace["access_log_format"]


def test_gunicorn_access_record_is_redacted(captured):
    """An access record as gunicorn emits it: the format string with a dict of atoms."""
    captured("gunicorn.access")
    namespace = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    atoms = {"m": "GET", "U": "/investieren/abmelden/t0k3n/", "s": "200", "b": "512", "L": "0.01"}
    logging.getLogger("gunicorn.access").info(namespace["access_log_format"], atoms)
    (line,) = captured.lines()
    assert line["message"] == "GET /investieren/abmelden/[redacted]/ 200 512 0.01"


@pytest.mark.django_db
def test_health_is_not_logged_with_personal_data(client, captured):
    captured("django.request", "django.server")
    assert client.get(reverse("health"), {"q": "anna@example.org"}).status_code == 200
    assert "anna@example.org" not in captured.text()
