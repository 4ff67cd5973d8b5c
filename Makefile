# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up
# they pull in, and each step is a no-op when its result is already there.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CACHE_DIR ?= $(HOME)/.cache/hotline12333
export HOTLINE_ASTERISK_ROOT ?= $(CACHE_DIR)/asterisk-root
# tools/install-system-deps puts it there (out of Debian's prometheus package); the tests run it.
# Not HOTLINE_-prefixed: the service refuses HOTLINE_ variables that are not its settings.
export PROMTOOL ?= $(CACHE_DIR)/promtool/usr/bin/promtool

.PHONY: run test check bench cluster asterisk prompts demo-data system-deps venv clean

# `make run DEMO_AGENTS=1`: SIPp phones answer as the roster's agents (a tone), agents logged in.
run: venv asterisk prompts demo-data
	$(VENV)/bin/ivrctl run $(if $(DEMO_AGENTS),--demo-agents)

# Two workers, each with its own session sandbox (and cluster), a test file kept on one worker:
# the suite spends most of its time waiting on Asterisk, not on the CPU. TEST_WORKERS=0 runs it
# in one process.
TEST_WORKERS ?= 2
test: venv check system-deps asterisk prompts
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Lint (ruff), strict types of the pure cores (mypy), the import layers (lint-imports); all
# configured in pyproject.toml. Run first by `make test`, so CI runs it.
check: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

bench: venv asterisk prompts
	$(PY) -m bench

# Incremental: rebuilds only prompts whose text, voice or recording changed (0.1 s if none).
prompts: venv system-deps
	$(VENV)/bin/ivrctl prompts build

demo-data: venv
	$(VENV)/bin/ivrctl db upgrade
	$(VENV)/bin/ivrctl db seed-demo

system-deps:
	tools/install-system-deps

asterisk: system-deps
	tools/build-asterisk-root $(HOTLINE_ASTERISK_ROOT)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) var test-artifacts
