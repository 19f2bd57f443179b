"""Who is measured: the floors, our classes and the alternatives, behind one runner shape.

A chat runner has ``call()`` (one non-streamed chat), ``stream()`` (one streamed chat,
returns the number of text chunks received) and ``acall()``; an embedding runner has
``embed(texts)`` / ``aembed(texts)`` returning the number of vectors. A contender that cannot
be built (package missing, incompatible) raises :class:`Unavailable` with the reason, which
the report shows instead of a figure.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from .floors import (
    API_KEY,
    MODEL,
    PROMPT,
    RawHttpx,
    make_langchain_floor,
    make_llama_index_floor,
)

Family = Literal["raw", "langchain", "llamaindex"]
EMBED_BATCH = 64
EMBED_CONCURRENCY = 8


class Unavailable(Exception):
    """A contender that cannot run here; the message says why."""


class ChatRunner(Protocol):
    """One chat contender, ready to call."""

    def call(self) -> Any: ...

    def stream(self) -> int: ...

    async def acall(self) -> Any: ...


class EmbedRunner(Protocol):
    """One embedding contender, ready to call."""

    def embed(self, texts: list[str]) -> int: ...

    async def aembed(self, texts: list[str]) -> int: ...


@dataclass(frozen=True)
class Contender:
    """A named way to build a chat runner for a ``base_url`` and a stream length."""

    key: str
    label: str
    family: Family
    build: Callable[[str, int], ChatRunner]
    in_process: bool = False


@dataclass(frozen=True)
class EmbedContender:
    """A named way to build an embedding runner for a ``base_url``."""

    key: str
    label: str
    family: Family
    build: Callable[[str], EmbedRunner]


def _import(module: str, name: str, extra: str = "bench") -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise Unavailable(f"not installed ({exc.name}; the '{extra}' extra)") from exc
    except AttributeError as exc:
        raise Unavailable(f"{module} has no {name}") from exc


# --------------------------------------------------------------------------- framework runners


class LangChainRunner:
    """A LangChain chat model: ``invoke`` / ``stream`` / ``ainvoke`` with a one-line prompt."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def call(self) -> Any:
        return self.model.invoke(PROMPT).content

    def stream(self) -> int:
        return sum(1 for chunk in self.model.stream(PROMPT) if chunk.content)

    async def acall(self) -> Any:
        return (await self.model.ainvoke(PROMPT)).content


class LlamaIndexRunner:
    """A LlamaIndex LLM: ``chat`` / ``stream_chat`` / ``achat`` with one user message."""

    def __init__(self, llm: Any) -> None:
        from llama_index.core.base.llms.types import ChatMessage

        self.llm = llm
        self.messages = [ChatMessage(role="user", content=PROMPT)]

    def call(self) -> Any:
        return self.llm.chat(self.messages).message.content

    def stream(self) -> int:
        return sum(1 for response in self.llm.stream_chat(self.messages) if response.delta)

    async def acall(self) -> Any:
        return (await self.llm.achat(self.messages)).message.content


# --------------------------------------------------------------------------- chat contenders


def _raw(base_url: str, chunks: int) -> ChatRunner:
    return RawHttpx(base_url)


def _langchain_floor(base_url: str, chunks: int) -> ChatRunner:
    return LangChainRunner(make_langchain_floor(chunks))


def _llama_index_floor(base_url: str, chunks: int) -> ChatRunner:
    return LlamaIndexRunner(make_llama_index_floor(chunks))


def _langchain_wrapped(base_url: str, chunks: int) -> ChatRunner:
    return LangChainRunner(make_langchain_floor(chunks, RawHttpx(base_url)))


def _llama_index_wrapped(base_url: str, chunks: int) -> ChatRunner:
    return LlamaIndexRunner(make_llama_index_floor(chunks, RawHttpx(base_url)))


def _chat_zai(base_url: str, chunks: int) -> ChatRunner:
    chat_zai = _import("langchain_zai", "ChatZai", "langchain")
    return LangChainRunner(chat_zai(model=MODEL, base_url=base_url, api_key=API_KEY))


def _zai(base_url: str, chunks: int) -> ChatRunner:
    try:
        zai = _import("llama_index_zai", "Zai", "llama-index")
    except Unavailable:
        zai = _import("llama_index.llms.zai", "Zai", "llama-index")
    return LlamaIndexRunner(zai(model=MODEL, base_url=base_url, api_key=API_KEY))


def _chat_openai(base_url: str, chunks: int) -> ChatRunner:
    chat_openai = _import("langchain_openai", "ChatOpenAI")
    return LangChainRunner(chat_openai(model=MODEL, base_url=base_url, api_key=API_KEY))


def _openai_like(base_url: str, chunks: int) -> ChatRunner:
    openai_like = _import("llama_index.llms.openai_like", "OpenAILike")
    llm = openai_like(
        model=MODEL,
        api_base=base_url,
        api_key=API_KEY,
        is_chat_model=True,
        is_function_calling_model=True,
        context_window=200_000,
    )
    return LlamaIndexRunner(llm)


