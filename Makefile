# Standortlotse: `make run` starts the platform with demo data, `make test` runs all tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# BIN=/path/to/venv/bin on the command line uses an existing environment as it is: lint and fmt
# then install nothing into it (e.g. a venv shared by several worktrees).
BIN := $(VENV)/bin
TOOLS := $(if $(filter command line,$(origin BIN)),,install-test)
# Templates that djhtml indents (HTML only: whitespace in the plain-text mail templates is content).
TEMPLATES = $(shell find src -path '*/templates/*' -name '*.html' | sort)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium

.PHONY: help run dev test lint fmt test-sqlite test-postgres install install-test sysdeps browser security messages bench soak load check-deploy deploy-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Every target with its `## ` note.
help:  ## list the targets
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z-]*:[^=]*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Pango and a font for the PDF exposés (WeasyPrint), from Debian's packages if missing.
sysdeps:  ## Pango and a font for the PDF exposés (apt-get, if missing)
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; fi; \
	fi

install: $(BIN)/python sysdeps  ## virtualenv in .venv with the platform installed
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python sysdeps  ## the same with the test and lint tools (the `test` extra)
	$(BIN)/pip install --quiet -e ".[test]"

# Debian's Chromium for the Playwright tests (no browser download).
browser:  ## Debian's Chromium for the Playwright tests, if missing
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

run: install  ## the platform as in production with demo data on http://127.0.0.1:8000
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
dev: install  ## development server (DEBUG, reloading) with demo data
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Background worker (emails) runs beside the server; mails appear in this console."
	$(BIN)/python manage.py db_worker --interval 2 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

# With PostgreSQL: every test except the browser journeys on SQLite, then everything on
# PostgreSQL (the production database). The browser tests drive the same views the request
# tests cover on both databases; running them twice would double CI time for no new coverage.
# Without PostgreSQL: everything on SQLite.
test: install-test browser  ## all tests on SQLite and, if reachable, PostgreSQL
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) test-sqlite PYTEST_ARGS="--ignore=tests/browser" && $(MAKE) test-postgres; \
	else echo "PostgreSQL at $(PG_URL) not reachable: everything on SQLite only"; $(MAKE) test-sqlite; fi

# Static checks, fastest first, stopping at the first that fails (configured in pyproject.toml):
# the layering (core at the bottom, the domain apps, the portal on top) as import-linter
# contracts ([tool.importlinter]), ruff's lint rules and formatting ([tool.ruff]), the template
# indentation (djhtml) and the types of the modules listed in [tool.mypy].
lint: $(TOOLS)  ## layering, ruff check, ruff format --check, djhtml --check, mypy
	@echo "== import-linter: layering contracts" && PYTHONPATH=src $(BIN)/lint-imports
	@echo "== ruff check" && $(BIN)/ruff check .
	@echo "== ruff format --check" && $(BIN)/ruff format --check .
	@echo "== djhtml --check: templates" && $(BIN)/djhtml --check --tabwidth 2 $(TEMPLATES)
	@echo "== mypy" && PYTHONPATH=src $(BIN)/mypy

# What the tools can repair themselves; what is left `make lint` names.
fmt: $(TOOLS)  ## ruff's safe fixes, ruff format, djhtml (rewrites files)
	$(BIN)/ruff check --fix-only .
	$(BIN)/ruff format .
	$(BIN)/djhtml --tabwidth 2 $(TEMPLATES)

# Tests run in one worker process per CPU (pytest-xdist; each worker has its own test database):
# TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

test-sqlite:  ## all tests on SQLite (PYTEST_ARGS=... passes options)
	DATABASE_URL= $(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-postgres:  ## all tests on PostgreSQL at PG_URL
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

messages: $(BIN)/python  ## update and compile the translation catalogues
	cd src/standortlotse && ../../$(BIN)/django-admin makemessages -l de -l en --no-obsolete --ignore "core/static/vendor/*"
	cd src/standortlotse && ../../$(BIN)/django-admin compilemessages

bench: install-test  ## search API benchmark (bench/search_api.py)
	$(BIN)/python bench/search_api.py

# Fault runs against a real server (root: restarts PostgreSQL, mounts a tmpfs); see bench/README.md.
soak: install-test  ## fault runs against a real server (root; bench/README.md)
	$(BIN)/python bench/faults.py

# Proof under load (docs/performance-load.md): nginx + gunicorn + PostgreSQL on loopback; needs nginx and wrk.
load: install-test  ## load test with nginx, gunicorn, PostgreSQL (needs nginx, wrk)
	$(BIN)/python bench/load.py

# Static security check of our code: fails on any high-severity finding (medium ones are
# reviewed in docs/security.md).
security: install-test  ## bandit: fails on any high-severity finding
	$(BIN)/bandit -q -r src -x '*/migrations/*' --severity-level high

# The installation of docs/deployment.md end to end on a fresh Debian 12 root (debootstrap; root,
# network, about 10 minutes; outside CI): deploy/check/deploy-check.
deploy-check:  ## install by docs/deployment.md on a fresh Debian 12 root and check it (root)
	deploy/check/deploy-check

check-deploy: install  ## Django's deployment checks with production settings
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") DJANGO_ALLOWED_HOSTS=example.org DJANGO_ADMINS="Betrieb <betrieb@example.org>" $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:  ## remove the virtualenv, static and media files, the SQLite database
	rm -rf $(VENV) staticfiles media standortlotse.sqlite3*
