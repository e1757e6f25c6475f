# supportflow: `make run` starts it, `make test` checks it. Everything installs into .venv/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: install test lint bench run clean openapi

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3" "setuptools==80.9.0" wheel
	$(BIN)/python -m pip install --quiet -e ".[aws,dev]"
	touch $@

# Browser tests drive Debian's Chromium (installed here when missing; CI runs as root).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check layers functions local tests bench
	$(BIN)/ruff format --check layers functions local tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python bench/calendar_bench.py

# The local stack: web form, agent view, outbox, API and workflow on localhost (moto in-process).
# `make run SPEED=3600` runs the clock an hour per real second; state persists in local-data/.
SPEED ?= 1
PORT ?= 8080
run: $(STAMP)
	@SPEED=$(SPEED) PORT=$(PORT) $(BIN)/python -m local.server

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/results

openapi: $(STAMP)
	TABLE_NAME=unused $(BIN)/python -m local.openapi
