"""XpayClient: argument mapping, result parsing, error mapping, streams, retries, secrecy.

Pure functions are tested with tables; the client with a fake MCP session (``session_factory``)
and, for the real ``mcp`` client path, with the in-process xpay emulator behind
``make_mcp_transport`` (no sockets).
"""

from __future__ import annotations

import builtins
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import pytest
from mcp import MCPError
from mcp.types import CallToolResult, TextContent

import zai_core.client
from tests.emulator.xpay import XpayEmulatorTransport
from zai_core import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ContentFilterError,
    InternalServerError,
    NotFoundError,
    QuotaExceededError,
    RateLimitError,
    create_client,
)
from zai_core.accumulate import completion_to_chunk
from zai_core.xpay import (
    TOOL_NAME,
    GatewayNotSupportedError,
    XpayClient,
    _HTTPFailure,
    build_tool_arguments,
    error_from_mcp,
    error_from_tool_text,
    parse_tool_result,
)

KEY = "xpay-CanarySecret-0123456789"
#: Python >= 3.11 (the xpay extra needs it: mcp 2 runs on httpx2).
Group = builtins.ExceptionGroup
HELLO = [{"role": "user", "content": "Hello"}]
ANSWER: dict[str, Any] = {
    "id": "20261123abc",
    "object": "chat.completion",
    "created": 1782862773,
    "model": "glm-4.7",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "Hi", "reasoning_content": "greet"},
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries keep the real policy but never sleep."""
    monkeypatch.setattr(zai_core.client, "retry_delay", lambda *_: 0.0)


def _text(text: str, *, is_error: bool = False, structured: Any = None) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        is_error=is_error,
        structured_content=structured,
    )


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("body", "arguments"),
    [
        (
            {"model": "glm-4.7", "messages": HELLO},
            {"model": "glm-4.7", "messages": HELLO, "stream": False},
        ),
        (
            {
                "model": "glm-4.7",
                "messages": HELLO,
                "stream": True,
                "stream_options": {"include_usage": True},
                "tool_stream": True,
                "temperature": 0.2,
                "thinking": {"type": "disabled"},
                "stop": ["END"],
                "max_tokens": 64,
                "top_p": None,
            },
            {
                "model": "glm-4.7",
                "messages": HELLO,
                "stream": False,
                "temperature": 0.2,
                "thinking": {"type": "disabled"},
                "stop": ["END"],
                "max_tokens": 64,
            },
        ),
        (
            {
                "model": "glm-4.7",
                "messages": HELLO,
                "tools": [{"type": "function", "function": {"name": "f"}}],
                "tool_choice": "auto",
                "response_format": {"type": "json_object"},
                "user_id": "user-123",
                "request_id": "req-123",
                "do_sample": False,
            },
            {
                "model": "glm-4.7",
                "messages": HELLO,
                "stream": False,
                "tools": [{"type": "function", "function": {"name": "f"}}],
                "tool_choice": "auto",
                "response_format": {"type": "json_object"},
                "user_id": "user-123",
                "request_id": "req-123",
                "do_sample": False,
            },
        ),
    ],
)
def test_build_tool_arguments(body: dict[str, Any], arguments: dict[str, Any]) -> None:
    before = json.dumps(body, sort_keys=True)
    assert build_tool_arguments(body) == arguments
    assert json.dumps(body, sort_keys=True) == before  # input untouched


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"messages": HELLO}, "needs model"),
        ({"model": "glm-4.7"}, "needs messages"),
        ({"model": "glm-4.7", "messages": HELLO, "reasoning_effort": "high"}, "reasoning_effort"),
        ({"model": "glm-4.7", "messages": HELLO, "web_search": {}}, "does not take web_search"),
    ],
)
def test_build_tool_arguments_refuses(body: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_tool_arguments(body)


# ----------------------------------------------------------------------------- results


@pytest.mark.parametrize(
    ("result", "content"),
    [
        (_text(json.dumps(ANSWER)), "Hi"),  # JSON text
        (_text("ignored", structured=ANSWER), "Hi"),  # structured content first
        (_text("x", structured={"result": json.dumps(ANSWER)}), "Hi"),  # MCPServer's wrapper
        (_text(json.dumps({"data": ANSWER})), "Hi"),  # a gateway envelope
        (_text("Plain words, not JSON."), "Plain words, not JSON."),  # plain text answer
    ],
)
def test_parse_tool_result(result: CallToolResult, content: str) -> None:
    body = parse_tool_result(result)
    assert body["choices"][0]["message"]["content"] == content
    assert body["choices"][0]["finish_reason"] == "stop"


@pytest.mark.parametrize(
    ("result", "cls"),
    [
        (_text(""), APIResponseValidationError),
        (_text(json.dumps({"data": {"id": "x"}})), APIResponseValidationError),
        (_text(json.dumps({"error": {"code": "1113", "message": "x"}})), QuotaExceededError),
        (_text("Z.ai API request failed (HTTP 429): {}", is_error=True), RateLimitError),
    ],
)
def test_parse_tool_result_errors(result: CallToolResult, cls: type[Exception]) -> None:
    with pytest.raises(cls):
        parse_tool_result(result)


ERROR_TEXTS = [
    # text of an isError result, class, status, code
    (
        'Error executing tool zai_chat_completion: Z.ai API request failed (HTTP 429): '
        '{"error":{"code":"1113","message":"Account in arrears"}}',
        QuotaExceededError, 429, "1113",
    ),
    ('{"status": 400, "error": {"code": "1214", "message": "bad"}}', BadRequestError, 400, "1214"),
    ('{"error": {"code": 1301, "message": "unsafe"}}', ContentFilterError, 0, "1301"),
    ("HTTP 401 Unauthorized", AuthenticationError, 401, None),
    ("status code: 503 upstream down", InternalServerError, 503, None),
    ("Insufficient balance: top up your xpay wallet", QuotaExceededError, 0, None),
    ("something odd happened", APIStatusError, 0, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "cls", "status", "code"), ERROR_TEXTS)
def test_error_from_tool_text(
    text: str, cls: type[Exception], status: int, code: str | None
) -> None:
    error = error_from_tool_text(text)
    assert type(error) is cls
    assert error.status_code == status
    assert error.code == code
    assert error.message


def test_error_from_tool_text_redacts_keys() -> None:
    error = error_from_tool_text(f"HTTP 401 for https://zai.mcp.xpay.sh/mcp?key={KEY}")
    assert KEY not in str(error) and KEY not in error.message


def _failure(status: int, content: bytes) -> _HTTPFailure:
    return _HTTPFailure(status, httpx.Headers(), content)


MCP_ERRORS = [
    # code, message, data, HTTP failure, class, status
    (-32602, "Invalid params: messages", None, None, BadRequestError, 400),
    (-32601, "Unknown tool: zai_chat_completion", None, None, NotFoundError, 404),
    (-32603, "Server returned an error response", None, None, InternalServerError, 500),
    (-32000, "Connection closed", None, None, APIConnectionError, None),
    (-32001, "Request 'tools/call' timed out", None, None, APITimeoutError, None),
    (-32603, "upstream", {"error": {"code": "1305", "message": "busy"}}, None, RateLimitError, 0),
    (-32603, "x", None, _failure(401, b'{"error":"bad key"}'), AuthenticationError, 401),
    (-32603, "x", None, _failure(402, b"Payment Required"), QuotaExceededError, 402),
    (-32603, "x", None, _failure(503, b"<html>down</html>"), InternalServerError, 503),
]


@pytest.mark.parametrize(("code", "message", "data", "failure", "cls", "status"), MCP_ERRORS)
def test_error_from_mcp(
    code: int,
    message: str,
    data: Any,
    failure: _HTTPFailure | None,
    cls: type[Exception],
    status: int | None,
) -> None:
    error = error_from_mcp(code, message, data, failure)
    assert type(error) is cls
    if status is not None:
        assert isinstance(error, APIStatusError)
        assert error.status_code == status


_CALL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
_DELTA_CHUNK = {"choices": [{"index": 0, "delta": {"content": "x"}}]}
CHUNK_TABLE = [
    (
        ANSWER,
        {
            "id": "20261123abc",
            "object": "chat.completion.chunk",
            "created": 1782862773,
            "model": "glm-4.7",
            "usage": ANSWER["usage"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "delta": {"role": "assistant", "content": "Hi", "reasoning_content": "greet"},
                }
            ],
        },
    ),
    (
        {
            "choices": [
                {
                    "finish_reason": "tool_calls",
                    "message": {"role": "assistant", "content": None, "tool_calls": [_CALL]},
                }
            ]
        },
        {
            "object": "chat.completion.chunk",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "delta": {"role": "assistant", "tool_calls": [{**_CALL, "index": 0}]},
                }
            ],
        },
    ),
    # already a chunk, or not a completion at all: unchanged
    (_DELTA_CHUNK, _DELTA_CHUNK),
    ({"usage": {"total_tokens": 1}}, {"usage": {"total_tokens": 1}}),
]


@pytest.mark.parametrize(("body", "chunk"), CHUNK_TABLE)
def test_completion_to_chunk(body: dict[str, Any], chunk: dict[str, Any]) -> None:
    before = json.dumps(body, sort_keys=True)
    assert completion_to_chunk(body) == chunk
    assert json.dumps(body, sort_keys=True) == before


# ----------------------------------------------------------------------------- fake session


class FakeSession:
    """Answers each ``call_tool`` with the next scripted result (or raises it)."""

    def __init__(self, *results: Any) -> None:
        self.results = list(results)
        self.calls: list[tuple[str, dict[str, Any] | None, float | None]] = []

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        read_timeout_seconds: float | None = None,
    ) -> Any:
        self.calls.append((name, arguments, read_timeout_seconds))
        result = self.results.pop(0)
        if isinstance(result, BaseException):
            raise result
        return result


def _factory(session: FakeSession) -> Callable[[], Any]:
    @asynccontextmanager
    async def open_session() -> AsyncIterator[FakeSession]:
        yield session

    return open_session


def _client(session: FakeSession, **kwargs: Any) -> XpayClient:
    return XpayClient(api_key=KEY, session_factory=_factory(session), **kwargs)


def test_chat_maps_body_to_tool_call() -> None:
    session = FakeSession(_text(json.dumps(ANSWER)))
    body = {"model": "glm-4.7", "messages": HELLO, "temperature": 0.3}
    assert _client(session, timeout=30).chat(body) == ANSWER
    ((name, arguments, read_timeout),) = session.calls
    assert name == TOOL_NAME
    assert arguments == {**body, "stream": False}
    assert read_timeout == 30.0


async def test_achat_and_astream() -> None:
    session = FakeSession(_text(json.dumps(ANSWER)), _text(json.dumps(ANSWER)))
    client = _client(session)
    assert (await client.achat({"model": "glm-4.7", "messages": HELLO})) == ANSWER
    stream_body = {"model": "glm-4.7", "messages": HELLO, "stream": True}
    async with client.astream_chat(stream_body) as stream:
        chunks = [c async for c in stream]
    assert len(chunks) == 1
    assert stream.accumulator.content == "Hi"
    assert stream.accumulator.reasoning == "greet"
    assert stream.accumulator.finish_reason == "stop"
    assert stream.accumulator.usage == ANSWER["usage"]
    assert session.calls[1][1] == {"model": "glm-4.7", "messages": HELLO, "stream": False}


def test_stream_chat_sync_and_lazy() -> None:
    session = FakeSession(_text(json.dumps(ANSWER)))
    stream = _client(session).stream_chat({"model": "glm-4.7", "messages": HELLO})
    assert session.calls == []  # nothing sent until iterated, like ZaiClient
    with stream:
        chunks = list(stream)
    assert [c["choices"][0]["delta"]["content"] for c in chunks] == ["Hi"]
    assert stream.accumulator.response()["choices"][0]["message"]["content"] == "Hi"


async def test_sync_chat_inside_a_running_loop() -> None:
    session = FakeSession(_text(json.dumps(ANSWER)))
    assert _client(session).chat({"model": "glm-4.7", "messages": HELLO}) == ANSWER


def test_failing_finish_reason_raises() -> None:
    flagged = {**ANSWER, "choices": [{**ANSWER["choices"][0], "finish_reason": "sensitive"}]}
    with pytest.raises(ContentFilterError):
        _client(FakeSession(_text(json.dumps(flagged)))).chat(
            {"model": "glm-4.7", "messages": HELLO}
        )
    stream = _client(FakeSession(_text(json.dumps(flagged)))).stream_chat(
        {"model": "glm-4.7", "messages": HELLO}
    )
    with pytest.raises(ContentFilterError), stream:
        list(stream)


def test_tool_error_is_not_retried_when_quota() -> None:
    text = 'Z.ai API request failed (HTTP 429): {"error":{"code":"1113","message":"no money"}}'
    session = FakeSession(_text(text, is_error=True), _text(json.dumps(ANSWER)))
    with pytest.raises(QuotaExceededError):
        _client(session).chat({"model": "glm-4.7", "messages": HELLO})
    assert len(session.calls) == 1


def test_mcp_error_in_task_group_is_mapped_and_retried() -> None:
    wrapped = Group("tg", [Group("inner", [MCPError(-32603, "boom")])])
    session = FakeSession(wrapped, _text(json.dumps(ANSWER)))
    assert _client(session, max_retries=1).chat({"model": "glm-4.7", "messages": HELLO}) == ANSWER
    assert len(session.calls) == 2


def test_retries_exhausted_raise_last_error() -> None:
    session = FakeSession(*(MCPError(-32603, "boom") for _ in range(3)))
    with pytest.raises(InternalServerError, match="boom"):
        _client(session, max_retries=2).chat({"model": "glm-4.7", "messages": HELLO})
    assert len(session.calls) == 3


def test_unexpected_exception_surfaces_unwrapped() -> None:
    session = FakeSession(Group("tg", [RuntimeError("schema mismatch")]))
    with pytest.raises(RuntimeError, match="schema mismatch"):
        _client(session).chat({"model": "glm-4.7", "messages": HELLO})


@pytest.mark.parametrize("method", ["request", "stream_events"])
def test_other_endpoints_not_offered(method: str) -> None:
    client = _client(FakeSession())
    with pytest.raises(GatewayNotSupportedError, match="only chat completions") as info:
        getattr(client, method)("POST", "/tokenizer", json={})
    assert isinstance(info.value, NotImplementedError)


async def test_other_endpoints_not_offered_async() -> None:
    client = _client(FakeSession())
    with pytest.raises(GatewayNotSupportedError, match="/embeddings"):
        await client.arequest("POST", "/embeddings", json={})
    with pytest.raises(GatewayNotSupportedError):
        client.astream_events("POST", "/tokenizer")


def test_invalid_configuration() -> None:
    with pytest.raises(ValueError, match="http_client"):
        XpayClient(api_key=KEY, http_client=httpx.Client())
    with pytest.raises(ValueError, match="create_client"):
        XpayClient(api_key=KEY, base_url="international")
    with pytest.raises(ValueError, match="reasoning_effort"):
        _client(FakeSession()).chat(
            {"model": "glm-4.7", "messages": HELLO, "reasoning_effort": "x"}
        )


def test_key_not_in_repr() -> None:
    client = create_client(base_url="xpay", api_key=KEY)
    assert KEY not in repr(client) and KEY not in repr(client.config)


# ----------------------------------------------------------------------------- real mcp client


class Spy(httpx2.AsyncBaseTransport):
    """Records the URLs the network transport receives; delegates to ``inner``."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.urls: list[str] = []
        self.bodies: list[Any] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        content = await request.aread()
        self.urls.append(str(request.url))
        self.bodies.append(json.loads(content) if content else None)
        return await self.inner.handle_async_request(request)


