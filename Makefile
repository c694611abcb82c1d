# Two commands a new user needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Demo settings for `make run`; production sets its own environment (see README). DEBUG stays
# off even in the demo: a user must see the styled 404/500 pages, never Django's debug page
# with settings and tracebacks. Static files are collected and served by WhiteNoise, as in
# production; the demo's keys are the public demo defaults (`check --deploy` flags them). The
# links in the demo's texts and QR codes point at the port it is served on.
RUN_ENV = DEBUG=false ZUOFENG_DEMO=1 ZUOFENG_PUBLIC_URL=$${ZUOFENG_PUBLIC_URL:-http://127.0.0.1:$(PORT)}
# The suite runs in one worker per core (pytest-xdist); a class's or module's tests stay on one
# worker so the demo build they share is built once. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

.PHONY: run test setup fonts lint format demo sweep clean bench prod-check audit requirements-prod load-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed fonts

# The report's charts need a CJK font: Debian's fonts-noto-cjk, installed here when it is missing
# and make runs as root with apt; otherwise (no root, no apt, offline) the charts use the GB2312
# subset bundled in reports/fonts/, so a chart never shows missing-glyph boxes either way.
fonts:
	@fc-list :lang=zh family 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 \
	      || echo "fonts-noto-cjk not installed: report charts use the bundled font (reports/fonts/)"; \
	  else \
	    echo "No CJK system font: report charts use the bundled font (reports/fonts/)"; \
	  fi; }

run: setup
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py build_demo --if-empty
	$(RUN_ENV) $(BIN)/python manage.py demo_accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/ (the clock sweep runs every 60 s and the task worker in the background)"
	$(RUN_ENV) $(BIN)/python manage.py sweep --loop 60 & \
	  SWEEP=$$!; \
	  $(RUN_ENV) $(BIN)/python manage.py db_worker --queue-name '*' --no-reload --verbosity 0 & \
	  WORKER=$$!; trap "kill $$SWEEP $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The production configuration (gunicorn + deploy/gunicorn.conf.py, DEBUG off, real keys, a
# shared cache, compressed static files) started on a free loopback port: /healthz and pages.
prod-check: setup
	$(BIN)/pytest ops/tests/test_production.py -q -p no:cacheprovider

# Tools that are not the application's dependencies live in their own venv.
TOOLS := $(VENV)/tools

# Known vulnerabilities in the pinned production requirements. pip-audit is installed on
# demand into $(TOOLS); offline, this says clearly that no audit ran and exits 0.
audit: | $(BIN)/python
	@if test -x $(TOOLS)/bin/pip-audit || \
	  { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet pip-audit; }; then \
	  $(BIN)/python deploy/audit_deps.py --pip-audit $(TOOLS)/bin/pip-audit; \
	else \
	  echo "WARNING: pip-audit could not be installed (package index unreachable?): the dependency audit did NOT run." >&2; \
	fi

# requirements-prod.txt: requirements.txt and every transitive dependency, pinned with hashes
# (pip-tools, in $(TOOLS)). Run after changing requirements.txt; a test checks they agree.
requirements-prod: requirements.txt | $(BIN)/python
	@test -x $(TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(TOOLS) && \
	  $(TOOLS)/bin/pip install --quiet pip-tools; }
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file requirements-prod.txt requirements.txt

# Public pages under the production configuration (bench/load_bench.py; about a minute).
load-bench: setup
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf $(VENV) node_modules staticfiles var/zuofeng.sqlite3*
