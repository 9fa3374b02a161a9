# The two commands: `make run` (the system with demo data) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test test-clock venv lock browser faketime messages lint bench clean

# Installs from the lock: every package, direct or not, at its pinned version and hash
# (pip refuses a file whose hash differs). `make lock` rebuilds the locks after a change to
# requirements*.txt; tests/test_locks.py fails while they disagree.
$(VENV)/.installed: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py rundev --port $(PORT)

# Browser tests need Debian's chromium and CJK fonts; install them when missing.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || scripts/install-browser.sh

test: venv browser lint
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite must pass whatever the machine's clock says: run it (without the browser tests)
# with the clock moved to CLOCK, a leap day, a year end or any other day. .ci/run does this
# once per run with a day chosen from the list in scripts/clock-days.sh.
CLOCK ?= $(shell scripts/clock-days.sh)
test-clock: venv faketime
	@echo "Non-browser suite with the machine clock at $(CLOCK)"
	faketime "$(CLOCK)" $(PY) -m pytest $(PYTEST_ARGS) -m "not e2e"

faketime:
	@command -v faketime >/dev/null 2>&1 || scripts/apt-install.sh faketime

messages: venv
	scripts/messages.sh --list-missing

# Style and types: ruff's lint and format, mypy (django-stubs) on the rules and the services.
# (households/dossier/services.py and staffing/services.py join once their optional area ids are narrowed.)
TYPED := households/rules caseworkers/rules.py staffing/rules.py jiuzhu/policy.py jiuzhu/reasons.py jiuzhu/periods.py jiuzhu/parameters/services.py \
	households/procedure/services.py households/review/services.py households/plans/services.py \
	caseworkers/services.py caseworkers/badge.py
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy $(TYPED)

LOCK_FLAGS := --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --quiet
lock:
	test -x .venv-lock/bin/pip-compile || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet pip-tools)
	.venv-lock/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock requirements.txt
	.venv-lock/bin/pip-compile $(LOCK_FLAGS) -o requirements-dev.lock requirements-dev.txt

bench: venv
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache
