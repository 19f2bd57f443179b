"""Every surface preset: URL, auth, key source and envelope, against ``httpx.MockTransport``."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from zai_core import (
    SURFACES,
    AuthenticationError,
    MissingAPIKeyError,
    NotFoundError,
    QuotaExceededError,
    ZaiClient,
    create_client,
)
from zai_core.config import resolve_surface
from zai_core.xpay import XpayClient

KEY = "0123456789abcdef.GatewayCanarySecret"
HELLO = [{"role": "user", "content": "Hello"}]
CHAT: dict[str, Any] = {"model": "glm-4.7", "messages": HELLO}
ANSWER = {
    "id": "1",
    "object": "chat.completion",
    "model": "glm-4.7",
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}


class Recorder:
    """A fake server that answers every request with one scripted response."""

    def __init__(
        self, status: int = 200, body: Any = ANSWER, headers: dict[str, str] | None = None
    ) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.body, bytes):
            return httpx.Response(self.status, content=self.body, headers=self.headers)
        return httpx.Response(self.status, json=self.body, headers=self.headers)

    def client(self, base_url: str, **kwargs: Any) -> ZaiClient:
        transport = httpx.MockTransport(self)
        return ZaiClient(
            api_key=KEY,
            base_url=base_url,
            http_client=httpx.Client(transport=transport),
            http_async_client=httpx.AsyncClient(transport=transport),
            **kwargs,
        )


# ----------------------------------------------------------------------------- URL + auth

CHAT_TABLE = [
    # preset, chat URL, auth ("bearer" / "query")
    ("international", "https://api.z.ai/api/paas/v4/chat/completions", "bearer"),
    ("international-coding", "https://api.z.ai/api/coding/paas/v4/chat/completions", "bearer"),
    ("mainland", "https://open.bigmodel.cn/api/paas/v4/chat/completions", "bearer"),
    (
        "mainland-coding",
        "https://open.bigmodel.cn/api/coding/paas/v4/chat/completions",
        "bearer",
    ),
    ("powertokens", "https://api.powertokens.ai/v1/chat/completions", "bearer"),
    ("lowcodeapi", "https://api.lowcodeapi.com/zai/api/paas/v4/chat/completions", "query"),
    (
        "lowcodeapi-coding",
        "https://api.lowcodeapi.com/zai/api/coding/paas/v4/chat/completions",
        "query",
    ),
]


@pytest.mark.parametrize(("preset", "url", "auth"), CHAT_TABLE)
def test_chat_url_and_auth(preset: str, url: str, auth: str) -> None:
    server = Recorder(body={"data": ANSWER} if "lowcode" in preset else ANSWER)
    answer = server.client(preset).chat(CHAT)
    assert answer["choices"][0]["message"]["content"] == "Hi"
    (request,) = server.requests
    assert str(request.url.copy_with(query=None)) == url
    if auth == "bearer":
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert not request.url.params
    else:
        assert "authorization" not in request.headers
        assert dict(request.url.params) == {"api_token": KEY}
    assert json.loads(request.content)["stream"] is False


LOWCODE_PATHS = [
    # endpoint path, LowCodeAPI URL (seeds/003)
    ("/tokenizer", "https://api.lowcodeapi.com/zai/paas/v4/tokenizer"),
    ("/web_search", "https://api.lowcodeapi.com/zai/paas/v4/web_search"),
    ("/reader", "https://api.lowcodeapi.com/zai/paas/v4/reader"),
    ("/images/generations", "https://api.lowcodeapi.com/zai/api/paas/v4/generate/image"),
    ("/videos/generations", "https://api.lowcodeapi.com/zai/api/paas/v4/videos/generations"),
    ("/async-result/abc-1", "https://api.lowcodeapi.com/zai/api/paas/v4/async-result/abc-1"),
    ("/audio/transcriptions", "https://api.lowcodeapi.com/zai/api/paas/v4/audio/transcriptions"),
]


@pytest.mark.parametrize(("path", "url"), LOWCODE_PATHS)
def test_lowcodeapi_path_quirks(path: str, url: str) -> None:
    assert SURFACES["lowcodeapi"].url_for(path) == url
    # the coding preset differs only for chat
    assert SURFACES["lowcodeapi-coding"].url_for(path) == url


def test_lowcodeapi_tool_request_carries_token_and_is_unwrapped() -> None:
    server = Recorder(body={"data": {"usage": {"prompt_tokens": 7, "total_tokens": 7}}})
    answer = server.client("lowcodeapi").request("POST", "/tokenizer", json={"model": "glm-4.7"})
    assert answer == {"usage": {"prompt_tokens": 7, "total_tokens": 7}}
    (request,) = server.requests
    assert request.url.path == "/zai/paas/v4/tokenizer"
    assert request.url.params["api_token"] == KEY


@pytest.mark.parametrize("preset", ["international", "mainland", "powertokens"])
def test_zai_surfaces_keep_plain_paths(preset: str) -> None:
    base = SURFACES[preset].base_url
    assert SURFACES[preset].url_for("/images/generations") == base + "/images/generations"
    assert SURFACES[preset].url_for("/tokenizer") == base + "/tokenizer"


# ----------------------------------------------------------------------------- LowCodeAPI envelope


def _wrapped_error(code: str, message: str) -> dict[str, Any]:
    return {"data": {"error": {"code": code, "message": message}}}


@pytest.mark.parametrize(
    ("status", "body", "cls", "code"),
    [
        (429, _wrapped_error("1113", "no balance"), QuotaExceededError, "1113"),
        (401, _wrapped_error("UNAUTHORIZED", "Invalid token"), AuthenticationError, "UNAUTHORIZED"),
        (404, _wrapped_error("NOT_FOUND", "Endpoint not found"), NotFoundError, "NOT_FOUND"),
        # an error inside a 200, wrapped
        (200, _wrapped_error("1113", "no balance"), QuotaExceededError, "1113"),
    ],
)
def test_lowcodeapi_errors_unwrapped(
    status: int, body: dict[str, Any], cls: type[Exception], code: str
) -> None:
    server = Recorder(status, body)
    with pytest.raises(cls) as info:
        server.client("lowcodeapi", max_retries=0).chat(CHAT)
    assert getattr(info.value, "code", None) == code
    assert KEY not in str(info.value)


SSE_HEADERS = {"content-type": "text/event-stream"}


def _sse(*events: Any) -> bytes:
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"


CHUNKS = [
    {"id": "1", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]},
    {
        "id": "1",
        "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    },
]


def test_lowcodeapi_wrapped_stream_events_are_unwrapped() -> None:
    server = Recorder(body=_sse(*({"data": c} for c in CHUNKS)), headers=SSE_HEADERS)
    with server.client("lowcodeapi").stream_chat(CHAT) as stream:
        chunks = list(stream)
    assert chunks == CHUNKS
    assert stream.accumulator.content == "Hello"
    assert stream.accumulator.usage == {
        "prompt_tokens": 3,
        "completion_tokens": 2,
        "total_tokens": 5,
    }


def test_lowcodeapi_wrapped_error_event_raises() -> None:
    event = {"data": {"error": {"code": "1301", "message": "unsafe"}}}
    server = Recorder(body=_sse(event), headers=SSE_HEADERS)
    with pytest.raises(Exception) as info, server.client("lowcodeapi").stream_chat(CHAT) as s:
        list(s)
    assert type(info.value).__name__ == "ContentFilterError"


@pytest.mark.parametrize("preset", ["lowcodeapi", "international"])
async def test_whole_answer_to_a_stream_request_is_one_chunk(preset: str) -> None:
    """A gateway that buffers answers a stream request with JSON: it becomes one chunk."""
    server = Recorder(body={"data": ANSWER} if preset == "lowcodeapi" else ANSWER)
    async with server.client(preset).astream_chat(CHAT) as stream:
        chunks = [c async for c in stream]
    assert len(chunks) == 1
    assert chunks[0]["object"] == "chat.completion.chunk"
    assert chunks[0]["choices"][0]["delta"]["content"] == "Hi"
    assert stream.accumulator.content == "Hi"
    assert stream.accumulator.finish_reason == "stop"
    assert stream.accumulator.usage == ANSWER["usage"]


# ----------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("preset", "env"),
    [
        ("lowcodeapi", "LOWCODEAPI_API_KEY"),
        ("lowcodeapi-coding", "LOWCODEAPI_API_KEY"),
        ("powertokens", "POWERTOKENS_API_KEY"),
        ("xpay", "XPAY_API_KEY"),
    ],
)
def test_gateways_read_their_own_key_never_zai(
    preset: str, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "zai-key-must-stay-home")
    monkeypatch.delenv(env, raising=False)
    with pytest.raises(MissingAPIKeyError, match=env):
        create_client(base_url=preset)
    monkeypatch.setenv(env, "gateway-key")
    assert create_client(base_url=preset).config.api_key == "gateway-key"
    # an explicit api_key always wins
    assert create_client(base_url=preset, api_key="explicit").config.api_key == "explicit"


@pytest.mark.parametrize("preset", ["international", "mainland-coding"])
def test_zai_surfaces_read_zai_key(preset: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "zai-key")
    assert create_client(base_url=preset).config.api_key == "zai-key"
    monkeypatch.delenv("ZAI_API_KEY")
    monkeypatch.setenv("ZHIPUAI_API_KEY", "zhipu-key")
    assert create_client(base_url=preset).config.api_key == "zhipu-key"


def test_preset_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_BASE_URL", "powertokens")
    monkeypatch.setenv("POWERTOKENS_API_KEY", "pt-key")
    client = create_client()
    assert client.config.surface.name == "powertokens"
    assert client.config.api_key == "pt-key"


# ----------------------------------------------------------------------------- resolution


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("international", "international"),
        ("coding", "international-coding"),
        ("bigmodel", "mainland"),
        ("https://api.z.ai/api/coding/paas/v4/", "international-coding"),
        ("https://open.bigmodel.cn/api/coding/paas/v4", "mainland-coding"),
        ("https://api.lowcodeapi.com/zai", "lowcodeapi"),
        ("https://api.lowcodeapi.com/zai/api/coding/paas/v4", "lowcodeapi-coding"),
        ("https://api.powertokens.ai", "powertokens"),
        ("https://api.powertokens.ai/v1", "powertokens"),
        ("https://zai.mcp.xpay.sh/mcp", "xpay"),
        ("xpay", "xpay"),
        ("https://my-proxy.example/v4", "custom"),
    ],
)
def test_resolve_surface(value: str, name: str) -> None:
    assert resolve_surface(value).name == name


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://api.lowcodeapi.com/zai?api_token=abc", "credential .the query parameter"),
        ("https://zai.mcp.xpay.sh/mcp?key=abc", "credential .the query parameter"),
        ("https://mcp.xpay.sh/mcp", "use base_url='xpay'"),
        ("lowcode", "neither an http"),
    ],
)
def test_resolve_surface_refuses(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        resolve_surface(value)
    assert "abc" not in str(info.value)


def test_create_client_picks_the_client_by_transport() -> None:
    assert type(create_client(base_url="lowcodeapi", api_key=KEY)) is ZaiClient
    assert type(create_client(base_url="powertokens", api_key=KEY)) is ZaiClient
    assert type(create_client(base_url="xpay", api_key=KEY)) is XpayClient


def test_zai_client_refuses_the_mcp_surface() -> None:
    with pytest.raises(ValueError, match="create_client"):
        ZaiClient(base_url="xpay", api_key=KEY)


# ----------------------------------------------------------------------------- secrecy


@pytest.mark.parametrize("preset", ["lowcodeapi", "powertokens"])
def test_gateway_key_never_logged_nor_in_errors(
    preset: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = Recorder(500, {"error": {"message": "boom"}})
    client = server.client(preset, max_retries=0)
    with caplog.at_level(logging.DEBUG), pytest.raises(Exception) as info:
        client.chat(CHAT)
    assert server.requests  # the request did go out, carrying the key
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in logged
    assert KEY not in logged
    assert KEY not in str(info.value) and KEY not in repr(client)


def test_echoed_token_redacted_from_errors() -> None:
    """A gateway that echoes the request URL in its error body must not leak the token."""
    echoed = f"https://api.lowcodeapi.com/zai/api/paas/v4/chat/completions?api_token={KEY}"
    server = Recorder(400, {"data": {"error": {"message": f"Bad request: {echoed}"}}})
    with pytest.raises(Exception) as info:
        server.client("lowcodeapi", max_retries=0).chat(CHAT)
    assert "Bad request" in str(info.value)
    assert KEY not in str(info.value)
    assert KEY not in json.dumps(getattr(info.value, "body", None))


def test_connection_error_hides_query_token() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}")

    client = ZaiClient(
        api_key=KEY,
        base_url="lowcodeapi",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
    )
    with pytest.raises(Exception) as info:
        client.chat(CHAT)
    assert type(info.value).__name__ == "APIConnectionError"
    assert KEY not in str(info.value)
