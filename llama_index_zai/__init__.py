"""LlamaIndex integration for Z.ai's GLM models."""

from typing import TYPE_CHECKING

from zai_core._extras import require_extra
from zai_core._lazy import lazy_attributes

require_extra("llama_index.core", package="llama_index_zai", extra="llama-index")

from .llms import Zai

if TYPE_CHECKING:  # loaded on first use (below); imported here for type checkers
    from .agents import ZaiAgentChunkEvent, ZaiAgentProgressEvent, ZaiAgentToolSpec
    from .embeddings import ZaiEmbedding
    from .ocr import ZaiOCRReader
    from .readers import ZaiTranscriptionReader, ZaiWebReader
    from .tokenizer import ZaiTokenizer
    from .tools import ZaiToolSpec, ZaiVideoProgressEvent

# Loaded on first use of one of their names: importing the package costs what chat needs.
_LAZY = {
    "ZaiAgentChunkEvent": ".agents",
    "ZaiAgentProgressEvent": ".agents",
    "ZaiAgentToolSpec": ".agents",
    "ZaiEmbedding": ".embeddings",
    "ZaiOCRReader": ".ocr",
    "ZaiTranscriptionReader": ".readers",
    "ZaiWebReader": ".readers",
    "ZaiTokenizer": ".tokenizer",
    "ZaiToolSpec": ".tools",
    "ZaiVideoProgressEvent": ".tools",
}
__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)

__all__ = [
    "Zai",
    "ZaiAgentChunkEvent",
    "ZaiAgentProgressEvent",
    "ZaiAgentToolSpec",
    "ZaiEmbedding",
    "ZaiOCRReader",
    "ZaiTokenizer",
    "ZaiToolSpec",
    "ZaiTranscriptionReader",
    "ZaiVideoProgressEvent",
    "ZaiWebReader",
]
