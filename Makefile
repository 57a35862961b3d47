# overlay.fortigate developer entry points.
# A newcomer needs two targets: `make demo` and `make test`. Both bootstrap through `make setup`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
DEVCOLL := $(CURDIR)/.devcollections

# Every tool sees the repo as overlay.fortigate through a symlink tree, plus the collections
# bundled in the pinned `ansible` package (site-packages). Nothing is read from or written to ~/.ansible.
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(DEVCOLL)
export ANSIBLE_HOME := $(CURDIR)/.cache/ansible-home
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/.cache/ansible-tmp
# The simulator's parsed fortinet.fortios schema (simulator/README.md "Schema").
export FORTIGATE_SIM_CACHE := $(CURDIR)/.cache/fortigate-sim
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0

SETUP_INPUTS := requirements-dev.txt constraints.txt $(wildcard simulator/pyproject.toml)

.PHONY: setup browser demo demo-kb test lint sanity units docs integration molecule bench lock changelog clean help sim-wheel ee

help:
	@echo "make demo   - build a dual-hub ADVPN from an example intent on a generated simulated lab"
	@echo "make demo-kb - the exchange-interface-ip article (KB 253455) on the embedded lab"
	@echo "make test   - every quality gate: lint, sanity, unit, docs, integration, molecule"
	@echo "make setup  - bootstrap .venv/ and the collection path (done by demo and test)"
	@echo "make browser - headless Chromium + chromedriver for the report page test (done by test, integration)"
	@echo "make bench  - benchmarks in bench/ (not part of test)"
	@echo "make sim-wheel - the simulator alone as a wheel in dist/ (pip install dist/fortigate_sim-*.whl)"
	@echo "make ee     - execution environment build context in .cache/ee/context (then podman build)"

setup: $(STAMP) $(DEVCOLL)/ansible_collections/overlay/fortigate

$(STAMP): $(SETUP_INPUTS)
	@echo "==> setup: creating $(VENV) from pinned requirements"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	if [ -f simulator/pyproject.toml ]; then \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e simulator; fi
	touch $@

$(DEVCOLL)/ansible_collections/overlay/fortigate:
	mkdir -p $(DEVCOLL)/ansible_collections/overlay
	ln -sfn $(CURDIR) $@

# The report page test drives Debian's chromium through chromium-driver (apt-get, as root or via sudo).
browser:
	tools/install-browser

demo: setup
	tools/demo

demo-kb: setup
	tools/demo-kb

test: setup browser
	tools/run-gates

lint: setup
	tools/run-gates lint

sanity: setup
	tools/run-gates sanity

units: setup
	tools/run-gates units

docs: setup
	tools/run-gates docs

integration: setup browser
	tools/run-gates integration

molecule: setup
	tools/run-gates molecule

bench: setup
	$(BIN)/python bench/run_all.py

# The simulator on its own (same version as the collection), for users' own labs and molecule scenarios.
sim-wheel: setup
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation ./simulator -w dist/
	rm -rf simulator/build
	@ls dist/fortigate_sim-*.whl
# Execution environment build context (ansible-builder create); no container engine needed.
ee: setup
	tools/ee-context

# Refresh constraints.txt from a scratch venv (maintainers only).
lock:
	rm -rf .cache/lock-venv && $(PYTHON) -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install --quiet -r requirements-dev.txt
	{ echo "# Transitive pins for requirements-dev.txt (pip freeze of a fresh .venv)."; \
	  .cache/lock-venv/bin/pip freeze --exclude-editable; } > constraints.txt

changelog: setup
	$(BIN)/antsibull-changelog lint

clean:
	rm -rf $(VENV) $(DEVCOLL) .cache collections tests/output .ansible
