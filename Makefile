# Two commands a newcomer needs: `make demo` and `make test`. Each sets itself up from uv.lock.
#
# The test environment is exactly what uv.lock pins (a locked sync that fails when the lock is
# stale); uv itself is pinned below and installed into a small bootstrap venv of its own.
UV_VERSION := 0.13.9
PYTHON ?= python3
VENV ?= .venv
TOOLS := .venv-uv
UV := $(TOOLS)/bin/uv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_FLAGS ?= -q -p no:cacheprovider --disable-socket --allow-unix-socket --benchmark-disable
# Everything a developer needs: all extras (frameworks, xpay, benchmark contenders), test group.
SYNC_FLAGS := --extra all --extra bench --group test
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: install lock lock-upgrade check-lock test demo record bench lint unit integration dist \
	test-lowest test-latest clean docs

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"

# Fails with a clear word when pyproject.toml changed and uv.lock was not refreshed.
check-lock: $(UV)
	@$(UV) lock --check --python $(PYTHON) -q || { \
		echo "uv.lock is out of date with pyproject.toml: run 'make lock' and commit uv.lock." >&2; \
		exit 1; }

$(STAMP): pyproject.toml uv.lock | $(UV)
	@$(MAKE) --no-print-directory check-lock
	$(UV) sync --locked -q --python $(PYTHON) $(SYNC_FLAGS)
	touch $(STAMP)

install: check-lock $(STAMP)

# Refresh the lock after editing pyproject.toml (keeps every other pin where it is).
lock: $(UV)
	$(UV) lock --python $(PYTHON)

# Move every pin forward to the newest versions the ranges allow (run test-latest first).
lock-upgrade: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

LINTED := zai_core langchain_zai llama_index_zai llama_index tests benchmarks demo.py cookbooks/replay.py

lint: install
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest $(PYTEST_FLAGS) --record-mode=none

unit: install
	$(PY) -m pytest $(PYTEST_FLAGS) tests/unit

integration: install
	$(PY) -m pytest $(PYTEST_FLAGS) --record-mode=none tests/integration

# The documentation site into site/, strictly (warnings are errors; nothing is fetched).
# make test runs the same strict build (tests/docs/test_build.py).
docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --clean --site-dir site

demo: install
	$(PY) demo.py

# Re-record every cassette, notebook and the demo: live when ZAI_API_KEY is set (requests with
# an emulate- trigger stay emulated), else against the emulator in tests/emulator. Keys are
# scrubbed from headers, query strings and bodies. A step that fails (a live answer a test did
# not expect) does not stop the others; the shape report last lists every cassette whose
# answers differ in shape from the emulator's (docs/testing.md).
record: install
	-$(PY) -m pytest -q -p no:cacheprovider --record-mode=rewrite tests/integration
	-$(PY) cookbooks/replay.py --record
	-$(PY) demo.py --record
	$(PY) -m tests.emulator.shapes

bench: install
	$(PY) -m benchmarks

# sdist and wheel into dist/.
dist: $(UV)
	rm -rf dist
	$(UV) build -q --out-dir dist

# The lowest versions the ranges allow (lowest-direct), then the unit and integration suites.
# Proves the lower bounds in pyproject.toml; not part of CI, which stays on the lock.
test-lowest: $(UV)
	$(MAKE) --no-print-directory _matrix MATRIX_VENV=.venv-lowest RESOLUTION=lowest-direct \
		MATRIX_TESTS="tests/unit tests/integration"

# The newest versions the ranges allow, the whole suite: meet upstream drift before users do.
test-latest: $(UV)
	$(MAKE) --no-print-directory _matrix MATRIX_VENV=.venv-latest RESOLUTION=highest \
		MATRIX_TESTS="tests"

_matrix:
	rm -rf $(MATRIX_VENV)
	$(UV) venv -q --python $(PYTHON) $(MATRIX_VENV)
	VIRTUAL_ENV=$(MATRIX_VENV) $(UV) pip install -q --resolution $(RESOLUTION) \
		-e '.[all,bench]' --group test
	@VIRTUAL_ENV=$(MATRIX_VENV) $(UV) pip list 2>/dev/null | \
		grep -iE '^(langchain-core|langchain|llama-index-core|httpx|httpx-sse|pydantic|mcp|msgspec|httpx-aiohttp) '
	$(MATRIX_VENV)/bin/python -m pytest $(PYTEST_FLAGS) --record-mode=none $(MATRIX_TESTS)

clean:
	rm -rf $(VENV) $(TOOLS) .venv-lowest .venv-latest dist site .mypy_cache .ruff_cache
