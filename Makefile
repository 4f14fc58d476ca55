# Each target sets itself up: a fresh machine needs only `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
# pytest-xdist: one worker per core; PYTEST_WORKERS=0 runs in one process (for --pdb, -x)
PYTEST_WORKERS ?= auto

.PHONY: demo test lab bench services system-deps lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	rm -f $(VENV)/.installed-* && touch $@

services:
	@scripts/services.sh

system-deps:
	@scripts/system-deps.sh

demo: $(STAMP)
	$(BIN)/migrator demo

test: $(STAMP) services system-deps lint
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --quiet migrator tests benchmarks sample_data
	$(BIN)/mypy --no-error-summary migrator

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
