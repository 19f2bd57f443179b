"""``ChatZai`` features beyond the standard suite, from cassettes.

Reasoning (invoke, stream, and sent back across a tool loop), parallel tool calls streamed
with and without ``tool_stream``, the built-in ``web_search`` tool, every structured-output
method, image input, token counting, and every error class ``ChatZai`` raises for an answer
from Z.ai.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
)
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel, Field

import langchain_zai
from langchain_zai import ChatZai
from tests.integration.langchain.assets import png_bytes
from zai_core import _http

pytestmark = pytest.mark.vcr

QUESTION = "What is 17 * 19? Think it through."


@tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    return f"It is sunny in {city}."


@tool
def get_time(zone: str) -> str:
    """Current time in a time zone."""
    return f"It is noon in {zone}."


class Capture:
    """Keeps the JSON body of every chat request this run sends (an httpx event hook)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/chat/completions"):
            self.bodies.append(json.loads(request.read()))

    def client(self) -> httpx.Client:
        """A client on the shared transport (the emulator while recording), with the hook."""
        return httpx.Client(transport=_http.make_sync_transport(), event_hooks={"request": [self]})


def _merge(chunks: Iterator[Any]) -> AIMessageChunk:
    full: AIMessageChunk | None = None
    for chunk in chunks:
        assert isinstance(chunk, AIMessageChunk)
        full = chunk if full is None else full + chunk
    assert full is not None
    return full


# --------------------------------------------------------------------------- reasoning


def test_reasoning_invoke() -> None:
    message = ChatZai(model="glm-4.7", thinking=True).invoke(QUESTION)
    assert "323" in message.text
    reasoning = message.additional_kwargs["reasoning_content"]
    assert reasoning
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_token_details"]["reasoning"] > 0
    v1 = ChatZai(model="glm-4.7", thinking=True, output_version="v1").invoke(QUESTION)
    assert v1.content[0] == {"type": "reasoning", "reasoning": reasoning}
    assert [b["type"] for b in v1.content] == ["reasoning", "text"]


async def test_reasoning_stream() -> None:
    model = ChatZai(model="glm-4.7", thinking=True)
    chunks = [chunk async for chunk in model.astream(QUESTION)]
    kinds = [
        "reasoning" if c.additional_kwargs.get("reasoning_content") else "text"
        for c in chunks
        if c.additional_kwargs.get("reasoning_content") or c.content
    ]
    assert kinds.index("text") > 0 and "reasoning" not in kinds[kinds.index("text") :]
    full = sum(chunks[1:], chunks[0])
    assert "323" in full.text
    assert full.additional_kwargs["reasoning_content"]
    assert sum(1 for c in chunks if c.usage_metadata) == 1
    assert full.usage_metadata is not None
    assert full.usage_metadata["output_token_details"]["reasoning"] > 0


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_reasoning_sent_back_in_a_tool_loop(stream: bool) -> None:
    capture = Capture()
    model = ChatZai(
        model="glm-4.7",
        thinking={"type": "enabled", "clear_thinking": False},
        http_client=capture.client(),
    ).bind_tools([get_weather])
    history: list[BaseMessage] = [HumanMessage("What is the weather in Paris?")]
    first = _merge(model.stream(history)) if stream else model.invoke(history)
    assert first.tool_calls and first.additional_kwargs["reasoning_content"]
    history += [first, get_weather.invoke(first.tool_calls[0])]
    final = _merge(model.stream(history)) if stream else model.invoke(history)
    assert "sunny in Paris" in final.text
    sent = capture.bodies[1]["messages"][1]
    assert sent["role"] == "assistant"
    assert sent["reasoning_content"] == first.additional_kwargs["reasoning_content"]
    assert sent["tool_calls"][0]["id"] == first.tool_calls[0]["id"]
    assert capture.bodies[1]["thinking"] == {"type": "enabled", "clear_thinking": False}


# --------------------------------------------------------------------------- tools


