# The two commands of the README's quick start: each sets up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m pip install --quiet -e ".[dask]"
	$(BIN)/python -m pip install --quiet -e ".[onnx]"
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	touch $(STAMP)

# the demo needs the package alone (no test tools)
$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

# demo-report.html is the demo's own output: --force rewrites it on every run (shrinkage never
# overwrites a file without --force)
demo: $(DEMO_STAMP)
	$(BIN)/shrinkage demo --out demo-report.html --force

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m benchmarks.run --out docs/benchmarks.md --problems a,b,c --repeat 5

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
