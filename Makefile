# The two set-up commands are `make run` and `make test`; the rest are helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BROKER_DIRS := var/celery-broker/queue var/celery-broker/processed var/celery-broker/control var/static var/media

.PHONY: run test lint messages bench-http clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

## Serve the portal at http://127.0.0.1:8000 with demo data, a Celery worker and beat.
run: $(VENV)/.installed
	@mkdir -p $(BROKER_DIRS)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Portal: http://127.0.0.1:8000  (staff area: http://127.0.0.1:8000/admin/). Ctrl-C stops everything."
	DEBUG=1 $(BIN)/honcho -f Procfile.dev start

## Every check: ruff, the import layers (lint-imports), then the whole pytest suite
## (browser journeys run where Chromium is).
test: $(VENV)/.dev-installed
	@mkdir -p $(BROKER_DIRS)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Re-extract and compile translations (needs gettext); APP=branches limits it to one app.
messages: $(VENV)/.dev-installed
	DEBUG=1 $(BIN)/python scripts/messages.py $(APP)

bench-http: $(VENV)/.dev-installed
	$(BIN)/python bench/http_load.py

clean:
	rm -rf var/celery-broker var/test-artifacts
