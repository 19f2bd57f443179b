"""Drivers for the framework classes: ``ChatZai``, ``Zai``, ``ZaiEmbeddings``, ``ZaiEmbedding``.

LangChain classes must raise errors that are both the ``zai_core`` class and the matching
``langchain_core.exceptions`` class; LlamaIndex classes raise the ``zai_core`` classes.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import Any

import httpx
import langchain_core.exceptions as lc_errors
from llama_index.core.llms import ChatMessage

import zai_core
from langchain_zai import ChatZai, ZaiEmbeddings
from llama_index_zai import Zai, ZaiEmbedding

from .cases import EMBED_INPUTS
from .drivers import CANARY

PROMPT = "Say hello"

#: zai_core class -> the langchain_core class a LangChain-side error must also be.
LANGCHAIN_BASES: dict[type[zai_core.ZaiError], type[Exception]] = {
    zai_core.ContextWindowExceededError: lc_errors.ContextOverflowError,
    zai_core.ContentFilterError: lc_errors.ModelInvalidRequestError,
    zai_core.BadRequestError: lc_errors.ModelInvalidRequestError,
    zai_core.AuthenticationError: lc_errors.ModelAuthenticationError,
    zai_core.PermissionDeniedError: lc_errors.ModelPermissionDeniedError,
    zai_core.NotFoundError: lc_errors.ModelNotFoundError,
    zai_core.RateLimitError: lc_errors.ModelRateLimitError,
    zai_core.QuotaExceededError: lc_errors.ModelRateLimitError,
    zai_core.InternalServerError: lc_errors.ModelAPIError,
    zai_core.APIResponseValidationError: lc_errors.ModelAPIError,
    zai_core.APITimeoutError: lc_errors.ModelTimeoutError,
    zai_core.APIConnectionError: lc_errors.ModelConnectionError,
    zai_core.StreamInterruptedError: lc_errors.ModelConnectionError,
}


def check_langchain_error(error: BaseException) -> None:
    """Both families: the most specific ``zai_core`` class's LangChain partner."""
    core = next(c for c in type(error).__mro__ if c in LANGCHAIN_BASES)
    partner = LANGCHAIN_BASES[core]
    assert isinstance(error, partner), f"{type(error).__name__} is not a {partner.__name__}"


def check_core_error(error: BaseException) -> None:
    """LlamaIndex classes raise the ``zai_core`` classes themselves."""
    assert type(error).__module__.startswith("zai_core."), type(error)


def _seconds(timeout: httpx.Timeout) -> float:
    return float(timeout.read or 1.0)


