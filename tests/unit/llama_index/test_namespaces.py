"""Every class this package offers imports from its LlamaIndex namespace, as users expect."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import llama_index_zai

ROOT = Path(__file__).resolve().parents[3]
NAMESPACES = {
    "llama_index.llms.zai": ("Zai",),
    "llama_index.embeddings.zai": ("ZaiEmbedding",),
    "llama_index.readers.zai": ("ZaiOCRReader", "ZaiTranscriptionReader", "ZaiWebReader"),
    "llama_index.tools.zai": (
        "ZaiAgentChunkEvent",
        "ZaiAgentProgressEvent",
        "ZaiAgentToolSpec",
        "ZaiToolSpec",
        "ZaiVideoProgressEvent",
    ),
}


@pytest.mark.parametrize(("module", "names"), NAMESPACES.items())
def test_namespace_exports_the_same_classes(module: str, names: tuple[str, ...]) -> None:
    imported = importlib.import_module(module)
    assert tuple(sorted(imported.__all__)) == tuple(sorted(names))
    for name in names:
        assert getattr(imported, name) is getattr(llama_index_zai, name)


def test_every_framework_class_has_a_namespace() -> None:
    """A class exported by llama_index_zai is reachable from a namespace (the tokenizer has none
    in LlamaIndex's layout: ``Settings.tokenizer`` takes any callable)."""
    offered = {name for names in NAMESPACES.values() for name in names}
    assert set(llama_index_zai.__all__) - offered == {"ZaiTokenizer"}


@pytest.mark.parametrize("kind", sorted({m.split(".")[1] for m in NAMESPACES}))
def test_namespace_levels_have_no_init(kind: str) -> None:
    """``llama_index`` and ``llama_index/<kind>`` are shared with llama-index-core."""
    assert not (ROOT / "llama_index" / "__init__.py").exists()
    assert not (ROOT / "llama_index" / kind / "__init__.py").exists()
    assert (ROOT / "llama_index" / kind / "zai" / "py.typed").exists()
