# Two commands for a new user: `make demo` and `make test`. Needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install test test-fast lint format lint-imports contract-schema screens demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	# midtransclient 1.4.2 installs its own test suite as a top-level package named `tests`, which would
	# shadow this project's tests/ (python -m tests.simulation.run, the simulator's worker processes).
	rm -rf $(VENV)/lib/python*/site-packages/tests
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Tests run on TEST_WORKERS pytest-xdist worker processes (they mostly wait on fsync, servers and Chromium, so more
# than the 2 cores pays); groups that must not run side by side are set in tests/conftest.py. TEST_WORKERS=0: serially.
TEST_WORKERS ?= 4
XDIST := $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist loadgroup)

# Every test: unit, integration, browser and slow (what CI runs).
test: install
	$(PY) -m pytest -q $(XDIST)

# The quick subset while working: no browser, no simulations, concurrency, fuzzing or bench runs.
test-fast: install
	$(PY) -m pytest -q $(XDIST) -m "unit or (integration and not slow)"

# ruff (lint, import order and format check) and mypy, all with zero errors.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Refresh the README's screenshots in docs/screens/ (the tests alone write theirs to a temporary folder).
screens: install
	OMNITOKO_SCREENS=docs/screens $(PY) -m pytest -q -m browser

# Apply the formatter and the import order that `make lint` checks.
format: install
	$(PY) -m ruff check --select I --fix .
	$(PY) -m ruff format .

# Who may import whom (contracts in pyproject.toml, explained in docs/architecture.md).
lint-imports: install
	$(VENV)/bin/lint-imports

# After adding an event or topic model (or a new version of one): add its JSON Schema to common/contract/schema.json.
contract-schema: install
	$(PY) -m common.contract.schema

demo: install
	$(PY) -m omnitoko.demo

bench: install
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) var
