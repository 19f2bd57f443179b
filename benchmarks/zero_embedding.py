"""A zero-cost LlamaIndex embedding: the framework floor of the ingestion-pipeline rows.

It lives in its own module, at module level, so that LlamaIndex's multiprocess engine
pickles it by reference into its spawned workers (which import this module), and so that
importing :mod:`benchmarks` does not import LlamaIndex.
"""

from __future__ import annotations

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding


class ZeroCostEmbedding(BaseEmbedding):
    """No I/O, no work: ``embed_dim`` floats per text, a new list for each (as decoded JSON
    gives), whole batches at once in the sync and async paths (as ``ZaiEmbedding`` does)."""

    embed_dim: int = 256

    @classmethod
    def class_name(cls) -> str:
        """Stable name used in serialization."""
        return "ZeroCostEmbedding"

    def _vector(self) -> Embedding:
        return [0.5] * self.embed_dim

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._vector()

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return self._vector()

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._vector()

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return [self._vector() for _ in texts]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._get_text_embeddings(texts)
