# Two commands for a new user: `make demo` and `make test`. Needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install test demo bench clean lint-imports contract-schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

test: install
	$(PY) -m pytest -q

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