@pytest.mark.parametrize("tool_stream", [False, True], ids=["whole-calls", "tool-stream"])
def test_parallel_tool_calls_streamed(tool_stream: bool) -> None:
    capture = Capture()
    model = ChatZai(
        model="glm-4.7", tool_stream=tool_stream, http_client=capture.client()
    ).bind_tools([get_weather, get_time])
    prompt = "Call get_weather for 'Paris' and get_time for 'Europe/Paris'."
    chunks = list(model.stream(prompt))
    full = _merge(iter(chunks))
    assert [(c["name"], sorted(c["args"])) for c in full.tool_calls] == [
        ("get_weather", ["city"]),
        ("get_time", ["zone"]),
    ]
    assert full.tool_calls[0]["args"]["city"] == "Paris"
    assert all(isinstance(v, str) and v for c in full.tool_calls for v in c["args"].values())
    assert len({c["id"] for c in full.tool_calls}) == 2
    assert full.invalid_tool_calls == []
    pieces = sum(len(c.tool_call_chunks) for c in chunks)
    assert (pieces > 2) is tool_stream  # tool_stream sends arguments in fragments
    assert capture.bodies[0].get("tool_stream") is (True if tool_stream else None)


@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_builtin_web_search(stream: bool) -> None:
    web_search = {
        "type": "web_search",
        "web_search": {"enable": True, "search_engine": "search_pro_jina", "search_result": True},
    }
    model = ChatZai(model="glm-4.7").bind_tools([web_search])
    prompt = "What happened in AI news this week?"
    message = _merge(model.stream(prompt)) if stream else model.invoke(prompt)
    results = message.response_metadata["web_search"]
    assert len(results) == 2 and results[0]["link"].startswith("https://")
    assert message.tool_calls == []
    assert message.text
    # the same search as standard blocks, streamed or not
    blocks = {b["type"]: b for b in message.content_blocks}
    assert blocks["server_tool_call"]["name"] == "web_search"
    assert blocks["server_tool_result"]["output"] == results
    citations = blocks["text"]["annotations"]
    assert [c["url"] for c in citations] == [r["link"] for r in results]
    assert all(message.text[c["start_index"] : c["end_index"]] for c in citations)


def test_web_search_answer_goes_back_in_history() -> None:
    """A v1 grounded answer (text with citations, server tool blocks) sent back is valid."""
    web_search = {"type": "web_search", "web_search": {"enable": True, "search_result": True}}
    model = ChatZai(model="glm-4.7", output_version="v1").bind_tools([web_search])
    question = HumanMessage("What happened in AI news this week?")
    answer = model.invoke([question])
    assert {b["type"] for b in answer.content} >= {"server_tool_call", "server_tool_result"}
    follow_up = model.invoke([question, answer, HumanMessage("Which source is newest?")])
    assert follow_up.text


# --------------------------------------------------------------------------- structured output


class Joke(BaseModel):
    """A joke."""

    setup: str = Field(description="question to set up a joke")
    punchline: str = Field(description="answer to resolve the joke")


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
def test_structured_output_methods(method: str) -> None:
    capture = Capture()
    model = ChatZai(model="glm-4.7", http_client=capture.client())
    prompt = "Tell me a joke about cats. Answer as JSON with 'setup' and 'punchline'."
    joke = model.with_structured_output(Joke, method=method).invoke(prompt)  # type: ignore[arg-type]
    assert isinstance(joke, Joke) and joke.setup and joke.punchline
    body = capture.bodies[0]
    if method == "json_mode":
        assert body["response_format"] == {"type": "json_object"}
    else:
        assert body["tool_choice"] == {"type": "function", "function": {"name": "Joke"}}
        assert "response_format" not in body
    raw = model.with_structured_output(Joke, method=method, include_raw=True).invoke(prompt)  # type: ignore[arg-type]
    assert isinstance(raw, dict)
    assert isinstance(raw["raw"], AIMessage) and raw["parsed"] == joke
    assert raw["parsing_error"] is None


# --------------------------------------------------------------------------- images


