# Two commands on a fresh machine: `make demo` and `make test`. Stamps make a second run skip
# every install whose inputs did not change.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup demo serve test test-fast test-browser lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

src/yizhan/core/static/vendor/.copied: node_modules/.installed scripts/vendor_assets.sh
	scripts/vendor_assets.sh
	touch $@

setup: $(VENV)/.installed src/yizhan/core/static/vendor/.copied

demo: setup
	$(BIN)/yizhan migrate --no-input
	$(BIN)/yizhan seed_demo
	$(BIN)/yizhan collectstatic --no-input --verbosity 0
	@echo ""
	@echo "一站 demo: http://127.0.0.1:$(PORT)  (demo accounts above; Ctrl-C stops the web server and the worker)"
	@# The worker (imports, large exports) runs beside the web server; the trap stops both on
	@# Ctrl-C, on either one exiting, or on a kill of make. The access log leaves out query
	@# strings: a search by ID number must not land in a log.
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/yizhan run_jobs & \
	$(BIN)/gunicorn yizhan.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - --error-logfile - \
		--access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' & \
	wait -n

# Tests run on every core (pytest-xdist): the suite runs twice in CI (SQLite, PostgreSQL).
test: setup
	$(BIN)/pytest -n auto

test-fast: setup
	$(BIN)/pytest -n auto -m "not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules src/yizhan/core/static/vendor

# Benchmarks (not tests): figures and ratios printed as JSON; see bench/README.md and docs/benchmarks.md.
BENCH_PERSONS ?= 100000
bench: setup
	$(BIN)/yizhan bench --persons $(BENCH_PERSONS) --db sqlite --json
	$(BIN)/yizhan bench --persons $(BENCH_PERSONS) --db postgres --json
