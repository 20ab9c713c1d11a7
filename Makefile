# The two commands: `make demo` and `make test`. Each sets up .venv itself.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install generate check lint typecheck api-check api-diff api-snapshot install-test docs test demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[mock]" --group dev
	@touch $(STAMP)

generate: $(STAMP)
	$(PY) -m codegen

check: $(STAMP)
	$(PY) -m codegen --check

lint: $(STAMP)
	$(VENV)/bin/ruff check src codegen apicheck tests bench examples
	$(VENV)/bin/ruff format --check src codegen apicheck tests bench examples

typecheck: $(STAMP)
	$(VENV)/bin/mypy --strict src codegen apicheck tests/typing tests/install

# The public API against api/gatewise.json (the last release's): fails on a breaking
# change that the version and CHANGELOG.md do not declare (apicheck/).
api-check: $(STAMP)
	$(PY) -m apicheck check

# The same report, for reading before a release; never fails.
api-diff: $(STAMP)
	$(PY) -m apicheck diff

# When releasing (and after merging new API): records the tree's API as the snapshot.
api-snapshot: $(STAMP)
	$(PY) -m apicheck snapshot

# Builds the sdist and the wheel and uses the wheel from a fresh venv (tests/install/run.py).
install-test: $(STAMP)
	$(PY) tests/install/run.py

# The documentation site, into build/site/ (ignored); --strict fails on a broken reference.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

test: check lint typecheck api-check install-test docs
	$(PY) -m pytest -q

demo: $(STAMP)
	$(PY) examples/demo.py

bench: $(STAMP)
	$(PY) bench/machine.py
	$(PY) bench/overhead.py
	$(PY) bench/streaming.py
	$(PY) bench/sse_decode.py
	$(PY) bench/concurrency.py
	$(PY) bench/roundtrip.py
	$(PY) bench/coldstart.py
	$(PY) bench/upload.py
	$(PY) bench/batch.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist
