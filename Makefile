# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := static/vendor/socket.io.esm.min.js
DEV_ENV := COMMUNITY_ENV=development
# pytest-xdist processes (`make test TEST_WORKERS=4`); the suite takes about 7 minutes on 2 cores
TEST_WORKERS ?= 2

.PHONY: run test install assets migrate seed lint bench soak clean

run: install assets migrate seed ## install, build assets, migrate, load demo data, serve on :5000
	$(DEV_ENV) $(BIN)/community run --host 127.0.0.1 --port 5000

test: install assets ## the whole test suite (SQLite; PostgreSQL/Redis/Chromium when configured)
	$(BIN)/ruff check community tests bench wsgi.py
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,production]'
	touch $(STAMP)

assets: $(VENDOR)

$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js static/vendor/
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js.map static/vendor/

migrate: install
	$(DEV_ENV) $(BIN)/community db upgrade

seed: install
	$(DEV_ENV) $(BIN)/community seed-demo

bench: install assets ## benchmarks (a few minutes); results in bench/results/, summary in bench/RESULTS.md
	$(BIN)/python -m bench.realtime
	$(BIN)/python -m bench.rooms
	$(BIN)/python -m bench.pages

soak: install ## 10 minutes of mixed load on PostgreSQL + Redis + 2 gevent workers; results in bench/RESULTS.md
	$(BIN)/python -m bench.soak

lint: install
	$(BIN)/ruff check community tests bench wsgi.py

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
