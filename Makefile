# union-network — the two commands of the quick start are `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

NODE_STAMP   := node_modules/.installed
SYSTEM_STAMP := .venv/.system-deps

.PHONY: install build check test test-deps schemas clean

# The virtualenv, with the package (editable) and its test extras; redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## build: build the demo network into site/<slug>/
build: $(STAMP)
	$(PY) build.py build

## check: validate the registry and content, write nothing
check: $(STAMP)
	$(PY) build.py check

# Test-only tools: Debian's chromium and nginx, axe-core and vnu-jar from npm.
$(SYSTEM_STAMP): tests/setup/system-deps.sh | $(STAMP)
	bash tests/setup/system-deps.sh
	touch $(SYSTEM_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

test-deps: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP)

## test: run the whole test suite (installs what it needs first)
test: test-deps
	$(PY) -m pytest

## schemas: regenerate the JSON Schemas for editors' IDEs from the models
schemas: $(STAMP)
	$(PY) -m union_network.schemas

clean:
	rm -rf site .site.* $(VENV)
