# union-network — the two commands of the quick start are `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install build check test schemas clean

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

## test: run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

## schemas: regenerate the JSON Schemas for editors' IDEs from the models
schemas: $(STAMP)
	$(PY) -m union_network.schemas

clean:
	rm -rf site .site.* $(VENV)
