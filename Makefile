# Two entry points, as in the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_EXAMPLE := ../shared/examples/kherson-2022-11-15.txt
EXAMPLE := $(if $(wildcard $(SHARED_EXAMPLE)),$(SHARED_EXAMPLE),examples/kherson-2022-11-15.txt)

.PHONY: install demo test bench clean

$(BIN)/storyline: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/storyline

demo: install
	rm -f demo.duckdb
	$(BIN)/storyline ingest --db demo.duckdb $(EXAMPLE)
	$(BIN)/storyline events --db demo.duckdb

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/throughput.py --n 500 --json benchmarks/throughput.json

clean:
	rm -rf $(VENV) demo.duckdb
