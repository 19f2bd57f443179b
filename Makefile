# Two commands a newcomer needs: `make demo` and `make test`. Each sets itself up.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_FLAGS ?= -q -p no:cacheprovider --disable-socket --allow-unix-socket --benchmark-disable

.PHONY: install test demo record bench lint unit integration clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip uv
	$(VENV)/bin/uv pip install -q --link-mode=copy --python $(PY) -e '.[all,bench]' --group test
	touch $(STAMP)

install: $(STAMP)

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

demo: install
	$(PY) demo.py

# Re-record cassettes: live when ZAI_API_KEY is set, else against the emulator in tests/emulator.
record: install
	$(PY) -m pytest -q -p no:cacheprovider --record-mode=rewrite tests/integration
	$(PY) cookbooks/replay.py --record
	$(PY) demo.py --record

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
