# One entry point for everything. The first target that needs Python creates .venv by itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
ENV    ?= staging
# CI passes APPROVAL=never: there is nobody to answer; the tag is the approval.
APPROVAL ?= broadening
STAMP  := $(VENV)/.installed

export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: venv serve preview build test lint bench synth deploy package chromium clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

venv: $(STAMP)

## build: the strict site build into site/, then the security headers computed from it
build: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m infra.security_headers site build/security-headers.json

## serve: the site and the report API on http://127.0.0.1:$(PORT), AWS emulated by moto
serve: build
	$(BIN)/python -m infra.local_server --port $(PORT)

## preview: live reload for content editors (no report API)
preview: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

## chromium: Debian's Chromium for the browser tests, installed when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## test: every test: unit, infrastructure, browser
test: lint build chromium
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check functions infra tests bench
	$(BIN)/ruff format --check functions infra tests bench
	$(BIN)/mypy --strict functions infra

bench: build chromium node_modules/.bin/lighthouse
	$(BIN)/python -m bench

synth: build
	$(BIN)/python -m infra.synth

package: $(STAMP)
	$(BIN)/python -m infra.package

node_modules/.bin/cdk node_modules/.bin/lighthouse: package.json package-lock.json
	npm ci --no-audit --no-fund

## deploy: the site built for its public address (python -m infra.site_url), then the stack
deploy: $(STAMP) package node_modules/.bin/cdk
	MKDOCS_SITE_URL="$$($(BIN)/python -m infra.site_url $(ENV))" && export MKDOCS_SITE_URL && $(MAKE) build
	node_modules/.bin/cdk deploy --all --app "$(BIN)/python -m infra.app" -c env=$(ENV) --require-approval $(APPROVAL)

clean:
	rm -rf site build cdk.out .local .pytest_cache .mypy_cache .ruff_cache