def test_image_input() -> None:
    data = base64.b64encode(png_bytes()).decode()
    model = ChatZai(model="glm-4.6v")
    for image in (
        {"type": "image", "base64": data, "mime_type": "image/png"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{data}"}},
    ):
        message = model.invoke([HumanMessage([{"type": "text", "text": "What is shown?"}, image])])
        assert "red square" in message.text


# --------------------------------------------------------------------------- tokens


def test_token_counts() -> None:
    model = ChatZai(model="glm-4.7")
    messages = [HumanMessage("What is the weather in Paris?")]
    plain = model.get_num_tokens_from_messages(messages)
    with_tools = model.get_num_tokens_from_messages(messages, tools=[get_weather, get_time])
    assert 0 < plain < with_tools
    text = model.get_num_tokens("What is the weather in Paris?")
    assert 0 < text < plain  # the text alone, without the message template
    assert model.get_num_tokens("") == 0
    assert model.get_num_tokens_from_messages(messages) == plain  # cached: no new request


# --------------------------------------------------------------------------- errors

E = langchain_zai
# model name that makes Z.ai (the emulator, when recording) fail, the class raised, the
# LangChain class it also is, and its is_retryable
ERRORS = [
    pytest.param(
        "emulate-400-1214", E.ZaiBadRequestError, ModelInvalidRequestError, False, id="400-1214"
    ),
    pytest.param(
        "emulate-400-1261", E.ZaiContextOverflowError, ContextOverflowError, False, id="400-1261"
    ),
    pytest.param(
        "emulate-400-1301", E.ZaiContentFilterError, ModelInvalidRequestError, False, id="400-1301"
    ),
    pytest.param(
        "emulate-401-1002", E.ZaiAuthenticationError, ModelAuthenticationError, False, id="401-1002"
    ),
    pytest.param(
        "emulate-403-1220",
        E.ZaiPermissionDeniedError,
        ModelPermissionDeniedError,
        False,
        id="403-1220",
    ),
    pytest.param(
        "glm-0-missing", E.ZaiNotFoundError, ModelNotFoundError, False, id="glm-0-missing"
    ),
    pytest.param("emulate-429-1302", E.ZaiRateLimitError, ModelRateLimitError, True, id="429-1302"),
    pytest.param(
        "emulate-429-1113", E.ZaiQuotaExceededError, ModelRateLimitError, False, id="429-1113"
    ),
    pytest.param("emulate-500-500", E.ZaiInternalServerError, ModelAPIError, True, id="500-500"),
    pytest.param("emulate-html", E.ZaiResponseValidationError, ModelAPIError, True, id="html"),
]


@pytest.mark.parametrize(("model", "cls", "base", "retryable"), ERRORS)
@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_error_classes(
    model: str, cls: type[Exception], base: type[Exception], retryable: bool, stream: bool
) -> None:
    chat = ChatZai(model=model, max_retries=0)
    with pytest.raises(cls) as info:
        if stream:
            list(chat.stream("Hello"))
        else:
            chat.invoke("Hello")
    assert type(info.value) is cls
    assert isinstance(info.value, base)
    assert info.value.is_retryable is retryable  # type: ignore[attr-defined]


FINISH_ERRORS = [
    pytest.param("sensitive", E.ZaiContentFilterError, ModelInvalidRequestError, id="sensitive"),
    pytest.param(
        "model_context_window_exceeded",
        E.ZaiContextOverflowError,
        ContextOverflowError,
        id="model_context_window_exceeded",
    ),
    pytest.param("network_error", E.ZaiInternalServerError, ModelAPIError, id="network_error"),
]


@pytest.mark.parametrize(("finish", "cls", "base"), FINISH_ERRORS)
def test_failing_finish_reasons(finish: str, cls: type[Exception], base: type[Exception]) -> None:
    chat = ChatZai(model=f"emulate-finish-{finish}", max_retries=0)
    with pytest.raises(cls) as info:
        chat.invoke("Hello")
    assert isinstance(info.value, base)
    assert info.value.finish_reason == finish  # type: ignore[attr-defined]


STREAM_FINISH_ERRORS = [
    pytest.param("sensitive", E.ZaiContentFilterError, ModelInvalidRequestError, id="sensitive"),
    pytest.param(
        "model_context_window_exceeded",
        E.ZaiContextOverflowError,
        ContextOverflowError,
        id="model_context_window_exceeded",
    ),
    pytest.param(
        "network_error", E.ZaiStreamInterruptedError, ModelConnectionError, id="network_error"
    ),
]


@pytest.mark.parametrize(("finish", "cls", "base"), STREAM_FINISH_ERRORS)
async def test_failing_finish_reasons_streamed(
    finish: str, cls: type[Exception], base: type[Exception]
) -> None:
    chat = ChatZai(model=f"emulate-finish-{finish}", max_retries=0)
    received: list[str] = []
    with pytest.raises(cls) as info:
        async for chunk in chat.astream("Hello"):
            received.append(str(chunk.content))
    assert isinstance(info.value, base)
    assert info.value.finish_reason == finish  # type: ignore[attr-defined]
    assert "".join(received)  # the text that arrived before the failure was handed out
