# kefu — every task people and CI run. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
PIP_FLAGS := --disable-pip-version-check --progress-bar off -q
# Hide pip's per-package warnings about index locations that do not exist on this machine.
QUIET_PIP := 2>&1 | { grep -v '^WARNING: Location' || true; }
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

RASA_SOURCES := config.yml domain.yml $(shell find data -type f 2>/dev/null | sort)
MODEL := models/kefu.tar.gz

.PHONY: help install demo test test-fast test-cluster test-all lint format model browser lock lock-rasa validate nlu-report eval clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

install: $(VENV)/.project $(RASA_VENV)/.installed ## Install both environments (no-op when up to date)

# .venv: our code (editable) on the exact versions of requirements/app.lock.
# A changed lock rebuilds the environment from scratch, so nothing stale survives.
$(VENV)/.deps: requirements/app.lock
	@echo "==> building $(VENV) from requirements/app.lock"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements/app.lock $(QUIET_PIP)
	touch $@

$(VENV)/.project: $(VENV)/.deps pyproject.toml
	$(VENV)/bin/pip install $(PIP_FLAGS) --no-deps --no-build-isolation -e . $(QUIET_PIP)
	touch $@

# .venv-rasa: Rasa 3.6.21 on Python 3.11 — its metadata says <3.11, so the verified tree is
# installed exactly, without the resolver (see README, "Two environments").
$(RASA_VENV)/.installed: requirements/rasa.lock
	@echo "==> building $(RASA_VENV) from requirements/rasa.lock"
	rm -rf $(RASA_VENV)
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install $(PIP_FLAGS) --no-deps --ignore-requires-python -r requirements/rasa.lock $(QUIET_PIP)
	touch $@

model: $(MODEL) ## Train the Rasa model if data/, config.yml or domain.yml changed

$(MODEL): $(RASA_VENV)/.installed $(RASA_SOURCES)
	@echo "==> training the Rasa model"
	mkdir -p models
	$(RASA_VENV)/bin/rasa train --fixed-model-name kefu --out models --quiet
	touch $@

validate: $(RASA_VENV)/.installed ## rasa data validate
	$(RASA_VENV)/bin/rasa data validate --fail-on-warnings

nlu-report: $(MODEL) ## NLU figures on the held-out split (rasa test nlu) into results/nlu
	$(RASA_VENV)/bin/rasa test nlu --nlu tests/nlu/holdout.yml --model $(MODEL) --out results/nlu --successes
	$(VENV)/bin/python bench/nlu_report.py results/nlu

eval: install $(MODEL) ## Play tests/evaluation/conversations/ through the whole stack (results/eval.json)
	$(VENV)/bin/kefu eval conversations tests/evaluation/conversations --json results/eval.json --quiet

demo: install $(MODEL) ## Start everything (gateway, staff console, Rasa, actions, Redis)
	@$(VENV)/bin/kefu init-env >/dev/null
	exec $(VENV)/bin/kefu demo

# Chromium for the browser tests: Debian's package (root only); without it they skip.
browser: ## Install Debian's Chromium and CJK fonts for the browser tests (root)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "==> installing chromium (Debian)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "note: could not install chromium; browser tests will skip"; \
	else echo "note: /usr/bin/chromium missing and not root; browser tests will skip"; fi

test: install $(MODEL) browser ## Run the whole test suite (real Redis, SQL, Rasa, browser)
	$(VENV)/bin/python -m pytest

test-fast: $(VENV)/.project ## The tests that need neither Rasa nor a browser (quick, no model needed)
	$(VENV)/bin/python -m pytest -m "not rasa and not browser and not slow"

# Everything that touches Redis, on an embedded Redis Cluster of three masters (tests/conftest.py).
REDIS_TESTS := tests/handoff tests/console tests/bot tests/actions tests/knowledge_base tests/conversations tests/rasa_addons tests/kefu tests/kefu_cli

test-cluster: install $(MODEL) browser ## Run the Redis-touching tests on a Redis Cluster (3 masters)
	KEFU_TEST_REDIS=cluster $(VENV)/bin/python -m pytest $(REDIS_TESTS)

lint: $(VENV)/.project ## ruff (lint + format check), mypy and the layer contracts (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(VENV)/.project ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: ## Re-resolve .venv's dependencies from pyproject.toml into requirements/app.lock
	rm -rf /tmp/kefu-lock && $(PYTHON) -m venv /tmp/kefu-lock
	/tmp/kefu-lock/bin/pip install $(PIP_FLAGS) torch==2.13.0 && /tmp/kefu-lock/bin/pip install $(PIP_FLAGS) -e '.[dev]'
	{ echo "# The tested versions of everything in .venv (our code is installed editable on top)."; \
	  echo "# Regenerate after changing pyproject dependencies: make lock"; \
	  /tmp/kefu-lock/bin/pip freeze --all | grep -v -E '^(pip|kefu)==|^-e '; } > requirements/app.lock

lock-rasa: ## Re-resolve Rasa's tree from requirements/rasa.in into requirements/rasa.lock
	rm -rf /tmp/kefu-rasa-lock && $(PYTHON) -m venv /tmp/kefu-rasa-lock
	/tmp/kefu-rasa-lock/bin/pip install $(PIP_FLAGS) -r requirements/rasa.in
	/tmp/kefu-rasa-lock/bin/pip install $(PIP_FLAGS) --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	{ echo "# Rasa 3.6.21 and its whole dependency tree, verified on Python 3.11."; \
	  echo "# Installed by the Makefile with: pip install --no-deps --ignore-requires-python -r requirements/rasa.lock"; \
	  echo "# Regenerate: make lock-rasa"; \
	  /tmp/kefu-rasa-lock/bin/pip freeze --all | grep -v -E '^pip=='; } > requirements/rasa.lock

clean: ## Remove environments, models and local data (var/)
	rm -rf $(VENV) $(RASA_VENV) models var .pytest_cache .mypy_cache .ruff_cache
