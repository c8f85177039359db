# BOMCA Programme Information System. `make demo` and `make test` are the two set-up commands.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install browser demo serve test test-sqlite test-postgres lint format typecheck lock docs messages bench bench-deep clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: $(STAMP) ## create or update .venv with the locked dependencies and the bomca command

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	scripts/system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: install ## initialise the embedded database, create a demo user and serve on http://127.0.0.1:8000
	$(BIN)/bomca demo

serve: install ## serve for real (configure with DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS)
	$(BIN)/bomca serve

test: install lint typecheck test-sqlite test-postgres ## the whole suite: lint, types, SQLite, PostgreSQL

browser: ## Debian's chromium for the browser tests (installed when missing, as root)
	scripts/browser-deps

test-sqlite: install browser ## the suite on SQLite
	env -u DATABASE_URL BOMCA_EXPECT_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider -n auto

test-postgres: install browser ## the suite on a throwaway PostgreSQL cluster
	BOMCA_EXPECT_DB=postgresql scripts/with-postgres $(BIN)/pytest -q -p no:cacheprovider -n auto

lint: install ## ruff check and format check
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

typecheck: install ## mypy with django-stubs
	$(BIN)/mypy src

bench: install ## the benchmark table: every operation at two sizes, SQLite and PostgreSQL (bench/run.py)
	$(BIN)/python bench/run.py

bench-deep: install ## the deeper benchmarks, one subject each (API under load, IATI memory, newsletter, import)
	@for script in api iati newsletter import; do echo "### bench/$$script.py"; $(BIN)/python bench/$$script.py || exit 1; done

lock: ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --index-url https://pypi.org/simple --no-header -o requirements.lock

messages: install ## update the Russian catalogue from the code and compile it (needs GNU gettext)
	cd src/bomca && ../../$(BIN)/django-admin makemessages -l ru --settings=bomca.settings.test --pythonpath=.. -i "*/migrations/*" --no-obsolete
	msgfmt --check -o src/bomca/locale/ru/LC_MESSAGES/django.mo src/bomca/locale/ru/LC_MESSAGES/django.po

docs: install ## regenerate the generated documentation (docs/cli.md)
	$(BIN)/bomca docs > docs/cli.md

clean: ## remove the virtual environment and the embedded database
	rm -rf $(VENV) var
