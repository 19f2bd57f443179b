"""The floors every contender is compared with.

- :class:`RawHttpx`: a chat call with bare httpx (``.json()`` and one dict lookup) and a stream
  with bare httpx-sse (``json.loads`` per event): no framework, no policy, no conversion.
- ``FloorChatModel`` (:func:`make_langchain_floor` without ``raw``): a trivial in-process
  LangChain ``BaseChatModel`` that returns canned messages / yields canned ``AIMessageChunk`` s,
  so its cost is LangChain's own per-call and per-chunk overhead (callbacks, run tracking,
  chunk merging).
- ``FloorLLM`` (:func:`make_llama_index_floor`): the same for LlamaIndex, a
  ``FunctionCallingLLM`` whose ``chat`` / ``stream_chat`` go through ``llm_chat_callback``
  (instrumentation events per chunk) and yield ``ChatResponse`` s with the accumulated
  message, as LlamaIndex LLMs do.
- With ``raw=RawHttpx(...)`` the same two classes do their I/O with bare httpx / httpx-sse and
  turn each dict into a message with the fewest possible steps: the least any integration
  can cost, measured in one piece ("raw httpx + framework floor"). Measured together, the two
  cost more than the sum of their separate figures (the framework's and httpx's code paths
  compete for the CPU caches), so the report shows both.

Every runner has the same three methods: ``call()`` (one non-streamed chat), ``stream()``
(one streamed chat, returns how many chunks arrived) and ``acall()`` (async ``call``).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Sequence
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

    # The same I/O, handing whole dicts to the wrapped framework floors.

    def chat(self) -> dict[str, Any]:
        """One non-streamed chat: the parsed body."""
        response = self.client.post(self.url, json=self._body, headers=self.headers)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    async def achat(self) -> dict[str, Any]:
        """Async :meth:`chat`."""
        response = await self._async.get().post(self.url, json=self._body, headers=self.headers)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def events(self) -> Iterator[dict[str, Any]]:
        """One streamed chat: every event as a dict, ``[DONE]`` excluded."""
        with connect_sse(
            self.client, "POST", self.url, json=self._stream_body, headers=self.headers
        ) as source:
            source.response.raise_for_status()
            for sse in source.iter_sse():
                if sse.data == "[DONE]":
                    break
                yield json.loads(sse.data)

    async def aevents(self) -> AsyncIterator[dict[str, Any]]:
        """Async :meth:`events`."""
        async with aconnect_sse(
            self._async.get(), "POST", self.url, json=self._stream_body, headers=self.headers
        ) as source:
            async for sse in source.aiter_sse():
                if sse.data == "[DONE]":
                    break
                yield json.loads(sse.data)


# --------------------------------------------------------------------------- LangChain floor


def make_langchain_floor(chunks: int, raw: RawHttpx | None = None) -> Any:
    """A trivial LangChain chat model: canned (``chunks`` chunks) or over ``raw`` httpx."""
    canned, wrapped = _langchain_floor_classes()
    return canned(chunks=chunks) if raw is None else wrapped(chunks=chunks, raw=raw)


def _usage_metadata(usage: dict[str, Any]) -> dict[str, int]:
    return {
        "input_tokens": usage.get("prompt_tokens", 0),
        "output_tokens": usage.get("completion_tokens", 0),
        "total_tokens": usage.get("total_tokens", 0),
    }


@functools.cache
def _langchain_floor_classes() -> tuple[type, type]:
    from langchain_core.callbacks import (
        AsyncCallbackManagerForLLMRun,
        CallbackManagerForLLMRun,
    )
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    def final_chunk(usage: dict[str, int], finish_reason: str) -> ChatGenerationChunk:
        message = AIMessageChunk(
            content="",
            usage_metadata=usage,  # type: ignore[arg-type]
            response_metadata={"finish_reason": finish_reason, "model_name": MODEL},
            chunk_position="last",
        )
        return ChatGenerationChunk(message=message, generation_info={"finish_reason": "stop"})

    def answer(content: str, usage: dict[str, int], finish_reason: str) -> ChatResult:
        message = AIMessage(
            content=content,
            usage_metadata=usage,  # type: ignore[arg-type]
            response_metadata={"finish_reason": finish_reason, "model_name": MODEL},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

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
            return answer("2 + 2 is 4.", dict(_USAGE), "stop")

        async def _agenerate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: AsyncCallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> ChatResult:
            return answer("2 + 2 is 4.", dict(_USAGE), "stop")

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
            yield final_chunk(dict(_USAGE), "stop")

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
            yield final_chunk(dict(_USAGE), "stop")

    def from_body(body: dict[str, Any]) -> ChatResult:
        choice = body["choices"][0]
        usage = _usage_metadata(body.get("usage") or {})
        return answer(choice["message"].get("content") or "", usage, choice["finish_reason"])

    def from_event(event: dict[str, Any]) -> ChatGenerationChunk:
        choice = event["choices"][0]
        if "usage" in event:
            return final_chunk(_usage_metadata(event["usage"]), choice.get("finish_reason"))
        return ChatGenerationChunk(message=AIMessageChunk(content=choice["delta"]["content"]))

    class WrappedChatModel(FloorChatModel):
        """The least a LangChain integration can do: raw httpx / httpx-sse, dict -> message."""

        raw: Any = None

        def _generate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> ChatResult:
            return from_body(self.raw.chat())

        async def _agenerate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: AsyncCallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> ChatResult:
            return from_body(await self.raw.achat())

        def _stream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> Iterator[ChatGenerationChunk]:
            for event in self.raw.events():
                chunk = from_event(event)
                if run_manager:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk

        async def _astream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: AsyncCallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> AsyncGenerator[ChatGenerationChunk, None]:
            async for event in self.raw.aevents():
                chunk = from_event(event)
                if run_manager:
                    await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk

    return FloorChatModel, WrappedChatModel


# --------------------------------------------------------------------------- LlamaIndex floor


def make_llama_index_floor(chunks: int, raw: RawHttpx | None = None) -> Any:
    """A trivial LlamaIndex LLM: canned (``chunks`` chunks) or over ``raw`` httpx."""
    canned, wrapped = _llama_index_floor_classes()
    return canned(chunks=chunks) if raw is None else wrapped(chunks=chunks, raw=raw)


@functools.cache
def _llama_index_floor_classes() -> tuple[type, type]:
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

    def answer(content: str, extra: dict[str, Any]) -> ChatResponse:
        return ChatResponse(
            message=ChatMessage(role=MessageRole.ASSISTANT, content=content),
            additional_kwargs=extra,
        )

    def partial(content: str, delta: str, extra: dict[str, Any] | None = None) -> ChatResponse:
        return ChatResponse(
            message=ChatMessage(role=MessageRole.ASSISTANT, content=content),
            delta=delta,
            additional_kwargs=extra or {},
        )

    class FloorLLM(FunctionCallingLLM):
        """LlamaIndex's own overhead: canned answers, no I/O, no conversion."""

        chunks: int = 2000

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(
                model_name="bench-floor", is_chat_model=True, is_function_calling_model=True
            )

        def _answer(self) -> ChatResponse:
            return answer("2 + 2 is 4.", dict(usage))

        def _chunks(self) -> Generator[ChatResponse, None, None]:
            content = ""
            for i in range(self.chunks):
                delta = TOKENS[i % len(TOKENS)]
                content += delta
                yield partial(content, delta)
            yield partial(content, "", dict(usage))

        async def _aanswer(self) -> ChatResponse:
            return self._answer()

        async def _achunks(self) -> AsyncIterator[ChatResponse]:
            for response in self._chunks():
                yield response

        @llm_chat_callback()
        def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            return self._answer()

        @llm_chat_callback()
        def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
            return self._chunks()

        @llm_chat_callback()
        async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            return await self._aanswer()

        @llm_chat_callback()
        async def astream_chat(
            self, messages: Sequence[ChatMessage], **kwargs: Any
        ) -> ChatResponseAsyncGen:
            return self._achunks()  # type: ignore[return-value]

        @llm_completion_callback()
        def complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponse:
            return CompletionResponse(text=self._answer().message.content or "")

        @llm_completion_callback()
        def stream_complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponseGen:
            def gen() -> Generator[CompletionResponse, None, None]:
                for response in self._chunks():
                    yield CompletionResponse(
                        text=response.message.content or "", delta=response.delta
                    )

            return gen()

        @llm_completion_callback()
        async def acomplete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponse:
            return CompletionResponse(text=(await self._aanswer()).message.content or "")

        @llm_completion_callback()
        async def astream_complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponseAsyncGen:
            async def gen() -> CompletionResponseAsyncGen:
                async for response in self._achunks():
                    yield CompletionResponse(
                        text=response.message.content or "", delta=response.delta
                    )

            return gen()

        def _prepare_chat_with_tools(
            self,
            tools: Sequence[Any],
            user_msg: str | ChatMessage | None = None,
            chat_history: list[ChatMessage] | None = None,
            verbose: bool = False,
            allow_parallel_tool_calls: bool = False,
            tool_required: bool = False,
            **kwargs: Any,
        ) -> dict[str, Any]:
            return {"messages": list(chat_history or []), "tools": list(tools)}

    def from_body(body: dict[str, Any]) -> ChatResponse:
        message = body["choices"][0]["message"]
        return answer(message.get("content") or "", dict(body.get("usage") or {}))

    class WrappedLLM(FloorLLM):
        """The least a LlamaIndex integration can do: raw httpx / httpx-sse, dict -> response."""

        raw: Any = None

        def _answer(self) -> ChatResponse:
            return from_body(self.raw.chat())

        async def _aanswer(self) -> ChatResponse:
            return from_body(await self.raw.achat())

        def _chunks(self) -> Generator[ChatResponse, None, None]:
            content = ""
            for event in self.raw.events():
                delta = event["choices"][0]["delta"].get("content") or ""
                content += delta
                yield partial(content, delta, event.get("usage"))

        async def _achunks(self) -> AsyncIterator[ChatResponse]:
            content = ""
            async for event in self.raw.aevents():
                delta = event["choices"][0]["delta"].get("content") or ""
                content += delta
                yield partial(content, delta, event.get("usage"))

    return FloorLLM, WrappedLLM
