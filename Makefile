# Two commands matter: `make run` and `make test` (see README.md).
# Supported: Python 3.11 to 3.13. The first of python3.13, python3.12, python3.11 (or python3 when it is one
# of those) on PATH; choose another with `make PYTHON=/path/to/python3.x`, and a venv of its own with VENV=.
SUPPORTED := 3.11, 3.12 or 3.13
IS_SUPPORTED := import sys; sys.exit(sys.version_info[:2] not in [(3, 11), (3, 12), (3, 13)])
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(IS_SUPPORTED)' 2>/dev/null && { echo $$p; break; }; done)
VENV ?= .venv
# The port `make run` serves on: make run PORT=8123.
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "No supported Python found: dlcurriculum needs Python $(SUPPORTED) (python3.13, python3.12," \
			"python3.11 or python3 on PATH). Install one, or name it: make PYTHON=/path/to/python3.x" >&2; \
		exit 1; \
	fi
	@$(PYTHON) -c '$(IS_SUPPORTED)' || { \
		echo "$(PYTHON) is not a supported Python" \
			"($$($(PYTHON) --version 2>&1 || echo 'it does not run')): dlcurriculum needs Python $(SUPPORTED)." >&2; \
		exit 1; \
	}
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench,lint]"
	touch $(STAMP)

install: $(STAMP)

## Run the app on http://localhost:$(PORT) (8000 unless PORT is given): migrate, load the curriculum, print demo accounts.
## localhost, not 127.0.0.1: browsers refuse security keys (WebAuthn) on an IP address.
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_curriculum
	$(BIN)/python manage.py create_demo_accounts
	SITE_URL="$${SITE_URL:-http://localhost:$(PORT)}" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (uses DATABASE_URL / REDIS_URL when set).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint: ruff's rules and formatting, and the import-linter contracts once the project declares them.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if [ -f .importlinter ] || grep -q '^\[tool\.importlinter\]' pyproject.toml; then \
		echo "$(BIN)/lint-imports"; $(BIN)/lint-imports; \
	else \
		echo "lint-imports: no contracts declared yet (.importlinter or [tool.importlinter])"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache
