"""The floors every contender is compared with.

- :class:`RawHttpx`: a chat call with bare httpx (``.json()`` and one dict lookup) and a stream
  with bare httpx-sse (``json.loads`` per event): no framework, no policy, no conversion.
- :class:`FloorChatModel`: a trivial in-process LangChain ``BaseChatModel`` that returns
  canned messages / yields canned ``AIMessageChunk`` s, so its cost is LangChain's own
  per-call and per-chunk overhead (callbacks, run tracking, chunk merging).
- :class:`FloorLLM`: the same for LlamaIndex, a ``FunctionCallingLLM`` whose ``chat`` /
  ``stream_chat`` go through ``llm_chat_callback`` (instrumentation events per chunk) and
  yield ``ChatResponse`` s with the accumulated message, as LlamaIndex LLMs do.

Every runner has the same three methods: ``call()`` (one non-streamed chat), ``stream()``
(one streamed chat, returns how many chunks arrived) and ``acall()`` (async ``call``).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncGenerator, Generator, Iterator, Sequence
from typing import Any

import httpx
from httpx_sse import aconnect_sse, connect_sse

API_KEY = "bench-key"
MODEL = "glm-4.7"
PROMPT = "What is 2 + 2?"
TOKENS = ("Hello", ",", " this", " is", " a", " canned", " answer", " token", " by", " token", ".")
_USAGE = {"input_tokens": 9, "output_tokens": 7, "total_tokens": 16}


def chat_body(*, stream: bool) -> dict[str, Any]:
    """What the raw floor sends: the smallest valid Z.ai chat body."""
    return {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "stream": stream}


class _LoopBound:
    """One ``httpx.AsyncClient`` per event loop (a pool must not outlive its loop)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None

    def get(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = httpx.AsyncClient(timeout=60)
            self._loop = loop
        return self._client


class RawHttpx:
    """The transport floor: bare ``httpx`` + ``httpx-sse`` against the loopback server."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.headers = {"Authorization": f"Bearer {API_KEY}"}
        self.client = httpx.Client(timeout=60)
        self._async = _LoopBound()
        self._body = chat_body(stream=False)
        self._stream_body = chat_body(stream=True)

    def call(self) -> str:
        """One non-streamed chat: POST, parse, read the text."""
        response = self.client.post(self.url, json=self._body, headers=self.headers)
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]  # type: ignore[no-any-return]

    def stream(self) -> int:
        """One streamed chat: every event parsed with ``json.loads``; returns text chunks."""
        count = 0
        with connect_sse(
            self.client, "POST", self.url, json=self._stream_body, headers=self.headers
        ) as source:
            source.response.raise_for_status()
            for sse in source.iter_sse():
                if sse.data == "[DONE]":
                    break
                delta = json.loads(sse.data)["choices"][0]["delta"]
                if delta.get("content"):
                    count += 1
        return count

    async def acall(self) -> str:
        """Async :meth:`call`."""
        response = await self._async.get().post(self.url, json=self._body, headers=self.headers)
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]  # type: ignore[no-any-return]

    async def astream(self) -> int:
        """Async :meth:`stream`."""
        count = 0
        async with aconnect_sse(
            self._async.get(), "POST", self.url, json=self._stream_body, headers=self.headers
        ) as source:
            async for sse in source.aiter_sse():
                if sse.data == "[DONE]":
                    break
                if json.loads(sse.data)["choices"][0]["delta"].get("content"):
                    count += 1
        return count


# --------------------------------------------------------------------------- LangChain floor


def make_langchain_floor(chunks: int) -> Any:
    """A :class:`FloorChatModel` that streams ``chunks`` canned chunks."""
    return _langchain_floor_class()(chunks=chunks)


@functools.cache
def _langchain_floor_class() -> type:
    from langchain_core.callbacks import (
        AsyncCallbackManagerForLLMRun,
        CallbackManagerForLLMRun,
    )
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    def _final_chunk() -> ChatGenerationChunk:
        message = AIMessageChunk(
            content="",
            usage_metadata=dict(_USAGE),  # type: ignore[arg-type]
            response_metadata={"finish_reason": "stop", "model_name": MODEL},
            chunk_position="last",
        )
        return ChatGenerationChunk(message=message, generation_info={"finish_reason": "stop"})

    class FloorChatModel(BaseChatModel):
        """LangChain's own overhead: canned answers, no I/O, no conversion."""

        chunks: int = 2000

        @property
        def _llm_type(self) -> str:
            return "bench-floor"

        def _generate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> ChatResult:
            message = AIMessage(
                content="2 + 2 is 4.",
                usage_metadata=dict(_USAGE),  # type: ignore[arg-type]
                response_metadata={"finish_reason": "stop", "model_name": MODEL},
            )
            return ChatResult(generations=[ChatGeneration(message=message)])

        async def _agenerate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: AsyncCallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> ChatResult:
            return self._generate(messages, stop)

        def _stream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> Iterator[ChatGenerationChunk]:
            for i in range(self.chunks):
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=TOKENS[i % len(TOKENS)]))
                if run_manager:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
            yield _final_chunk()

        async def _astream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: AsyncCallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> AsyncGenerator[ChatGenerationChunk, None]:
            for i in range(self.chunks):
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=TOKENS[i % len(TOKENS)]))
                if run_manager:
                    await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
            yield _final_chunk()

    return FloorChatModel


