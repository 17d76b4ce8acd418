# Two commands for a fresh machine:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint format bench clean chromium

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: install
	$(BIN)/parlwatch demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The HTML report is checked in a real headless browser: Debian's chromium, installed when
# missing and we may (root); otherwise the screenshot test fails and says how to install it.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-headless-shell >/dev/null 2>&1 \
	  || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	         (apt-get install -y --no-install-recommends chromium \
	          || (apt-get update && apt-get install -y --no-install-recommends chromium)); \
	       else echo "chromium missing: sudo apt-get install -y chromium"; fi; }

test: lint chromium
	$(BIN)/pytest -n 2 --dist loadfile

# Quick check: make bench BENCH_ARGS="--pages 800 --pairs 1 --captures 100000 --changes 10000"
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m benchmarks -o artifacts/bench.json $(BENCH_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info artifacts
