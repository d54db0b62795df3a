# The two commands a new user needs: `make run` and `make test`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask
PORT   ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test lint load install install-dev setup bench clean system-packages system-packages-test

## Debian packages: installed when run as root, otherwise listed with what each is for.
system-packages:
	@bin/system-packages run
system-packages-test:
	@bin/system-packages test

$(VENV)/bin/python: | system-packages
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: system-packages $(VENV)/.installed
install-dev: system-packages-test $(VENV)/.installed-dev

## Migrate and seed the embedded SQLite database under instance/ (demo logins on a new database).
setup: install
	$(FLASK) db upgrade
	$(FLASK) seed --with-demo

## Install, migrate, seed and serve on http://127.0.0.1:$(PORT).
run: setup
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Lint and formatting (ruff), as `make test` checks them.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## The whole test suite (PostgreSQL too when TEST_DATABASE_URL is set), after the lint: one worker
## per core (TEST_WORKERS), and the 15 slowest tests listed at the end.
TEST_WORKERS ?= auto
test: lint
	$(PYTHON) -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=15

## Load test, not part of `make test`: 100 officers against gunicorn on SQLite, then on PostgreSQL
## (LOAD_POSTGRES_URL, default the local server); fails when a target is missed. LOAD_DURATION in seconds.
LOAD_DURATION ?= 120
load: install-dev
	$(PYTHON) -m load.run --backend all --duration $(LOAD_DURATION)

## PDF export benchmark: a medium and a large plan; render time, pages/s, memory, HTTP overhead, cache (about 3 min).
bench: install-dev
	$(PYTHON) bench/pdf_bench.py

clean:
	rm -rf $(VENV) .pytest_cache
