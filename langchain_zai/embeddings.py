"""LangChain embeddings for Z.ai (`embedding-3`, `embedding-2`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from langchain_core.embeddings import Embeddings
from langchain_core.exceptions import ContextOverflowError
from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from langchain_zai._config import ZaiSettings
from langchain_zai._errors import to_langchain_error
from zai_core import ZaiError, copy_error_as
from zai_core.embeddings import (
    DEFAULT_EMBEDDING_MODEL,
    DEFAULT_MAX_CONCURRENCY,
    ConcurrencyLimiter,
    EmbeddingInputTooLongError,
    aembed_texts,
    embed_texts,
    get_embedding_limits,
    validate_dimensions,
)

__all__ = ["ZaiEmbeddingInputTooLongError", "ZaiEmbeddings"]


class ZaiEmbeddingInputTooLongError(EmbeddingInputTooLongError, ContextOverflowError):
    """An input is over the model's token limit (`indices` names it), as LangChain raises it:
    both `zai_core.EmbeddingInputTooLongError` and `langchain_core`'s
    `ContextOverflowError`."""


@contextmanager
def _translate_errors() -> Iterator[None]:
    """``zai_core`` errors leave as their LangChain-side classes (see ``langchain_zai``)."""
    try:
        yield
    except EmbeddingInputTooLongError as error:
        if isinstance(error, ZaiEmbeddingInputTooLongError):
            raise
        raise copy_error_as(error, ZaiEmbeddingInputTooLongError) from error
    except ZaiError as error:
        translated = to_langchain_error(error)
        if translated is error:
            raise
        raise translated from error


class ZaiEmbeddings(ZaiSettings, Embeddings):
    """Z.ai embedding models (`embedding-3`, `embedding-2`) in LangChain.

    ???+ info "Setup"

        Install `zai-integrations` with the `langchain` extra (from a checkout, or from a
        wheel built with `make dist`) and set `ZAI_API_KEY` (`ZHIPUAI_API_KEY` also works).

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-id.your-secret"
        ```

    ??? info "Key init args — embedding params"

        model:
            Model id; default `"embedding-3"`. Unknown names are passed through with
            conservative limits.
        dimensions:
            Vector size: 256, 512, 1024 or 2048 for `embedding-3` (unset: the API's
            default, 2048); `embedding-2` is always 1024. Checked at construction.
        chunk_size:
            Inputs per request (default 64, capped at the model's limit: 64).
        max_concurrency:
            Requests in flight at once in the async methods (default 8).
        extra_body:
            Extra JSON fields on every request, e.g. `{"user_id": "..."}`.

    ??? info "Key init args — client params"

        api_key:
            The key; else `ZAI_API_KEY`, else `ZHIPUAI_API_KEY`. May be missing at
            construction: the first call then raises `MissingAPIKeyError` before any
            request.
        base_url:
            A URL or a preset (`"international"`, `"mainland"`, `"international-coding"`,
            ...); else `ZAI_BASE_URL`, else `https://api.z.ai/api/paas/v4`.
        timeout, max_retries, default_headers, http_client, http_async_client:
            As for every Z.ai class (see `zai_core.ZaiClient`).

    See the full list of fields below.

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiEmbeddings

        embeddings = ZaiEmbeddings(model="embedding-3", dimensions=1024)
        ```

    ??? info "Embed single text"

        ```python
        vector = embeddings.embed_query("What is GLM?")
        len(vector)  # 1024
        ```

    ??? info "Embed multiple texts"

        ```python
        vectors = embeddings.embed_documents(["first text", "second text"])
        # 150 texts go out as 3 requests (64 + 64 + 22); vectors come back in input order
        ```

    ??? info "Async"

        ```python
        vector = await embeddings.aembed_query("What is GLM?")
        vectors = await embeddings.aembed_documents(texts)  # batches run concurrently
        ```

    ??? info "Vector store"

        ```python
        from langchain_core.vectorstores import InMemoryVectorStore

        store = InMemoryVectorStore.from_texts(texts, embedding=embeddings)
        store.similarity_search("query", k=2)
        ```

    ??? info "Empty and long inputs"

        `embed_documents([])` returns `[]` without a request. Empty or whitespace-only
        documents are not sent (Z.ai rejects them); each gets a fixed unit vector (1.0 in
        the first dimension) so positions line up and similarity stays finite. An empty
        query raises `EmptyEmbeddingInputError`. An input with more words than the
        model's tokens-per-input limit (3072 for `embedding-3`, 512 for `embedding-2`)
        raises `ZaiEmbeddingInputTooLongError` naming it, before any request; a server-side
        over-length rejection raises the same class, naming the input.
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, protected_namespaces=(), validate_assignment=True
    )

    model: str = DEFAULT_EMBEDDING_MODEL
    """Model id: `"embedding-3"` (default) or `"embedding-2"`."""
    dimensions: int | None = None
    """Vector size (`embedding-3`: 256, 512, 1024, 2048); `None` = the API's default."""
    chunk_size: int = Field(default=64, ge=1)
    """Inputs per request; capped at the model's limit (64)."""
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1)
    """Requests in flight at once in `aembed_documents` (per event loop)."""
    extra_body: dict[str, Any] | None = None
    """Extra JSON fields sent with every request (e.g. `{"user_id": "..."}`)."""
    _limiter: ConcurrencyLimiter | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_settings(self) -> Self:
        """Reject bad embedding settings now (the configuration words: :class:`ZaiSettings`)."""
        validate_dimensions(self.model, self.dimensions)
        self._limiter = None
        return self

    # ------------------------------------------------------------------ plumbing

    def _limiter_for_calls(self) -> ConcurrencyLimiter:
        self._limiter = ConcurrencyLimiter.reuse(self._limiter, self.max_concurrency)
        return self._limiter

    def _options(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "dimensions": self.dimensions,
            "max_batch_size": min(self.chunk_size, get_embedding_limits(self.model).max_items),
            "extra_body": self.extra_body,
        }

    # ------------------------------------------------------------------ Embeddings

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents: one vector per text, in order, batched per the model's limits."""
        if len(texts) == 0:
            return []
        with _translate_errors():
            return embed_texts(self.client, texts, **self._options()).embeddings

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (an empty query raises `EmptyEmbeddingInputError`)."""
        with _translate_errors():
            result = embed_texts(self.client, [text], empty="error", **self._options())
        return result.embeddings[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async `embed_documents`; batches go out concurrently (`max_concurrency`)."""
        if len(texts) == 0:
            return []
        with _translate_errors():
            result = await aembed_texts(
                self.client, texts, limiter=self._limiter_for_calls(), **self._options()
            )
        return result.embeddings

    async def aembed_query(self, text: str) -> list[float]:
        """Async `embed_query`."""
        with _translate_errors():
            result = await aembed_texts(
                self.client,
                [text],
                empty="error",
                limiter=self._limiter_for_calls(),
                **self._options(),
            )
        return result.embeddings[0]
