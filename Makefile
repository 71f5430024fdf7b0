# Quick start: `make build` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test fuzz bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## build: create .venv, install ka2docs, build every document from data/ into output/
build: $(STAMP)
	$(BIN)/ka2docs build --data data --out output

## test: the whole test suite
test: $(STAMP)
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
	rm -rf output $(VENV)
