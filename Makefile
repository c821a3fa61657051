# The two commands: `make demo` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Every package and version, with hashes: the app's (production) and the app's plus the
# tools of `make test` (what make installs). `make lock` writes both from pyproject.toml.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

# Tests run with production-like settings: DEBUG off and a throwaway secret.
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=false ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SECURE_SSL_REDIRECT=false
DEMO_ENV := DEBUG=true

.PHONY: demo test install lock lint format migrate serve clean bench screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is required (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)

# Exactly the versions CI ran, each file checked against its hash. The app runs from this
# directory (manage.py, gunicorn tracker.wsgi), so the project itself is not installed.
$(STAMP): $(DEV_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(DEV_LOCK)
	@touch $(STAMP)

install: $(STAMP)

# Re-resolves pyproject.toml's ranges into both lock files, keeping every pin that still
# fits (after adding a dependency, or merging branches that did). LOCK_ARGS=--upgrade moves
# everything to the newest releases; LOCK_ARGS="--upgrade-package NAME" one package.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 \
	--generate-hashes --quiet --custom-compile-command "make lock"
lock: | $(BIN)/python
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv>=0.9"
	@# After a merge that conflicted in a lock file: keep our side's pins; the merged
	@# pyproject.toml then brings in what the other side added.
	@for file in $(DEV_LOCK) $(LOCK); do \
		if grep -q '^<<<<<<< ' $$file; then \
			sed -e '/^=======$$/,/^>>>>>>> /d' -e '/^<<<<<<< /d' $$file > $$file.merged && mv $$file.merged $$file; \
		fi; \
	done
	$(UV_COMPILE) --group dev --output-file $(DEV_LOCK) $(LOCK_ARGS)
	@# Production installs the same versions as the tests ran, without the test tools.
	$(UV_COMPILE) --constraints $(DEV_LOCK) --output-file $(LOCK) $(LOCK_ARGS)

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input

demo: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_demo --port $(PORT)
	@# One background worker beside the server (large downloads, imports), stopped with it.
	$(DEMO_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	@# Static files as production serves them (whitenoise from STATIC_ROOT).
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(TEST_ENV) $(BIN)/python -m pytest

# The README's pictures: the browser tests that take them, writing into docs/.
screenshots: install
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	SCREENSHOTS=docs $(TEST_ENV) $(BIN)/python -m pytest tests/browser/test_rounds_browser.py \
		tests/browser/test_import_browser.py tests/browser/test_import_links_browser.py

# Figures at 10k and 1M status entries on the local PostgreSQL (BENCH_POSTGRES to change
# it), then a 100,000-row status import through a worker; takes several minutes. Not part
# of `make test`. See BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.status_import $(BENCH_IMPORT_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
