# Stride: `make run` serves a working instance with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
MANAGE := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(BIN)/python manage.py
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run serve migrate messages makemessages seed test test-fast lint format \
        requirements worker beat check-deploy bench security clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

messages: install ## Compile translation catalogs (committed .mo files are used without gettext)
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore=.venv -v0; \
	else echo "msgfmt not found: using the committed compiled catalogs"; fi

makemessages: install ## Extract translatable strings into locale/*.po (en, ru, de)
	$(MANAGE) makemessages -l en -l ru -l de --no-location --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests --ignore=deploy
	$(MANAGE) makemessages -d djangojs -l en -l ru -l de --no-location --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests --ignore=deploy

seed: install ## Load idempotent demo data and print the demo logins
	$(MANAGE) seed_demo

run: migrate messages seed ## Set up everything and serve http://127.0.0.1:8000 (HTTP + websockets)
	@echo "Stride on http://$(HOST):$(PORT) — e-mails are printed below."
	$(MANAGE) runserver $(HOST):$(PORT)

test: install ## Run the whole test suite (embedded services unless URLs are exported)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff lint + format check, import contracts, migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: install ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

requirements: ## Re-pin requirements/*.txt from the .in files (upgrade with ARGS=--upgrade)
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(ARGS) -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(ARGS) -o requirements/dev.txt requirements/dev.in
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(ARGS) -o requirements/prod.txt requirements/prod.in

worker: install ## A Celery worker on every queue (needs CELERY_BROKER_URL or REDIS_URL)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
	  $(BIN)/celery -A config worker -Q default,sync,notifications,ml -l INFO

beat: install ## Celery beat with the database scheduler
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
	  $(BIN)/celery -A config beat -l INFO

check-deploy: install ## `check --deploy` on production settings with throwaway secrets
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/stride} REDIS_URL=$${REDIS_URL:-redis://localhost:6379/0} \
	METRICS_TOKEN=check DJANGO_ALLOWED_HOSTS=stride.example \
	FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	PRIVACY_ZONE_SECRET=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

security: install ## bandit over the code, pip-audit over the pinned dependencies
	BIN=$(BIN) bash .ci/security

bench: install ## Run the benchmarks in bench/ (see bench/README.md)
	$(BIN)/pytest bench -p no:randomly --benchmark-only -q

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
