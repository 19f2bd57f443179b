"""LlamaIndex integration for Z.ai's GLM models."""

from zai_core._extras import require_extra

require_extra("llama_index.core", package="llama_index_zai", extra="llama-index")

from .agents import ZaiAgentChunkEvent, ZaiAgentProgressEvent, ZaiAgentToolSpec
from .embeddings import ZaiEmbedding
from .llms import Zai
from .ocr import ZaiOCRReader
from .readers import ZaiTranscriptionReader, ZaiWebReader
from .tokenizer import ZaiTokenizer
from .tools import ZaiToolSpec, ZaiVideoProgressEvent

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
