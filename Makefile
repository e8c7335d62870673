# union-network — the two commands of the quick start are `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

NODE_STAMP   := node_modules/.installed
SYSTEM_STAMP := .venv/.system-deps

.PHONY: install build check lint test test-deps schemas bench clean screenshots

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

## serve: build the demo network and serve it live: http://localhost:8000/, http://<slug>.localhost:8000/
serve: $(STAMP)
	$(PY) build.py serve --port $(or $(PORT),8000)

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

## lint: ruff (lint and format) and the type checker
lint: $(STAMP)
	$(VENV)/bin/ruff check plugins tests bench scripts build.py
	$(VENV)/bin/ruff format --check plugins tests bench scripts build.py
	$(VENV)/bin/mypy

## test: run the whole test suite (installs what it needs first), lint and types included
test: test-deps lint
	@start=$$(date +%s); $(PY) -m pytest; status=$$?; \
	echo "make test: pytest took $$(( $$(date +%s) - start )) s"; exit $$status

## screenshots: refresh docs/screenshots/*.png (and theme/assets/logo.png) from the demo in headless Chromium
screenshots: $(STAMP) $(SYSTEM_STAMP)
	$(PY) scripts/screenshots.py

## schemas: regenerate the JSON Schemas for editors' IDEs from the models
schemas: $(STAMP)
	$(PY) -m union_network.tools.schemas

## bench: time the build against plain MkDocs and Hugo on a synthetic network (bench/RESULTS.md)
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS  ?= --orgs 200 --posts 40 --seed 1

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(PY) bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf site .site.* $(VENV)
