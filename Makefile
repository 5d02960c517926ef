# Wolkenwacht: `make demo` and `make test` work on a fresh machine with python3 (3.11+).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The database-facing tests, run a second time on a PostgreSQL server the run starts itself.
DATABASE_TESTS := tests/checks tests/reports tests/test_rows.py tests/test_diff.py

.PHONY: install system-packages demo test bench schema clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[demo,test]'
	touch $@

demo: install  ## scan the embedded sample estate and write demo-output/report.html
	$(PY) -m scanner demo --output-dir demo-output

system-packages:  ## Debian packages the tests drive: Chromium (report tests) and PostgreSQL (database tests)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver postgresql >/dev/null; }

test: install system-packages  ## lint, the import contract, the suite on SQLite, the database tests on PostgreSQL
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest
	$(PY) -m pytest --database postgresql $(DATABASE_TESTS)

bench: install  ## every performance target at 100k, one after the other (bench/README.md; figures in README.md)
	$(PY) bench/run.py --resources 100000 --scans 2
	$(PY) bench/run.py --resources 100000 --scans 2 --changed 0.01
	$(PY) bench/report_formats.py --resources 100000
	$(PY) bench/latency.py
	$(PY) bench/startup.py --runs 5 $(if $(PROWLER),--prowler $(PROWLER))
	$(PY) bench/register.py --services 20000

schema: install  ## regenerate docs/schema.md from the table models
	$(PY) -m scanner schema > docs/schema.md

clean:
	rm -rf $(VENV) demo-output .pytest_cache
