# Wolkenwacht: `make demo` and `make test` work on a fresh machine with python3 (3.11+).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install demo test bench schema clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[demo,test]'
	touch $@

demo: install  ## scan the embedded sample estate and write demo-output/report.html
	$(PY) -m scanner demo --output-dir demo-output

test: install  ## lint, the import contract and the whole test suite (CI runs this)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

bench: install  ## ingest + judge 100k synthetic resources (see bench/README.md)
	$(PY) bench/run.py --resources 100000

schema: install  ## regenerate docs/schema.md from the table models
	$(PY) -m scanner schema > docs/schema.md

clean:
	rm -rf $(VENV) demo-output .pytest_cache