def _chat_zhipuai(base_url: str, chunks: int) -> ChatRunner:
    chat_zhipuai = _import("langchain_community.chat_models.zhipuai", "ChatZhipuAI")
    _import("jwt", "encode")  # it signs a JWT per call with pyjwt
    # It wants the full endpoint URL and an "<id>.<secret>" key (it signs a JWT with it).
    model = chat_zhipuai(
        model=MODEL, api_key="bench-id." + "s" * 32, api_base=f"{base_url}/chat/completions"
    )
    return LangChainRunner(model)


CHAT_CONTENDERS: tuple[Contender, ...] = (
    Contender("raw", "raw httpx (+ httpx-sse)", "raw", _raw),
    Contender(
        "lc_floor", "LangChain floor (in-process model)", "langchain", _langchain_floor, True
    ),
    Contender("lc_wrap", "LangChain model over raw httpx", "langchain", _langchain_wrapped),
    Contender("chat_zai", "ChatZai", "langchain", _chat_zai),
    Contender("chat_openai", "ChatOpenAI(base_url=...)", "langchain", _chat_openai),
    Contender("chat_zhipuai", "ChatZhipuAI (community)", "langchain", _chat_zhipuai),
    Contender(
        "li_floor", "LlamaIndex floor (in-process LLM)", "llamaindex", _llama_index_floor, True
    ),
    Contender("li_wrap", "LlamaIndex LLM over raw httpx", "llamaindex", _llama_index_wrapped),
    Contender("zai", "Zai", "llamaindex", _zai),
    Contender("openai_like", "OpenAILike(is_chat_model=True)", "llamaindex", _openai_like),
)

#: Each family's in-process framework floor (no I/O).
FAMILY_FLOOR = {"langchain": "lc_floor", "llamaindex": "li_floor"}
#: Each family's "raw httpx + framework floor", measured in one piece.
FAMILY_WRAP = {"langchain": "lc_wrap", "llamaindex": "li_wrap"}


# --------------------------------------------------------------------------- embeddings


def _batches(texts: Sequence[str], size: int) -> list[Sequence[str]]:
    return [texts[i : i + size] for i in range(0, len(texts), size)]


class RawEmbed:
    """The embeddings floor: batches of 64 with bare httpx; async with 8 in flight."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/embeddings"
        self.headers = {"Authorization": f"Bearer {API_KEY}"}
        self.client = httpx.Client(timeout=60)

    def _body(self, batch: Sequence[str]) -> dict[str, Any]:
        return {"model": "embedding-3", "input": list(batch)}

    def embed(self, texts: list[str]) -> int:
        vectors = 0
        for batch in _batches(texts, EMBED_BATCH):
            response = self.client.post(self.url, json=self._body(batch), headers=self.headers)
            response.raise_for_status()
            vectors += len(response.json()["data"])
        return vectors

    async def aembed(self, texts: list[str]) -> int:
        limit = asyncio.Semaphore(EMBED_CONCURRENCY)
        async with httpx.AsyncClient(timeout=60) as client:

            async def one(batch: Sequence[str]) -> int:
                async with limit:
                    response = await client.post(
                        self.url, json=self._body(batch), headers=self.headers
                    )
                response.raise_for_status()
                return len(response.json()["data"])

            counts = await asyncio.gather(*(one(b) for b in _batches(texts, EMBED_BATCH)))
        return sum(counts)


class LangChainEmbedRunner:
    """A LangChain ``Embeddings``: ``embed_documents`` / ``aembed_documents``."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def embed(self, texts: list[str]) -> int:
        return len(self.model.embed_documents(texts))

    async def aembed(self, texts: list[str]) -> int:
        return len(await self.model.aembed_documents(texts))


class LlamaIndexEmbedRunner:
    """A LlamaIndex ``BaseEmbedding``: ``get_text_embedding_batch`` and its async twin."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def embed(self, texts: list[str]) -> int:
        return len(self.model.get_text_embedding_batch(texts))

    async def aembed(self, texts: list[str]) -> int:
        return len(await self.model.aget_text_embedding_batch(texts))


def _zai_embeddings(base_url: str) -> EmbedRunner:
    cls = _import("langchain_zai", "ZaiEmbeddings", "langchain")
    model = cls(base_url=base_url, api_key=API_KEY, max_concurrency=EMBED_CONCURRENCY)
    return LangChainEmbedRunner(model)


def _zai_embedding(base_url: str) -> EmbedRunner:
    try:
        cls = _import("llama_index_zai", "ZaiEmbedding", "llama-index")
    except Unavailable:
        cls = _import("llama_index.embeddings.zai", "ZaiEmbedding", "llama-index")
    model = cls(base_url=base_url, api_key=API_KEY, max_concurrency=EMBED_CONCURRENCY)
    return LlamaIndexEmbedRunner(model)


EMBED_CONTENDERS: tuple[EmbedContender, ...] = (
    EmbedContender("raw", "raw httpx (64 per request, 8 in flight)", "raw", RawEmbed),
    EmbedContender("zai_embeddings", "ZaiEmbeddings (LangChain)", "langchain", _zai_embeddings),
    EmbedContender("zai_embedding", "ZaiEmbedding (LlamaIndex)", "llamaindex", _zai_embedding),
)


def max_embed_requests(texts: int) -> int:
    """The request budget for ``texts`` inputs: ``ceil(n / 64)``."""
    return math.ceil(texts / EMBED_BATCH)
