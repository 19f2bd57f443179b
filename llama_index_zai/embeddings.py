"""LlamaIndex embeddings for Z.ai (`embedding-3`, `embedding-2`)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Self

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.schema import BaseNode, MetadataMode
from pydantic import Field, PrivateAttr, model_validator

from zai_core.embeddings import (
    DEFAULT_EMBEDDING_MODEL,
    DEFAULT_MAX_CONCURRENCY,
    ConcurrencyLimiter,
    EmptyPolicy,
    aembed_texts,
    embed_texts,
    get_embedding_limits,
    validate_dimensions,
)

from ._config import ZaiSettings

__all__ = ["ZaiEmbedding", "attach_embeddings"]


@functools.cache
def _embedding_is_plain_field(node_class: type[BaseNode]) -> bool:
    """Whether assigning `node_class.embedding` only checks its type: `BaseNode`'s own field
    (`list[float] | None`), no field or model validator on the class to run."""
    decorators = node_class.__pydantic_decorators__
    field = node_class.model_fields.get("embedding")
    return (
        field is not None
        and field.annotation == BaseNode.model_fields["embedding"].annotation
        and not decorators.field_validators
        and not decorators.model_validators
    )


def _texts_of(nodes: Sequence[BaseNode]) -> list[str]:
    """What `BaseEmbedding` embeds of each node: its content with the embed metadata."""
    return [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes]


def attach_embeddings(nodes: Sequence[BaseNode], embeddings: Sequence[Embedding]) -> None:
    """Set `node.embedding` for each node, as `BaseEmbedding.__call__` does.

    LlamaIndex's nodes validate every assignment, which checks each float of the vector again
    (about 40 us per 2,048-dim vector, 4 s per 100,000 nodes). These vectors are lists of
    floats already checked as they were decoded, so they are stored as they are, as
    `model_construct` stores fields. A node class with validators of its own, or a value that
    is not a list, is assigned the usual way.
    """
    for node, vector in zip(nodes, embeddings, strict=True):
        if type(vector) is list and _embedding_is_plain_field(type(node)):
            node.__dict__["embedding"] = vector
            node.__pydantic_fields_set__.add("embedding")
        else:
            node.embedding = vector


class ZaiEmbedding(ZaiSettings, BaseEmbedding):
    """Z.ai embedding models (`embedding-3`, `embedding-2`) for LlamaIndex.

    Up to 64 texts per request, vectors in input order, real async (no threads) with
    bounded concurrency. Also importable as `llama_index.embeddings.zai.ZaiEmbedding`.

    Args:
        model: model id; default `"embedding-3"` (stored as `model_name`).
        dimensions: 256, 512, 1024 or 2048 for `embedding-3` (unset: the API's default,
            2048); `embedding-2` is always 1024. Checked at construction.
        embed_batch_size: texts per request (default 64, capped at the model's limit).
        max_concurrency: requests in flight at once in the async methods (default 8),
            across every batch LlamaIndex gathers.
        extra_body: extra JSON fields on every request.
        api_key: the key; else `ZAI_API_KEY`, else `ZHIPUAI_API_KEY`. Never serialized
            (`to_dict()`, `repr`, pickles). A missing key raises `MissingAPIKeyError` on
            the first call, before any request.
        base_url: a URL or a preset (`"international"`, `"mainland"`, ...); else
            `ZAI_BASE_URL`, else `https://api.z.ai/api/paas/v4`.
        timeout: seconds or an `httpx.Timeout` (default 600 s read, 10 s connect).
        max_retries: retries after the first attempt (default 2).
        default_headers: extra headers on every request.
        http_client: your own `httpx.Client`.
        http_async_client: your own `httpx.AsyncClient`.

    Empty or whitespace-only texts are not sent (Z.ai rejects them); each gets a fixed unit
    vector (1.0 in the first dimension), so nodes keep one vector each and similarity stays
    finite. An empty query raises `EmptyEmbeddingInputError`. A text with more words than
    the model's tokens-per-input limit raises `EmbeddingInputTooLongError` naming it, before
    any request.

    Examples:
        `pip install ".[llama-index]"` (from a checkout) and `export ZAI_API_KEY=...`

        ```python
        from llama_index.core import Settings, VectorStoreIndex
        from llama_index.embeddings.zai import ZaiEmbedding

        Settings.embed_model = ZaiEmbedding(model="embedding-3", dimensions=1024)
        index = VectorStoreIndex.from_documents(documents)
        nodes = index.as_retriever(similarity_top_k=2).retrieve("What is GLM?")

        vector = await Settings.embed_model.aget_query_embedding("What is GLM?")
        vectors = await Settings.embed_model.aget_text_embedding_batch(texts)
        ```
    """

    model_name: str = Field(default=DEFAULT_EMBEDDING_MODEL, description="Z.ai model id.")
    embed_batch_size: int = Field(
        default=64, gt=0, le=2048, description="Texts per request (capped at the model's limit)."
    )
    dimensions: int | None = Field(
        default=None, description="Vector size; None means the API's default."
    )
    max_concurrency: int = Field(
        default=DEFAULT_MAX_CONCURRENCY, ge=1, description="Async requests in flight at once."
    )
    extra_body: dict[str, Any] | None = Field(
        default=None, description="Extra JSON fields sent with every request."
    )
    _limiter: ConcurrencyLimiter | None = PrivateAttr(default=None)

    def __init__(self, model: str | None = None, **kwargs: Any) -> None:
        """Build from ``model`` (or ``model_name``, as ``to_dict()`` writes it)."""
        kwargs["model_name"] = kwargs.get("model_name") or model or DEFAULT_EMBEDDING_MODEL
        super().__init__(**kwargs)

    @model_validator(mode="after")
    def _check_settings(self) -> Self:
        validate_dimensions(self.model_name, self.dimensions)
        cap = get_embedding_limits(self.model_name).max_items
        if self.embed_batch_size > cap:
            self.embed_batch_size = cap
        return self

    @classmethod
    def class_name(cls) -> str:
        """Stable name used in serialization."""
        return "ZaiEmbedding"

    @property
    def model(self) -> str:
        """The model id (same as `model_name`)."""
        return self.model_name

    # ------------------------------------------------------------------ plumbing

    def _limiter_for_calls(self) -> ConcurrencyLimiter:
        self._limiter = ConcurrencyLimiter.reuse(self._limiter, self.max_concurrency)
        return self._limiter

    def _embed(self, texts: list[str], empty: EmptyPolicy) -> list[Embedding]:
        if not texts:
            return []
        return embed_texts(
            self.client,
            texts,
            model=self.model_name,
            dimensions=self.dimensions,
            max_batch_size=self.embed_batch_size,
            empty=empty,
            extra_body=self.extra_body,
        ).embeddings

    async def _aembed(self, texts: list[str], empty: EmptyPolicy) -> list[Embedding]:
        if not texts:
            return []
        result = await aembed_texts(
            self.client,
            texts,
            model=self.model_name,
            dimensions=self.dimensions,
            max_batch_size=self.embed_batch_size,
            empty=empty,
            extra_body=self.extra_body,
            limiter=self._limiter_for_calls(),
        )
        return result.embeddings

    # ------------------------------------------------------------------ BaseEmbedding

    def _get_query_embedding(self, query: str) -> Embedding:
        """Embed a query (an empty query raises ``EmptyEmbeddingInputError``)."""
        return self._embed([query], "error")[0]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        """Async :meth:`_get_query_embedding`."""
        return (await self._aembed([query], "error"))[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        """Embed one text (an empty text gets the placeholder unit vector)."""
        return self._embed([text], "placeholder")[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        """Async :meth:`_get_text_embedding`."""
        return (await self._aembed([text], "placeholder"))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        """Embed texts, at most ``embed_batch_size`` per request, in order."""
        return self._embed(texts, "placeholder")

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        """Async :meth:`_get_text_embeddings`: batches run concurrently (bounded)."""
        return await self._aembed(texts, "placeholder")

    # ------------------------------------------------------------------ TransformComponent

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Embed each node's text (`MetadataMode.EMBED`) and set its `embedding`, as
        `BaseEmbedding` does in an `IngestionPipeline`, without checking each vector twice
        (see `attach_embeddings`)."""
        attach_embeddings(nodes, self.get_text_embedding_batch(_texts_of(nodes), **kwargs))
        return nodes

    async def acall(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Async `__call__`: the batches run concurrently (bounded)."""
        texts = _texts_of(nodes)
        attach_embeddings(nodes, await self.aget_text_embedding_batch(texts, **kwargs))
        return nodes