# --------------------------------------------------------------------------- LlamaIndex floor


def make_llama_index_floor(chunks: int) -> Any:
    """A :class:`FloorLLM` that streams ``chunks`` canned chunks."""
    return _llama_index_floor_class()(chunks=chunks)


@functools.cache
def _llama_index_floor_class() -> type:
    from llama_index.core.base.llms.types import (
        ChatMessage,
        ChatResponse,
        ChatResponseAsyncGen,
        ChatResponseGen,
        CompletionResponse,
        CompletionResponseAsyncGen,
        CompletionResponseGen,
        LLMMetadata,
        MessageRole,
    )
    from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
    from llama_index.core.llms.function_calling import FunctionCallingLLM

    usage = {"prompt_tokens": 9, "completion_tokens": 7, "total_tokens": 16}

    class FloorLLM(FunctionCallingLLM):
        """LlamaIndex's own overhead: canned answers, no I/O, no conversion."""

        chunks: int = 2000

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(
                model_name="bench-floor", is_chat_model=True, is_function_calling_model=True
            )

        def _answer(self) -> ChatResponse:
            return ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content="2 + 2 is 4."),
                additional_kwargs=dict(usage),
            )

        def _chunks(self) -> Iterator[ChatResponse]:
            content = ""
            for i in range(self.chunks):
                delta = TOKENS[i % len(TOKENS)]
                content += delta
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=content), delta=delta
                )
            yield ChatResponse(
                message=ChatMessage(role=MessageRole.ASSISTANT, content=content),
                delta="",
                additional_kwargs=dict(usage),
            )

        @llm_chat_callback()
        def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            return self._answer()

        @llm_chat_callback()
        def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
            return self._chunks()

        @llm_chat_callback()
        async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            return self._answer()

        @llm_chat_callback()
        async def astream_chat(
            self, messages: Sequence[ChatMessage], **kwargs: Any
        ) -> ChatResponseAsyncGen:
            async def gen() -> ChatResponseAsyncGen:
                for response in self._chunks():
                    yield response

            return gen()

        @llm_completion_callback()
        def complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponse:
            return CompletionResponse(text="2 + 2 is 4.")

        @llm_completion_callback()
        def stream_complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponseGen:
            def gen() -> Generator[CompletionResponse, None, None]:
                yield CompletionResponse(text="2 + 2 is 4.", delta="2 + 2 is 4.")

            return gen()

        @llm_completion_callback()
        async def acomplete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponse:
            return CompletionResponse(text="2 + 2 is 4.")

        @llm_completion_callback()
        async def astream_complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponseAsyncGen:
            async def gen() -> CompletionResponseAsyncGen:
                yield CompletionResponse(text="2 + 2 is 4.", delta="2 + 2 is 4.")

            return gen()

        def _prepare_chat_with_tools(self, tools: Sequence[Any], **kwargs: Any) -> dict[str, Any]:
            return {"messages": kwargs.get("chat_history") or [], "tools": list(tools)}

    return FloorLLM
