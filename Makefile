# Echanger Habiter portal — the two commands of the Quick start are
# `make run` and `make test`. Everything runs inside .venv (Python 3.12).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# make test runs the suite on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
# A worker left idle takes tests queued on another (one queued behind the two-minute
# accessibility crawl ran the browser tests alone for three minutes with `load`).
PYTEST_DIST ?= worksteal
# Python keeps its compiled modules (__pycache__/, ignored by git) even where the
# environment says not to: without them every process compiles the project again,
# and pytest rewrites every test module's asserts (7 s of each worker's start, 3.7 s with).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install migrate demo serve lint format bench check clean css messages

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_content

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

## make run: virtualenv, install, migrate, demo content, serve on http://127.0.0.1:8000
run: demo serve

## make test: lint, the layer contract, checks and the whole pytest suite (browser tests included)
# makemigrations runs the system checks first (those of `manage.py check`): one start of Django, not two.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make bench: figures printed by bench/run.py (needs PostgreSQL and Redis for some)
bench: install
	$(PY) bench/run.py

## make css: Bootstrap cut down to the classes the templates use (PurgeCSS, npm into .cache/;
## the result static/vendor/bootstrap/bootstrap.purged.min.css is committed)
css:
	npm install --silent --no-audit --no-fund --prefix .cache/purgecss purgecss@8.0.0
	.cache/purgecss/node_modules/.bin/purgecss --config scripts/purgecss.config.cjs

## make messages: the French catalogue of plural messages (locale/fr, committed: French counts
## read « 0 annonce », not English's « 0 annonces »); needs GNU gettext (xgettext, msgfmt)
MESSAGES_IGNORED := .venv/* .cache/* tests/* bench/* node_modules/* staticfiles/*
messages: install
	$(PY) manage.py makemessages -l fr --no-location --no-wrap --no-obsolete $(foreach p,$(MESSAGES_IGNORED),-i '$(p)')
	$(PY) scripts/french_plurals.py locale/fr/LC_MESSAGES/django.po
	msgfmt --check -o locale/fr/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) staticfiles
