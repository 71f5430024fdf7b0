# Quick start: `make build` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NPM := $(shell command -v npm 2>/dev/null)
# The independent validators the tests run (tools/node/package-lock.json pins them);
# without npm the tests that need them skip with the install command.
VALIDATORS := tools/node/node_modules/.package-lock.json

.PHONY: build test fuzz bench lint clean validators

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## build: create .venv, install ka2docs, build every document from data/ into output/
build: $(STAMP)
	$(BIN)/ka2docs build --data data --out output

$(VALIDATORS): tools/node/package.json tools/node/package-lock.json
	@# npm install, not npm ci: the lock file holds only the validator binary for the platform it was made on, and npm ci refuses it elsewhere
	npm install --prefix tools/node --no-audit --no-fund --loglevel=error
	touch $@

## validators: install the Open XML SDK validator and axe-core into tools/node/
validators: $(VALIDATORS)

## test: the whole test suite (and the validators first, where npm is installed)
test: $(STAMP) $(if $(NPM),$(VALIDATORS))
	$(BIN)/python -m pytest -q

## fuzz: the fuzzer's long run: thousands of mutated data sets (tests/test_fuzz.py; `make test` runs 25)
FUZZ_EXAMPLES ?= 3000
fuzz: $(STAMP)
	KA2DOCS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py --hypothesis-show-statistics

## bench: speed and memory ratios, printed as a table
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf output $(VENV) tools/node/node_modules
