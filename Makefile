# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= data/archive.db

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/danvan crawl --mirror --db $(DB)
	$(BIN)/danvan stats --db $(DB)
	$(BIN)/danvan search "dân vận khéo" --limit 3 --db $(DB)

test: install
	$(BIN)/ruff check danvan_crawler tests bench
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check danvan_crawler tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
