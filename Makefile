# The two commands of the README's quick start: each sets up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: demo test docs lint typecheck dist bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask,onnx]"
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

# the docs site needs its tools (mkdocstrings reads the sources; make test runs the doctests)
$(DOCS_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

# the documentation site in site/ (guides, benchmarks, API reference); warnings are errors
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# coverage: the total is printed and the run fails below [tool.coverage.report] fail_under
test: lint
	$(BIN)/python -m pytest -n 2 -q --cov=shrinkage --cov-report=term:skip-covered

# mypy, configured in pyproject.toml ([tool.mypy])
typecheck: $(STAMP)
	$(BIN)/python -m mypy

# the sdist and the wheel, in dist/
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m benchmarks.run --out docs/benchmarks.md --problems a,b,c --repeat 5

clean:
	rm -rf $(VENV) build dist site src/*.egg-info .pytest_cache .mypy_cache .coverage .coverage.*