class ChatZaiDriver:
    """``langchain_zai.ChatZai``: invoke / ainvoke / stream / astream."""

    name = "ChatZai"

    @staticmethod
    def llm(url: str, timeout: httpx.Timeout, max_retries: int, **kwargs: Any) -> ChatZai:
        """A ChatZai on ``url`` with the canary key."""
        return ChatZai(
            model="glm-4.7",
            api_key=CANARY,
            base_url=url,
            timeout=timeout,
            max_retries=max_retries,
            **kwargs,
        )

    def call(self, url: str, timeout: httpx.Timeout, max_retries: int) -> str:
        """``invoke``."""
        return str(self.llm(url, timeout, max_retries).invoke(PROMPT).content)

    async def acall(self, url: str, timeout: httpx.Timeout, max_retries: int) -> str:
        """``ainvoke``."""
        return str((await self.llm(url, timeout, max_retries).ainvoke(PROMPT)).content)

    def stream_iter(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Iterable[Any]:
        """``stream``."""
        return self.llm(url, timeout, max_retries).stream(PROMPT)

    def astream_iter(
        self, url: str, timeout: httpx.Timeout, max_retries: int
    ) -> AsyncIterable[Any]:
        """``astream``."""
        return self.llm(url, timeout, max_retries).astream(PROMPT)

    def text(self, chunk: Any) -> str:
        """``AIMessageChunk.content`` (a string for text answers)."""
        return chunk.content if isinstance(chunk.content, str) else ""

    def check_error(self, error: BaseException) -> None:
        """Also the langchain_core class."""
        check_langchain_error(error)


class ZaiDriver:
    """``llama_index_zai.Zai``: chat / achat / stream_chat / astream_chat."""

    name = "Zai"

    @staticmethod
    def llm(url: str, timeout: httpx.Timeout, max_retries: int) -> Zai:
        """A Zai on ``url`` with the canary key (``timeout`` is seconds for every phase)."""
        return Zai(
            model="glm-4.7",
            api_key=CANARY,
            base_url=url,
            timeout=_seconds(timeout),
            max_retries=max_retries,
        )

    def call(self, url: str, timeout: httpx.Timeout, max_retries: int) -> str:
        """``chat``."""
        answer = self.llm(url, timeout, max_retries).chat(
            [ChatMessage(role="user", content=PROMPT)]
        )
        return str(answer.message.content)

    async def acall(self, url: str, timeout: httpx.Timeout, max_retries: int) -> str:
        """``achat``."""
        llm = self.llm(url, timeout, max_retries)
        answer = await llm.achat([ChatMessage(role="user", content=PROMPT)])
        return str(answer.message.content)

    def stream_iter(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Iterable[Any]:
        """``stream_chat``."""
        llm = self.llm(url, timeout, max_retries)
        return llm.stream_chat([ChatMessage(role="user", content=PROMPT)])

    async def astream_iter(
        self, url: str, timeout: httpx.Timeout, max_retries: int
    ) -> AsyncIterable[Any]:
        """``await astream_chat(...)``: the library's own async generator."""
        llm = self.llm(url, timeout, max_retries)
        return await llm.astream_chat([ChatMessage(role="user", content=PROMPT)])

    def text(self, chunk: Any) -> str:
        """``ChatResponse.delta``."""
        return chunk.delta or ""

    def check_error(self, error: BaseException) -> None:
        """The zai_core class itself."""
        check_core_error(error)


class ZaiEmbeddingsDriver:
    """``langchain_zai.ZaiEmbeddings``: embed_documents / aembed_documents."""

    name = "ZaiEmbeddings"

    @staticmethod
    def model(url: str, timeout: httpx.Timeout, max_retries: int) -> ZaiEmbeddings:
        """Embeddings on ``url`` with the canary key."""
        return ZaiEmbeddings(api_key=CANARY, base_url=url, timeout=timeout, max_retries=max_retries)

    def call(self, url: str, timeout: httpx.Timeout, max_retries: int) -> list[list[float]]:
        """``embed_documents``."""
        return self.model(url, timeout, max_retries).embed_documents(list(EMBED_INPUTS))

    async def acall(self, url: str, timeout: httpx.Timeout, max_retries: int) -> list[list[float]]:
        """``aembed_documents``."""
        return await self.model(url, timeout, max_retries).aembed_documents(list(EMBED_INPUTS))

    def stream_iter(self, url: str, timeout: httpx.Timeout, max_retries: int) -> Iterable[Any]:
        """Embeddings do not stream."""
        raise NotImplementedError

    def astream_iter(
        self, url: str, timeout: httpx.Timeout, max_retries: int
    ) -> AsyncIterable[Any]:
        """Embeddings do not stream."""
        raise NotImplementedError

    def text(self, chunk: Any) -> str:
        """Embeddings do not stream."""
        raise NotImplementedError

    def check_error(self, error: BaseException) -> None:
        """Also the langchain_core class."""
        check_langchain_error(error)


class ZaiEmbeddingDriver(ZaiEmbeddingsDriver):
    """``llama_index_zai.ZaiEmbedding``: get_text_embedding_batch / async."""

    name = "ZaiEmbedding"

    @staticmethod
    def index_model(url: str, timeout: httpx.Timeout, max_retries: int) -> ZaiEmbedding:
        """A LlamaIndex embedding on ``url`` with the canary key."""
        return ZaiEmbedding(api_key=CANARY, base_url=url, timeout=timeout, max_retries=max_retries)

    def call(self, url: str, timeout: httpx.Timeout, max_retries: int) -> list[list[float]]:
        """``get_text_embedding_batch``."""
        model = self.index_model(url, timeout, max_retries)
        return model.get_text_embedding_batch(list(EMBED_INPUTS))

    async def acall(self, url: str, timeout: httpx.Timeout, max_retries: int) -> list[list[float]]:
        """``aget_text_embedding_batch``."""
        model = self.index_model(url, timeout, max_retries)
        return await model.aget_text_embedding_batch(list(EMBED_INPUTS))

    def check_error(self, error: BaseException) -> None:
        """The zai_core class itself."""
        check_core_error(error)
