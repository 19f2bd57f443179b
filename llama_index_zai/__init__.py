"""LlamaIndex integration for Z.ai's GLM models."""

from .embeddings import ZaiEmbedding
from .llms import Zai
from .readers import ZaiTranscriptionReader, ZaiWebReader
from .tokenizer import ZaiTokenizer
from .tools import ZaiToolSpec, ZaiVideoProgressEvent

__all__ = [
    "Zai",
    "ZaiEmbedding",
    "ZaiTokenizer",
    "ZaiToolSpec",
    "ZaiTranscriptionReader",
    "ZaiVideoProgressEvent",
    "ZaiWebReader",
]
