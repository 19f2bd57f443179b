"""Chat imports only what chat needs; every public name still imports.

Each check runs in a fresh interpreter (a subprocess), since this test process has long
since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Modules chat never needs: they load on first use of a name they define.
SERVICE_MODULES = (
    "zai_core.web",
    "zai_core.media",
    "zai_core.video",
    "zai_core.embeddings",
    "zai_core.xpay",
    "zai_core.agents",
    "zai_core.files",
    "zai_core.ocr",
    "langchain_zai.agents",
    "langchain_zai.ocr",
    "llama_index_zai.agents",
    "llama_index_zai.ocr",
    "langchain_zai.embeddings",
    "langchain_zai.tools",
    "langchain_zai.document_loaders",
    "langchain_zai.retrievers",
    "llama_index_zai.embeddings",
    "llama_index_zai.readers",
    "llama_index_zai.tools",
    "llama_index_zai.tokenizer",
)


def _loaded_after(statement: str) -> list[str]:
    script = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "statement",
    [
        "import zai_core",
        "import langchain_zai",
        "from langchain_zai import ChatZai",
        "import llama_index_zai",
        "from llama_index.llms.zai import Zai",
    ],
)
def test_chat_imports_no_service_module(statement: str) -> None:
    loaded = set(_loaded_after(statement))
    assert "zai_core.client" in loaded  # the statement did import the package
    assert sorted(loaded.intersection(SERVICE_MODULES)) == []


@pytest.mark.parametrize("statement", ["import zai_core", "import langchain_zai"])
def test_httpcore_loads_with_the_first_transport_not_with_the_import(statement: str) -> None:
    """httpx defers httpcore to the first transport; the deadline transport does too."""
    loaded = set(_loaded_after(statement))
    assert "zai_core.client" in loaded
    assert sorted(loaded.intersection({"httpcore", "zai_core._bounded"})) == []


@pytest.mark.parametrize("package", ["zai_core", "langchain_zai", "llama_index_zai"])
def test_every_public_name_imports_and_loads_its_module_on_first_use(package: str) -> None:
    script = (
        "import importlib, json, sys\n"
        f"package = importlib.import_module({package!r})\n"
        "before = set(sys.modules)\n"
        "values = {name: getattr(package, name) for name in package.__all__}\n"
        "again = {name: getattr(package, name) for name in package.__all__}\n"
        "print(json.dumps({'missing': [n for n, v in values.items() if v is None],\n"
        "  'same': all(values[n] is again[n] for n in values),\n"
        "  'listed': sorted(set(package.__all__) - set(dir(package))),\n"
        "  'loaded': sorted(set(sys.modules) - before)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["missing"] == [] and report["same"] is True
    assert report["listed"] == []  # dir() shows every lazy name
    ours = {m for m in report["loaded"] if m in SERVICE_MODULES}
    assert ours  # the service modules did load, on first use


def test_unknown_attribute_is_an_attribute_error() -> None:
    import langchain_zai

    with pytest.raises(AttributeError, match="has no attribute 'NoSuchThing'"):
        langchain_zai.NoSuchThing  # noqa: B018
    from zai_core import ZaiClient  # a plain eager name still works

    assert ZaiClient.__module__ == "zai_core.client"
