# One entry point for everything. The first target that needs Python creates .venv by itself.
# `make help` lists every target: each has a `## target: what it does` line above it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
ENV    ?= staging
# CI passes APPROVAL=never: there is nobody to answer; the tag is the approval.
APPROVAL ?= broadening
STAMP  := $(VENV)/.installed
# The lock tool, pinned; `make lock` installs it into its own throwaway environment.
UV_VERSION := 0.13.9
# The tests that need neither a browser, nor the site build, nor the CDK app, nor a server
# process (markers set in tests/conftest.py, registered in pyproject.toml).
UNIT   := not browser and not site_build and not infra and not slow

export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.DEFAULT_GOAL := help
.PHONY: help venv lock serve preview build test unit browser infra-test lint bench synth \
	assembly deploy deploy-assembly package chromium clean add-reader

## help: this list of targets
help:
	@awk '/^## [a-z-]+: / { sub(/^## /, ""); split($$0, part, ": "); \
		printf "  %-16s %s\n", part[1], substr($$0, length(part[1]) + 3) }' $(MAKEFILE_LIST)

# Installers first, then every package from the lock, each checked against its hash; our own
# package last, without dependencies and without fetching a build backend.
$(STAMP): pyproject.toml requirements/tools.lock requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r requirements/tools.lock
	$(BIN)/python -m pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

## venv: the Python environment in .venv, installed from requirements/*.lock with hashes
venv: $(STAMP)

## lock: regenerate requirements/*.lock (with hashes) from pyproject.toml and constraints.txt
lock:
	test -x build/lock-tools/bin/uv || { $(PYTHON) -m venv build/lock-tools && \
		build/lock-tools/bin/pip install -q uv==$(UV_VERSION); }
	build/lock-tools/bin/uv pip compile -q --generate-hashes --universal --no-python-downloads \
		--python-version 3.11 --custom-compile-command 'make lock' \
		requirements/tools.in -o requirements/tools.lock
	build/lock-tools/bin/uv pip compile -q --generate-hashes --universal --no-python-downloads \
		--python-version 3.11 --constraint constraints.txt --custom-compile-command 'make lock' \
		pyproject.toml -o requirements/runtime.lock
	build/lock-tools/bin/uv pip compile -q --generate-hashes --universal --no-python-downloads \
		--python-version 3.11.5 --constraint constraints.txt --custom-compile-command 'make lock' \
		--extra dev pyproject.toml -o requirements/dev.lock

## build: the strict site build into site/, then the security headers computed from it
build: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m infra.security_headers site build/security-headers.json

## serve: the site and the report API on http://127.0.0.1:8000 (PORT=...), AWS emulated by moto
serve: build
	$(BIN)/python -m infra.local_server --port $(PORT)

## preview: live reload for content editors (no report API)
preview: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

## chromium: Debian's Chromium for the browser tests, installed when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## test: everything: lint, the site build, then every test (unit, infrastructure, browser)
test: lint build chromium node_modules/.bin/lighthouse
	$(BIN)/pytest -q

## unit: the fast tests alone: no browser, no site build, no CDK synth, no server process
unit: $(STAMP)
	$(BIN)/pytest -q -m "$(UNIT)" --ignore=tests/infra --ignore=tests/browser

## browser: the browser tests alone (Chromium against the local server and the built site)
browser: build chromium
	$(BIN)/pytest -q -m browser

## infra-test: the infrastructure tests alone (CDK synth, cdk-nag, cfn-lint)
infra-test: $(STAMP)
	$(BIN)/pytest -q -m infra

## lint: ruff (lint and format) and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check functions infra tests bench
	$(BIN)/ruff format --check functions infra tests bench
	$(BIN)/mypy --strict functions infra

## bench: the benchmarks with Lighthouse, written to bench/results.md (about 35 minutes)
bench: build chromium node_modules/.bin/lighthouse
	$(BIN)/python -m bench

## synth: the CloudFormation templates into cdk.out/ (offline: no AWS account, no bundling)
synth: build
	$(BIN)/python -m infra.synth

## package: the Lambda bundle in build/lambda (arm64, Python 3.13)
package: $(STAMP)
	$(BIN)/python -m infra.package

node_modules/.bin/cdk node_modules/.bin/lighthouse: package.json package-lock.json
	npm ci --no-audit --no-fund

## deploy: build the site for its public address (python -m infra.site_url), bundle, deploy ENV
deploy: $(STAMP) package node_modules/.bin/cdk
	MKDOCS_SITE_URL="$$($(BIN)/python -m infra.site_url $(ENV))" && export MKDOCS_SITE_URL && $(MAKE) build
	node_modules/.bin/cdk deploy --all --app "$(BIN)/python -m infra.app" -c env=$(ENV) --require-approval $(APPROVAL)

## add-reader: an account in the web inbox for an API person; Cognito e-mails the invitation
add-reader: $(STAMP)
	@test -n "$(EMAIL)" || { echo "usage: make add-reader EMAIL=name@example.org ENV=staging"; exit 2; }
	$(BIN)/python -m infra.add_reader --env $(ENV) --email $(EMAIL)

## assembly: the deployable cloud assembly of ENV in cdk.out/ (bundled; no AWS call)
assembly: build node_modules/.bin/cdk
	rm -rf cdk.out
	node_modules/.bin/cdk synth --all --quiet --app "$(BIN)/python -m infra.app" -c env=$(ENV) --output cdk.out

## deploy-assembly: deploy the cloud assembly already in cdk.out/ (no Python needed)
deploy-assembly: node_modules/.bin/cdk
	test -f cdk.out/manifest.json || { echo "cdk.out/ is missing: make assembly ENV=$(ENV)"; exit 1; }
	node_modules/.bin/cdk deploy --all --app cdk.out --require-approval $(APPROVAL)

## clean: remove every build output and cache (not .venv)
clean:
	rm -rf site build cdk.out .local .pytest_cache .mypy_cache .ruff_cache
