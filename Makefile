# union-network — the two commands of the quick start are `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

NODE_STAMP   := node_modules/.installed
SYSTEM_STAMP := .venv/.system-deps

.PHONY: install build check lint test test-deps schemas bench clean screenshots vendor-decap new-post new-org codeowners report

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

## new-post: a new post in an org's news/: make new-post ORG=lesozavod-25 TITLE="Профком подвёл итоги" [DATE=2026-11-21] [CATEGORY=bargaining]
new-post: $(STAMP)
	@test -n "$(ORG)" -a -n "$(TITLE)" || { echo 'укажите ORG=<код организации> TITLE="Заголовок"' >&2; exit 2; }
	$(PY) build.py new-post "$(ORG)" "$(TITLE)" $(if $(DATE),--date "$(DATE)") $(foreach c,$(CATEGORY),--category "$(c)")

## new-org: a new member org: make new-org ORG=zavod PARENT=lesprom KIND=primary NAME="…" [SHORT_NAME="…"]
new-org: $(STAMP)
	@test -n "$(ORG)" -a -n "$(PARENT)" -a -n "$(KIND)" -a -n "$(NAME)" || { echo 'укажите ORG=… PARENT=… KIND=… NAME="…"' >&2; exit 2; }
	$(PY) build.py new-org "$(ORG)" --parent "$(PARENT)" --kind "$(KIND)" --name "$(NAME)" $(if $(SHORT_NAME),--short-name "$(SHORT_NAME)")

## codeowners: write CODEOWNERS from the org cards' editors: make codeowners [SYNTAX=github|gitlab|gitea]
codeowners: $(STAMP)
	$(PY) build.py codeowners $(if $(SYNTAX),--syntax $(SYNTAX))

## report: digital maturity of every org: make report [ORG=lesprom]
report: $(STAMP)
	$(PY) build.py report $(if $(ORG),--org $(ORG))

# Test-only tools: Debian's chromium, nginx, Java, Node.js + npm; axe-core, vnu-jar and decap-server from npm.
$(SYSTEM_STAMP): tests/setup/system-deps.sh | $(STAMP)
	bash tests/setup/system-deps.sh
	touch $(SYSTEM_STAMP)

$(NODE_STAMP): package.json package-lock.json | $(SYSTEM_STAMP)
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

## bench: issue 14's targets on network-200 (with Hugo and plain MkDocs) and network-1000, side by side
## (bench/RESULTS.md); one size only: make bench BENCH_ARGS="--orgs 200 --posts 40 --seed 1"
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS  ?= --orgs 200 --orgs 1000 --posts 40 --seed 1

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(PY) bench/bench.py $(BENCH_ARGS)

## vendor-decap: copy the web editor (Decap CMS's dist/) from its npm package into the package; commit the result
DECAP_VERSION := 3.16.3
DECAP_DIR     := plugins/union_network/write/static/decap
vendor-decap: $(NODE_STAMP)
	rm -rf .cache/decap $(DECAP_DIR)
	mkdir -p .cache/decap $(DECAP_DIR)
	cd .cache/decap && npm pack --silent decap-cms@$(DECAP_VERSION) && tar xzf decap-cms-$(DECAP_VERSION).tgz
	cp .cache/decap/package/dist/decap-cms.js .cache/decap/package/dist/*.decap-cms.js .cache/decap/package/dist/*.wasm \
	   .cache/decap/package/dist/decap-cms.js.LICENSE.txt $(DECAP_DIR)/
	cp node_modules/decap-server/LICENSE $(DECAP_DIR)/LICENSE
	echo $(DECAP_VERSION) > $(DECAP_DIR)/VERSION
	rm -rf .cache/decap

clean:
	rm -rf site .site.* $(VENV)
