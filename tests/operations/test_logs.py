"""Structured logs without personal data (core/logs.py, deploy/gunicorn.conf.py)."""

import io
import json
import logging
import logging.config
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from standortlotse.core import logs
from standortlotse.core import mail as core_mail

ROOT = Path(__file__).resolve().parents[2]


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
    assert (
        logs.redact("Not Found: /orte/mein-ort/Abc-123_x/")
        == "Not Found: /orte/mein-ort/[redacted]/"
    )
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
    assert (
        "geheimes-token-123" not in text and "anna@example.org" not in text and "email=" not in text
    )
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
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "mail to %s", ("anna@example.org",), None
    )
    handler.handle(record)
    assert handler.stream.getvalue().strip().endswith("INFO x mail to [email]")


def test_settings_default_to_json_in_production_and_plain_in_development(settings):
    production = logs.config("json", "INFO")
    assert production["formatters"]["main"]["()"] == "pythonjsonlogger.json.JsonFormatter"
    assert production["handlers"]["console"]["filters"] == ["privacy"]
    # gunicorn's loggers use the same handler (deploy/gunicorn.conf.py).
    assert production["loggers"]["gunicorn.access"]["handlers"] == ["console"]
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["privacy"]
    logging.config.DictConfigurator(production).configure_formatter(
        production["formatters"]["main"]
    )


def test_gunicorn_config_uses_the_app_log_configuration():
    namespace = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert namespace["wsgi_app"] == "standortlotse.wsgi"
    assert (
        namespace["logconfig_dict"]["filters"]["privacy"]["()"]
        == "standortlotse.core.logs.PrivacyFilter"
    )
    # Path without query string, no client address.
    assert (
        "%(U)s" in namespace["access_log_format"] and "%(h)s" not in namespace["access_log_format"]
    )
    assert (
        "%(r)s" not in namespace["access_log_format"]
        and "%(q)s" not in namespace["access_log_format"]
    )


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


def test_every_handler_of_every_logger_filters_after_django_setup():
    """Django configures its DEFAULT_LOGGING before ours: no handler of it may survive unfiltered
    (runserver's "django.server" had its own handler and bypassed the filter)."""
    code = (
        "import logging, django; django.setup()\n"
        "from standortlotse.core.logs import PrivacyFilter\n"
        "loggers = [logging.getLogger()] + [\n"
        "    x for x in logging.root.manager.loggerDict.values() if isinstance(x, logging.Logger)]\n"
        "bad = [(x.name, type(h).__name__) for x in loggers for h in x.handlers\n"
        "       if not any(isinstance(f, PrivacyFilter) for f in h.filters)]\n"
        "print(bad)\n"
        "logging.getLogger('django.server').info(\n"
        "    '\"%s\" %s %s', 'GET /orte/mein-ort/geheim-777/ HTTP/1.1', '200', '5')\n"
        "logging.getLogger('django.request').warning('Not Found: %s', '/zustimmung/geheim-888/')\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_LOG_FORMAT": "plain",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert "geheim-777" not in result.stderr and "geheim-888" not in result.stderr
    assert result.stderr.count("/orte/mein-ort/[redacted]/") == 1  # once, through the one handler
    assert result.stderr.count("/zustimmung/[redacted]/") == 1


def test_runserver_request_lines_carry_no_private_link(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "standortlotse.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_LOG_FORMAT": "plain",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/orte/mein-ort/geheim-999-token/", timeout=5
                )
                break
            except urllib.error.HTTPError:
                break  # any answer: the request line is logged
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "/orte/mein-ort/[redacted]/" in output, output
    assert "geheim-999-token" not in output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