def _route(monkeypatch: pytest.MonkeyPatch, inner: httpx2.AsyncBaseTransport) -> Spy:
    spy = Spy(inner)
    monkeypatch.setattr("zai_core.xpay.make_mcp_transport", lambda: spy)
    return spy


def test_real_mcp_client_key_only_on_the_wire(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spy = _route(monkeypatch, XpayEmulatorTransport())
    with caplog.at_level(logging.DEBUG):
        answer = create_client(base_url="xpay", api_key=KEY).chat(
            {"model": "glm-4.7", "messages": HELLO}
        )
    assert answer["choices"][0]["message"]["content"].startswith("Hello")
    assert [b["method"] for b in spy.bodies] == [
        "initialize",
        "notifications/initialized",
        "tools/call",
        "tools/list",
    ]
    assert all(url == f"https://zai.mcp.xpay.sh/mcp?key={KEY}" for url in spy.urls)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "zai.mcp.xpay.sh" in logged  # httpx2 did log its requests...
    assert KEY not in logged  # ...without the key


@pytest.mark.parametrize(
    ("status", "cls", "attempts"),
    [(401, AuthenticationError, 1), (402, QuotaExceededError, 1), (503, InternalServerError, 3)],
)
def test_real_mcp_client_http_errors(
    status: int, cls: type[Exception], attempts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, text=f"refused {request.url}")

    spy = _route(monkeypatch, httpx2.MockTransport(refuse))
    client = create_client(base_url="xpay", api_key=KEY, max_retries=2)
    with pytest.raises(cls) as info:
        client.chat({"model": "glm-4.7", "messages": HELLO})
    assert len(spy.urls) == attempts  # one initialize per attempt
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx2.ConnectError("refused"), APIConnectionError),
        (httpx2.ReadTimeout("slow"), APITimeoutError),
    ],
)
async def test_real_mcp_client_transport_errors(
    exc: Exception, cls: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(request: httpx2.Request) -> httpx2.Response:
        raise exc

    _route(monkeypatch, httpx2.MockTransport(fail))
    with pytest.raises(cls):
        await create_client(base_url="xpay", api_key=KEY, max_retries=0).achat(
            {"model": "glm-4.7", "messages": HELLO}
        )


def test_default_headers_reach_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Mapping[str, str]] = []

    class Headers(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            seen.append(dict(request.headers))
            return await XpayEmulatorTransport().handle_async_request(request)

    monkeypatch.setattr("zai_core.xpay.make_mcp_transport", Headers)
    create_client(base_url="xpay", api_key=KEY, default_headers={"X-Team": "blue"}).chat(
        {"model": "glm-4.7", "messages": HELLO}
    )
    assert seen and all(h["x-team"] == "blue" for h in seen)
    assert all(h["user-agent"].startswith("zai-integrations") for h in seen)


def test_xpay_is_a_transport_not_a_subclass_that_refuses() -> None:
    """XpayClient serves the chat path through every transport method; it is no ZaiClient."""
    from zai_core import ZaiClient

    body = {"model": "glm-4.7", "messages": HELLO}
    session = FakeSession(*(_text(json.dumps(ANSWER)) for _ in range(2)))
    client = _client(session)
    assert not isinstance(client, ZaiClient)
    assert client.request("POST", "/chat/completions", json=body) == ANSWER
    (chunk,) = list(client.stream_events("POST", "/chat/completions", json=body))
    assert chunk["choices"][0]["delta"]["content"] == "Hi"
    with pytest.raises(GatewayNotSupportedError):
        client.request("POST", "/chat/completions", json=body, files={"f": b"x"})
