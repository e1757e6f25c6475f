# supportflow: `make run` starts it, `make test` checks it. Everything installs into .venv/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: install tools test lint bench run clean openapi build deploy

install: $(STAMP)

# The SAM and checkov tool chains, each in a virtualenv of its own under .venv-tools/: their pins
# (boto3, pydantic, ...) conflict with the project's and with each other's.
TOOLS := .venv-tools
SAM_VENV := $(TOOLS)/sam
CHECKOV_VENV := $(TOOLS)/checkov
SAM_STAMP := $(SAM_VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

tools: $(SAM_STAMP) $(CHECKOV_STAMP)

$(SAM_STAMP): requirements-tools.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet "pip==25.3"
	$(SAM_VENV)/bin/python -m pip install --quiet -r requirements-tools.txt
	touch $@

$(CHECKOV_STAMP): tools/requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "pip==25.3"
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r tools/requirements-checkov.txt
	touch $@

# `sam build` into .aws-sam/build, offline (no AWS account, no Docker): the python3.11 it builds
# with is the tools virtualenv's, first on PATH.
build: $(SAM_STAMP)
	PATH="$(CURDIR)/$(SAM_VENV)/bin:$$PATH" SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam build --parallel

# The desk on AWS (needs AWS credentials): the token secret if missing, `sam deploy` (guided the
# first time: it asks for the stack name, region and parameters and keeps them in
# samconfig.toml), then the pages and their config.json into the site bucket (tools/deploy.py).
deploy: $(STAMP) build
	$(BIN)/python tools/deploy.py prepare $(if $(wildcard samconfig.toml),,--region $${AWS_REGION:-eu-west-1})
	if [ -f samconfig.toml ]; then \
		SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam deploy --no-fail-on-empty-changeset; \
	else \
		SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam deploy --guided --capabilities CAPABILITY_IAM; \
	fi
	$(BIN)/python tools/deploy.py publish

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

# tests/static/test_built_functions.py runs `sam build` (the tools virtualenv's).
test: $(STAMP) $(CHROMIUM) $(SAM_STAMP)
	$(BIN)/python -m pytest -q

# checkov reads CloudFormation, not SAM: template.yaml is translated first (build/, offline).
lint: $(STAMP) $(SAM_STAMP) $(CHECKOV_STAMP)
	$(BIN)/ruff check layers functions local tests bench tools
	$(BIN)/ruff format --check layers functions local tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml
	$(SAM_VENV)/bin/python tools/sam_translate.py template.yaml build/template.cfn.json
	$(CHECKOV_VENV)/bin/checkov --file build/template.cfn.json --framework cloudformation \
		--quiet --compact --skip-download

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

# One run, a few minutes; each part prints its table and writes bench/results/<part>.json.
bench: $(BENCH_STAMP)
	$(BIN)/python bench/calendar_bench.py
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.workflow_bench
	$(BIN)/python -m bench.throughput_bench
	$(BIN)/python -m bench.review_bench
	$(BIN)/python -m bench.search_bench

# The local stack: web form, agent view, outbox, API and workflow on localhost (moto in-process).
# `make run SPEED=3600` runs the clock an hour per real second; state persists in local-data/.
SPEED ?= 1
PORT ?= 8080
run: $(STAMP)
	@SPEED=$(SPEED) PORT=$(PORT) $(BIN)/python -m local.server

clean:
	rm -rf $(VENV) $(TOOLS) .aws-sam build .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/results test-artifacts

openapi: $(STAMP)
	TABLE_NAME=unused $(BIN)/python -m local.openapi
