# Quick start: `make build` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test bench lint clean

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

## bench: speed and memory ratios, printed as a table
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf output $(VENV)
