# Two entry points, as in the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_EXAMPLE := ../shared/examples/kherson-2022-11-15.txt
EXAMPLE := $(SHARED_EXAMPLE)

.PHONY: install demo test bench clean browser

$(BIN)/storyline: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/storyline

# The tests also run storyline on Spark (local[2]): the spark extra and a Java runtime (17+).
$(VENV)/.spark-extra: pyproject.toml $(BIN)/storyline
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $@

demo: install
	@test -f $(EXAMPLE) || (echo "error: $(EXAMPLE) is missing (the example is read from ../shared beside the clone)"; exit 2)
	rm -f demo.duckdb
	$(BIN)/storyline ingest --db demo.duckdb $(EXAMPLE)
	$(BIN)/storyline events --db demo.duckdb

# Browser tests drive Debian's chromium (never a downloaded browser build); CI runs as root on a
# clean machine, so the test target installs it when it is missing.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "warning: browser tests need Debian's chromium (apt-get install chromium); they are skipped"; \
	fi

browser: $(CHROMIUM)

test: install $(CHROMIUM) $(VENV)/.spark-extra
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/throughput.py --n 500 --json benchmarks/throughput.json

clean:
	rm -rf $(VENV) demo.duckdb
