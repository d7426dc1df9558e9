# Common Map: two commands on a fresh Debian 12 machine.
#   make run    install what is missing, start PostGIS, migrate, load demo data, serve :8000
#               (the front cache, Varnish, on :8000 in front of gunicorn on :8010)
#   make test   the same set-up, then lint, migration check and the whole test suite
#   make stop   stop the server, the front cache and the PostGIS cluster that `make run` started

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
MAPPROXY_PORT ?= 8001
# gunicorn serves the app on APP_PORT (localhost only); the front cache (Varnish,
# scripts/front.sh, front/commonmap.vcl) listens on $(HOST):$(PORT), in front of it.
APP_PORT ?= 8010
FRONT_BAN_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
FRONT := FRONT_LISTEN=$(HOST):$(PORT) FRONT_BACKEND=127.0.0.1:$(APP_PORT) \
	FRONT_BAN_FROM=$(if $(filter 127.0.0.1 0.0.0.0 :: localhost,$(HOST)),,$(HOST)) scripts/front.sh
# The task queue's worker (procrastinate, jobs in PostgreSQL): imports, notifications and
# the scheduled sweeps. Imports are CPU-bound and deliveries wait on the network: four jobs
# at once suit two cores. More workers, on this machine or others, share the same queues.
WORKER_QUEUES ?= imports,notifications,maintenance
WORKER_CONCURRENCY ?= 4
WORKER := $(PY) manage.py procrastinate worker --queues $(WORKER_QUEUES) \
	--concurrency $(WORKER_CONCURRENCY)

# Local runs get development defaults (DEBUG, a dev secret, the local cluster's URL);
# production sets DJANGO_SECRET_KEY and DATABASE_URL instead (README).
export COMMONMAP_DEV ?= 1

.PHONY: run test stop system venv devenv db migrate demo static bytecode messages lint bench bench-feedback clean-db

system:
	@scripts/install_system.sh

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

# Front-end packages for the tests (MapLibre GL JS), exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

# A new shell lacks the exported COMMONMAP_DEV: settings read it from this git-ignored
# marker, so `.venv/bin/python manage.py ...` works there too (production has no marker).
devenv:
	@mkdir -p run
	@printf '# Written by make: this checkout is a local run (README, Environment variables).\nCOMMONMAP_DEV=%s\n' '$(COMMONMAP_DEV)' > run/dev.env

venv: system devenv $(VENV)/.installed node_modules/.installed

db: system
	@scripts/db.sh start

migrate: venv db
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_areas
	$(PY) manage.py load_demo_facilities
	$(PY) manage.py load_demo_feedback

messages: venv
	$(PY) manage.py compilemessages --ignore ".venv/*" --verbosity 0

static: messages bytecode
	$(PY) manage.py collectstatic --noinput --verbosity 0

# The project's modules compiled once: with PYTHONDONTWRITEBYTECODE set (as in many shells
# and containers) every command and worker compiled them again as it started (0.1 s).
bytecode: venv
	$(PY) -m compileall -q -j 0 -x '/(\.venv|node_modules|run|\.git)/' .

run: demo static
	@mkdir -p run
	@if [ -f run/mapproxy.pid ]; then kill "$$(cat run/mapproxy.pid)" 2>/dev/null || true; rm -f run/mapproxy.pid; sleep 1; fi
	@# MapProxy fetches its raster tiles from the app itself, not through the front cache.
	$(PY) manage.py mapproxy_config --url http://127.0.0.1:$(APP_PORT)
	$(VENV)/bin/gunicorn tiles.mapproxy.wsgi:application --check-config --no-control-socket
	$(VENV)/bin/gunicorn tiles.mapproxy.wsgi:application --bind $(HOST):$(MAPPROXY_PORT) --workers 2 \
		--daemon --pid run/mapproxy.pid --no-control-socket --error-logfile run/mapproxy.log
	@echo "MapProxy (raster tiles, TMS/WMTS/WMS) on http://$(HOST):$(MAPPROXY_PORT)/demo/"
	@if [ -f run/worker.pid ]; then kill "$$(cat run/worker.pid)" 2>/dev/null || true; rm -f run/worker.pid; sleep 1; fi
	@nohup scripts/respawn.sh $(WORKER) >> run/worker.log 2>&1 & echo $$! > run/worker.pid
	@echo "Task queue worker running (queues $(WORKER_QUEUES); log in run/worker.log)"
	@# The front cache: started again so that a changed PORT/APP_PORT takes effect.
	@$(FRONT) stop
	@$(FRONT) start
	@# Its purger: the database's notifications of changed layers, sent to the front as bans.
	@# The worker and the purger are started again if they die (scripts/respawn.sh).
	@if [ -f run/front_purger.pid ]; then kill "$$(cat run/front_purger.pid)" 2>/dev/null || true; rm -f run/front_purger.pid; sleep 1; fi
	@nohup scripts/respawn.sh $(PY) manage.py front_purger --front http://$(FRONT_BAN_HOST):$(PORT) >> run/front_purger.log 2>&1 & echo $$! > run/front_purger.pid
	@echo "Front cache purger running (log in run/front_purger.log)"
	@echo "Serving Common Map on http://$(HOST):$(PORT)/ through the front cache; the app itself on http://127.0.0.1:$(APP_PORT)/  (make stop to stop)"
	COMMONMAP_CLIENT_IP_HEADER=X-Forwarded-For \
	$(VENV)/bin/gunicorn geoportal.wsgi:application --bind 127.0.0.1:$(APP_PORT) --workers 3 \
		--pid run/gunicorn.pid --access-logfile - --graceful-timeout 5 --no-control-socket

stop:
	@if [ -f run/worker.pid ]; then kill "$$(cat run/worker.pid)" 2>/dev/null || true; rm -f run/worker.pid; fi
	@# The import worker before the task queue (manage.py import_worker, removed).
	@if [ -f run/import_worker.pid ]; then kill "$$(cat run/import_worker.pid)" 2>/dev/null || true; rm -f run/import_worker.pid; fi
	@if [ -f run/mapproxy.pid ]; then kill "$$(cat run/mapproxy.pid)" 2>/dev/null || true; rm -f run/mapproxy.pid; fi
	@if [ -f run/front_purger.pid ]; then kill "$$(cat run/front_purger.pid)" 2>/dev/null || true; rm -f run/front_purger.pid; fi
	@scripts/front.sh stop
	@if [ -f run/gunicorn.pid ]; then kill "$$(cat run/gunicorn.pid)" 2>/dev/null || true; rm -f run/gunicorn.pid; fi
	@scripts/db.sh stop

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: venv db static lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

bench: demo
	$(PY) bench/lookup.py
	$(PY) bench/features.py
	$(PY) bench/tiles.py
	$(PY) bench/imports.py

# Not in `bench`: on the project's own cluster it restarts PostgreSQL half way (--no-restart).
bench-feedback: demo
	@mkdir -p run
	$(PY) bench/feedback.py 2> run/feedback-bench-server.log

clean-db:
	@scripts/db.sh drop
