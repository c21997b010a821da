# Standortlotse: `make run` starts the platform with demo data, `make test` runs all tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium

.PHONY: run dev test lint test-sqlite test-postgres install install-test sysdeps browser security messages bench soak load check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Pango and a font for the PDF exposés (WeasyPrint), from Debian's packages if missing.
sysdeps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; fi; \
	fi

install: $(BIN)/python sysdeps
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python sysdeps
	$(BIN)/pip install --quiet -e ".[test]"

# Debian's Chromium for the Playwright tests (no browser download).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; fi; \
	fi

# `make run`: the platform as in production (DEBUG off, gunicorn, static files through WhiteNoise,
# friendly error pages, media with the safe upload headers), only over plain HTTP on this machine,
# with mails printed to this console (chosen explicitly: production sends by SMTP) and the demo
# data; the demo logins get fresh random passwords, printed at every start. The secret key is
# generated once into var/secret_key (not in the repository).
RUN_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_HSTS_SECONDS=0 DJANGO_SECURE_COOKIES=0 STANDORTLOTSE_SERVE_MEDIA=1 DJANGO_LOG_FORMAT=plain \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend GUNICORN_WORKERS=2
SECRET_KEY_CMD := $(BIN)/python -c 'import sys; sys.path.insert(0, "src"); from pathlib import Path; from standortlotse.core.secret_key import load_or_create; print(load_or_create(Path("var/secret_key")))'

run: install
	@export $(RUN_ENV) DJANGO_SECRET_KEY="$$($(SECRET_KEY_CMD))" && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/python manage.py load_demo --allow-production --new-passwords && \
	echo "Background worker (emails) runs beside the server; mails appear in this console." && \
	echo "Open http://127.0.0.1:8000/ (back office: /datenpflege/, log in with a demo login above)." && \
	{ $(BIN)/python manage.py db_worker --interval 2 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/gunicorn -c deploy/gunicorn.conf.py; }

# `make dev`: development mode (DEBUG on with Django's debug pages, runserver reloading on code
# changes, the published demo password); mails go to this console.
dev: export DJANGO_EMAIL_BACKEND := django.core.mail.backends.console.EmailBackend
dev: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Background worker (emails) runs beside the server; mails appear in this console."
	$(BIN)/python manage.py db_worker --interval 2 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

# With PostgreSQL: every test except the browser journeys on SQLite, then everything on
# PostgreSQL (the production database). The browser tests drive the same views the request
# tests cover on both databases; running them twice would double CI time for no new coverage.
# Without PostgreSQL: everything on SQLite.
test: install-test browser
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) test-sqlite PYTEST_ARGS="--ignore=tests/browser" && $(MAKE) test-postgres; \
	else echo "PostgreSQL at $(PG_URL) not reachable: everything on SQLite only"; $(MAKE) test-sqlite; fi

# The layering (core at the bottom, the domain apps, the portal on top) as import-linter
# contracts in pyproject.toml ([tool.importlinter]); fails on any import against them.
lint: install-test
	PYTHONPATH=src $(BIN)/lint-imports

test-sqlite:
	DATABASE_URL= $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

messages: $(BIN)/python
	cd src/standortlotse && ../../$(BIN)/django-admin makemessages -l de -l en --no-obsolete --ignore "core/static/vendor/*"
	cd src/standortlotse && ../../$(BIN)/django-admin compilemessages

bench: install-test
	$(BIN)/python bench/search_api.py

# Fault runs against a real server (root: restarts PostgreSQL, mounts a tmpfs); see bench/README.md.
soak: install-test
	$(BIN)/python bench/faults.py

# Proof under load (docs/performance-load.md): nginx + gunicorn + PostgreSQL on loopback; needs nginx and wrk.
load: install-test
	$(BIN)/python bench/load.py

# Static security check of our code: fails on any high-severity finding (medium ones are
# reviewed in docs/security.md).
security: install-test
	$(BIN)/bandit -q -r src -x '*/migrations/*' --severity-level high

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") DJANGO_ALLOWED_HOSTS=example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles media standortlotse.sqlite3*
