# openai-audio developer commands. Every target does its own set-up, so a fresh
# clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The pinned upstream document (spec/upstream/PROVENANCE.md); SPEC=path/to/newer.yaml to move on.
SPEC ?= spec/upstream/openai-openapi.yaml

.PHONY: install generate check-generated unasync lint test test-fast demo bench bench-quick soak fuzz update-spec docs clean

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

generate: $(STAMP)
	$(PY) scripts/generate.py --upstream $(SPEC)
	$(PY) scripts/unasync.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check --upstream $(SPEC)
	$(PY) scripts/unasync.py --check

# Only the façade's sync twins, from their async sources (part of generate / check-generated).
unasync: $(STAMP)
	$(PY) scripts/unasync.py

lint: $(STAMP)
	$(VENV)/bin/ruff check facade scripts tests examples docs
	$(VENV)/bin/ruff format --check facade scripts tests examples docs
	$(VENV)/bin/mypy --strict facade/openai_audio generated/openai_audio_api

test: lint check-generated
	$(VENV)/bin/pytest

test-fast: $(STAMP)
	$(VENV)/bin/pytest -x -q -m "not slow"

demo: $(STAMP)
	$(PY) scripts/demo.py

# Speed and memory against the official openai SDK, side by side (see BENCHMARKS.md).
bench: $(STAMP)
	$(PY) scripts/bench.py
	$(PY) scripts/bench_batches.py

bench-quick: $(STAMP)
	$(PY) scripts/bench.py --quick

# The documentation site, built strictly (a broken link or reference fails it).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

# The full-size reliability runs (make test runs small versions of both).
soak: $(STAMP)
	OPENAI_AUDIO_SOAK_REQUESTS=5000 $(VENV)/bin/pytest tests/reliability/test_soak.py -m soak -s

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=full $(VENV)/bin/pytest tests/reliability/test_fuzz_inputs.py

# Re-extract openapi.yaml from a new upstream document, regenerate, report the changes
# (exit 0 nothing changed, 1 changed, 2 error) and log them in SPEC_CHANGES.md.
update-spec: $(STAMP)
	$(PY) scripts/update_spec.py --upstream $(SPEC)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache site
