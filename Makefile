# Quick start targets: each sets everything up first, so a fresh clone needs nothing else.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test libreoffice bench templates clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/batch demo

# LibreOffice is needed by the tests that read workbooks re-saved by LibreOffice.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "installing libreoffice-calc-nogui (tests re-save workbooks with LibreOffice)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui) >/dev/null; }

test: setup libreoffice
	$(BIN)/ruff check batch tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q
	PY=$(PY) .ci/wheel-smoke

bench: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/validate_bench.py
	$(BIN)/python bench/refusal_bench.py
	$(BIN)/python bench/push_bench.py
	$(BIN)/python bench/accounts_bench.py
	$(BIN)/python bench/orders_bench.py
	$(BIN)/python bench/pacing_bench.py
	$(BIN)/python bench/stock_bench.py
	$(BIN)/python bench/stats_bench.py
	$(BIN)/python bench/soak_watch.py

templates: setup
	$(BIN)/python -m batch.exporters.committed

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
